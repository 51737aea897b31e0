"""Many machines that share only PostgreSQL and the S3 store: hosts made by the test in network namespaces, and a
worker host killed in the middle of a batch.

The test builds, with iproute2, a bridge and one veth link per host, each host a network namespace with its own
address (and, through unshare, its own host name and process numbers):

    db      10.N.M.2:5432  the machine's PostgreSQL, reached through netns_forward.py (its listening socket lives in
                           this namespace; the server itself still listens on 127.0.0.1 only and is not reconfigured)
    s3      10.N.M.3:9000  moto's S3-compatible server
    web     10.N.M.11      migrates, registers a dossier, and `hoso ingest --enqueue`s a batch of scanned pages
    worker1 10.N.M.21      `hoso worker` with the production settings (DATABASE_URL to the db host, S3 store)
    worker2 10.N.M.22      the same, two processes (one per core)
    (the root namespace, 10.N.M.1 on the bridge, is the operator's console: it only watches and checks)

Once worker1 is processing a page, every process of its namespace is killed with SIGKILL (`ip netns pids`). worker2
cannot see that machine's processes (another host name, other process numbers): it takes the page up again because
worker1 gave no sign of life for HOSO_CAPTURE_STALE_SECONDS (capture.worker; 3 s here). The last page of the batch
takes longer than that to process: a worker of worker2 busy with one, beside its idle twin, keeps it (it beats while
it works). Giving up tasks for their age instead of their worker's silence (the rule before workers beat while busy)
takes such a page away and processes it twice: this test caught it whenever a long page outlasted the limit on a live
worker beside an idle one (a timing matter, so not on every run; tests/capture/test_worker_beats.py checks the rule
itself). The batch must complete with every page processed exactly once: all pages done, one
`process_page` event and one task per page, the killed page tried twice and every other page once, and every file in
the S3 store.

Runs in the PostgreSQL run of the suite (DATABASE_URL=postgres://…), on a private database it creates and drops.
Skipped, with the reason, where network namespaces cannot be made: not root, no `ip`/`unshare`, or a kernel or
container that refuses them. Namespaces, links and processes are removed even when the test fails."""

import json
import os
import secrets
import select
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest

from hoso.imaging.specimen import encode, scanned_page

HERE = Path(__file__).resolve().parent
BIN = Path(sys.executable).parent
PAGES = 8
STALE_SECONDS = 3  # a worker silent this long is given up for dead (it beats every STALE_SECONDS / 6)
BUCKET = "hoso-nhieu-may"
HOSTS = {"db": 2, "s3": 3, "web": 11, "worker1": 21, "worker2": 22}

SETUP = """
from hoso.access.services import system_user
from hoso.records import services
actor = system_user()
person = services.create_person(actor=actor, full_name="Nguyễn Văn Đức")
services.register_dossier(actor=actor, number="QTI/LS-07956/CM", category_code="LS", subject=person)
"""

CONFIGURED = os.environ.get("DATABASE_URL", "").strip()
pytestmark = pytest.mark.skipif(
    not CONFIGURED.startswith("postgres"),
    reason="many machines share a PostgreSQL server: runs in the PostgreSQL run of the suite (DATABASE_URL=postgres://…)")


def _with(url: str, *, netloc: str | None = None, database: str | None = None) -> str:
    parts = urlsplit(url)
    if netloc is not None:
        auth = parts.netloc.rpartition("@")[0]
        parts = parts._replace(netloc=f"{auth}@{netloc}" if auth else netloc)
    if database is not None:
        parts = parts._replace(path=f"/{database}")
    return urlunsplit(parts)


def _skip_unless_namespaces_possible() -> None:
    if not sys.platform.startswith("linux"):
        pytest.skip("network namespaces are a Linux feature")
    if os.geteuid() != 0:
        pytest.skip("making network namespaces needs root (CI runs the suite as root)")
    for tool in ("ip", "unshare"):
        if shutil.which(tool) is None:
            pytest.skip(f"`{tool}` is not installed (iproute2 / util-linux)")
    probe = f"hosoprobe{secrets.token_hex(3)}"
    steps = (["ip", "netns", "add", probe], ["ip", "link", "add", probe[:15], "type", "bridge"],
             ["ip", "netns", "exec", probe, "unshare", "--uts", "--pid", "--fork", "--mount-proc", "true"])
    try:
        for step in steps:
            made = subprocess.run(step, capture_output=True, text=True, timeout=30)
            if made.returncode != 0:
                pytest.skip(f"this kernel or container refuses what the test hosts need ({' '.join(step[:4])}…): "
                            f"{made.stderr.strip()}")
    finally:
        subprocess.run(["ip", "link", "del", probe[:15]], capture_output=True)
        subprocess.run(["ip", "netns", "del", probe], capture_output=True)


class Lab:
    """The test's hosts: a bridge, one namespace and veth link per host, and the processes started in them.
    close() removes all of it and is safe to call at any point of the setup."""

    def __init__(self) -> None:
        self.tag = secrets.token_hex(3)
        self.bridge = f"hb{self.tag}"
        self.net = self._free_subnet()
        self.namespaces: dict[str, str] = {}
        self.links: list[str] = []
        self.procs: list[subprocess.Popen] = []

    @staticmethod
    def _free_subnet() -> str:
        routes = subprocess.run(["ip", "-4", "route", "show"], capture_output=True, text=True).stdout
        for _ in range(100):
            net = f"10.{secrets.choice(range(160, 250))}.{secrets.randbelow(256)}"
            if f"{net}." not in routes:
                return net
        raise RuntimeError("no free 10.x.y.0/24 subnet for the test's bridge")

    def address(self, host: str) -> str:
        return f"{self.net}.{HOSTS[host]}"

    def namespace(self, host: str) -> str:
        return self.namespaces[host]

    @staticmethod
    def ip(*args: str) -> None:
        done = subprocess.run(["ip", *args], capture_output=True, text=True)
        if done.returncode != 0:
            raise RuntimeError(f"ip {' '.join(args)}: {done.stderr.strip()}")

    def build(self) -> None:
        self.ip("link", "add", self.bridge, "type", "bridge")
        self.links.append(self.bridge)
        self.ip("addr", "add", f"{self.net}.1/24", "dev", self.bridge)
        self.ip("link", "set", self.bridge, "up")
        for index, host in enumerate(HOSTS):
            ns, link = f"hoso{self.tag}-{host}", f"h{self.tag}{index}"
            self.ip("netns", "add", ns)
            self.namespaces[host] = ns
            self.ip("link", "add", link, "type", "veth", "peer", "name", "eth0", "netns", ns)
            self.links.append(link)
            self.ip("link", "set", link, "master", self.bridge, "up")
            self.ip("-n", ns, "addr", "add", f"{self.address(host)}/24", "dev", "eth0")
            self.ip("-n", ns, "link", "set", "eth0", "up")
            self.ip("-n", ns, "link", "set", "lo", "up")

    def command(self, host: str, argv: list[str]) -> list[str]:
        """argv run on the host: in its network namespace, with a host name and process numbers of its own."""
        return ["ip", "netns", "exec", self.namespace(host), "unshare", "--uts", "--pid", "--fork", "--mount-proc",
                "--", "sh", "-c", 'hostname "$0" && exec "$@"', f"hoso-{host}", *argv]

    def spawn(self, host: str, argv: list[str], env: dict[str, str], log: Path) -> subprocess.Popen:
        with open(log, "ab") as out:
            proc = subprocess.Popen(self.command(host, argv), env=env, stdout=out, stderr=subprocess.STDOUT,
                                    stdin=subprocess.DEVNULL)
        self.procs.append(proc)
        return proc

    def run(self, host: str, argv: list[str], env: dict[str, str], timeout: float = 120) -> str:
        done = subprocess.run(self.command(host, argv), env=env, capture_output=True, text=True, timeout=timeout)
        assert done.returncode == 0, f"{host}: {' '.join(argv[2:])} failed:\n{done.stderr[-3000:]}"
        return done.stdout

    def pids(self, host: str) -> list[int]:
        out = subprocess.run(["ip", "netns", "pids", self.namespace(host)], capture_output=True, text=True).stdout
        return [int(pid) for pid in out.split()]

    def kill_host(self, host: str, timeout: float = 10) -> int:
        """SIGKILL every process of the host's namespace, again until none is left; returns how many."""
        killed, deadline = set(), time.monotonic() + timeout
        while pids := [pid for pid in self.pids(host) if pid not in killed or _alive(pid)]:
            assert time.monotonic() < deadline, f"processes of {host} survive SIGKILL: {pids}"
            for pid in pids:
                try:
                    os.kill(pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
                killed.add(pid)
            for proc in self.procs:  # reap our own children, so that they do not linger as zombies
                proc.poll()
            time.sleep(0.05)
        return len(killed)

    def close(self) -> None:
        for host in list(self.namespaces):
            try:
                self.kill_host(host)
            except (AssertionError, OSError):
                pass
        for proc in self.procs:  # the forwarder lives in the root namespace
            if proc.poll() is None:
                proc.kill()
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                pass
        for ns in self.namespaces.values():
            subprocess.run(["ip", "netns", "del", ns], capture_output=True)
        for link in reversed(self.links):  # the veths go with their namespace; the bridge does not
            subprocess.run(["ip", "link", "del", link], capture_output=True)


def _alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as fh:
            return fh.read().rsplit(")", 1)[-1].split()[0] != "Z"
    except OSError:
        return False


def _wait_for(what: str, predicate, timeout: float, logs: Path | None = None, interval: float = 0.05) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            tails = ""
            if logs is not None:
                tails = "\n".join(f"--- {log.name}\n{log.read_text(errors='replace')[-2000:]}"
                                  for log in sorted(logs.glob("*.log")))
            raise AssertionError(f"timed out after {timeout:g} s waiting for {what}\n{tails}")
        time.sleep(interval)


def _reachable(address: str, port: int) -> bool:
    try:
        socket.create_connection((address, port), timeout=0.5).close()
        return True
    except OSError:
        return False


@pytest.fixture
def private_database():
    """A database of the test's own on the configured server, dropped at the end."""
    import psycopg

    admin_url = _with(CONFIGURED, database="postgres")
    try:
        admin = psycopg.connect(admin_url, autocommit=True, connect_timeout=5)
    except psycopg.OperationalError as exc:
        pytest.skip(f"PostgreSQL is not reachable at {urlsplit(CONFIGURED).netloc}: {exc}")
    name = f"hoso_hosts_{secrets.token_hex(5)}"
    with admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield name
    finally:
        with psycopg.connect(admin_url, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def lab():
    _skip_unless_namespaces_possible()
    lab = Lab()
    try:
        lab.build()
        yield lab
    finally:
        lab.close()


def _start_forwarder(lab: Lab, logs: Path) -> None:
    upstream = urlsplit(CONFIGURED)
    target = f"{upstream.hostname or '127.0.0.1'}:{upstream.port or 5432}"
    with open(logs / "db-forward.log", "wb") as errors:
        proc = subprocess.Popen([sys.executable, str(HERE / "netns_forward.py"), lab.namespace("db"),
                                 f"{lab.address('db')}:5432", target], stdout=subprocess.PIPE, stderr=errors, text=True)
    lab.procs.append(proc)
    ready, _, _ = select.select([proc.stdout], [], [], 10)
    assert ready and proc.stdout.readline().strip() == "ready", "the database host's forwarder did not start"


def _host_env(lab: Lab, host: str, database: str, data: Path) -> dict[str, str]:
    """A production-like environment: what deploy/hoso.env.example sets, pointed at the db and s3 hosts."""
    keep = ("PATH", "LANG", "LC_ALL", "TZ", "TMPDIR", "VIRTUAL_ENV")
    env = {k: v for k, v in os.environ.items() if k in keep}
    data.mkdir(parents=True, exist_ok=True)
    env.update(
        HOME=str(data), DJANGO_SETTINGS_MODULE="hoso.settings", HOSO_DEBUG="0", HOSO_LOG_LEVEL="ERROR",
        HOSO_SECRET_KEY="many-machines-test-key-not-for-production", HOSO_ALLOWED_HOSTS=lab.address("web"),
        DATABASE_URL=_with(CONFIGURED, netloc=f"{lab.address('db')}:5432", database=database),
        HOSO_DATA_DIR=str(data), HOSO_BLOB_BACKEND="s3", HOSO_S3_BUCKET=BUCKET, HOSO_S3_PREFIX="blobs/",
        HOSO_S3_ENDPOINT_URL=f"http://{lab.address('s3')}:9000", HOSO_S3_REGION="us-east-1",
        AWS_ACCESS_KEY_ID="testing", AWS_SECRET_ACCESS_KEY="testing",
        HOSO_CAPTURE_STALE_SECONDS=str(STALE_SECONDS), OMP_THREAD_LIMIT="1", PYTHONUNBUFFERED="1")
    return env


def _write_pages(folder: Path) -> None:
    target = folder / "QTI-LS-07956-CM"
    target.mkdir(parents=True)
    for i in range(PAGES):
        # Small pages (about a second of OCR each), then a long one (a full A4 page at 450 dpi: several seconds,
        # longer than STALE_SECONDS on most machines), taken last: the worker busy with it, while its twin has nothing
        # left to do but look for dead workers' pages every 0.2 s, must keep it.
        dpi, sentences = (450, 20) if i == PAGES - 1 else (150, 2)
        specimen = scanned_page(seed=300 + i, sentences=sentences, dpi=dpi)
        (target / f"trang {i + 1:02d}.jpg").write_bytes(encode(specimen.image, "jpeg", dpi=dpi, quality=70))


def test_a_worker_host_killed_mid_batch_loses_no_page_and_does_none_twice(private_database, lab, tmp_path):
    import boto3
    import psycopg

    logs = tmp_path / "logs"
    logs.mkdir()
    local = psycopg.connect(_with(CONFIGURED, database=private_database), autocommit=True)

    def query(sql: str, *params) -> list[tuple]:
        return local.execute(sql, params).fetchall()

    try:
        # The db host: PostgreSQL on its own address; the s3 host: moto's server with the bucket of the install.
        _start_forwarder(lab, logs)
        s3_env = {"PATH": os.environ.get("PATH", ""), "HOME": str(tmp_path)}
        lab.spawn("s3", [str(BIN / "moto_server"), "-H", lab.address("s3"), "-p", "9000"], s3_env,
                  logs / "s3.log")
        _wait_for("the s3 host", lambda: _reachable(lab.address("s3"), 9000), 30, logs)
        s3 = boto3.client("s3", endpoint_url=f"http://{lab.address('s3')}:9000", region_name="us-east-1",
                          aws_access_key_id="testing", aws_secret_access_key="testing")
        s3.create_bucket(Bucket=BUCKET)

        env = {host: _host_env(lab, host, private_database, tmp_path / host) for host in ("web", "worker1", "worker2")}
        hoso = [sys.executable, "-m", "hoso"]
        migrate = subprocess.Popen(lab.command("web", [*hoso, "migrate", "--verbosity", "0"]), env=env["web"],
                                   stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        lab.procs.append(migrate)
        _write_pages(tmp_path / "scans")  # meanwhile, on the web host's disk; the masters go to the S3 store
        _, errors = migrate.communicate(timeout=240)
        assert migrate.returncode == 0, errors[-3000:]
        # worker1 runs one worker process; worker2 two, one per core as in production — so that, once worker1 is
        # dead, a live worker still busy with a long page sits beside an idle one looking for dead workers' pages.
        for host, copies in (("worker1", 1), ("worker2", 2)):
            worker = [*hoso, "worker", "--interval", "0.2"]
            if copies > 1:
                worker = ["sh", "-c", '"$@" & ' * copies + "wait", "sh", *worker]
            lab.spawn(host, worker, env[host], logs / f"{host}.log")
        lab.run("web", [*hoso, "shell", "-c", SETUP], env["web"])  # while the workers start
        _wait_for("the three worker processes to report", lambda: query(
            "SELECT COUNT(*) FROM capture_workerbeat")[0][0] == 3, 60, logs)

        with open(logs / "web-ingest.log", "wb") as errors:
            ingest = subprocess.Popen(
                lab.command("web", [*hoso, "ingest", str(tmp_path / "scans"), "--enqueue", "--json"]),
                env=env["web"], stdout=subprocess.PIPE, stderr=errors, text=True)
        lab.procs.append(ingest)

        # Killed early in a page (claimed less than 0.3 s ago: a page takes longer) while pages are still queued:
        # the workers take pages as soon as they are enqueued, so this may come before the ingest has returned.
        in_hand = """SELECT i.page_id FROM capture_batchitem i JOIN records_page p ON p.id = i.page_id
                     WHERE p.state = 'processing' AND i.worker LIKE 'hoso-worker1:%%'"""
        _wait_for("worker1 to start on a page while pages are still queued", lambda: query(
            in_hand + " AND i.started_at > now() - interval '300 milliseconds'") and query(
            "SELECT COUNT(*) FROM records_page WHERE state = 'queued'")[0][0] > 0, 90, logs, interval=0.02)
        assert lab.kill_host("worker1") >= 2  # the host's init (unshare) and its worker, OCR children too if any
        assert lab.pids("worker1") == []
        killed = [page for (page,) in query(in_hand)]
        assert len(killed) == 1, killed  # left "processing" by the dead host

        out, _ = ingest.communicate(timeout=120)
        assert ingest.returncode == 0, (logs / "web-ingest.log").read_text(errors="replace")[-3000:]
        assert json.loads(out)["pages_added"] == PAGES

        def finished() -> bool:
            pages = query("SELECT COUNT(*) FROM records_page WHERE state IN ('queued', 'processing')")[0][0]
            tasks = query("SELECT COUNT(*) FROM django_tasks_database_dbtaskresult "
                          "WHERE status IN ('READY', 'RUNNING')")[0][0]
            return pages == 0 and tasks == 0 and bool(query("SELECT 1 FROM capture_accesscopy"))

        _wait_for("the batch to complete on worker2", finished, 120, logs, interval=0.2)

        pages = query("SELECT id, state, ocr_text, master_sha256, access_sha256, thumbnail_sha256 FROM records_page")
        assert len(pages) == PAGES and {state for _, state, *_ in pages} == {"done"}
        assert all(text.strip() for _, _, text, *_ in pages)
        # Exactly once: one settled result per page in the audit trail, one task per page, which succeeded.
        events = dict(query("SELECT object_id, COUNT(*) FROM access_auditevent WHERE action = 'process_page' "
                            "GROUP BY object_id"))
        assert events == {str(page_id): 1 for page_id, *_ in pages}
        tasks = query("SELECT args_kwargs, status, worker_ids FROM django_tasks_database_dbtaskresult "
                      "WHERE task_path LIKE %s", "%process_page")
        assert sorted(json.loads(a)["args"][0] if isinstance(a, str) else a["args"][0] for a, _, _ in tasks) == \
            sorted(page_id for page_id, *_ in pages)
        assert {status for _, status, _ in tasks} == {"SUCCESSFUL"}
        # The killed page was tried twice — by worker1, then by worker2 — and every other page once.
        attempts = dict(query("SELECT page_id, attempts FROM capture_batchitem"))
        assert attempts == {page_id: 2 if page_id in killed else 1 for page_id, *_ in pages}
        owners = [ids for a, _, ids in tasks if (json.loads(a) if isinstance(a, str) else a)["args"][0] in killed]
        assert [owner.split(":")[0] for owner in owners[0]] == ["hoso-worker1", "hoso-worker2"]
        finishers = {worker.split(":")[0] for (worker,) in query("SELECT worker FROM capture_batchitem")}
        assert "hoso-worker2" in finishers and finishers <= {"hoso-worker1", "hoso-worker2"}
        assert query("SELECT page_count FROM capture_accesscopy") == [(PAGES,)]
        # Every file is in the shared S3 store (nothing on a host's own disk).
        for _, _, _, *digests in pages:
            for digest in digests:
                s3.head_object(Bucket=BUCKET, Key=f"blobs/{digest[:2]}/{digest[2:4]}/{digest}")
        assert not any((tmp_path / host / "blobs").exists() for host in env)
        assert "Traceback" not in (logs / "worker2.log").read_text(errors="replace")
    finally:
        local.close()
