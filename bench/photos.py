"""Photographed pages (imaging.photo): flattening time per 12-megapixel phone photo on one core, and pages per
minute for photos end to end (`hoso ingest --photos`, OCR, PDF/A, thumbnails), with the OCR error rate against
bare tesseract on the same photos.

    .venv/bin/python bench/photos.py              # 6 photos
    .venv/bin/python bench/photos.py --photos 2   # quicker
    .venv/bin/python bench/capture.py --photos 6 --only-photos   # the same run, as bench/capture.py's photo run

Each photo is generated (imaging.specimen.photographed_page): 4032 × 3024 pixels (12 MP, held upright), an A4
page of 12 pt serif text in blue ink on yellowed paper, torn on two edges, tilted up to ±8° about each axis and
turned up to 3°, on a dark wooden or checked desk, covering 60–90 % of the frame, 40 % light fall-off, noise,
JPEG q 90. Flattening is timed in this process with OpenCV limited to one thread (decode timed apart); the end-to-
end run uses bench/capture.py's harness: a fresh SQLite database, `hoso ingest --photos --jobs <cores>`.
The target is ≤ 1 s of flattening per photo on one core.
"""

import argparse
import concurrent.futures
import importlib.util
import json
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

import cv2  # noqa: E402
from PIL import Image  # noqa: E402

from hoso.imaging.photo import flatten_photo  # noqa: E402
from hoso.imaging.quality import cer  # noqa: E402
from hoso.imaging.specimen import photographed_page  # noqa: E402

_spec = importlib.util.spec_from_file_location("bench_capture", ROOT / "bench" / "capture.py")
capture = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(capture)

FRAME = (3024, 4032)
TARGET_SECONDS = 1.0
LAYOUTS = [  # tilt, turn, desk, cover
    ((8.0, -8.0), 3.0, "wood", 0.8), ((-8.0, 6.0), -2.0, "check", 0.6), ((5.0, 8.0), 0.0, "check", 0.9),
    ((-6.0, -8.0), 3.0, "wood", 0.7), ((7.0, 4.0), -3.0, "check", 0.75), ((-4.0, -7.0), 1.0, "wood", 0.65),
]


def _make(args: tuple[int, Path]) -> tuple[Path, str, list]:
    index, folder = args
    tilt, turn, desk, cover = LAYOUTS[index % len(LAYOUTS)]
    specimen = photographed_page(seed=500 + index, frame=FRAME, tilt=tilt, turn=turn, desk=desk, cover=cover,
                                 sentences=12)
    path = folder / f"IMG_{index + 1:04d}.jpg"
    specimen.image.save(path, quality=90)
    return path, specimen.text, [list(c) for c in specimen.corners]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--photos", type=int, default=6)
    parser.add_argument("--no-ingest", action="store_true", help="only the flattening time")
    args = parser.parse_args()
    print(f"# hoso photo benchmark — {capture.machine()}", flush=True)
    rows = photo_run(args.photos, ingest=not args.no_ingest)
    print()
    print("| measure | value | target |")
    print("|---|---|---|")
    for row in rows:
        print("| " + " | ".join(row) + " |")


def photo_run(count: int, *, ingest: bool = True) -> list[tuple[str, str, str]]:
    """The photo run (bench/capture.py --photos calls it too): `count` generated 12 MP photos, the flattening time
    per photo on one core, and unless not `ingest`, pages per minute end to end; the rows of the table."""
    jobs = os.cpu_count() or 1
    workdir = Path(tempfile.mkdtemp(prefix="hoso-bench-photos-"))
    try:
        folder = workdir / "anh" / "QTI-LS-00001-CM"
        folder.mkdir(parents=True)
        with concurrent.futures.ProcessPoolExecutor(jobs) as pool:
            photos = list(pool.map(_make, [(i, folder) for i in range(count)]))
        rows = flattening(photos)
        if ingest:
            rows += end_to_end(photos, workdir, jobs)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    return rows


def flattening(photos) -> list[tuple[str, str, str]]:
    cv2.setNumThreads(1)  # one core
    decode, flat, errors = [], [], []
    for path, _, corners in photos:
        started = time.perf_counter()
        with Image.open(path) as image:
            image.load()
            rgb = image.convert("RGB")
        decode.append(time.perf_counter() - started)
        started = time.perf_counter()
        result = flatten_photo(rgb, dpi=72)
        flat.append(time.perf_counter() - started)
        truth = corners
        xs, ys = [x for x, _ in truth], [y for _, y in truth]
        size = max(max(xs) - min(xs), max(ys) - min(ys))
        errors.append(max(((fx - tx) ** 2 + (fy - ty) ** 2) ** 0.5 for (fx, fy), (tx, ty) in
                          zip(result.corners, truth, strict=True)) / size if result.found else float("inf"))
        print(f"  … {path.name}: {flat[-1]:.2f} s, corner error {errors[-1]:.2%}, {result.image.size} "
              f"@ {result.dpi:g} dpi", flush=True)
    worst = max(flat)
    return [
        ("photos", f"{len(photos)} of {FRAME[0]} × {FRAME[1]} px (12 MP), JPEG q90", ""),
        ("decode (Pillow), per photo", f"median {statistics.median(decode):.2f} s", ""),
        ("find + flatten + even the light, one core, per photo",
         f"median {statistics.median(flat):.2f} s, max {worst:.2f} s",
         f"≤ {TARGET_SECONDS:g} s {'✓' if worst <= TARGET_SECONDS else '✗'}"),
        ("corner error (share of the page size)", f"max {max(errors):.2%}", "≤ 1 %"),
    ]


def end_to_end(photos, workdir: Path, jobs: int) -> list[tuple[str, str, str]]:
    hoso = capture.Hoso(workdir, None)
    hoso.run("migrate", "--verbosity", "0")
    hoso.run("shell", "-c", capture.SETUP.format(numbers=[("QTI/LS-00001/CM", "Liệt sĩ số 1")]))
    result, wall, cpu, _ = hoso.run("ingest", str(workdir / "anh"), "--photos", "--json", "--jobs", str(jobs))
    report = json.loads(result.stdout)
    n = len(photos)
    assert report["done"] == n, report["counts"]
    shown = json.loads(hoso.run("show", "QTI/LS-00001/CM", "--json")[0].stdout)
    texts = {p["sequence"]: p["ocr_text"] for p in shown["pages"]}
    by_name = {p.name: i for i, (p, _, _) in enumerate(photos)}
    pipeline_cer = [cer(photos[by_name[f"IMG_{s:04d}.jpg"]][1], t) for s, t in texts.items()]
    bare_wall, bare_cpu, bare_cer = capture.bare_tesseract([(p, t) for p, t, _ in photos], workdir / "bare")
    return [
        (f"hoso ingest --photos (OCR, PDF/A, thumbnails), {jobs} workers",
         f"{60 * n / wall:.1f} pages/min ({wall / n:.2f} s/page, CPU {cpu / n:.2f} s/page)", ""),
        ("bare `tesseract -l vie` on the photos, one per core",
         f"{60 * n / bare_wall:.1f} pages/min ({bare_wall / n:.2f} s/page, CPU {bare_cpu / n:.2f} s/page)", ""),
        ("character error rate: hoso (flattened) / bare tesseract",
         f"{100 * statistics.mean(pipeline_cer):.2f} % (max {100 * max(pipeline_cer):.2f} %) / "
         f"{100 * bare_cer:.2f} %", "≤ 1 %"),
    ]


if __name__ == "__main__":
    main()
