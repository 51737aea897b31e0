"""Running the processing tasks: `hoso worker`, and the workers `hoso ingest` starts on every core.

django-tasks-db claims a task row (SELECT … FOR UPDATE SKIP LOCKED on PostgreSQL, an exclusive
transaction on SQLite) and marks it running; if the worker is then killed (kill -9, a power cut, a machine
that dies) the row stays "running" for ever. Every worker therefore gives a sign of life (capture.WorkerBeat)
every few seconds from a thread of its own, also while it is busy with a long page; and before looking for
work, and again after every few tasks, it puts back in the queue the tasks of dead workers: at once when the
worker that held them ran on this machine and its process is gone, otherwise when that worker has given no
sign of life for HOSO_CAPTURE_STALE_SECONDS (on any machine: the workers share only the database). A task
whose worker still beats is never taken from it. The task itself is idempotent (capture.services.processing):
the page is processed once more and recorded once — a late result of the attempt given up for dead is dropped.
"""

import os
import secrets
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from datetime import timedelta

import dj_database_url
from django.conf import settings
from django.db import DatabaseError, OperationalError, close_old_connections, connection
from django.utils import timezone
from django_tasks_db.management.commands.db_worker import Worker
from django_tasks_db.models import DBTaskResult
from django_tasks_db.utils import exclusive_transaction, is_locked_database_exception

from hoso.capture import services
from hoso.capture.models import BatchItem, WorkerBeat
from hoso.capture.services.processing import process_page
from hoso.capture.signals import worker_idle
from hoso.core.audit import seal_pending

try:
    from django.tasks import TaskResultStatus
except ImportError:
    from django_tasks import TaskResultStatus

QUEUES = ("capture", "default")
RECOVER_EVERY = 20  # tasks between two looks for dead workers' tasks
SCHEDULE_EVERY = 60.0  # seconds between two looks, while idle, at whether scheduled work is due
BEAT_EVERY = 10.0  # seconds between two signs of life (capture.selectors.worker_state counts 6× this as alive)
BEATS_PER_LIMIT = 6  # a worker beats at least this often within HOSO_CAPTURE_STALE_SECONDS


def new_worker_id() -> str:
    return f"{socket.gethostname()[:40]}:{os.getpid()}:{secrets.token_hex(4)}"


def _process_gone(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    except PermissionError:
        return False
    try:  # a zombie (killed, not yet reaped) is gone too
        with open(f"/proc/{pid}/stat") as fh:
            return fh.read().rsplit(")", 1)[-1].split()[0] == "Z"
    except OSError:
        return False


def _owner_gone(owner: str, host: str) -> bool:
    """A worker named "host:pid[:…]" that ran on this machine and whose process no longer exists."""
    owner_host, _, rest = owner.partition(":")
    pid = rest.split(":", 1)[0]
    return owner_host == host and pid.isdigit() and _process_gone(int(pid))


def beat_interval(stale_after: float) -> float:
    """Seconds between two signs of life: every BEAT_EVERY, and often enough that a live worker is never
    silent for stale_after (a short limit, as in tests, beats more often)."""
    return max(0.2, min(BEAT_EVERY, stale_after / BEATS_PER_LIMIT))


def _silent_since(owner: str, beats: dict[str, object], deadline, started_at) -> bool:
    """A worker on another machine is dead when its last sign of life is older than the deadline, or when it
    never gave one and the task it holds was claimed before the deadline."""
    seen = beats.get(owner)
    if seen is None:
        return started_at is None or started_at < deadline
    return seen < deadline


def recover_stale(*, stale_after: float | None = None) -> int:
    """Put back in the queue the tasks whose worker died, and pages whose attempt died without its task;
    returns how many."""
    stale_after = settings.HOSO_CAPTURE_STALE_SECONDS if stale_after is None else stale_after
    host, deadline = socket.gethostname()[:40], timezone.now() - timedelta(seconds=stale_after)
    recovered = 0
    running = list(DBTaskResult.objects.filter(status=TaskResultStatus.RUNNING, queue_name__in=QUEUES))
    owners = {(result.worker_ids or [""])[-1] for result in running}
    beats = dict(WorkerBeat.objects.filter(worker_id__in=owners).values_list("worker_id", "seen_at"))
    for result in running:
        owner = (result.worker_ids or [""])[-1]
        if _owner_gone(owner, host) or _silent_since(owner, beats, deadline, result.started_at):
            # Only if nobody claimed it meanwhile (same claim time): another worker may have put it back and a
            # live one taken it up since this list was read.
            recovered += DBTaskResult.objects.filter(
                pk=result.pk, status=TaskResultStatus.RUNNING, started_at=result.started_at,
            ).update(status=TaskResultStatus.READY, started_at=None)
    # A page still "processing" with no task left to finish it (the task was marked failed when the worker
    # was interrupted, say) is queued again.
    pending = DBTaskResult.objects.filter(task_path=process_page.module_path,
                                          status__in=[TaskResultStatus.READY, TaskResultStatus.RUNNING])
    for item in BatchItem.objects.filter(page__state="processing").select_related("page"):
        if not (_owner_gone(item.worker, host) or (item.started_at is not None and item.started_at < deadline)):
            continue
        if pending.filter(args_kwargs__args__0=item.page_id).exists():
            continue
        recovered += services.requeue_abandoned(page=item.page, reason="tiến trình xử lý đã dừng giữa chừng")
    return recovered


def _on_idle() -> bool:
    """A long-running worker, when idle, asks the apps whether periodic work is due (`worker_idle`: the weekly
    fixity check of preservation answers it). True when one of them queued something."""
    try:
        return any(bool(queued) for _receiver, queued in worker_idle.send(sender=run_worker))
    except OperationalError as exc:
        if is_locked_database_exception(exc):
            return False
        raise


def _beat(worker_id: str, started) -> None:
    """Say this worker is alive (a locked SQLite database only delays the sign to the next beat)."""
    try:
        WorkerBeat.objects.update_or_create(worker_id=worker_id,
                                            defaults={"started_at": started, "seen_at": timezone.now()})
    except OperationalError as exc:
        if not is_locked_database_exception(exc):
            raise


class _Heartbeat(threading.Thread):
    """Beats from a thread of its own (its own database connection), so that a worker busy with a long page
    is not given up for dead by the workers of other machines."""

    def __init__(self, worker_id: str, started, every: float) -> None:
        super().__init__(name="hoso-worker-beat", daemon=True)
        self.worker_id, self.started, self.every = worker_id, started, every
        self.stopping = threading.Event()

    def run(self) -> None:
        try:
            while not self.stopping.wait(self.every):
                try:
                    _beat(self.worker_id, self.started)
                except DatabaseError:  # the database went away for a moment: try again at the next beat
                    connection.close()
        finally:
            connection.close()  # this thread's connection

    def stop(self) -> None:
        self.stopping.set()
        self.join(timeout=30)


def _seal() -> None:
    """Seal the audit events written since the last seal (one worker at a time does it; the others skip)."""
    if connection.in_atomic_block:
        return  # an in-process run inside a test's transaction: sealing would lock the tip for the whole test
    try:
        seal_pending()
    except OperationalError as exc:
        if not is_locked_database_exception(exc):
            raise


def _gone(worker_id: str) -> None:
    try:
        WorkerBeat.objects.filter(worker_id=worker_id).delete()
    except OperationalError:
        pass  # the beat ages out on its own


def _close_old_connections() -> None:
    """Drop broken or expired connections between tasks, as Django does between requests — but never
    inside a transaction (an in-process run under a test's transaction)."""
    if not connection.in_atomic_block:
        close_old_connections()


def _claim_next(worker_id: str) -> DBTaskResult | None:
    tasks = DBTaskResult.objects.ready().filter(backend_name="default", queue_name__in=QUEUES)
    try:
        with exclusive_transaction(tasks.db):
            result = tasks.get_locked()
            if result is not None:
                result.claim(worker_id)  # "running", with our id: so a dead owner can be recognised
            return result
    except OperationalError as exc:
        if is_locked_database_exception(exc):
            return None
        raise


class _Stop:
    def __init__(self) -> None:
        self.requested = False

    def __call__(self, signum, frame) -> None:
        if self.requested:  # a second Ctrl+C: stop now, the task will be recovered
            raise KeyboardInterrupt
        self.requested = True


def run_worker(*, until_empty: bool = False, interval: float = 1.0, stale_after: float | None = None,
               max_tasks: int | None = None, on_task: Callable[[], None] | None = None,
               handle_signals: bool = False) -> int:
    """Process tasks until stopped (SIGTERM/Ctrl+C: after the current task), or until the queue is empty;
    returns how many tasks ran."""
    os.environ["OMP_THREAD_LIMIT"] = "1"  # one single-threaded tesseract per worker: run one worker per core
    worker_id, done, since_recovery = new_worker_id(), 0, RECOVER_EVERY
    next_schedule_look = 0.0
    runner = Worker(queue_names=list(QUEUES), interval=interval, batch=until_empty, backend_name="default",
                    startup_delay=False, max_tasks=max_tasks, worker_id=worker_id, excluded_queue_names=[])
    stop = _Stop()
    if handle_signals:
        signal.signal(signal.SIGTERM, stop)
        signal.signal(signal.SIGINT, stop)
    started, next_beat = timezone.now(), 0.0
    every = beat_interval(settings.HOSO_CAPTURE_STALE_SECONDS if stale_after is None else stale_after)
    heart = None
    try:
        while not stop.requested and (max_tasks is None or done < max_tasks):
            _close_old_connections()
            if time.monotonic() >= next_beat:
                _beat(worker_id, started)
                _seal()
                next_beat = time.monotonic() + every
                if heart is None and not connection.in_atomic_block:  # not in-process under a test's transaction
                    heart = _Heartbeat(worker_id, started, every)
                    heart.start()
            recovered = 0
            if since_recovery >= RECOVER_EVERY:
                recovered, since_recovery = recover_stale(stale_after=stale_after), 0
            result = _claim_next(worker_id)
            if result is None:
                if recovered:
                    continue
                if until_empty:
                    break
                if time.monotonic() >= next_schedule_look:  # idle: is the weekly fixity check due?
                    next_schedule_look = time.monotonic() + SCHEDULE_EVERY
                    if _on_idle():
                        continue
                time.sleep(interval)
                since_recovery = RECOVER_EVERY  # idle: look for dead workers' tasks on every wake-up
                continue
            runner.run_task(result)
            done += 1
            since_recovery += 1
            if on_task:
                on_task()
    finally:
        if heart is not None:
            heart.stop()
        _gone(worker_id)
    return done


def can_spawn_workers() -> bool:
    """Whether worker processes would see what this process wrote: not from inside a transaction (nothing is
    committed yet), and only when they would open the very database this process uses (a test database,
    in memory or renamed, is not what a new process configured from the environment opens)."""
    if connection.in_atomic_block:
        return False
    url = os.environ.get("DATABASE_URL")
    expected = dj_database_url.parse(url)["NAME"] if url else str(settings.DATA_DIR / "hoso.sqlite3")
    return str(connection.settings_dict.get("NAME") or "") == str(expected)


def spawn_workers(jobs: int, *, wait: Callable[[list[subprocess.Popen]], None]) -> list[str]:
    """Start `jobs` worker processes that stop when the queue is empty; `wait` watches them (progress) until
    they exit. Returns the error output of workers that failed."""
    env = {**os.environ, "OMP_THREAD_LIMIT": "1",
           "DJANGO_SETTINGS_MODULE": os.environ.get("DJANGO_SETTINGS_MODULE") or "hoso.settings"}
    logs = [tempfile.TemporaryFile() for _ in range(jobs)]
    procs = [subprocess.Popen([sys.executable, "-m", "hoso", "worker", "--until-empty"], env=env,
                              stdout=subprocess.DEVNULL, stderr=log) for log in logs]
    try:
        wait(procs)
    finally:
        for proc in procs:
            if proc.poll() is None:
                proc.terminate()
            proc.wait()
    errors = []
    for proc, log in zip(procs, logs, strict=True):
        if proc.returncode:
            log.seek(0)
            errors.append(log.read()[-2000:].decode("utf-8", "replace"))
        log.close()
    return errors
