"""Workers on many machines: a task is taken from its worker only when that worker is dead — its process gone on
this machine, or, on any machine, no sign of life (capture.WorkerBeat) for HOSO_CAPTURE_STALE_SECONDS — never
because the page has simply taken long. The namespace test (tests/deploy/test_many_machines.py) kills a real host."""

import time
from datetime import timedelta

from django.db import OperationalError
from django.utils import timezone
from django_tasks_db.models import DBTaskResult
from django_tasks_db.utils import is_locked_database_exception

from hoso.capture import services
from hoso.capture.models import WorkerBeat
from hoso.capture.worker import BEAT_EVERY, _Heartbeat, beat_interval, recover_stale

from .conftest import make_folder


def _queue_pages(tmp_path, scans, actor, dossier, count: int) -> list[DBTaskResult]:
    kinds = ["small", "typical", "cua_tung", "phone"][:count]  # four different files (the same one is skipped)
    files = {f"{i}.{'png' if kind == 'cua_tung' else 'jpg'}": scans[kind][0] for i, kind in enumerate(kinds, 1)}
    folder = make_folder(tmp_path, {"": files})
    batch = services.start_batch(actor=actor, name="nhiều máy", run_ocr=False)
    for name in files:
        services.receive_file(actor=actor, batch=batch, dossier=dossier, path=folder / name, name=name)
    return list(DBTaskResult.objects.order_by("enqueued_at"))


def _held(task: DBTaskResult, owner: str, *, minutes_ago: float) -> None:
    task.claim(owner)
    DBTaskResult.objects.filter(pk=task.pk).update(started_at=timezone.now() - timedelta(minutes=minutes_ago))


def _beat(owner: str, *, seconds_ago: float) -> None:
    now = timezone.now()
    WorkerBeat.objects.create(worker_id=owner, started_at=now - timedelta(hours=1),
                              seen_at=now - timedelta(seconds=seconds_ago))


def test_only_the_tasks_of_silent_workers_on_other_machines_go_back_to_the_queue(tmp_path, scans, scanner,
                                                                                   martyr_dossier):
    busy, silent, unknown, fresh = _queue_pages(tmp_path, scans, scanner, martyr_dossier, 4)
    _held(busy, "may-2:41:aa", minutes_ago=90)  # a long page, but its worker beat a second ago
    _beat("may-2:41:aa", seconds_ago=1)
    _held(silent, "may-3:41:bb", minutes_ago=2)  # its machine died a minute ago
    _beat("may-3:41:bb", seconds_ago=65)
    _held(unknown, "may-4:7:cc", minutes_ago=5)  # never beat (an older version): judged by the claim's age
    _held(fresh, "may-5:7:dd", minutes_ago=0)  # claimed just now, its first beat not yet seen
    assert recover_stale(stale_after=60) == 2
    status = dict(DBTaskResult.objects.values_list("pk", "status"))
    assert [status[t.pk] for t in (busy, silent, unknown, fresh)] == ["RUNNING", "READY", "READY", "RUNNING"]
    assert recover_stale(stale_after=60) == 0  # nothing twice


def test_a_worker_beats_often_enough_for_the_limit():
    assert beat_interval(1800) == BEAT_EVERY
    assert beat_interval(6) == 1.0  # six beats within the limit: a live worker is never silent for it
    assert beat_interval(0.1) == 0.2


def _seen_at(worker_id: str):
    """The worker's last beat; None while the beat thread is writing it. The tests' in-memory SQLite database shares
    one cache between the threads' connections, and there a read that meets a write is refused at once ("database
    table is locked") instead of waiting (a database file, as the product runs on, makes it wait)."""
    try:
        return WorkerBeat.objects.get(worker_id=worker_id).seen_at
    except OperationalError as exc:
        if not is_locked_database_exception(exc):
            raise
        return None


def test_the_heartbeat_keeps_a_busy_worker_alive(transactional_db):
    """The beat comes from a thread of its own (with its own connection), so it goes on while the worker's own
    thread is busy with a long page."""
    started = timezone.now() - timedelta(minutes=5)
    WorkerBeat.objects.create(worker_id="day:1:ee", started_at=started, seen_at=started)
    heart = _Heartbeat("day:1:ee", started, every=0.05)
    heart.start()
    try:
        deadline = time.monotonic() + 10
        while (seen := _seen_at("day:1:ee")) is None or seen <= started + timedelta(minutes=4):
            assert time.monotonic() < deadline, "no beat from the heartbeat thread"
            time.sleep(0.05)
    finally:
        heart.stop()
    assert not heart.is_alive()
