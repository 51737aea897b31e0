"""Kiểm tra tính toàn vẹn tệp (fixity): every file the records refer to, and every file in the store, re-hashed.

A file a record refers to (a page's master, access copy or thumbnail, a dossier's access copy, a file handed in
with a batch) that the store does not have is "missing"; a stored file whose bytes no longer hash to its name
is "changed". Digests are checked in sorted order and the run keeps its position in its `FixityRun` row, so an
interrupted run (Ctrl+C, a killed worker, a power cut) goes on from where it stopped.

This module is the one write path of FixityRun (start, checkpoint, finish, each start and finish audited).
An idle `hoso worker` enqueues `weekly_fixity` when the last complete run is older than
HOSO_FIXITY_EVERY_DAYS (see `schedule_if_due`).
"""

import os
import socket
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from hoso.access.models import User
from hoso.access.services import system_user
from hoso.blobstore import BlobStore
from hoso.blobstore.fixity import CHANGED, MISSING, iter_checks, sorted_union
from hoso.capture.models import AccessCopy, BatchItem
from hoso.core.audit import record_event
from hoso.core.blobs import blob_store
from hoso.core.events import AuditAction
from hoso.core.i18n import vietnamese_display
from hoso.preservation.models import FixityRun
from hoso.preservation.selectors import UNFINISHED, last_run
from hoso.records.models import Page

try:  # Django 6 ships the Tasks API; on 5.2 the django-tasks backport provides it
    from django.tasks import TaskResultStatus, task
except ImportError:
    from django_tasks import TaskResultStatus, task

CHECKPOINT_SECONDS = 2.0
CHECKPOINT_BLOBS = 500
ALIVE_SECONDS = 300  # a "running" run saved within this time belongs to a live process
MB = 1024 * 1024


class FixityBusy(Exception):
    """Another fixity run is in progress (it saved its position a moment ago)."""


def _owner() -> str:
    return f"{socket.gethostname()[:40]}:{os.getpid()}"


def _alive(run: FixityRun) -> bool:
    """A run is being worked on when it saved its position lately and its process still exists (a process on
    another machine is taken at its word until ALIVE_SECONDS pass)."""
    if run.status != FixityRun.Status.RUNNING or run.saved_at is None:
        return False
    if run.saved_at <= timezone.now() - timedelta(seconds=ALIVE_SECONDS):
        return False
    host, _, pid = run.owner.partition(":")
    if host == socket.gethostname()[:40] and pid.isdigit():
        try:
            os.kill(int(pid), 0)
        except ProcessLookupError:
            return False  # killed (kill -9, a crash): resume it now
        except PermissionError:
            return True
    return True

Progress = Callable[[int, int, str], None]  # (files checked, bytes read, last digest)


def referenced_digests(after: str = "") -> Iterator[str]:
    """Every digest a record refers to, sorted, each once (streamed from the database)."""
    sources = [(Page, "master_sha256"), (Page, "access_sha256"), (Page, "thumbnail_sha256"), (Page, "screen_sha256"),
               (AccessCopy, "sha256"), (BatchItem, "master_sha256")]
    queries = [model.objects.annotate(digest=F(column)).exclude(digest="").filter(digest__gt=after)
               .order_by().values_list("digest", flat=True) for model, column in sources]
    union = queries[0].union(*queries[1:]).order_by("digest")
    return union.iterator(chunk_size=5000)


def stored_digests(store: BlobStore, after: str = "") -> Iterator[str]:
    """Every digest in the store after `after` (both backends list in sorted order)."""
    for sha256 in store.digests():
        if sha256 > after:
            yield sha256


def where(sha256: str) -> list[dict]:
    """What refers to a digest: dossier number, page number and which file of the page."""
    found = []
    pages = Page.objects.filter(Q(master_sha256=sha256) | Q(access_sha256=sha256) | Q(thumbnail_sha256=sha256)
                                | Q(screen_sha256=sha256))
    for page in pages.select_related("dossier").order_by("dossier__number", "sequence"):
        for role, value in (("master", page.master_sha256), ("access", page.access_sha256),
                            ("thumbnail", page.thumbnail_sha256), ("screen", page.screen_sha256)):
            if value == sha256:
                found.append({"dossier": page.dossier.number, "page": page.sequence, "file": role})
    for copy in AccessCopy.objects.filter(sha256=sha256).select_related("dossier"):
        found.append({"dossier": copy.dossier.number, "page": None, "file": "access_copy"})
    if not found:
        for item in BatchItem.objects.filter(master_sha256=sha256).select_related("dossier", "batch")[:5]:
            found.append({"dossier": item.dossier.number if item.dossier else None, "page": None,
                          "file": f"batch_item:{vietnamese_display(item, 'outcome')}", "name": item.source_name,
                          "batch": item.batch.name})
    return found


def describe(entry: dict) -> str:
    """One line for people: "<digest>: hồ sơ QTI/LS-07956/CM trang 2 (bản gốc)"."""
    labels = {"master": "bản gốc", "access": "bản phục vụ", "thumbnail": "ảnh nhỏ", "access_copy": "bản PDF hồ sơ"}
    places = []
    for ref in entry["where"]:
        text = f"hồ sơ {ref['dossier']}" if ref.get("dossier") else "tệp tiếp nhận"
        if ref.get("page"):
            text += f" trang {ref['page']}"
        text += f" ({labels.get(ref['file'], ref.get('name') or ref['file'])})"
        places.append(text)
    return f"{entry['sha256']}: {', '.join(places) if places else 'không hồ sơ nào tham chiếu'}"


@dataclass
class FixityOutcome:
    run: FixityRun
    resumed: bool
    finished: bool = True  # False: paused after max_seconds, to be resumed

    @property
    def ok(self) -> bool:
        return self.run.status == FixityRun.Status.OK

    def as_json(self) -> dict:
        run = self.run
        return {"ok": self.ok, "checked": run.checked, "bytes": run.bytes, "missing": run.missing,
                "changed": run.changed, "run": run.pk, "resumed": self.resumed,
                "started_at": run.started_at.isoformat(),
                "finished_at": run.finished_at.isoformat() if run.finished_at else None}


def _open_run(*, actor: User, rate_mb: float, restart: bool, trigger: str) -> tuple[FixityRun, bool]:
    with transaction.atomic():
        unfinished = FixityRun.objects.select_for_update().filter(status__in=UNFINISHED).order_by("-id")
        alive = next((run for run in unfinished if _alive(run)), None)
        if alive is not None:
            raise FixityBusy(f"Một lần kiểm tra toàn vẹn khác đang chạy (lần #{alive.pk}, "
                             f"đã kiểm {alive.checked} tệp).")
        run = None if restart else unfinished.first()
        if restart:
            abandoned = list(unfinished.values_list("pk", flat=True))
            if abandoned:
                FixityRun.objects.filter(pk__in=abandoned).update(status=FixityRun.Status.ABANDONED,
                                                                    finished_at=timezone.now())
        if run is not None:
            run.status, run.rate_mb, run.resumed = FixityRun.Status.RUNNING, rate_mb, run.resumed + 1
            run.saved_at, run.owner = timezone.now(), _owner()
            run.save(update_fields=["status", "rate_mb", "resumed", "saved_at", "owner"])
            record_event(actor=actor, action=AuditAction.FIXITY_RESUME, obj=run,
                         summary=f"Chạy tiếp kiểm tra toàn vẹn tệp từ {run.checked} tệp đã kiểm",
                         after={"position": run.position, "checked": run.checked, "rate_mb": rate_mb})
            return run, True
        run = FixityRun.objects.create(rate_mb=rate_mb, trigger=trigger[:20], saved_at=timezone.now(),
                                 owner=_owner())
        record_event(actor=actor, action=AuditAction.FIXITY_START, obj=run, summary="Bắt đầu kiểm tra toàn vẹn tệp",
                     after={"rate_mb": rate_mb, "trigger": trigger, "abandoned": restart or None})
    return run, False


def _checkpoint(run: FixityRun, *, status: str = FixityRun.Status.RUNNING) -> None:
    run.status, run.saved_at = status, timezone.now()
    FixityRun.objects.filter(pk=run.pk).update(status=status, checked=run.checked, bytes=run.bytes,
                                               missing=run.missing, changed=run.changed, position=run.position,
                                               saved_at=run.saved_at)


def _finish(run: FixityRun, *, actor: User) -> None:
    with transaction.atomic():
        run.status = FixityRun.Status.OK if not run.missing and not run.changed else FixityRun.Status.PROBLEMS
        run.finished_at = timezone.now()
        run.save(update_fields=["status", "finished_at", "checked", "bytes", "missing", "changed", "position"])
        record_event(actor=actor, action=AuditAction.FIXITY_CHECK, obj=run,
                     summary=f"Kiểm tra toàn vẹn: {run.checked} tệp, {len(run.missing)} thiếu, "
                             f"{len(run.changed)} bị thay đổi",
                     after={"ok": run.status == FixityRun.Status.OK, "checked": run.checked, "bytes": run.bytes,
                            "missing": [m["sha256"] for m in run.missing],
                            "changed": [c["sha256"] for c in run.changed]})


def run_fixity(*, actor: User, rate_mb: float | None = None, restart: bool = False, trigger: str = "command",
               progress: Progress | None = None, store: BlobStore | None = None,
               max_seconds: float | None = None) -> FixityOutcome:
    """Check every referenced and every stored file; resumes the last unfinished run unless `restart`.

    rate_mb: read limit in MB/s (default HOSO_FIXITY_RATE_MB; 0 = unlimited). max_seconds: pause (status
    "interrupted", finished=False) once this long has passed. On KeyboardInterrupt the position is saved
    (status "interrupted") and the interrupt goes on up."""
    store = store or blob_store()
    rate_mb = settings.HOSO_FIXITY_RATE_MB if rate_mb is None else max(0.0, float(rate_mb))
    run, resumed = _open_run(actor=actor, rate_mb=rate_mb, restart=restart, trigger=trigger)
    digests = sorted_union(referenced_digests(run.position), stored_digests(store, run.position))
    saved_at, since_saved = time.monotonic(), 0
    deadline = None if max_seconds is None else time.monotonic() + max_seconds
    try:
        for check in iter_checks(store, digests, rate=rate_mb * MB):
            if check.status in (MISSING, CHANGED):
                entry = {"sha256": check.sha256, "where": where(check.sha256)}
                (run.missing if check.status == MISSING else run.changed).append(entry)
            run.checked += 1
            run.bytes += check.size
            run.position = check.sha256
            since_saved += 1
            if progress:
                progress(run.checked, run.bytes, check.sha256)
            if since_saved >= CHECKPOINT_BLOBS or time.monotonic() - saved_at >= CHECKPOINT_SECONDS:
                _checkpoint(run)
                saved_at, since_saved = time.monotonic(), 0
            if deadline is not None and time.monotonic() >= deadline:
                _checkpoint(run, status=FixityRun.Status.INTERRUPTED)
                return FixityOutcome(run=run, resumed=resumed, finished=False)
    except BaseException:
        _checkpoint(run, status=FixityRun.Status.INTERRUPTED)
        raise
    _finish(run, actor=actor)
    return FixityOutcome(run=run, resumed=resumed)


@task(queue_name="default", priority=-10)  # after any page waiting to be processed
def weekly_fixity() -> str:
    """The scheduled run (resumes an interrupted one), at the configured rate limit, in slices of
    HOSO_FIXITY_SLICE_SECONDS: after each slice it queues itself again behind the pages waiting to be
    processed, so a long check never holds the capture queue up for hours."""
    try:
        outcome = run_fixity(actor=system_user(), trigger="weekly", max_seconds=settings.HOSO_FIXITY_SLICE_SECONDS)
    except FixityBusy:
        return "busy"  # another run is going on; the worker asks again once it has stopped saving
    if not outcome.finished:
        weekly_fixity.enqueue()
        return "paused"
    return "ok" if outcome.ok else "problems"


def is_due(*, now=None) -> bool:
    """Whether the scheduled check should run: fixity is switched on, and the last complete run is older
    than HOSO_FIXITY_EVERY_DAYS (or there was none, or one was interrupted)."""
    days = settings.HOSO_FIXITY_EVERY_DAYS
    if days <= 0:
        return False
    now = now or timezone.now()
    if any(_alive(run) for run in FixityRun.objects.filter(status=FixityRun.Status.RUNNING)):
        return False  # one is running now
    if FixityRun.objects.filter(status__in=UNFINISHED).exists():
        return True  # interrupted (or its process died): go on with it
    last = last_run()
    return last is None or last.finished_at <= now - timedelta(days=days)


def schedule_if_due(*, now=None) -> bool:
    """Enqueue `weekly_fixity` when it is due and not already queued or running; True when enqueued."""
    from django_tasks_db.models import DBTaskResult

    if not is_due(now=now):
        return False
    pending = DBTaskResult.objects.filter(task_path=weekly_fixity.module_path,
                                          status__in=[TaskResultStatus.READY, TaskResultStatus.RUNNING])
    if pending.exists():
        return False
    weekly_fixity.enqueue()
    return True
