"""Backup benchmark: full backup of 10,000 pages, an incremental after 100 new pages, `backup --verify`,
restore into an empty install, and a fixity run (MB/s); wall time and peak memory of each command.

    .venv/bin/python bench/backup.py                 # 10,000 pages (~3 GB of masters), 500 dossiers
    .venv/bin/python bench/backup.py --smoke         # 200 pages: about a minute

Pages are synthetic A4 scans (225 dpi, JPEG quality 60, about 320 KB, every file different: a JPEG comment
carries the page number) registered as pages through capture.services.receive_file without processing
(no OCR, so no access copies or thumbnails: the store holds the masters only). Everything runs as separate
`hoso` processes on a fresh SQLite database under --workdir (or a fresh database on the PostgreSQL server of
--database-url). Peak memory is the maximum resident set of each command's process (os.wait4). The files were
written moments before, so reads may come from the page cache: MB/s is an upper bound for cold disks.
"""

import argparse
import json
import os
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

from hoso.imaging.specimen import encode, scanned_page  # noqa: E402

PAGES_PER_DOSSIER = 20
BASES = 8
SETUP = """
from hoso.access.services import system_user
from hoso.records import services
actor = system_user()
for i in range({dossiers}):
    person = services.create_person(actor=actor, full_name=f"Nguyễn Văn Thử {{i}}")
    services.register_dossier(actor=actor, number=f"QTI/LS-{{i + 1:05d}}/CM", category_code="LS", subject=person)
"""
LOAD = """
import os, struct, tempfile
from pathlib import Path
from hoso.access.services import system_user
from hoso.capture import services as capture
from hoso.records.models import Dossier
actor = system_user()
bases = [Path(p).read_bytes() for p in {bases!r}]
batch = capture.start_batch(actor=actor, name="bench {first}", run_ocr=False)
folder = Path(tempfile.mkdtemp())
dossiers = {{}}
for n in range({first}, {last}):
    number = f"QTI/LS-{{n // {per} + 1:05d}}/CM"
    dossier = dossiers.get(number) or dossiers.setdefault(number, Dossier.objects.get(number=number))
    base = bases[n % len(bases)]
    mark = f"trang {{n}}".encode()
    data = base[:2] + b"\\xff\\xfe" + struct.pack(">H", len(mark) + 2) + mark + base[2:]  # a JPEG comment
    path = folder / f"p{{n}}.jpg"
    path.write_bytes(data)
    capture.receive_file(actor=actor, batch=batch, dossier=dossier, path=path, name=path.name)
    path.unlink()
"""


def _with_db(url: str, name: str) -> str:
    return urlunsplit(urlsplit(url)._replace(path=f"/{name}"))


class Install:
    def __init__(self, data: Path, server: str | None) -> None:
        self.data, self.server, self.database = data, server, None
        self.env = {**os.environ, "HOSO_DATA_DIR": str(data), "HOSO_BLOB_BACKEND": "local",
                    "HOSO_BLOB_DIR": str(data / "blobs"), "HOSO_LOG_LEVEL": "ERROR",
                    "DJANGO_SETTINGS_MODULE": "hoso.settings"}
        self.env.pop("DATABASE_URL", None)
        if server:
            import psycopg

            self.database = f"hoso_bench_backup_{uuid.uuid4().hex[:8]}"
            with psycopg.connect(_with_db(server, "postgres"), autocommit=True) as admin:
                admin.execute(f'CREATE DATABASE "{self.database}"')
            self.env["DATABASE_URL"] = _with_db(server, self.database)

    def run(self, *args: str) -> tuple[str, float, float]:
        started = time.monotonic()
        proc = subprocess.Popen([sys.executable, "-m", "hoso", *args], env=self.env, stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE)
        with tempfile.TemporaryFile() as out_file, tempfile.TemporaryFile() as err_file:
            # Threads drain the pipes into files while os.wait4 reaps the child and gives its peak memory.
            def pump(src, dst):
                shutil.copyfileobj(src, dst)

            threads = [threading.Thread(target=pump, args=(proc.stdout, out_file)),
                       threading.Thread(target=pump, args=(proc.stderr, err_file))]
            for t in threads:
                t.start()
            _, status, usage = os.wait4(proc.pid, 0)
            for t in threads:
                t.join()
            proc.returncode = os.waitstatus_to_exitcode(status)
            wall = time.monotonic() - started
            out_file.seek(0)
            err_file.seek(0)
            out, err = out_file.read().decode(), err_file.read().decode()
        if proc.returncode:
            raise RuntimeError(f"hoso {' '.join(args)} failed ({proc.returncode}):\n{err[-3000:]}")
        return out, wall, usage.ru_maxrss / 1024

    def load(self, bases: list[Path], first: int, last: int, jobs: int) -> float:
        """Register pages first..last-1 in `jobs` parallel processes; wall seconds."""
        started = time.monotonic()
        step = -(-(last - first) // jobs)
        procs = []
        for start in range(first, last, step):
            script = LOAD.format(bases=[str(b) for b in bases], first=start, last=min(last, start + step),
                                 per=PAGES_PER_DOSSIER)
            procs.append(subprocess.Popen([sys.executable, "-m", "hoso", "shell", "-c", script], env=self.env,
                                          stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True))
        for proc in procs:
            _, err = proc.communicate()
            if proc.returncode:
                raise RuntimeError(f"loading pages failed:\n{err[-3000:]}")
        return time.monotonic() - started

    def close(self) -> None:
        if self.database:
            import psycopg

            with psycopg.connect(_with_db(self.server, "postgres"), autocommit=True) as admin:
                admin.execute(f'DROP DATABASE IF EXISTS "{self.database}" WITH (FORCE)')


def make_bases(folder: Path) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for seed in range(BASES):
        image = scanned_page(seed=seed, sentences=20).image.resize((1860, 2631))
        path = folder / f"base{seed}.jpg"
        path.write_bytes(encode(image, "jpeg", quality=60))
        paths.append(path)
    return paths


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--pages", type=int, default=10_000)
    parser.add_argument("--new-pages", type=int, default=100)
    parser.add_argument("--smoke", action="store_true", help="200 pages, 20 new")
    parser.add_argument("--workdir", type=Path, default=None)
    parser.add_argument("--database-url", default=None, help="a PostgreSQL server (a fresh database is made)")
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1, help="processes registering pages")
    args = parser.parse_args()
    if args.smoke:
        args.pages, args.new_pages = 200, 20
    workdir = args.workdir or Path(tempfile.mkdtemp(prefix="hoso-bench-backup-"))
    installs: list[Install] = []
    try:
        original = Install(workdir / "data", args.database_url)
        installs.append(original)
        original.run("migrate", "--verbosity", "0")
        dossiers = -(-(args.pages + args.new_pages) // PAGES_PER_DOSSIER)
        original.run("shell", "-c", SETUP.format(dossiers=dossiers))
        bases = make_bases(workdir / "bases")
        load_s = original.load(bases, 0, args.pages, args.jobs)
        rows = []
        backups = workdir / "backups"

        out, wall, peak = original.run("backup", "--to", str(backups / "a"), "--full", "--json")
        full = json.loads(out)["sets"][0]
        rows.append(("full backup, 1 destination", wall, full["blobs"], full["bytes"], peak))
        out, wall, peak = original.run("backup", "--to", str(backups / "a2"), "--to", str(backups / "b2"), "--full",
                                       "--json")
        rows.append(("full backup, 2 destinations", wall, 2 * full["blobs"], 2 * full["bytes"], peak))
        original.load(bases, args.pages, args.pages + args.new_pages, 1)
        out, wall, peak = original.run("backup", "--to", str(backups / "a"), "--json")
        inc = json.loads(out)["sets"][0]
        assert inc["kind"] == "incremental" and inc["blobs"] == args.new_pages, inc
        rows.append((f"incremental after {args.new_pages} new pages", wall, inc["blobs"], inc["bytes"], peak))
        _, wall, peak = original.run("backup", "--verify", str(backups / "a"), "--json")
        rows.append(("backup --verify (full + incremental)", wall, full["blobs"] + inc["blobs"],
                     full["bytes"] + inc["bytes"], peak))
        target = Install(workdir / "restored", args.database_url)
        installs.append(target)
        out, wall, peak = target.run("restore", str(backups / "a"), "--json")
        restored = json.loads(out)
        assert restored["ok"], restored["problems"]
        rows.append(("restore into an empty install", wall, restored["blobs"], restored["bytes"], peak))
        target.run("migrate", "--verbosity", "0")  # as after any restore (the code may be newer than the backup)
        out, wall, peak = target.run("verify", "--fixity", "--rate", "0", "--json")
        fixity = json.loads(out)["fixity"]
        assert fixity["ok"]
        rows.append(("verify --fixity (unlimited rate)", wall, fixity["checked"], fixity["bytes"], peak))
        out, wall, peak = target.run("verify", "--fixity", "--rate", "50", "--restart", "--json")
        fixity = json.loads(out)["fixity"]
        rows.append(("verify --fixity --rate 50", wall, fixity["checked"], fixity["bytes"], peak))

        db = "PostgreSQL" if args.database_url else "SQLite"
        print(f"\nBackup benchmark: {args.pages:,} pages in {dossiers} dossiers, {db}, nproc {os.cpu_count()}, "
              f"load average {os.getloadavg()[0]:.2f}; pages registered in {load_s:.0f} s "
              f"({args.pages / load_s:.0f}/s, {args.jobs} processes); database snapshot "
              f"{full['database_bytes'] / 1e6:.1f} MB")
        print(f"{'step':<40} {'seconds':>8} {'files':>7} {'MB':>9} {'MB/s':>8} {'peak RSS MB':>12}")
        for name, seconds, files, size, peak in rows:
            print(f"{name:<40} {seconds:>8.1f} {files:>7,} {size / 1e6:>9.1f} {size / 1e6 / seconds:>8.1f} "
                  f"{peak:>12.0f}")
    finally:
        for install in installs:
            install.close()
        if args.workdir is None:
            shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
