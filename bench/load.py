"""Load test: simulated clerks at the desk against gunicorn + PostgreSQL on this machine (locust, as a library).

    .venv/bin/python bench/load.py --smoke                          # 1,500 people, 10 clerks, 60 s: under 3 minutes
    .venv/bin/python bench/load.py --people 120000 --users 50 --seconds 600
    .venv/bin/python bench/load.py --people 120000 --users 200 --seconds 600 --reuse   # data already loaded

Each clerk signs in once (CSRF token, password), then, with a pause of --think seconds (±50 %) between tasks:
searches as they type (a name typed in three bursts, each the htmx request the search box sends) and opens the
first hit; opens a scanned dossier and reads its page images; browses the dossier list page by page (a category
now and then); goes back to the home page.

Data: a database hoso_bench_load_<people> on 127.0.0.1:5432 (user postgres), made fresh unless --reuse, loaded by
`hoso demo --people N --no-serve --no-scans`; one account per clerk (a policy officer for the whole province); and
--scanned dossiers with two or three scanned pages each, taken in by `hoso ingest --no-ocr`. Files and logs in
--workdir. The server: gunicorn with deploy/gunicorn.conf.py and the production settings (HOSO_WEB_WORKERS and
HOSO_WEB_THREADS from the environment, else its defaults), the local file store. The clerks run in this process,
on the same cores as the server and PostgreSQL.

With --import-rows N and --ingest M (both on by default; 0 leaves one out), the office works while the clerks do:
a register of N generated rows (a Unicode CSV) is imported with `hoso import_register`, and M more dossiers' scans
(2–3 pages each) are taken in with OCR by `hoso ingest --jobs 1`, both started as the first clerk starts, at the
priority the production recipe gives the workers that run them (Nice=5 in deploy/systemd/hoso-worker@.service). The
register is generated anew for the data in the database, so a run with --reuse imports rows it has not seen. Their
report: seconds, rows accounted for (created + updated + unchanged + refused = rows), pages done = pages added.

Prints, per request kind: requests, errors, p50/p95/p99/max in ms (exact, over every response) and requests per
second; then the check that nothing was lost: the audit events the clerks' requests wrote, per action, against the
audited requests that succeeded (a sign-in, a search, a dossier, a page image and a list page write one event
each) — they must be equal — and `hoso verify --audit` over the whole trail.
"""

import argparse
import json
import math
import os
import re
import resource
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections import defaultdict
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))
from search import recipe_settings  # noqa: E402  (the search bench's helpers)

BIN = Path(sys.executable).parent
PG = ["-h", "127.0.0.1", "-p", "5432", "-U", "postgres"]
CLERK = "bench-clerk-"
# The niceness of deploy/systemd/hoso-worker@.service (web requests come first on a host that runs both): the
# register import and the ingest run as a worker would run them.
WORKER_NICE = int(re.search(r"^Nice=(-?\d+)$", (ROOT / "deploy/systemd/hoso-worker@.service").read_text(),
                            re.MULTILINE).group(1))
# Request kind -> the audit action one successful request of it writes (None: not audited).
AUDITED = {"sign-in": "login", "search (typing)": "search", "dossier": "view", "page image": "view_page",
           "list": "view_list", "sign-in page": None, "home": None}


def pct(values: list[float], p: float) -> float:
    """Nearest-rank percentile (0 for no values)."""
    if not values:
        return 0.0
    s = sorted(values)
    return s[max(0, min(len(s) - 1, math.ceil(p / 100 * len(s)) - 1))]


def say(text: str) -> None:
    print(f"[load] {time.strftime('%H:%M:%S')} {text}", file=sys.stderr, flush=True)


def psql(env: dict, sql: str) -> str:
    url = env["DATABASE_URL"]
    return subprocess.run(["psql", url, "-Atc", sql], check=True, capture_output=True, text=True).stdout.strip()


# ---------------------------------------------------------------------------------------------- the data
def prepare_child(args) -> None:
    """In a child process with Django (the parent runs locust's gevent): clerk accounts, scanned dossiers, and
    what the clerks will ask for, printed as one JSON line."""
    import django

    django.setup()
    from django.core.management import call_command

    from hoso.access.models import User
    from hoso.access.services import create_user, set_password
    from hoso.capture.demo import write_demo_scans
    from hoso.records.models import Confidentiality, Dossier, Page
    from hoso.search.evaluation import desk_queries

    password = secrets.token_urlsafe(16)
    users = [f"{CLERK}{n}" for n in range(1, args.users + 1)]
    for username in users:
        user = User.objects.filter(username=username).first()
        if user is None:
            create_user(actor=None, username=username, password=password, full_name=f"Cán bộ thử tải {username}",
                        role="policy_officer", scope_all=True)
        else:
            set_password(actor=None, user=user, password=password)
    open_dossiers = Dossier.objects.exclude(confidentiality=Confidentiality.SECRET)
    if not Page.objects.exists():
        folder = Path(args.workdir) / "scans"
        shutil.rmtree(folder, ignore_errors=True)
        folder.mkdir(parents=True)
        write_demo_scans(folder, list(open_dossiers.order_by("number")[:args.scanned]), seed=2025)
        with open(os.devnull, "w") as quiet:
            call_command("ingest", str(folder), no_ocr=True, json=True, stdout=quiet)
    scanned: dict[str, list[int]] = defaultdict(list)
    for number, page_id in Page.objects.filter(state=Page.State.DONE).values_list("dossier__number", "id"):
        scanned[number].append(page_id)
    # A register this database has not seen: on a database kept from an earlier run (--reuse), the same rows would
    # all be unchanged, which an import passes over in a tenth of the time.
    register = (_write_register(Path(args.workdir) / "so-theo-doi.csv", args.import_rows,
                                seed=2024 + Dossier.objects.count()) if args.import_rows else "")
    ingest_folder, ingest_pages = "", 0
    if args.ingest:
        folder = Path(args.workdir) / "ingest"
        shutil.rmtree(folder, ignore_errors=True)
        folder.mkdir(parents=True)
        fresh = open_dossiers.exclude(pages__isnull=False).order_by("-number")[:args.ingest]
        ingest_pages = write_demo_scans(folder, list(fresh), seed=2026)
        ingest_folder = str(folder)
    secret = set(Dossier.objects.filter(confidentiality=Confidentiality.SECRET).values_list("number", flat=True))
    queries = [[q.text, q.expected] for q in desk_queries(count=300, seed=2025) if q.expected not in secret]
    print("PREPARED " + json.dumps({
        "password": password, "users": users, "queries": queries, "scanned": scanned,
        "categories": sorted(set(open_dossiers.values_list("category__code", flat=True))),  # lists with rows
        "list_pages": max(1, math.ceil(open_dossiers.count() / 25)), "dossiers": Dossier.objects.count(),
        "register": str(register), "ingest_folder": ingest_folder, "ingest_pages": ingest_pages}),
        flush=True)


def _write_register(path: Path, rows: int, seed: int) -> Path:
    """A register as offices keep them (title lines, then a header row), of generated people; some numbers may be
    dossiers the demo already holds (the import then updates or leaves them)."""
    import csv

    from hoso.records.demo import ProvinceGenerator

    generator = ProvinceGenerator(people=10**9, seed=seed)
    with path.open("w", newline="", encoding="utf-8-sig") as handle:
        out = csv.writer(handle)
        out.writerow(["SỔ THEO DÕI HỒ SƠ NGƯỜI CÓ CÔNG"])
        out.writerow([])
        out.writerow(["STT", "Số hồ sơ", "Họ và tên", "Năm sinh", "Giới tính", "Nguyên quán", "Loại đối tượng"])
        for written in range(rows):
            seed = generator.dossier(generator.rng.choice(["LS", "AQ", "BM", "HH", "KC", "BB"]))
            v = seed.subject.values
            out.writerow([written + 1, seed.number, seed.subject.full_name,
                          v["birth_date"].display() if v.get("birth_date") else "",
                          "Nam" if v.get("sex") == "nam" else "Nữ", v.get("hometown_text", ""), seed.category])
    return path


def start_background(args, data: dict, env: dict, workdir: Path, log) -> dict[str, tuple]:
    """The register import and the ingest, started now in their own processes: name -> (process, output, start),
    at the priority the production recipe gives the workers that run them (WORKER_NICE).
    Each writes the time it ended to <name>.end (the clerks hold this process meanwhile; under locust's gevent a
    waiting thread would not do)."""
    jobs = {}
    commands = {"import": ([str(BIN / "hoso"), "import_register", data["register"], "--json"], data["register"]),
                "ingest": ([str(BIN / "hoso"), "ingest", data["ingest_folder"], "--json", "--jobs", "1"],
                           data["ingest_folder"])}
    for name, (command, source) in commands.items():
        if source:
            output = (workdir / f"{name}.json").open("w")
            end = workdir / f"{name}.end"
            end.unlink(missing_ok=True)
            wrapped = ["nice", "-n", str(WORKER_NICE), "sh", "-c", f'"$@"; code=$?; date +%s.%N > "{end}"; exit $code',
                       "sh", *command]
            process = subprocess.Popen(wrapped, env=env, stdout=output, stderr=log, cwd=ROOT, start_new_session=True)
            jobs[name] = (process, output, time.time())
    return jobs


def finish_background(jobs: dict[str, tuple], workdir: Path, wait: float) -> dict[str, dict]:
    """Wait for the background work, `wait` seconds at most after the clerks stopped (then it is stopped, all its
    processes, and reported as not finished); its JSON report with the seconds it took and its exit code."""
    done = {}
    deadline = time.monotonic() + wait
    for name, (process, output, started) in jobs.items():
        try:
            process.wait(timeout=max(1.0, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGTERM)
            process.wait(timeout=60)
            output.close()
            done[name] = {"code": "stopped", "seconds": time.time() - started, "ended_at": time.time()}
            continue
        end = float((workdir / f"{name}.end").read_text().strip())
        output.close()
        text = (workdir / f"{name}.json").read_text(encoding="utf-8").strip()
        try:
            result = json.loads(text) if text else {}
        except json.JSONDecodeError:
            result = {}
        done[name] = {"code": process.returncode, "seconds": end - started, "ended_at": end, **result}
    return done


def prepare(args, env: dict, log) -> dict:
    name = env["DATABASE_URL"].rsplit("/", 1)[1]
    exists = subprocess.run(["psql", *PG, "-Atc", f"SELECT 1 FROM pg_database WHERE datname = '{name}'"],
                            check=True, capture_output=True, text=True).stdout.strip()
    if not (args.reuse and exists):
        subprocess.run(["dropdb", *PG, "--if-exists", name], check=True)
        subprocess.run(["createdb", *PG, name], check=True)
    for key, value in recipe_settings().items():  # what deploy/postgresql-hoso.conf sets that a database can take
        subprocess.run(["psql", *PG, "-qc", f"ALTER DATABASE {name} SET {key} = '{value}'"], check=True)
    if not (args.reuse and exists):
        shutil.rmtree(Path(args.workdir) / "data", ignore_errors=True)
        say(f"loading {args.people:,} people (hoso demo --no-serve --no-scans)")
        started = time.monotonic()
        subprocess.run([str(BIN / "hoso"), "demo", "--no-serve", "--no-scans", "--people", str(args.people)],
                       env=env, stdout=log, stderr=log, check=True, cwd=ROOT)
        say(f"loaded in {time.monotonic() - started:.0f} s")
    else:  # data kept from an earlier run, perhaps of an older schema
        subprocess.run([str(BIN / "hoso"), "migrate", "--no-input"], env=env, stdout=log, stderr=log, check=True,
                       cwd=ROOT)
    say(f"{args.users} clerk accounts and {args.scanned} scanned dossiers (hoso ingest --no-ocr)")
    out = subprocess.run([sys.executable, __file__, "--_prepare", "--users", str(args.users), "--scanned",
                          str(args.scanned), "--workdir", args.workdir, "--import-rows", str(args.import_rows),
                          "--ingest", str(args.ingest)], env=env, stdout=subprocess.PIPE,
                         stderr=log, text=True, check=True, cwd=ROOT).stdout
    return json.loads(next(line for line in out.splitlines() if line.startswith("PREPARED "))[len("PREPARED "):])


# ---------------------------------------------------------------------------------------------- the server
def start_gunicorn(env: dict, log) -> subprocess.Popen:
    server = subprocess.Popen([str(BIN / "gunicorn"), "-c", str(ROOT / "deploy" / "gunicorn.conf.py")], env=env,
                              stdout=log, stderr=log, cwd=ROOT)
    host, port = env["HOSO_WEB_BIND"].rsplit(":", 1)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"gunicorn exited; see {log.name}")
        try:
            socket.create_connection((host, int(port)), timeout=1).close()
            return server
        except OSError:
            time.sleep(0.2)
    server.kill()
    raise RuntimeError("gunicorn did not listen within 60 s")


def cpu_seconds(pid: int) -> float:
    """CPU seconds of a process and its children so far (the gunicorn master and its workers)."""
    import psutil  # installed with locust

    proc = psutil.Process(pid)
    total = 0.0
    for p in [proc, *proc.children(recursive=True)]:
        try:
            times = p.cpu_times()
            total += times.user + times.system
        except psutil.NoSuchProcess:
            pass
    return total


# ---------------------------------------------------------------------------------------------- the clerks
def run_clerks(base: str, data: dict, args) -> tuple[dict[str, list[float]], dict[str, list[str]], float]:
    """Run the clerks for args.seconds; returns the response times (ms) of the successful requests by kind, the
    failures by kind, and the seconds measured (from the first clerk started to the last one stopped)."""
    import random

    import gevent
    import gevent.pool
    from locust import FastHttpUser, between, task
    from locust.env import Environment

    times: dict[str, list[float]] = defaultdict(list)
    failures: dict[str, list[str]] = defaultdict(list)
    ended_at: dict[str, list[tuple[float, float]]] = times.setdefault("_at", defaultdict(list))  # type: ignore
    accounts = iter(data["users"])
    queries, scanned = data["queries"], data["scanned"]
    form = {"Content-Type": "application/x-www-form-urlencoded"}
    typing = {"HX-Request": "true"}

    class Clerk(FastHttpUser):
        host = base
        wait_time = between(args.think * 0.5, args.think * 1.5)

        def on_start(self) -> None:
            page = self.client.get("/dang-nhap/", name="sign-in page").text or ""
            token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
            body = urlencode({"username": next(accounts), "password": data["password"],
                              "csrfmiddlewaretoken": token.group(1) if token else ""})
            with self.client.post("/dang-nhap/", data=body, headers=form, name="sign-in", allow_redirects=False,
                                  catch_response=True) as response:
                if response.status_code != 302:
                    response.failure(f"sign-in answered HTTP {response.status_code}")

        def open_dossier(self, number: str) -> None:
            self.client.get(f"/ho-so/{number}/", name="dossier")

        @task(4)
        def search_as_you_type(self) -> None:
            text, expected = random.choice(queries)
            words = text.split()
            bursts = [words[0][:3], " ".join(words[:2]), text] if len(words) > 2 else [text[:3], text]
            page = ""
            for burst in bursts:  # the box sends a request when typing pauses (htmx, 250 ms)
                page = self.client.get("/tim-kiem/?" + urlencode({"q": burst}), headers=typing,
                                       name="search (typing)").text or ""
                gevent.sleep(random.uniform(0.3, 0.8))
            hit = re.search(r'class="hit" href="/ho-so/([^"]+)/"', page)
            self.open_dossier(hit.group(1) if hit else expected)

        @task(2)
        def read_scanned_pages(self) -> None:
            number = random.choice(list(scanned))
            self.open_dossier(number)
            for page_id in scanned[number]:
                gevent.sleep(random.uniform(0.5, 1.5))  # reading the page
                self.client.get(f"/trang/{page_id}/anh/", name="page image")

        @task(2)
        def browse_list(self) -> None:
            query = {"page": random.randint(1, min(20, data["list_pages"]))}
            if random.random() < 0.3:
                query = {"category": random.choice(data["categories"])}
            self.client.get("/ho-so/?" + urlencode(query), name="list")

        @task(1)
        def home(self) -> None:
            self.client.get("/", name="home")

    env = Environment(user_classes=[Clerk], host=base, stop_timeout=60)

    def on_request(request_type, name, response_time, response_length, exception=None, **kwargs):
        if exception is None:
            times[name].append(response_time)
            ended_at[name].append((time.time(), response_time))  # when it ended: the import and steady splits
        else:
            failures[name].append(str(exception)[:200])

    # Warm-up, not measured: every gunicorn worker has loaded the application and served a page.
    def warm(_):
        try:
            urllib.request.urlopen(base + "/dang-nhap/", timeout=120).read()
        except OSError:
            pass

    gevent.pool.Pool(20).map(warm, range(60))
    env.events.request.add_listener(on_request)
    runner = env.create_local_runner()
    started = time.monotonic()
    runner.start(args.users, spawn_rate=args.spawn_rate)
    gevent.sleep(args.seconds)
    runner.stop()  # each clerk finishes the task under way (stop_timeout): no request is cut off
    runner.quit()
    return times, failures, time.monotonic() - started


# ---------------------------------------------------------------------------------------------- report
def report(args, data: dict, times, failures, seconds: float, written: dict[str, int], verify: dict,
           machine: str, background: dict[str, dict]) -> bool:
    print(f"# hoso load test — {args.users} clerks for {seconds:.0f} s against gunicorn + PostgreSQL; {machine}")
    print(f"# data: {args.people:,} people, {data['dossiers']:,} dossiers, {len(data['scanned'])} scanned "
          f"({sum(map(len, data['scanned'].values()))} pages); think time {args.think:g} s ±50 %")
    rows = [("kind", "requests", "errors", "p50 ms", "p95 ms", "p99 ms", "max ms", "req/s")]
    for kind in AUDITED:
        ok, bad = times.get(kind, []), failures.get(kind, [])
        if not ok and not bad:
            continue
        rows.append((kind, f"{len(ok) + len(bad):,}", f"{len(bad)}", f"{pct(ok, 50):.0f}", f"{pct(ok, 95):.0f}",
                     f"{pct(ok, 99):.0f}", f"{max(ok, default=0):.0f}", f"{(len(ok) + len(bad)) / seconds:.1f}"))
    every = [t for kind in AUDITED for t in times.get(kind, [])]
    errors = sum(len(v) for v in failures.values())
    rows.append(("all", f"{len(every) + errors:,}", f"{errors}", f"{pct(every, 50):.0f}", f"{pct(every, 95):.0f}",
                 f"{pct(every, 99):.0f}", f"{max(every, default=0):.0f}", f"{(len(every) + errors) / seconds:.1f}"))
    print(_table(rows))
    for kind, messages in failures.items():
        print(f"  errors in {kind}: {messages[:3]}")

    print("\n# nothing lost: audit events written by the clerks' requests = audited requests that succeeded")
    rows, lost = [("action", "requests", "events", "difference")], False
    for kind, action in AUDITED.items():
        if action is None:
            continue
        made, got = len(times.get(kind, [])), written.pop(action, 0)
        lost |= made != got
        rows.append((f"{action} ({kind})", f"{made:,}", f"{got:,}", f"{got - made:+,}"))
    for action, got in written.items():  # events of an action no request of the mix should write
        lost = True
        rows.append((action, "0", f"{got:,}", f"{got:+,}"))
    print(_table(rows))
    background_ok = _report_background(args, data, background)
    _report_steady(args, times.get("_at", {}))
    _report_import_split(times.get("_at", {}), background)
    audit = verify.get("audit", {})
    print(f"hoso verify --audit: {'intact' if audit.get('ok') else 'BROKEN'}, {audit.get('checked', 0):,} events "
          f"checked, {audit.get('blocks', 0)} blocks ({audit.get('sealed_now', 0):,} sealed now)")
    ok = not errors and not lost and bool(audit.get("ok")) and background_ok
    print(f"verdict: {'PASS' if ok else 'FAIL'} (0 errors, events = audited requests, chain intact"
          f"{', background work complete' if background else ''})")
    return ok


def _report_background(args, data: dict, background: dict[str, dict]) -> bool:
    """The register import and the ingest that ran during the load: time, and nothing lost."""
    if not background:
        return True
    print("\n# background work during the load (started with the first clerk)")
    rows, ok = [("work", "seconds", "done", "check")], True
    for name, r in background.items():
        if r["code"] == "stopped":
            print(f"{name}: not finished {r['seconds']:.0f} s after it started (--background-wait); stopped")
    if "import" in background:
        r = background["import"]
        refused = len({e.get("row") for e in r.get("errors", [])})  # a row may have several errors
        accounted = sum(r.get(k, 0) for k in ("created", "updated", "unchanged")) + refused
        good = r["code"] == 0 and accounted == args.import_rows
        ok &= good
        rows.append((f"import_register ({args.import_rows:,} rows)", f"{r['seconds']:.0f}",
                     f"{r.get('created', 0):,} new, {r.get('updated', 0):,} updated, {r.get('unchanged', 0):,} "
                     f"unchanged, {refused:,} refused",
                     f"{'ok' if good else 'LOST'}: {accounted:,} of {args.import_rows:,} rows accounted for"
                     if r["code"] != "stopped" else "not finished: stopped"))
    if "ingest" in background:
        r = background["ingest"]
        good = r["code"] == 0 and r.get("done", 0) == r.get("pages_added", -1) == data["ingest_pages"]
        ok &= good
        rows.append((f"ingest with OCR ({data['ingest_pages']} pages)", f"{r['seconds']:.0f}",
                     f"{r.get('done', 0)} done, {r.get('failed', 0)} failed",
                     f"{'ok' if good else 'LOST'}: pages done = pages added = {data['ingest_pages']}"
                     if good else f"LOST: added {r.get('pages_added')}, done {r.get('done')}"))
    print(_table(rows))
    return ok


def _report_steady(args, ended_at: dict[str, list[tuple[float, float]]]) -> None:
    """The same table over the requests that ended after the last clerk had signed in. Every clerk signs in within
    the first seconds (--spawn-rate), and each sign-in hashes a password (~0.5 s of a core): the first table's tail
    holds that storm, which an office opening over a morning does not make; this one is the working day after it."""
    signed_in = sorted(at for at, _ms in ended_at.get("sign-in", []))
    if len(signed_in) < args.users:
        return
    since = signed_in[args.users - 1]
    first = min(at for values in ended_at.values() for at, _ms in values)
    print(f"\n# after every clerk had signed in ({since - first:.0f} s into the run): the working day without the "
          "sign-in storm")
    rows = [("kind", "requests", "p50 ms", "p95 ms", "p99 ms", "max ms")]
    for kind in AUDITED:
        values = [ms for at, ms in ended_at.get(kind, []) if at > since]
        if values and kind != "sign-in":
            rows.append((kind, f"{len(values):,}", f"{pct(values, 50):.0f}", f"{pct(values, 95):.0f}",
                         f"{pct(values, 99):.0f}", f"{max(values):.0f}"))
    print(_table(rows))


def _report_import_split(ended_at: dict[str, list[tuple[float, float]]], background: dict[str, dict]) -> None:
    """The dossier page (and the search as you type) while the register import ran against after it ended, in the
    same run (same clerks, same server, same data): the issue's "≤ 2× while a 120,000-row import runs"."""
    dossier_at = ended_at.get("dossier", [])
    if "import" not in background or not dossier_at:
        return
    ended = background["import"]["ended_at"]
    print("\n# while the register import ran, and after it ended (same run)")
    rows = [("kind", "window", "requests", "p50 ms", "p95 ms", "p99 ms")]
    for kind in ("dossier", "search (typing)"):
        during = [ms for at, ms in ended_at.get(kind, []) if at <= ended]
        after = [ms for at, ms in ended_at.get(kind, []) if at > ended]
        for label, values in (("while importing", during), ("after the import", after)):
            rows.append((kind, label, f"{len(values):,}", f"{pct(values, 50):.0f}", f"{pct(values, 95):.0f}",
                         f"{pct(values, 99):.0f}"))
    print(_table(rows))
    during = [ms for at, ms in dossier_at if at <= ended]
    after = [ms for at, ms in dossier_at if at > ended]
    if during and after:
        ratio = pct(during, 95) / max(pct(after, 95), 1)
        print(f"dossier page, ratio of p95 (while / after): {ratio:.2f} (target ≤ 2)")
    elif not after:
        print("the import outlasted the run: compare with a run made with --import-rows 0 --ingest 0")


def _table(rows: list[tuple]) -> str:
    widths = [max(len(str(row[i])) for row in rows) for i in range(len(rows[0]))]
    return "\n".join("  ".join(str(cell).ljust(w) if i == 0 else str(cell).rjust(w)
                               for i, (cell, w) in enumerate(zip(row, widths, strict=True))) for row in rows)


# ---------------------------------------------------------------------------------------------- main
def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--people", type=int, default=120_000)
    parser.add_argument("--users", type=int, default=50, help="simulated clerks")
    parser.add_argument("--seconds", type=float, default=300, help="length of the run, after the first clerk starts")
    parser.add_argument("--spawn-rate", type=float, default=5, help="clerks started per second")
    parser.add_argument("--think", type=float, default=2.0, help="mean pause between a clerk's tasks, seconds")
    parser.add_argument("--scanned", type=int, default=20, help="dossiers with scanned pages")
    parser.add_argument("--workdir", default="/tmp/hoso-bench-load")
    parser.add_argument("--reuse", action="store_true", help="keep the database if it is there")
    parser.add_argument("--import-rows", type=int, default=120_000,
                        help="rows of the register imported during the load (0: none)")
    parser.add_argument("--ingest", type=int, default=20, help="dossiers scanned in with OCR during the load (0: none)")
    parser.add_argument("--background-wait", type=float, default=1800,
                        help="seconds to wait for the import and ingest after the clerks stop (then they are stopped)")
    parser.add_argument("--smoke", action="store_true",
                        help="1,500 people, 10 clerks, 60 s, 3 scanned; a 2,000-row import, 2 dossiers ingested")
    parser.add_argument("--_prepare", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args._prepare:
        return prepare_child(args)
    if args.smoke:
        args.people, args.users, args.seconds, args.scanned = 1500, 10, 60, 3
        args.import_rows, args.ingest = min(args.import_rows, 2000), min(args.ingest, 2)
    Path(args.workdir).mkdir(parents=True, exist_ok=True)
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "hoso.settings", "PYTHONUNBUFFERED": "1", "HOSO_DEBUG": "0",
           "HOSO_SECRET_KEY": os.environ.get("HOSO_SECRET_KEY") or "bench-only-key",
           "DATABASE_URL": f"postgres://postgres@127.0.0.1:5432/hoso_bench_load_{args.people}",
           "HOSO_DATA_DIR": str(Path(args.workdir) / "data"), "HOSO_BLOB_BACKEND": "local",
           "HOSO_BLOB_DIR": str(Path(args.workdir) / "data" / "blobs"), "HOSO_ALLOWED_HOSTS": "127.0.0.1",
           "HOSO_WEB_BIND": f"127.0.0.1:{port}", "HOSO_LOG_LEVEL": "warning"}
    env.pop("HOSO_TRUSTED_PROXIES", None)
    load_at_start = os.getloadavg()[0]
    with open(Path(args.workdir) / "load.log", "a") as log:
        data = prepare(args, env, log)
        first_event = int(psql(env, "SELECT coalesce(max(id), 0) FROM access_auditevent"))
        server = start_gunicorn(env, log)
        say(f"gunicorn on port {port}; {args.users} clerks for {args.seconds:.0f} s")
        try:
            cpu_before, own_before = cpu_seconds(server.pid), resource.getrusage(resource.RUSAGE_SELF)
            jobs = start_background(args, data, env, Path(args.workdir), log)
            times, failures, seconds = run_clerks(f"http://127.0.0.1:{port}", data, args)
            server_cpu = cpu_seconds(server.pid) - cpu_before
            own = resource.getrusage(resource.RUSAGE_SELF)
        finally:
            server.send_signal(signal.SIGTERM)  # graceful: requests under way finish before the count below
            server.wait(timeout=90)
        if jobs:
            say("waiting for the background import and ingest to finish")
        background = finish_background(jobs, Path(args.workdir), args.background_wait)
        written = dict(line.split("|") for line in psql(env, (
            "SELECT e.action, count(*) FROM access_auditevent e JOIN access_user u ON u.id = e.actor_id "
            f"WHERE e.id > {first_event} AND u.username LIKE '{CLERK}%' GROUP BY e.action")).splitlines() if line)
        verify = json.loads(subprocess.run([str(BIN / "hoso"), "verify", "--audit", "--json"], env=env,
                                           capture_output=True, text=True, cwd=ROOT).stdout or "{}")
    gunicorn = subprocess.run([sys.executable, "-c", "import runpy; c = runpy.run_path('deploy/gunicorn.conf.py'); "
                               "print(c['workers'], c['threads'])"], env=env, capture_output=True, text=True,
                              cwd=ROOT).stdout.split()
    mem_gib = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    own_cpu = own.ru_utime + own.ru_stime - own_before.ru_utime - own_before.ru_stime
    machine = (f"{os.cpu_count()} cores, {mem_gib:.0f} GiB, shared (load average {load_at_start:.1f} before, "
               f"{os.getloadavg()[0]:.1f} after); gunicorn {'×'.join(gunicorn)} (workers × threads) used "
               f"{server_cpu:.0f} CPU s, the clerks (locust, same machine) {own_cpu:.0f} CPU s; "
               f"PostgreSQL {psql(env, 'SHOW server_version')}")
    ok = report(args, data, times, failures, seconds, {k: int(v) for k, v in written.items()}, verify, machine,
                background)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
