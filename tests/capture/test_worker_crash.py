"""Real processes: `hoso ingest` on every core, and a worker killed with SIGKILL in the middle of a batch.

The `hoso` commands run as separate processes on a database of their own (a fresh SQLite file, or a fresh
PostgreSQL database beside the configured one when the suite runs on PostgreSQL), so they share nothing
with the test's transaction.
"""

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
import uuid
from urllib.parse import urlsplit, urlunsplit

import pytest

from hoso.imaging.specimen import encode, scanned_page

SETUP = """
from hoso.access.services import system_user
from hoso.records import services
actor = system_user()
person = services.create_person(actor=actor, full_name="Nguyễn Văn Đức")
services.register_dossier(actor=actor, number="QTI/LS-07956/CM", category_code="LS", subject=person)
"""


class Env:
    def __init__(self, env: dict[str, str], data, database_url: str | None) -> None:
        self.env, self.data, self.database_url = env, data, database_url

    def hoso(self, *args: str, timeout: float = 300) -> subprocess.CompletedProcess:
        proc = subprocess.run([sys.executable, "-m", "hoso", *args], env=self.env, capture_output=True, text=True,
                              timeout=timeout)
        assert proc.returncode == 0, proc.stderr[-3000:]
        return proc

    def popen(self, *args: str) -> subprocess.Popen:
        return subprocess.Popen([sys.executable, "-m", "hoso", *args], env=self.env, stdout=subprocess.DEVNULL,
                                stderr=subprocess.PIPE)

    def query(self, sql: str) -> list[tuple]:
        if self.database_url:
            import psycopg

            with psycopg.connect(self.database_url) as conn:
                return conn.execute(sql).fetchall()
        with sqlite3.connect(self.data / "hoso.sqlite3", timeout=30) as conn:
            return conn.execute(sql).fetchall()


def _with_database(url: str, name: str) -> str:
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path=f"/{name}"))


@pytest.fixture(scope="module")
def isolated(tmp_path_factory):
    data = tmp_path_factory.mktemp("hoso-data")
    env = {**os.environ, "HOSO_DATA_DIR": str(data), "HOSO_BLOB_DIR": str(data / "blobs"),
           "HOSO_BLOB_BACKEND": "local", "DJANGO_SETTINGS_MODULE": "hoso.settings", "HOSO_LOG_LEVEL": "ERROR",
           "HOSO_CAPTURE_STALE_SECONDS": "3600"}
    configured = os.environ.get("DATABASE_URL")
    database_url = None
    if configured:
        import psycopg

        name = f"hoso_capture_{uuid.uuid4().hex[:10]}"
        with psycopg.connect(_with_database(configured, "postgres"), autocommit=True) as admin:
            admin.execute(f'CREATE DATABASE "{name}"')
        database_url = env["DATABASE_URL"] = _with_database(configured, name)
    isolated = Env(env, data, database_url)
    isolated.hoso("migrate", "--verbosity", "0")
    isolated.hoso("shell", "-c", SETUP)
    yield isolated
    if configured:
        import psycopg

        with psycopg.connect(_with_database(configured, "postgres"), autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def write_pages(folder, count: int, seed: int) -> None:
    target = folder / "QTI-LS-07956-CM"
    target.mkdir(parents=True)
    for i in range(count):
        specimen = scanned_page(seed=seed + i, sentences=3)
        (target / f"trang {i + 1}.jpg").write_bytes(encode(specimen.image, "jpeg", quality=70))


def wait_for(predicate, timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.05)


def test_a_worker_killed_mid_batch_leaves_nothing_lost_and_nothing_duplicated(isolated, tmp_path):
    write_pages(tmp_path / "in", 6, seed=40)
    report = json.loads(isolated.hoso("ingest", str(tmp_path / "in"), "--enqueue", "--json").stdout)
    assert report["counts"]["queued"] == 6

    def states() -> dict[str, int]:
        return dict(isolated.query("SELECT state, COUNT(*) FROM records_page GROUP BY state"))

    worker = isolated.popen("worker")
    try:
        wait_for(lambda: states().get("done", 0) >= 1 and states().get("processing", 0) == 1)
        worker.send_signal(signal.SIGKILL)  # in the middle of a page: no chance to clean up
    finally:
        worker.kill()
        worker.wait()
    assert states().get("processing") == 1
    assert isolated.query("SELECT COUNT(*) FROM django_tasks_database_dbtaskresult WHERE status = 'RUNNING'") == [(1,)]

    isolated.hoso("worker", "--until-empty")
    pages = isolated.query("SELECT sequence, state, ocr_text FROM records_page ORDER BY sequence")
    assert [(seq, state) for seq, state, _ in pages] == [(i, "done") for i in range(1, 7)]
    assert all(text.strip() for _, _, text in pages)
    attempts = sorted(a for (a,) in isolated.query("SELECT attempts FROM capture_batchitem"))
    assert attempts == [1, 1, 1, 1, 1, 2]  # the page that was being processed ran again, once
    assert isolated.query("SELECT COUNT(*) FROM access_auditevent WHERE action = 'process_page'") == [(6,)]
    assert isolated.query("SELECT page_count FROM capture_accesscopy") == [(6,)]
    unfinished = "SELECT COUNT(*) FROM django_tasks_database_dbtaskresult WHERE status IN ('READY', 'RUNNING')"
    assert isolated.query(unfinished) == [(0,)]


def test_ingest_processes_on_every_core_before_it_returns(isolated, tmp_path):
    write_pages(tmp_path / "in2", 3, seed=60)
    report = json.loads(isolated.hoso("ingest", str(tmp_path / "in2"), "--jobs", "2", "--json").stdout)
    assert (report["pages_added"], report["done"], report["failed"]) == (3, 3, 0)
    shown = json.loads(isolated.hoso("show", "QTI/LS-07956/CM", "--json").stdout)
    assert len(shown["pages"]) == 9 and all(p["state"] == "done" and p["ocr_text"] for p in shown["pages"])
