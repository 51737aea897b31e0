"""Processing state: claims, duplicate tasks, work left by a dead worker, and the statistics of batches."""

import io
import socket
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from hoso.capture import selectors, services
from hoso.capture.models import BatchItem
from hoso.capture.services.processing import process_page
from hoso.capture.worker import recover_stale, run_worker
from hoso.core.models import AuditEvent
from hoso.records.models import Page

from .conftest import make_folder


def receive(actor, dossier, folder, name="1.jpg", run_ocr=False):
    batch = services.start_batch(actor=actor, name="thử", run_ocr=run_ocr)
    items = services.receive_file(actor=actor, batch=batch, dossier=dossier, path=folder / name, name=name)
    return batch, items


def test_a_duplicate_task_for_a_finished_page_does_nothing(tmp_path, scans, scanner, martyr_dossier):
    folder = make_folder(tmp_path, {"": {"1.jpg": scans["small"][0]}})
    _, items = receive(scanner, martyr_dossier, folder)
    run_worker(until_empty=True)
    page = Page.objects.get(pk=items[0].page_id)
    assert page.state == Page.State.DONE
    events = AuditEvent.objects.filter(action="process_page").count()
    process_page.enqueue(page.pk)  # e.g. a task that was requeued after its worker had already finished
    run_worker(until_empty=True)
    assert AuditEvent.objects.filter(action="process_page").count() == events
    assert BatchItem.objects.get(page=page).attempts == 1


def test_work_left_running_by_a_dead_worker_is_taken_up_again(tmp_path, scans, scanner, martyr_dossier):
    folder = make_folder(tmp_path, {"": {"1.jpg": scans["small"][0], "2.jpg": scans["typical"][0]}})
    receive(scanner, martyr_dossier, folder, "1.jpg")
    receive(scanner, martyr_dossier, folder, "2.jpg")
    # A worker on this machine claimed the first page, then was killed (its process no longer exists).
    task = DBTaskResult.objects.order_by("enqueued_at").first()
    task.claim(f"{socket.gethostname()[:40]}:999999999:dead")
    first = Page.objects.get(sequence=1)
    assert services.claim_page(page_id=first.pk, worker="dead") is not None
    # Another machine's worker has been "running" a task for longer than the stale limit.
    other = DBTaskResult.objects.exclude(pk=task.pk).get(task_path__endswith="process_page")
    other.claim("elsewhere:123:abc")
    DBTaskResult.objects.filter(pk=other.pk).update(started_at=timezone.now() - timedelta(hours=2))
    assert recover_stale(stale_after=3600) == 2
    assert run_worker(until_empty=True) >= 2
    pages = list(Page.objects.order_by("sequence"))
    assert [p.state for p in pages] == [Page.State.DONE, Page.State.DONE]
    assert [BatchItem.objects.get(page=p).attempts for p in pages] == [2, 1]
    assert Page.objects.count() == 2  # nothing duplicated


def test_a_late_result_from_a_superseded_attempt_is_dropped(tmp_path, scans, scanner, martyr_dossier):
    folder = make_folder(tmp_path, {"": {"1.jpg": scans["small"][0]}})
    _, items = receive(scanner, martyr_dossier, folder)
    slow = services.claim_page(page_id=items[0].page_id, worker="slow")
    fresh = services.claim_page(page_id=items[0].page_id, worker="fresh")  # the slow one was given up for dead
    assert services.finish_page(claim=fresh, access_sha256="a" * 64, thumbnail_sha256="b" * 64, text="mới")
    assert not services.finish_page(claim=slow, access_sha256="c" * 64, thumbnail_sha256="d" * 64, text="cũ")
    assert Page.objects.get().ocr_text == "mới"


def test_batch_statistics_per_stage_operator_and_day(tmp_path, scans, scanner, actor, martyr_dossier,
                                                     wounded_dossier):
    folder = make_folder(tmp_path, {"": {"1.jpg": scans["small"][0], "2.jpg": b"", "3.jpg": scans["typical"][0]}})
    first, _ = receive(scanner, martyr_dossier, folder, "1.jpg")
    receive(scanner, martyr_dossier, folder, "2.jpg")
    receive(scanner, martyr_dossier, folder, "1.jpg")  # already there: skipped
    receive(actor, wounded_dossier, folder, "3.jpg")
    run_worker(until_empty=True)
    stats = selectors.capture_stats(actor=scanner)
    assert stats.totals == {"queued": 0, "processing": 0, "done": 2, "failed": 0, "skipped": 1, "refused": 1,
                            "quarantined": 0}
    assert stats.by_operator["soho"]["done"] == 1 and stats.by_operator["soho"]["refused"] == 1
    assert stats.by_operator["hoso-system"]["done"] == 1
    today = timezone.localdate()
    assert stats.received_by_day[today]["done"] == 2 and stats.processed_by_day[today] == {"done": 2, "failed": 0}
    assert selectors.batch_counts(batch=first)["done"] == 1


def test_command_line_stops_cleanly_on_an_unknown_folder(db, tmp_path):
    with pytest.raises(CommandError, match="Không tìm thấy thư mục"):
        call_command("ingest", str(tmp_path / "khong-co"), stdout=io.StringIO())


def test_a_page_whose_task_was_lost_with_its_worker_is_queued_again(tmp_path, scans, scanner, martyr_dossier):
    folder = make_folder(tmp_path, {"": {"1.jpg": scans["small"][0]}})
    _, items = receive(scanner, martyr_dossier, folder)
    task = DBTaskResult.objects.get()
    dead = f"{socket.gethostname()[:40]}:999999999"
    task.claim(dead)
    services.claim_page(page_id=items[0].page_id, worker=dead)
    task.set_failed(KeyboardInterrupt())  # a second Ctrl+C: django-tasks-db records the task as failed
    assert Page.objects.get().state == Page.State.PROCESSING
    assert recover_stale() == 1 and recover_stale() == 0  # queued again once, with a new task
    run_worker(until_empty=True)
    assert Page.objects.get().state == Page.State.DONE
    assert AuditEvent.objects.filter(action="requeue_page").count() == 1


def test_only_users_who_may_digitise_can_ingest(tmp_path, officer, scans, martyr_dossier):
    folder = make_folder(tmp_path, {"QTI-LS-07956-CM": {"1.jpg": scans["small"][0]}})
    with pytest.raises(CommandError, match="không có quyền"):
        call_command("ingest", str(folder), as_user=officer.username, jobs=1, stdout=io.StringIO())
    assert not Page.objects.exists()
