"""Search benchmark: index build, index size, peak memory, query latency in-process and over HTTP, the bare
FTS/tsquery underneath, and search quality, for each province size and database backend.

    .venv/bin/python bench/search.py --people 120000 [--people 1200000] [--backend sqlite|postgres|both]
    .venv/bin/python bench/search.py --smoke        # 3,000 people, 100 queries, SQLite: under a minute

Each size x backend runs in its own worker process (Django reads its settings at import time) with its own
data: a fresh HOSO_DATA_DIR under --workdir for SQLite, a fresh database hoso_bench_<people> for PostgreSQL.
The worker loads data with `hoso demo --no-serve` (which indexes as it registers), rebuilds the index with
services.reindex() in a child process (time, peak RSS), then measures queries and prints one JSON line.
"""

import argparse
import http.client
import json
import math
import os
import re
import secrets
import shutil
import socket
import subprocess
import sys
import time
from contextlib import contextmanager
from http.cookies import SimpleCookie
from inspect import signature
from pathlib import Path
from urllib.parse import unquote, urlencode

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
PG = ["-h", "127.0.0.1", "-p", "5432", "-U", "postgres"]
TARGETS = {"p95": 50, "http_p95": 150, "reindex_s": 600, "peak_mb": 1536}  # at 1.2 M people on SQLite
HOURS = 3600


# ---------------------------------------------------------------------------------------------- helpers
def pct(values: list[float], p: float) -> float:
    """Nearest-rank percentile (0 for no values)."""
    if not values:
        return 0.0
    s = sorted(values)
    return s[max(0, min(len(s) - 1, math.ceil(p / 100 * len(s)) - 1))]


def run_child(cmd: list[str], log, timeout: float) -> tuple[float, float]:
    """Run a command to completion; returns (seconds, peak RSS in MB) of that one child (wait4 rusage)."""
    started = time.monotonic()
    proc = subprocess.Popen(cmd, stdout=log, stderr=log, cwd=ROOT)
    while True:  # bounded by the deadline
        pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
        if pid:
            break
        if time.monotonic() - started > timeout:
            proc.kill()
            proc.wait()
            raise TimeoutError(f"{cmd} ran over {timeout:.0f} s")
        time.sleep(0.1)
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode:
        raise RuntimeError(f"{cmd} exited with {proc.returncode}; see {log.name}")
    return time.monotonic() - started, usage.ru_maxrss / 1024


def say(label: str, text: str) -> None:
    print(f"[{label}] {time.strftime('%H:%M:%S')} {text}", file=sys.stderr, flush=True)


# ---------------------------------------------------------------------------------------------- worker
def worker(args) -> None:
    label = f"{args.backend} {args.people}"
    log = open(Path(args.workdir) / f"{args.backend}-{args.people}.log", "a")
    say(label, "loading data (hoso demo --no-serve)")
    demo = [str(BIN / "hoso"), "demo", "--no-serve", "--no-scans", "--people", str(args.people)]
    load_s, load_mb = run_child(demo, log, 6 * HOURS)
    say(label, f"data loaded in {load_s:.0f} s; reindexing")
    if args.skip_reindex:  # --reuse of an index already rebuilt by this code: measure the queries only
        reindex_s, peak_mb = float("nan"), float("nan")
    else:
        reindex_s, peak_mb = run_child([sys.executable, __file__, "--_reindex"], log, 3 * HOURS)
    say(label, f"reindexed in {reindex_s:.0f} s, peak {peak_mb:.0f} MB; measuring queries")

    import django

    django.setup()
    from django.db import connection

    from hoso.access.services import create_user
    from hoso.core.memory import freeze_startup_heap
    from hoso.records.models import Confidentiality, Dossier
    from hoso.search import _backend
    from hoso.search._query import parse_query
    from hoso.search.evaluation import desk_queries
    from hoso.search.models import SearchEntry
    from hoso.search.services import search

    result = {"backend": args.backend, "people": args.people, "dossiers": Dossier.objects.count(),
              "entries": SearchEntry.objects.count(), "load_s": load_s, "load_peak_mb": load_mb,
              "reindex_s": reindex_s, "peak_mb": peak_mb, "index_mb": index_size(connection) / 2**20}
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:  # fresh statistics, as autovacuum would make shortly after loading
            cursor.execute("ANALYZE")

    # An ordinary desk officer (access rule applies); queries for dossiers they may not see are left out.
    # Where users have roles and area scopes, a province-wide policy officer without secret clearance.
    password, username = secrets.token_urlsafe(16), f"bench{secrets.token_hex(3)}"
    role = {"role": "policy_officer", "scope_all": True} if "role" in signature(create_user).parameters else {}
    actor = create_user(actor=None, username=username, password=password, full_name="Benchmark", **role)
    made = list(desk_queries(count=args.queries + args.queries // 5 + 10, seed=args.seed))
    secret = set(Dossier.objects.filter(number__in=[q.expected for q in made], confidentiality=Confidentiality.SECRET)
                 .values_list("number", flat=True))
    queries = [q for q in made if q.expected not in secret][:args.queries]

    started = time.perf_counter()
    search(actor=actor, text=queries[0].text, limit=args.page, audit=False)  # builds the typo index
    result["first_ms"] = (time.perf_counter() - started) * 1000
    freeze_startup_heap()  # as a web process does once it has started (hoso.wsgi)
    times, first, top10, misses = [], 0, 0, []
    for q in queries:
        started = time.perf_counter()
        found = [h.dossier_number for h in search(actor=actor, text=q.text, limit=args.page, audit=False).hits]
        times.append((time.perf_counter() - started) * 1000)
        first += bool(found) and found[0] == q.expected
        top10 += q.expected in found[:10]
        if q.expected not in found[:10]:
            misses.append(f"{q.kind}: {q.text!r} -> {q.expected}")
    slowest = sorted(zip(times, queries, strict=True), key=lambda pair: -pair[0])[:5]

    engine, bare = _backend.backend(), []
    for q in queries:  # the plain folded words, all required, any column, no years, ranking or access rule
        words = [t.folded for t in parse_query(q.text).terms if _backend.SAFE_WORD.match(t.folded)]
        if not words:
            continue
        started = time.perf_counter()
        list(engine.match(SearchEntry.objects.all(), [[(w, False)] for w in words], names_only=False)
             .values_list("id", flat=True)[:1000])
        bare.append((time.perf_counter() - started) * 1000)

    http_times, http_found = http_bench(username, password, [(q.text, q.expected) for q in queries], log)
    result.update(
        queries=len(queries), p50=pct(times, 50), p95=pct(times, 95), max=max(times),
        bare_n=len(bare), bare_p50=pct(bare, 50), bare_p95=pct(bare, 95),
        ratio=pct(times, 95) / max(pct(bare, 95), 1e-3),
        http_p50=pct(http_times, 50), http_p95=pct(http_times, 95), http_found=http_found / len(queries),
        recall10=top10 / len(queries), first=first / len(queries), misses=misses[:10],
        slowest=[f"{t:.0f} ms {q.kind}: {q.text!r}" for t, q in slowest])
    print("RESULT " + json.dumps(result), flush=True)


def index_size(connection) -> int:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT pg_total_relation_size('search_searchentry') + "
                           "pg_total_relation_size('search_searchterm')")
            return cursor.fetchone()[0]
        cursor.execute(r"SELECT name FROM sqlite_master WHERE tbl_name LIKE 'search\_%' ESCAPE '\' "
                       "AND type IN ('table', 'index') AND sql IS NOT NULL OR name LIKE 'sqlite_autoindex_search%'")
        names = [row[0] for row in cursor.fetchall()]
        try:
            total = 0
            for name in names:  # the FTS5 shadow tables, the entry and term tables and their indexes
                cursor.execute("SELECT coalesce(sum(pgsize), 0) FROM dbstat WHERE name = %s AND aggregate = 1",
                               [name])
                total += cursor.fetchone()[0]
            return total
        except Exception:  # no dbstat in this SQLite build: the whole database file
            return Path(connection.settings_dict["NAME"]).stat().st_size


@contextmanager
def serve(log):
    """The product served by waitress (4 threads, as in production's embedded default) on a free local port: yields
    the port once it listens, stops the server after. (runserver would start a thread, so a cold database
    connection, per request.)"""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    server = subprocess.Popen([str(BIN / "waitress-serve"), "--threads=4", f"--listen=127.0.0.1:{port}",
                               "hoso.wsgi:application"], stdout=log, stderr=log, cwd=ROOT)
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                if server.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError("waitress did not start; see the log") from None
                time.sleep(0.2)
        time.sleep(1)
        if server.poll() is not None:  # e.g. the port was taken meanwhile: we would be timing another server
            raise RuntimeError("waitress exited; see the log")
        yield port
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


def http_bench(username: str, password: str, queries: list[tuple[str, str]], log) -> tuple[list[float], int]:
    """Time GET /tim-kiem/?q=... against the product served by waitress, as `username`; also count the pages that
    show the expected dossier number."""
    with serve(log) as port:
        cookie = login(port, username, password)
        request(port, "/tim-kiem/?" + urlencode({"q": queries[0][0]}), cookie)  # warm-up: typo index, templates
        times, found = [], 0
        for text, expected in queries:
            started = time.perf_counter()
            status, (page, _) = request(port, "/tim-kiem/?" + urlencode({"q": text}), cookie)
            times.append((time.perf_counter() - started) * 1000)
            if status not in (200, 302):
                raise RuntimeError(f"HTTP {status} for {text!r}")
            found += expected in page
        return times, found


def request(port: int, path: str, cookie: str = "", body: str | None = None, headers=None):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    try:
        conn.request("POST" if body is not None else "GET", path, body=body,
                     headers={"Cookie": cookie, **(headers or {})})
        response = conn.getresponse()
        jar = SimpleCookie()
        for value in response.headers.get_all("Set-Cookie") or []:
            jar.load(value)
        text = response.read().decode()
        if response.status in (301, 302):  # e.g. an exact dossier number opens that dossier: the page is its address
            text = unquote(response.getheader("Location") or "")
        return response.status, (text, {k: m.value for k, m in jar.items()})
    finally:
        conn.close()


def login(port: int, username: str, password: str) -> str:
    _, (page, cookies) = request(port, "/dang-nhap/")
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    csrf = f"csrftoken={cookies['csrftoken']}"
    status, (_, cookies) = request(
        port, "/dang-nhap/", csrf, urlencode({"username": username, "password": password,
                                               "csrfmiddlewaretoken": token}),
        {"Content-Type": "application/x-www-form-urlencoded"})
    if status != 302 or "sessionid" not in cookies:
        raise RuntimeError(f"login failed (HTTP {status})")
    return f"{csrf}; sessionid={cookies['sessionid']}"


def reindex_child() -> None:
    import django

    django.setup()
    from hoso.search.services import reindex

    print(f"reindexed {reindex()} entries", flush=True)


# ---------------------------------------------------------------------------------------------- parent
def prepare(args, backend: str, people: int) -> dict[str, str]:
    """The environment of one worker, with its data store made fresh (unless --reuse)."""
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "hoso.settings", "PYTHONUNBUFFERED": "1"}
    env.pop("DATABASE_URL", None)
    data = Path(args.workdir) / f"{backend}-{people}"  # the SQLite database, the file store
    if not args.reuse:
        shutil.rmtree(data, ignore_errors=True)
    env["HOSO_DATA_DIR"] = str(data)
    if backend == "postgres":
        env["DATABASE_URL"] = bench_database(f"hoso_bench_{people}", reuse=args.reuse)
    return env


# The settings of the production recipe that PostgreSQL takes per database (the others, shared_buffers first, need
# the server's configuration: the bench runs on the machine's server as it is and says so).
PER_DATABASE = ("work_mem", "random_page_cost", "effective_cache_size", "effective_io_concurrency", "jit",
                "default_statistics_target")


def recipe_settings() -> dict[str, str]:
    """Those settings as deploy/postgresql-hoso.conf writes them."""
    out = {}
    for line in (ROOT / "deploy" / "postgresql-hoso.conf").read_text(encoding="utf-8").splitlines():
        key, _, value = line.split("#", 1)[0].partition("=")
        if key.strip() in PER_DATABASE and value.strip():
            out[key.strip()] = value.strip().strip("'")
    return out


def bench_database(name: str, *, reuse: bool, work_mem: str = "") -> str:
    """A PostgreSQL database for a bench on 127.0.0.1:5432, dropped and made again unless `reuse` (kept when it is
    there); with `work_mem`, also the production recipe's per-database settings (deploy/postgresql-hoso.conf:
    planner costs, jit, statistics), work_mem as given. Returns its URL."""
    if not reuse:
        subprocess.run(["dropdb", *PG, "--if-exists", "--force", name], check=True)
    exists = subprocess.run(["psql", *PG, "-Atc", f"SELECT 1 FROM pg_database WHERE datname = '{name}'"],
                            check=True, capture_output=True, text=True).stdout.strip()
    if not exists:
        subprocess.run(["createdb", *PG, name], check=True)
    if work_mem:
        for key, value in {**recipe_settings(), "work_mem": work_mem}.items():
            subprocess.run(["psql", *PG, "-qc", f"ALTER DATABASE {name} SET {key} = '{value}'"], check=True)
    return f"postgres://postgres@127.0.0.1:5432/{name}"


def table(results: list[dict]) -> str:
    cols = [("backend", "{backend}"), ("people", "{people:,}"), ("dossiers", "{dossiers:,}"),
            ("load s", "{load_s:.0f}"), ("reindex s", "{reindex_s:.1f}"), ("index MB", "{index_mb:.0f}"),
            ("peak MB", "{peak_mb:.0f}"), ("1st ms", "{first_ms:.0f}"), ("p50 ms", "{p50:.1f}"),
            ("p95 ms", "{p95:.1f}"), ("max ms", "{max:.0f}"), ("http p50", "{http_p50:.1f}"),
            ("http p95", "{http_p95:.1f}"), ("bare p50", "{bare_p50:.2f}"), ("bare p95", "{bare_p95:.2f}"),
            ("p95/bare", "{ratio:.0f}x"), ("recall@10", "{recall10:.3f}"), ("first", "{first:.3f}")]
    rows = [[name for name, _ in cols]] + [[fmt.format(**r) for _, fmt in cols] for r in results]
    widths = [max(len(row[i]) for row in rows) for i in range(len(cols))]
    return "\n".join("  ".join(cell.rjust(w) for cell, w in zip(row, widths, strict=True)) for row in rows)


def verdict(r: dict) -> str:
    checks = [f"{key} {r[key]:.1f} {'<=' if r[key] <= limit else '>'} {limit}" for key, limit in TARGETS.items()]
    ok = all(r[key] <= limit for key, limit in TARGETS.items())
    return f"targets ({r['backend']} {r['people']:,}): {'PASS' if ok else 'FAIL'}: " + ", ".join(checks)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--people", type=int, action="append", help="province size (repeatable)")
    parser.add_argument("--backend", choices=["sqlite", "postgres", "both"], default="sqlite")
    parser.add_argument("--queries", type=int, default=1000)
    parser.add_argument("--page", type=int, default=25, help="results asked for per query (the page size)")
    parser.add_argument("--seed", type=int, default=2025, help="seed of the desk queries")
    parser.add_argument("--workdir", default="/tmp/hoso-bench")
    parser.add_argument("--reuse", action="store_true", help="keep data that is already there (no regeneration)")
    parser.add_argument("--skip-reindex", action="store_true", help="with --reuse: do not rebuild the index")
    parser.add_argument("--smoke", action="store_true", help="3,000 people, 100 queries, SQLite only")
    parser.add_argument("--_worker", help=argparse.SUPPRESS)
    parser.add_argument("--_reindex", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args._reindex:
        return reindex_child()
    if args._worker:
        args.backend, args.people = args._worker, args.people[0]
        return worker(args)
    if args.smoke:
        args.people, args.queries, args.backend = [3000], 100, "sqlite"
    if not args.people or args.queries < 1:
        parser.error("give --people N (or --smoke) and --queries >= 1")
    Path(args.workdir).mkdir(parents=True, exist_ok=True)
    backends = ["sqlite", "postgres"] if args.backend == "both" else [args.backend]
    results, failed = [], []
    for people in args.people:
        for backend in backends:
            cmd = [sys.executable, __file__, "--_worker", backend, "--people", str(people), "--queries",
                   str(args.queries), "--page", str(args.page), "--seed", str(args.seed), "--workdir", args.workdir,
                   *(["--skip-reindex"] if args.skip_reindex and args.reuse else [])]
            out = subprocess.run(cmd, env=prepare(args, backend, people), cwd=ROOT, stdout=subprocess.PIPE,
                                 text=True, timeout=12 * HOURS)
            line = next((x for x in out.stdout.splitlines() if x.startswith("RESULT ")), None)
            if out.returncode or line is None:
                failed.append(f"{backend} {people:,}: worker failed (exit {out.returncode}); see the logs in "
                              f"{args.workdir}")
                continue
            results.append(json.loads(line[len("RESULT "):]))
            print(table(results[-1:]), file=sys.stderr, flush=True)
    print(table(results))
    for r in results:
        print(f"\n{r['backend']} {r['people']:,}: {r['queries']} queries ({r['bare_n']} with words for the bare "
              f"query); data load peak {r['load_peak_mb']:.0f} MB; HTTP pages showing the expected dossier "
              f"{r['http_found']:.3f}; slowest in-process:\n  " + "\n  ".join(r["slowest"]))
        if r["misses"]:
            print("  not in the top 10 (first 10):\n    " + "\n    ".join(r["misses"]))
        if r["people"] >= 1_200_000 and r["backend"] == "sqlite":
            print(verdict(r))
    print("\n".join(failed), file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
