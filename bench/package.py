"""Transfer package benchmark: a 200-page dossier digitised through the real pipeline, exported with
`hoso export_package`, imported with `hoso import_package` into a second install; package size, times, peak
memory, and a check that the round trip is exact.

    .venv/bin/python bench/package.py                 # 200 pages, OCR off (fast: PDF/A + thumbnails only)
    .venv/bin/python bench/package.py --ocr           # the same with OCR (about 0.6 s of CPU per page)
    .venv/bin/python bench/package.py --smoke         # 10 pages

Pages are generated A4 scans at 300 dpi (Vietnamese text, skew, speckle, faded ink, JPEG quality 70), each with
its own page number stamped so every master differs. Both installs are fresh SQLite databases and blob stores
under --workdir, driven as separate `hoso` processes (`hoso ingest --jobs N`, then export, then import).
Peak memory is the maximum resident set of the export or import process (ru_maxrss of that child alone).
"""

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from hoso.imaging.specimen import encode, scanned_page  # noqa: E402

NUMBER = "QTI/LS-09999/CM"
SETUP = """
from hoso.access.services import system_user
from hoso.records import services
from hoso.vntext import PartialDate
actor = system_user()
person = services.create_person(actor=actor, full_name="Nguyễn Văn Bền", birth_date=PartialDate(1948))
dossier = services.register_dossier(actor=actor, number={number!r}, category_code="LS", subject=person)
for seq in range(1, 11):
    services.add_document(actor=actor, dossier=dossier, sequence=seq, doc_type="Văn bản", number=str(seq))
"""
MEASURE = ("import resource, subprocess, sys; p = subprocess.run(sys.argv[1:]); "
           "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, file=sys.stderr); sys.exit(p.returncode)")


class Install:
    def __init__(self, root: Path) -> None:
        self.root = root
        self.env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "HOSO_BLOB_DIR"}}
        self.env.update(HOSO_DATA_DIR=str(root), HOSO_BLOB_BACKEND="local", DJANGO_SETTINGS_MODULE="hoso.settings")

    def run(self, *args: str) -> tuple[subprocess.CompletedProcess, float, float]:
        """(process, wall seconds, peak resident MB of that process)."""
        started = time.perf_counter()
        proc = subprocess.run([sys.executable, "-c", MEASURE, sys.executable, "-m", "hoso", *args], env=self.env,
                              capture_output=True, text=True)
        seconds = time.perf_counter() - started
        if proc.returncode != 0:
            raise SystemExit(f"hoso {' '.join(args)} failed:\n{proc.stderr}")
        peak_kb = int(proc.stderr.strip().splitlines()[-1])
        return proc, seconds, peak_kb / 1024

    def python(self, code: str) -> None:
        subprocess.run([sys.executable, "-c", f"import django; django.setup()\n{code}"], env=self.env, check=True)


def generate(folder: Path, count: int, seed: int = 500) -> int:
    from PIL import ImageDraw

    folder.mkdir(parents=True, exist_ok=True)
    bases = [scanned_page(seed=seed + i, sentences=18) for i in range(min(count, 8))]
    total = 0
    for i in range(count):
        image = bases[i % len(bases)].image.copy()
        ImageDraw.Draw(image).text((image.width - 400, image.height - 150), f"Trang {i + 1}", fill=0)
        data = encode(image, "jpeg", quality=70)
        (folder / f"{i + 1:04d}.jpg").write_bytes(data)
        total += len(data)
    return total


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--pages", type=int, default=200)
    parser.add_argument("--ocr", action="store_true", help="run OCR on the pages (default: off, to keep it quick)")
    parser.add_argument("--smoke", action="store_true", help="10 pages")
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--workdir", type=Path, default=None)
    parser.add_argument("--keep", action="store_true", help="keep the work folder")
    args = parser.parse_args()
    pages = 10 if args.smoke else args.pages
    workdir = args.workdir or Path(tempfile.mkdtemp(prefix="hoso-bench-package-"))
    workdir.mkdir(parents=True, exist_ok=True)
    first, second = Install(workdir / "first"), Install(workdir / "second")
    try:
        print(f"# Transfer package benchmark: {pages} pages, OCR {'on' if args.ocr else 'off'}, "
              f"{os.cpu_count()} cores, load average {os.getloadavg()[0]:.2f}")
        for install in (first, second):
            install.run("migrate", "--no-input")
        first.python(SETUP.format(number=NUMBER))
        scans = workdir / "scans" / NUMBER.replace("/", "-")
        t0 = time.perf_counter()
        masters = generate(scans, pages)
        generated = time.perf_counter() - t0
        ingest_args = ["ingest", str(workdir / "scans"), "--jobs", str(args.jobs), "--json"]
        _, ingest_s, _ = first.run(*ingest_args, *([] if args.ocr else ["--no-ocr"]))
        out = workdir / "goi.zip"
        proc, export_s, export_mb = first.run("export_package", NUMBER, "--out", str(out), "--json")
        exported = json.loads(proc.stdout)
        proc, import_s, import_mb = second.run("import_package", str(out), "--json")
        imported = json.loads(proc.stdout)
        _, again_s, _ = second.run("import_package", str(out), "--json")
        here = json.loads(first.run("show", NUMBER, "--json")[0].stdout)
        there = json.loads(second.run("show", NUMBER, "--json")[0].stdout)
        exact = here == there and imported["status"] == "imported"
        done = sum(1 for p in there["pages"] if p["state"] == "done")
        rows = [
            ("pages (processed)", f"{pages} ({done})"),
            ("masters, total", f"{masters / 1e6:.1f} MB ({masters / pages / 1e3:.0f} kB per page)"),
            ("generate pages", f"{generated:.1f} s"),
            (f"ingest + process (--jobs {args.jobs}, OCR {'on' if args.ocr else 'off'})", f"{ingest_s:.1f} s"),
            ("package size (.zip)", f"{exported['size'] / 1e6:.1f} MB, {exported['files']} payload files "
                                    f"({exported['size'] / masters:.2f} × the masters)"),
            ("export_package", f"{export_s:.1f} s wall (inside: {exported['seconds']:.1f} s), peak {export_mb:.0f} MB"),
            ("import_package (fresh install)", f"{import_s:.1f} s wall (inside: {imported['seconds']:.1f} s), "
                                               f"peak {import_mb:.0f} MB"),
            ("import_package again (no change)", f"{again_s:.1f} s"),
            ("round trip exact (show --json equal)", "yes" if exact else "NO"),
        ]
        width = max(len(k) for k, _ in rows)
        print(f"| {'measure'.ljust(width)} | value |\n|{'-' * (width + 2)}|-------|")
        for key, value in rows:
            print(f"| {key.ljust(width)} | {value} |")
        if not exact:
            raise SystemExit("round trip differs")
    finally:
        if not args.keep and args.workdir is None:
            shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
