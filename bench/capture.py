"""Digitisation benchmark: pages per minute through `hoso ingest` without and with OCR, bare tesseract on the
same pages, their ratio, OCR quality, and peak memory while a 500-page dossier goes through.

    .venv/bin/python bench/capture.py            # 40 pages for throughput, a 500-page dossier for memory
    .venv/bin/python bench/capture.py --smoke    # 4 pages, an 8-page dossier: about a minute
    .venv/bin/python bench/capture.py --photos 6                 # … and the photo run, 6 phone photos
    .venv/bin/python bench/capture.py --photos 2 --only-photos   # the photo run alone

The photo run (`--photos N`, pages photographed rather than scanned) is bench/photos.py's: flattening time per
12-megapixel photo on one core (target ≤ 1 s) and pages per minute for photos end to end (`hoso ingest --photos`),
with the OCR error rate against bare tesseract on the same photos.

Pages are generated A4 scans at 300 dpi (12 pt Vietnamese serif text, 1–3° skew, light speckle, faded ink,
JPEG quality 70), distinct bytes for every page. Everything runs as separate `hoso` processes on a fresh
SQLite database under --workdir (or the PostgreSQL server of --database-url, in a fresh database), with
`--jobs` = the number of cores, as an operator would run it. The bare baseline is `tesseract PAGE out -l vie`
with OMP_THREAD_LIMIT=1, one process per core, on the very same files. Wall-clock ratios suffer when other
programs share the machine, so CPU seconds (the processes' own and their children's) are reported as well.
"""

import argparse
import concurrent.futures
import importlib.util
import json
import os
import platform
import resource
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from hoso.imaging.quality import cer  # noqa: E402
from hoso.imaging.specimen import encode, scanned_page  # noqa: E402

TARGET_RATIO = 1.15
TARGET_PEAK_MB = 1024
SETUP = """
from hoso.access.services import system_user
from hoso.records import services
actor = system_user()
for number, name in {numbers!r}:
    person = services.create_person(actor=actor, full_name=name)
    services.register_dossier(actor=actor, number=number, category_code="LS", subject=person)
"""


def cpu_children() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def machine() -> str:
    model = ""
    try:
        model = next(line.split(":", 1)[1].strip() for line in open("/proc/cpuinfo") if line.startswith("model name"))
    except (OSError, StopIteration):
        pass
    tesseract = subprocess.run(["tesseract", "--version"], capture_output=True, text=True).stdout.split("\n")[0]
    import ocrmypdf

    load = os.getloadavg()[0]
    return (f"nproc {os.cpu_count()}, {model or platform.machine()}, {tesseract}, OCRmyPDF {ocrmypdf.__version__}, "
            f"Python {platform.python_version()}, load average at start {load:.2f}")


# ------------------------------------------------------------------------------------------- the pages
def _make_base(seed: int) -> tuple[bytes, str, object]:
    specimen = scanned_page(seed=seed, sentences=20)
    return encode(specimen.image, "jpeg", quality=70), specimen.text, specimen.image


def generate(folder: Path, count: int, *, seed: int, distinct_bases: int) -> list[tuple[Path, str]]:
    """`count` page files; at most `distinct_bases` different texts, every file different (a unique mark)."""
    folder.mkdir(parents=True, exist_ok=True)
    bases = min(count, distinct_bases)
    with concurrent.futures.ProcessPoolExecutor(os.cpu_count()) as pool:
        made = list(pool.map(_make_base, range(seed, seed + bases)))
    pages = []
    for i in range(count):
        data, text, image = made[i % bases]
        if i >= bases:  # same text, different bytes: a few dark pixels in the margin encode the page number
            image = image.copy()
            for bit in range(16):
                if (i >> bit) & 1:
                    image.paste(0, (40 + bit * 6, 40, 44 + bit * 6, 44))
            data = encode(image, "jpeg", quality=70)
        path = folder / f"trang {i + 1:04d}.jpg"
        path.write_bytes(data)
        pages.append((path, text))
    return pages


# ------------------------------------------------------------------------------------------- running hoso
class Hoso:
    def __init__(self, workdir: Path, database_url: str | None) -> None:
        self.data = workdir / "data"
        self.env = {**os.environ, "HOSO_DATA_DIR": str(self.data), "HOSO_BLOB_BACKEND": "local",
                    "HOSO_BLOB_DIR": str(self.data / "blobs"), "HOSO_LOG_LEVEL": "ERROR",
                    "DJANGO_SETTINGS_MODULE": "hoso.settings"}
        self.env.pop("DATABASE_URL", None)
        self.database = None
        self.server = database_url
        if database_url:
            import psycopg

            self.database = f"hoso_bench_capture_{uuid.uuid4().hex[:8]}"
            with psycopg.connect(_with_db(database_url, "postgres"), autocommit=True) as admin:
                admin.execute(f'CREATE DATABASE "{self.database}"')
            self.env["DATABASE_URL"] = _with_db(database_url, self.database)

    def run(self, *args: str, sample_memory: bool = False) -> tuple[subprocess.CompletedProcess, float, float, float]:
        """(result, wall seconds, CPU seconds of the whole process tree, peak RSS of the tree in MB)."""
        cpu0, started = cpu_children(), time.monotonic()
        proc = subprocess.Popen([sys.executable, "-m", "hoso", *args], env=self.env, stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, text=True)
        sampler = TreeMemory(proc.pid) if sample_memory else None
        out, err = proc.communicate()
        wall = time.monotonic() - started
        if sampler:
            sampler.stop()
        if proc.returncode:
            raise RuntimeError(f"hoso {' '.join(args)} failed:\n{err[-3000:]}")
        return (subprocess.CompletedProcess(proc.args, proc.returncode, out, err), wall, cpu_children() - cpu0,
                sampler.peak_mb if sampler else 0.0)

    def close(self) -> None:
        if self.database:
            import psycopg

            with psycopg.connect(_with_db(self.server, "postgres"), autocommit=True) as admin:
                admin.execute(f'DROP DATABASE IF EXISTS "{self.database}" WITH (FORCE)')


def _with_db(url: str, name: str) -> str:
    return urlunsplit(urlsplit(url)._replace(path=f"/{name}"))


class TreeMemory:
    """Samples the summed resident memory of a process and all its descendants (workers, tesseract)."""

    def __init__(self, pid: int) -> None:
        self.pid, self.peak_mb, self._stop = pid, 0.0, threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    def _tree(self) -> list[int]:
        parents: dict[int, int] = {}
        for entry in os.listdir("/proc"):
            if entry.isdigit():
                try:
                    with open(f"/proc/{entry}/stat") as fh:
                        parents[int(entry)] = int(fh.read().rsplit(")", 1)[1].split()[1])
                except (OSError, IndexError, ValueError):
                    continue
        tree, frontier = [self.pid], [self.pid]
        while frontier:
            frontier = [pid for pid, parent in parents.items() if parent in frontier]
            tree += frontier
        return tree

    def _run(self) -> None:
        while not self._stop.is_set():
            total = 0
            for pid in self._tree():
                try:
                    with open(f"/proc/{pid}/status") as fh:
                        total += next(int(line.split()[1]) for line in fh if line.startswith("VmRSS:"))
                except (OSError, StopIteration):
                    continue
            self.peak_mb = max(self.peak_mb, total / 1024)
            self._stop.wait(0.1)

    def stop(self) -> None:
        self._stop.set()
        self.thread.join()


def bare_tesseract(pages: list[tuple[Path, str]], out: Path) -> tuple[float, float, float]:
    """(wall seconds, CPU seconds, mean CER) of `tesseract PAGE out -l vie`, one single-threaded process per core."""
    env = {**os.environ, "OMP_THREAD_LIMIT": "1"}
    out.mkdir(parents=True, exist_ok=True)

    def one(item: tuple[int, tuple[Path, str]]) -> float:
        index, (path, truth) = item
        base = out / f"{index}"
        subprocess.run(["tesseract", str(path), str(base), "-l", "vie"], env=env, capture_output=True, check=True)
        return cer(truth, (base.with_suffix(".txt")).read_text(encoding="utf-8"))

    cpu0, started = cpu_children(), time.monotonic()
    with concurrent.futures.ThreadPoolExecutor(os.cpu_count()) as pool:
        errors = list(pool.map(one, enumerate(pages)))
    return time.monotonic() - started, cpu_children() - cpu0, sum(errors) / len(errors)


# ------------------------------------------------------------------------------------------- the benchmark
def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--smoke", action="store_true", help="small sizes: under a minute")
    parser.add_argument("--pages", type=int, default=40, help="pages for the throughput runs")
    parser.add_argument("--dossier-pages", type=int, default=500, help="pages of the one big dossier (memory)")
    parser.add_argument("--workdir", type=Path, default=None, help="where data goes (default: a temporary folder)")
    parser.add_argument("--database-url", default=None, help="PostgreSQL server to use instead of SQLite")
    parser.add_argument("--keep", action="store_true", help="keep the work folder")
    parser.add_argument("--photos", type=int, default=0, metavar="N",
                        help="also the photo run on N phone photos of 12 MP (bench/photos.py)")
    parser.add_argument("--only-photos", action="store_true", help="the photo run alone (with --photos N)")
    args = parser.parse_args()
    if args.smoke:
        args.pages, args.dossier_pages = 4, 8
    if args.only_photos and not args.photos:
        parser.error("--only-photos needs --photos N")
    if args.only_photos:
        print(f"# hoso capture benchmark, photo run — {machine()}", flush=True)
        _table(photo_run(args.photos))
        return
    jobs = os.cpu_count() or 1
    workdir = args.workdir or Path(tempfile.mkdtemp(prefix="hoso-bench-capture-"))
    workdir.mkdir(parents=True, exist_ok=True)
    print(f"# hoso capture benchmark — {machine()}", flush=True)
    hoso = Hoso(workdir, args.database_url)
    try:
        rows = run(args, hoso, workdir, jobs)
    finally:
        hoso.close()
        if not args.keep and args.workdir is None:
            shutil.rmtree(workdir, ignore_errors=True)
    if args.photos:
        print("  … the photo run", flush=True)
        rows += photo_run(args.photos)
    _table(rows)


def _table(rows: list[tuple[str, str, str]]) -> None:
    print()
    print("| measure | value | target |")
    print("|---|---|---|")
    for row in rows:
        print("| " + " | ".join(row) + " |")


def photo_run(count: int) -> list[tuple[str, str, str]]:
    """The photo run of bench/photos.py (one piece of code for both scripts), loaded when asked for: it needs OpenCV
    and uses this script's harness in turn."""
    spec = importlib.util.spec_from_file_location("bench_photos", ROOT / "bench" / "photos.py")
    photos = importlib.util.module_from_spec(spec)
    sys.modules["bench_photos"] = photos  # its worker processes find its functions by this name
    spec.loader.exec_module(photos)
    return photos.photo_run(count)


def run(args, hoso: Hoso, workdir: Path, jobs: int) -> list[tuple[str, str, str]]:
    say = lambda text: print(f"  … {text}", flush=True)  # noqa: E731
    say(f"generating {args.pages} + {args.pages} + {args.dossier_pages} pages")
    sample = generate(workdir / "ocr" / "QTI-LS-00001-CM", args.pages, seed=1000, distinct_bases=args.pages)
    generate(workdir / "plain" / "QTI-LS-00002-CM", args.pages, seed=2000, distinct_bases=args.pages)
    # The big dossier repeats the sample's pages (each made distinct by a mark): bare tesseract's time on the
    # sample is its time on these pages too.
    generate(workdir / "big" / "QTI-LS-00003-CM", args.dossier_pages, seed=1000, distinct_bases=args.pages)
    say("database")
    hoso.run("migrate", "--verbosity", "0")
    numbers = [(f"QTI/LS-0000{i}/CM", f"Liệt sĩ số {i}") for i in (1, 2, 3)]
    hoso.run("shell", "-c", SETUP.format(numbers=numbers))

    say("bare tesseract (before)")
    bare1 = bare_tesseract(sample, workdir / "bare1")
    say("hoso ingest --no-ocr")
    _, plain_wall, plain_cpu, _ = hoso.run("ingest", str(workdir / "plain"), "--no-ocr", "--json", "--jobs", str(jobs))
    say("hoso ingest (OCR)")
    result, ocr_wall, ocr_cpu, _ = hoso.run("ingest", str(workdir / "ocr"), "--json", "--jobs", str(jobs))
    report = json.loads(result.stdout)
    assert report["done"] == args.pages, report["counts"]
    say("bare tesseract (after)")
    bare2 = bare_tesseract(sample, workdir / "bare2") if not args.smoke else bare1
    shown = json.loads(hoso.run("show", "QTI/LS-00001/CM", "--json")[0].stdout)
    texts = {p["sequence"]: p["ocr_text"] for p in shown["pages"]}
    pipeline_cer = sum(cer(truth, texts[i + 1]) for i, (_, truth) in enumerate(sample)) / len(sample)
    say(f"a {args.dossier_pages}-page dossier (OCR), sampling memory")
    result, big_wall, big_cpu, peak = hoso.run("ingest", str(workdir / "big"), "--json", "--jobs", str(jobs),
                                               sample_memory=True)
    assert json.loads(result.stdout)["done"] == args.dossier_pages
    say("bare tesseract (after the dossier)")
    bare3 = bare_tesseract(sample, workdir / "bare3") if not args.smoke else bare2

    n, big_n = args.pages, args.dossier_pages
    bare_wall, bare_cpu = (bare1[0] + bare2[0]) / 2, (bare1[1] + bare2[1]) / 2
    per_page, bare_per_page = ocr_wall / n, bare_wall / n
    ratio_wall, ratio_cpu = per_page / bare_per_page, (ocr_cpu / n) / (bare_cpu / n)
    # The dossier's wall-clock ratio is taken against the bare runs just before and after it (the machine's
    # load from other programs changes over a long run).
    big_bare_wall, big_bare_cpu = (bare2[0] + bare3[0]) / 2 / n, (bare2[1] + bare3[1]) / 2 / n
    big_ratio_wall, big_ratio_cpu = (big_wall / big_n) / big_bare_wall, (big_cpu / big_n) / big_bare_cpu

    def ok(value: float, target: float) -> str:
        if args.smoke:  # a few pages: start-up costs (Python, Django, imports: ~1.5 s a process) dominate
            return f"≤ {target:g} (not judged at smoke size)"
        return f"≤ {target:g} {'✓' if value <= target else '✗'}"

    return [
        ("pages", f"{n} A4 at 300 dpi per run ({jobs} worker processes)", ""),
        ("hoso ingest --no-ocr", f"{60 * n / plain_wall:.1f} pages/min ({plain_wall / n:.2f} s/page, "
                                 f"CPU {plain_cpu / n:.2f} s/page)", ""),
        ("hoso ingest (OCR, PDF/A, thumbnails)", f"{60 * n / ocr_wall:.1f} pages/min ({per_page:.2f} s/page, "
                                                 f"CPU {ocr_cpu / n:.2f} s/page)", ""),
        ("bare `tesseract -l vie`, one per core", f"{60 * n / bare_wall:.1f} pages/min ({bare_per_page:.2f} s/page, "
                                                  f"CPU {bare_cpu / n:.2f} s/page; runs before, between, after: "
                                                  f"{bare1[0] / n:.2f}, {bare2[0] / n:.2f}, {bare3[0] / n:.2f} s/page)",
         ""),
        ("ratio pipeline / bare tesseract, wall clock", f"{ratio_wall:.2f}", ok(ratio_wall, TARGET_RATIO)),
        ("ratio pipeline / bare tesseract, CPU seconds", f"{ratio_cpu:.2f}", ok(ratio_cpu, TARGET_RATIO)),
        ("character error rate: pipeline / bare tesseract",
         f"{100 * pipeline_cer:.2f} % / {100 * (bare1[2] + bare2[2]) / 2:.2f} %", ""),
        (f"{big_n}-page dossier: hoso ingest (OCR)",
         f"{60 * big_n / big_wall:.1f} pages/min ({big_wall / big_n:.2f} s/page, CPU {big_cpu / big_n:.2f} s/page)",
         ""),
        (f"{big_n}-page dossier: ratio to bare tesseract, wall / CPU",
         f"{big_ratio_wall:.2f} / {big_ratio_cpu:.2f}", ok(max(big_ratio_wall, big_ratio_cpu), TARGET_RATIO)),
        (f"{big_n}-page dossier: peak memory, all processes", f"{peak:.0f} MB", ok(peak, TARGET_PEAK_MB) + " MB"),
    ]


if __name__ == "__main__":
    main()
