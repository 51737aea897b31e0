"""Real processes: `hoso ingest` on every core, and a worker killed with SIGKILL in the middle of a batch.

The `hoso` commands run as separate processes on a database of their own (a fresh SQLite file, or a fresh
PostgreSQL database beside the configured one when the suite runs on PostgreSQL), so they share nothing
with the test's transaction.
"""

import json
import signal
import time

import pytest

from hoso.imaging.specimen import encode, scanned_page

SETUP = """
from hoso.access.services import system_user
from hoso.records import services
actor = system_user()
person = services.create_person(actor=actor, full_name="Nguyễn Văn Đức")
services.register_dossier(actor=actor, number="QTI/LS-07956/CM", category_code="LS", subject=person)
"""


@pytest.fixture(scope="module")
def isolated(make_install):
    """An install of its own (tests/conftest.py make_install) with one dossier. A task left running is put back
    because its worker is gone, never because it ran too long (HOSO_CAPTURE_STALE_SECONDS: an hour)."""
    isolated = make_install("hoso-data", HOSO_CAPTURE_STALE_SECONDS="3600")
    isolated.run("migrate", "--verbosity", "0")
    isolated.run("shell", "-c", SETUP)
    return isolated


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
    report = json.loads(isolated.run("ingest", str(tmp_path / "in"), "--enqueue", "--json").stdout)
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

    isolated.run("worker", "--until-empty")
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
    report = json.loads(isolated.run("ingest", str(tmp_path / "in2"), "--jobs", "2", "--json").stdout)
    assert (report["pages_added"], report["done"], report["failed"]) == (3, 3, 0)
    shown = json.loads(isolated.run("show", "QTI/LS-07956/CM", "--json").stdout)
    assert len(shown["pages"]) == 9 and all(p["state"] == "done" and p["ocr_text"] for p in shown["pages"])
