"""Fixity: `hoso verify --fixity` re-hashes every stored and referenced file, names what is missing or changed
(dossier and page), resumes an interrupted run, keeps to its rate limit, runs weekly from the worker, and
shows its last result on the administrators' and archivists' home page."""

import io
import json
import os
import time
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from hoso.blobstore import LocalBlobStore
from hoso.blobstore.fixity import RateLimiter, check_fixity
from hoso.capture import services as capture
from hoso.core.blobs import blob_store
from hoso.core.models import AuditEvent
from hoso.imaging.specimen import encode, scanned_page
from hoso.preservation.models import FixityRun
from hoso.preservation.services import fixity

NUMBER = "QTI/LS-07956/CM"


@pytest.fixture(autouse=True)
def _own_store_checked_at_full_speed(blob_dir, settings):
    """tests/conftest.py blob_dir for every test, and no rate limit unless a test sets one."""
    settings.HOSO_FIXITY_RATE_MB = 0


@pytest.fixture(scope="session")
def page_files(tmp_path_factory):
    folder = tmp_path_factory.mktemp("scans")
    paths = []
    for seed in range(3):
        path = folder / f"trang-{seed + 1}.jpg"
        path.write_bytes(encode(scanned_page(seed=100 + seed, sentences=2).image, "jpeg", quality=70))
        paths.append(path)
    return paths


@pytest.fixture
def pages(actor, martyr_dossier, page_files):
    """Three pages of the martyr dossier, their masters in the store (no processing needed here)."""
    batch = capture.start_batch(actor=actor, name="đợt thử", run_ocr=False)
    for path in page_files:
        capture.receive_file(actor=actor, batch=batch, dossier=martyr_dossier, path=path, name=path.name)
    return list(martyr_dossier.pages.order_by("sequence"))


def _verify(*args: str) -> tuple[int, dict, str]:
    out, err = io.StringIO(), io.StringIO()
    code = 0
    try:
        call_command("verify", *args, "--json", stdout=out, stderr=err)
    except SystemExit as exc:
        code = exc.code
    return code, json.loads(out.getvalue()), err.getvalue()


def _damage(store: LocalBlobStore, sha256: str) -> None:
    path = store.path(sha256)
    os.chmod(path, 0o644)
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0x01
    path.write_bytes(bytes(data))


def test_a_corrupted_and_a_deleted_page_are_both_named_with_dossier_and_page(pages):
    store = blob_store()
    corrupted, deleted = pages[0].master_sha256, pages[2].master_sha256
    _damage(store, corrupted)
    store.path(deleted).unlink()

    code, report, err = _verify("--fixity")
    assert code == 1
    result = report["fixity"]
    assert not result["ok"] and result["checked"] == 3
    assert result["missing"] == [{"sha256": deleted, "where": [{"dossier": NUMBER, "page": 3, "file": "master"}]}]
    assert result["changed"] == [{"sha256": corrupted, "where": [{"dossier": NUMBER, "page": 1, "file": "master"}]}]
    assert f"THIẾU {deleted}: hồ sơ {NUMBER} trang 3 (bản gốc)" in err
    assert f"BỊ THAY ĐỔI {corrupted}: hồ sơ {NUMBER} trang 1 (bản gốc)" in err
    run = FixityRun.objects.get()
    assert run.status == FixityRun.Status.PROBLEMS and run.finished_at is not None
    event = AuditEvent.objects.filter(action="fixity_check").get()
    assert event.after["missing"] == [deleted] and event.after["changed"] == [corrupted]


def test_a_clean_store_passes_and_audit_and_fixity_are_reported_together(pages):
    orphan = blob_store().put_bytes(b"a file no record refers to")  # stored files are checked too
    code, report, err = _verify("--fixity", "--audit")
    assert code == 0, err
    assert report["audit"]["ok"] and report["audit"]["checked"] > 0
    assert report["fixity"]["ok"] and report["fixity"]["checked"] == 4
    assert report["fixity"]["bytes"] == sum(p.stat().st_size for p in blob_store().root.glob("??/??/*"))
    assert report["fixity"]["missing"] == report["fixity"]["changed"] == []
    _damage(blob_store(), orphan.sha256)
    code, report, _ = _verify("--fixity")
    assert code == 1 and report["fixity"]["changed"] == [{"sha256": orphan.sha256, "where": []}]
    assert "audit" not in report


class CountingStore(LocalBlobStore):
    def __init__(self, root) -> None:
        super().__init__(root)
        self.opened: list[str] = []

    def open(self, sha256):
        self.opened.append(sha256)
        return super().open(sha256)


def test_an_interrupted_run_resumes_after_the_last_file_it_checked(actor, blob_dir):
    store = CountingStore(blob_dir)
    digests = sorted(store.put_bytes(bytes([i]) * 50_000).sha256 for i in range(6))

    def stop_after_two(checked: int, read: int, sha256: str) -> None:
        if checked == 2:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        fixity.run_fixity(actor=actor, store=store, progress=stop_after_two)
    run = FixityRun.objects.get()
    assert (run.status, run.checked, run.position) == (FixityRun.Status.INTERRUPTED, 2, digests[1])
    assert fixity.is_due()  # the weekly schedule picks an interrupted run up again

    store.opened.clear()
    outcome = fixity.run_fixity(actor=actor, store=store)
    assert outcome.resumed and outcome.ok
    assert store.opened == digests[2:]  # only what was left
    run.refresh_from_db()
    assert (run.status, run.checked, run.bytes, run.resumed) == (FixityRun.Status.OK, 6, 300_000, 1)
    assert AuditEvent.objects.filter(action="fixity_resume").count() == 1

    # --restart: the unfinished run is dropped and everything is checked again.
    with pytest.raises(KeyboardInterrupt):
        fixity.run_fixity(actor=actor, store=store, progress=stop_after_two)
    store.opened.clear()
    outcome = fixity.run_fixity(actor=actor, store=store, restart=True)
    assert not outcome.resumed and store.opened == digests and outcome.run.checked == 6
    assert FixityRun.objects.filter(status=FixityRun.Status.ABANDONED).count() == 1


def test_the_command_says_it_goes_on_from_where_it_stopped(actor, pages):
    with pytest.raises(KeyboardInterrupt):
        fixity.run_fixity(actor=actor, progress=lambda checked, *_: (_ for _ in ()).throw(KeyboardInterrupt))
    out = io.StringIO()
    call_command("verify", "--fixity", "--resume", stdout=out, stderr=io.StringIO())
    assert "Đã kiểm 3 tệp" in out.getvalue() and "chạy tiếp" in out.getvalue()


def test_the_rate_limit_is_honoured(actor, blob_dir, settings):
    store = blob_store()
    for _ in range(3):
        store.put_bytes(os.urandom(256 * 1024))
    started = time.monotonic()
    code, report, _ = _verify("--fixity", "--rate", "0.5")
    elapsed = time.monotonic() - started
    assert code == 0 and report["fixity"]["bytes"] == 768 * 1024
    assert elapsed >= 1.4  # 0.75 MiB at 0.5 MiB/s takes at least 1.5 s
    assert report["fixity"]["bytes"] / 1024 / 1024 / elapsed <= 0.55
    started = time.monotonic()
    _verify("--fixity", "--rate", "0", "--restart")  # unlimited
    assert time.monotonic() - started < 1.0

    settings.HOSO_FIXITY_RATE_MB = 0.5  # the setting is the default
    started = time.monotonic()
    _verify("--fixity")
    assert time.monotonic() - started >= 1.4


def test_rate_limiter_sleeps_to_keep_the_average():
    now, slept = [0.0], []

    def sleep(seconds: float) -> None:
        slept.append(seconds)
        now[0] += seconds

    limiter = RateLimiter(1000, clock=lambda: now[0], sleep=sleep)
    limiter.take(500)
    limiter.take(500)
    assert now[0] == pytest.approx(1.0)
    assert RateLimiter(0).chunk == 1024 * 1024 and RateLimiter(80_000).chunk == 16 * 1024


def test_check_fixity_keeps_its_report_shape(blob_dir):
    store = LocalBlobStore(blob_dir)
    good = store.put_bytes(b"good").sha256
    report = check_fixity(store, [good, "0" * 64, "not a digest"])
    assert report.checked == 3 and report.bytes == 4 and report.missing == ["0" * 64, "not a digest"]


def test_an_idle_worker_runs_the_weekly_check_when_it_is_due(actor, settings):
    from hoso.capture.worker import run_worker

    for i in range(3):
        blob_store().put_bytes(bytes([i]) * 1000)
    settings.HOSO_FIXITY_EVERY_DAYS = 7
    assert fixity.is_due()
    assert run_worker(max_tasks=1, interval=0.01) == 1  # the queue is empty: it enqueues the check and runs it
    run = FixityRun.objects.get()
    assert run.trigger == "weekly" and run.status == FixityRun.Status.OK and run.checked == 3
    assert not fixity.is_due() and not fixity.schedule_if_due()
    assert fixity.is_due(now=timezone.now() + timedelta(days=8))
    assert fixity.schedule_if_due(now=timezone.now() + timedelta(days=8))
    assert not fixity.schedule_if_due(now=timezone.now() + timedelta(days=8))  # already queued: not twice
    settings.HOSO_FIXITY_EVERY_DAYS = 0
    assert not fixity.is_due(now=timezone.now() + timedelta(days=80))


def test_home_page_shows_the_last_result_to_administrators_and_archivists(pages, admin_user, officer, archivist):
    client = Client()
    client.force_login(admin_user)
    page = client.get("/").content.decode()
    assert "Toàn vẹn dữ liệu" in page and "Chưa kiểm tra toàn vẹn tệp lần nào" in page
    store = blob_store()
    store.path(pages[1].master_sha256).unlink()
    _verify("--fixity")
    page = client.get("/").content.decode()
    assert "1 tệp thiếu, 0 tệp bị thay đổi" in page and NUMBER in page and "trang 2" in page
    client.force_login(archivist)
    assert "1 tệp thiếu" in client.get("/").content.decode()
    client.force_login(officer)
    assert "Toàn vẹn dữ liệu" not in client.get("/").content.decode()


def test_the_last_backup_appears_on_the_panel(admin_user):
    from hoso.core.audit import record_event

    record_event(actor=None, action="backup", object_type="backup", object_id="x", after={"kind": "full"})
    client = Client()
    client.force_login(admin_user)
    page = client.get("/").content.decode()
    assert "Sao lưu gần nhất" in page and "bản đầy đủ" in page


def test_the_weekly_check_runs_in_slices_behind_waiting_pages(actor, pages, settings):
    from django_tasks_db.models import DBTaskResult

    from hoso.capture.worker import _claim_next

    settings.HOSO_FIXITY_SLICE_SECONDS = 0  # one file per slice
    assert fixity.schedule_if_due()
    ready = list(DBTaskResult.objects.ready().order_by(*DBTaskResult._meta.ordering))
    assert ready[-1].task_path == fixity.weekly_fixity.module_path  # the pages' processing goes first
    assert [r.task_path for r in ready[:-1]] == ["hoso.capture.services.processing.process_page"] * 3
    DBTaskResult.objects.exclude(task_path=fixity.weekly_fixity.module_path).delete()  # not processed here

    results = []
    while (claimed := _claim_next("test")) is not None:
        assert claimed.task_path == fixity.weekly_fixity.module_path
        claimed.delete()
        results.append(fixity.weekly_fixity.call())
    assert results == ["paused", "paused", "paused", "ok"]
    run = FixityRun.objects.get()
    assert (run.status, run.checked, run.resumed, run.trigger) == (FixityRun.Status.OK, 3, 3, "weekly")
