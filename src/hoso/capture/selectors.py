"""Reads of digitisation: a batch's report, its progress, counts per stage, operator and day, and the outline of a
photographed page for the viewer's check.

A stage is where a handed-in page is now: refused, quarantined, skipped (already in the dossier), or —
for a page taken in — its processing state (queued, processing, done, failed).
"""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Count, F, Q, QuerySet
from django.db.models.functions import TruncDate
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from hoso.access.models import User
from hoso.access.permissions import CAPTURE, VIEW_STATISTICS
from hoso.access.rules import user_can
from hoso.blobstore import BlobNotFound
from hoso.core.blobs import blob_store
from hoso.core.events import AuditAction
from hoso.core.models import AuditEvent
from hoso.imaging.photo import upright_size
from hoso.records.models import Dossier, Page
from hoso.records.visibility import dossier_q

from .models import Batch, BatchItem, WorkerBeat
from .reasons import photo_reason

STAGES = ("queued", "processing", "done", "failed", "skipped", "refused", "quarantined")
STAGE_LABELS = {"queued": gettext_lazy("Chờ xử lý"), "processing": gettext_lazy("Đang xử lý"),
                "done": gettext_lazy("Hoàn tất"), "failed": gettext_lazy("Lỗi"),
                "skipped": gettext_lazy("Đã có, bỏ qua"), "refused": pgettext_lazy("model", "Từ chối"),
                "quarantined": gettext_lazy("Cách ly")}


def _stage(outcome: str, state: str | None) -> str:
    return (state or "queued") if outcome == BatchItem.Outcome.ADDED else outcome


def _check(actor: User | None) -> None:
    if actor is not None and not (user_can(actor, CAPTURE) or user_can(actor, VIEW_STATISTICS)):
        raise PermissionDenied(_("Bạn không có quyền xem số liệu số hóa."))


def visible_batches(*, actor: User | None) -> QuerySet[Batch]:
    """Batches whose every dossier the actor may see (a batch's name and counts speak of its dossiers): the
    visibility rule of records, applied to what a batch holds."""
    q = dossier_q(actor=actor)
    if q is None:
        return Batch.objects.none()
    if not q:  # the rule hides no dossier (`Dossier.objects.exclude(Q())` is every one: it would hide every batch)
        return Batch.objects.all()
    return Batch.objects.exclude(items__dossier__in=Dossier.objects.exclude(q))


def visible_items(*, actor: User | None) -> QuerySet[BatchItem]:
    """Handed-in files the actor may count or list: of a dossier they may see, or of none (refused at the door)."""
    q = dossier_q(actor=actor, path="dossier__")
    if q is None:
        return BatchItem.objects.none()
    return BatchItem.objects.filter(Q(dossier__isnull=True) | q)


def batch_items(*, batch: Batch) -> QuerySet[BatchItem]:
    return batch.items.select_related("dossier", "page").order_by("id")


def batch_counts(*, batch: Batch) -> dict[str, int]:
    """Pages (and refused files) of a batch per stage; every stage present, zeros included."""
    counts = dict.fromkeys(STAGES, 0)
    rows = batch.items.values("outcome", "page__state").annotate(n=Count("id"))
    for row in rows:
        counts[_stage(row["outcome"], row["page__state"])] += row["n"]
    return counts


def batch_progress(*, batch: Batch) -> tuple[int, int]:
    """(pages settled — done or failed —, pages taken in) for a progress bar."""
    pages = Page.objects.filter(capture__batch=batch)
    total = pages.count()
    return pages.filter(state__in=[Page.State.DONE, Page.State.FAILED]).count(), total


def batch_report(*, batch: Batch, include_text: bool = False) -> dict[str, Any]:
    """The batch report of `hoso ingest --json`: counts, then every item with its outcome and reason."""
    counts = batch_counts(batch=batch)
    items = []
    for item in batch_items(batch=batch):
        page = item.page
        entry: dict[str, Any] = {
            "file": item.source_name, "dossier_number": item.dossier.number if item.dossier else None,
            "page_of_file": item.frame + 1, "stage": _stage(item.outcome, page.state if page else None),
            "reason": item.reason or (page.error if page else "") or None,
            "sha256": item.master_sha256 or None,
        }
        if page is not None:
            entry.update(sequence=page.sequence, attempts=item.attempts)
            if include_text:
                entry["ocr_text"] = page.ocr_text
        items.append(entry)
    return {
        "batch": {"id": batch.pk, "name": batch.name, "operator": batch.operator.get_username(),
                  "folder": batch.folder or None, "created_at": batch.created_at.isoformat(),
                  "run_ocr": batch.run_ocr},
        "pages_added": sum(counts[s] for s in ("queued", "processing", "done", "failed")),
        "pages_skipped": counts["skipped"],
        "refused": counts["refused"],
        "quarantined": counts["quarantined"],
        "failed": counts["failed"],
        "done": counts["done"],
        "counts": counts,
        "problems": [i for i in items if i["stage"] in ("refused", "quarantined", "failed")],
        "items": items,
    }


@dataclass
class CaptureStats:
    """Counts of handed-in pages per stage: overall, per operator and per day (received / processed)."""

    totals: dict[str, int]
    by_operator: dict[str, dict[str, int]] = field(default_factory=dict)
    received_by_day: dict[date, dict[str, int]] = field(default_factory=dict)
    processed_by_day: dict[date, dict[str, int]] = field(default_factory=dict)


def capture_stats(*, actor: User | None, since: datetime | None = None, until: datetime | None = None,
                  batch: Batch | None = None) -> CaptureStats:
    """Digitisation progress for the dashboard: stages overall, per operator, per day received and per day
    processed (done / failed), optionally limited to a period (by the day received) or one batch."""
    _check(actor)
    items = visible_items(actor=actor)
    if batch is not None:
        items = items.filter(batch=batch)
    if since is not None:
        items = items.filter(created_at__gte=since)
    if until is not None:
        items = items.filter(created_at__lt=until)
    totals = dict.fromkeys(STAGES, 0)
    by_operator: dict[str, dict[str, int]] = defaultdict(lambda: dict.fromkeys(STAGES, 0))
    received: dict[date, dict[str, int]] = defaultdict(lambda: dict.fromkeys(STAGES, 0))
    rows = (items.annotate(day=TruncDate("created_at"), operator=F("batch__operator__username"))
            .values("operator", "day", "outcome", "page__state").annotate(n=Count("id")))
    for row in rows:
        stage = _stage(row["outcome"], row["page__state"])
        totals[stage] += row["n"]
        by_operator[row["operator"]][stage] += row["n"]
        received[row["day"]][stage] += row["n"]
    processed: dict[date, dict[str, int]] = defaultdict(lambda: {"done": 0, "failed": 0})
    settled = (items.filter(finished_at__isnull=False)
               .filter(Q(page__state=Page.State.DONE) | Q(page__state=Page.State.FAILED))
               .annotate(day=TruncDate("finished_at")).values("day", "page__state").annotate(n=Count("id")))
    for row in settled:
        processed[row["day"]][row["page__state"]] += row["n"]
    return CaptureStats(totals=totals, by_operator=dict(by_operator), received_by_day=dict(sorted(received.items())),
                        processed_by_day=dict(sorted(processed.items())))


ALIVE_WITHIN = timedelta(seconds=60)  # a worker beats every 10 s (capture.worker.BEAT_EVERY)


@dataclass(frozen=True)
class WorkerState:
    """Whether anyone will pick up waiting work: how many workers gave a sign of life in the last minute, since
    when the oldest of them runs, and since when the work shown waits."""

    alive: int
    running_since: datetime | None
    waiting_since: datetime | None


def worker_state(*, waiting_since: datetime | None = None) -> WorkerState:
    beats = WorkerBeat.objects.filter(seen_at__gte=timezone.now() - ALIVE_WITHIN)
    first = beats.order_by("started_at").values_list("started_at", flat=True).first()
    return WorkerState(alive=beats.count(), running_since=first, waiting_since=waiting_since)


def pages_waiting_since(pages) -> datetime | None:
    """When the oldest of these pages that still wait for processing was handed in."""
    waiting = [p.pk for p in pages if p.state in Page.PENDING]
    if not waiting:
        return None
    return (BatchItem.objects.filter(page_id__in=waiting).order_by("created_at")
            .values_list("created_at", flat=True).first())


def batch_waiting_since(*, batch: Batch) -> datetime | None:
    return (batch_items(batch=batch).filter(page__state__in=Page.PENDING).order_by("created_at")
            .values_list("created_at", flat=True).first())


# --- a photographed page's outline (kiểm tra khung trang) ------------------------------------------------------

PROPOSED_INSET = 0.05  # no page found: four corners this share inside the photo's edges, for the person to move
CORNER_NAMES = (gettext_lazy("trên trái"), gettext_lazy("trên phải"), gettext_lazy("dưới phải"),
                gettext_lazy("dưới trái"))
HISTORY_LOOKBACK = 20  # processing events of a page looked at for the last one of its photo


@dataclass(frozen=True)
class PhotoOutline:
    """What the viewer shows over a photographed page's master: the photo's size (upright, the space of the
    corners), the four corners (top-left, top-right, bottom-right, bottom-left), and where they come from: "set"
    (by a person: who, when), "found" (by the pipeline, as its processing history records), or "proposed" (no page
    was found — `reason` says why — or the page was not processed yet)."""

    size: tuple[int, int]
    corners: list[list[float]]
    source: str
    set_by: str = ""
    set_at: datetime | None = None
    reason: str = ""

    @property
    def points(self) -> str:
        """The corners as an SVG polygon's points (in the photo's pixels)."""
        return " ".join(f"{x:g},{y:g}" for x, y in self.corners)

    @property
    def labelled(self) -> list[tuple[int, str, float, float]]:
        """(number, name, x, y) of each corner, as the viewer names them."""
        return [(i + 1, name, round(float(x), 1), round(float(y), 1))
                for i, (name, (x, y)) in enumerate(zip(CORNER_NAMES, self.corners, strict=True))]


def _last_photo_history(page: Page) -> dict[str, Any] | None:
    events = (AuditEvent.objects.filter(action=AuditAction.PROCESS_PAGE, object_type="page", object_id=str(page.pk))
              .order_by("-id").values_list("after", flat=True)[:HISTORY_LOOKBACK])
    return next((after["photo"] for after in events if isinstance(after, dict) and after.get("photo")), None)


def photo_item(*, page: Page) -> BatchItem | None:
    """How a photographed page was handed in (its master's kind and frame, the outline a person set); None for a
    page that is not a photo (not handed in with a batch of photos) or has no master."""
    item = BatchItem.objects.select_related("batch").filter(page=page).first()
    if item is None or not item.batch.photos or not page.master_sha256:
        return None
    return item


def photo_outline(*, actor: User | None, page: Page) -> PhotoOutline | None:
    """The outline to check on a page the viewer shows (the caller got it through records' visibility rule): None
    unless the actor may digitise and the page is a photo with its master."""
    if actor is not None and not user_can(actor, CAPTURE):
        return None
    item = photo_item(page=page)
    if item is None:
        return None
    history = _last_photo_history(page) or {}
    size = history.get("photo_size")
    if not size:  # processed before the size was recorded, or not processed yet: read the master's header
        try:
            with blob_store().local_path(page.master_sha256) as master:
                size = upright_size(master, kind=item.kind, frame=item.frame)
        except (BlobNotFound, OSError):
            return None
    width, height = int(size[0]), int(size[1])
    if item.outline:
        person = item.outline
        return PhotoOutline(size=(width, height), corners=person["corners"], source="set",
                            set_by=person.get("by_name") or person.get("by") or "",
                            set_at=parse_datetime(person.get("at") or ""))
    if history.get("found") and history.get("corners"):
        return PhotoOutline(size=(width, height), corners=history["corners"], source="found")
    dx, dy = round(width * PROPOSED_INSET, 1), round(height * PROPOSED_INSET, 1)
    return PhotoOutline(size=(width, height), source="proposed",
                        corners=[[dx, dy], [width - 1 - dx, dy], [width - 1 - dx, height - 1 - dy],
                                 [dx, height - 1 - dy]],
                        reason=photo_reason(history.get("reason") or ""))
