"""Processing a page in the background (`hoso worker`) and the writes it makes: claim the page, run the pure
pipeline (hoso.imaging.pipeline), record the outcome; join a dossier's processed pages into its access copy once
none is waiting. Both tasks are idempotent: a task that runs twice (a worker killed after finishing the work but
before marking the task done) finds the page settled, or the copy already built from the same pages, and does
nothing."""

import hashlib
import logging
import os
import secrets
import socket
import tempfile
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from hoso.access.services import system_user
from hoso.capture.models import AccessCopy, BatchItem
from hoso.core.audit import record_event
from hoso.core.blobs import blob_store
from hoso.core.events import AuditAction
from hoso.core.i18n import vietnamese
from hoso.imaging.checks import Rejected
from hoso.imaging.ocr import OcrFailed
from hoso.imaging.pdfa import assemble
from hoso.imaging.pipeline import process_page as run_pipeline
from hoso.records.models import Dossier, Page
from hoso.records.services import update_dossier
from hoso.records.signals import tell_dossiers_changed

try:  # Django 6 ships the Tasks API; on 5.2 the django-tasks backport provides it
    from django.tasks import task
except ImportError:
    from django_tasks import task

PENDING = Page.PENDING
log = logging.getLogger(__name__)


def worker_name() -> str:
    return f"{socket.gethostname()[:40]}:{os.getpid()}"


@dataclass
class Claim:
    page: Page
    item: BatchItem
    token: str
    run_ocr: bool
    photo: bool = False


def claim_page(*, page_id: int, worker: str = "") -> Claim | None:
    """Mark a queued page as being processed by this attempt; None when there is nothing to do (already
    done or failed: a duplicate task). A page left "processing" by a killed worker is claimed again."""
    token = secrets.token_hex(8)
    with transaction.atomic():
        page = Page.objects.select_for_update().filter(pk=page_id).first()
        if page is None or page.state not in PENDING:
            return None
        item = BatchItem.objects.select_for_update().select_related("batch").filter(page=page).first()
        if item is None:
            return None
        page.state, page.error = Page.State.PROCESSING, ""
        page.save(update_fields=["state", "error"])
        item.attempts += 1
        item.worker, item.claim, item.started_at, item.finished_at = (worker or worker_name())[:100], token, \
            timezone.now(), None
        item.save(update_fields=["attempts", "worker", "claim", "started_at", "finished_at"])
    return Claim(page=page, item=item, token=token, run_ocr=item.batch.run_ocr,
                 photo=item.batch.photos)


def _settle(claim: Claim, *, state: str, error: str = "", fields: dict[str, Any], details: dict[str, Any]) -> bool:
    with transaction.atomic():
        # Locks in the same order as claim_page (page, then item).
        page = Page.objects.select_for_update(of=("self",)).select_related("dossier").get(pk=claim.page.pk)
        item = BatchItem.objects.select_for_update().get(pk=claim.item.pk)
        if item.claim != claim.token:
            return False  # a later attempt owns the page now: this result is dropped
        for key, value in fields.items():
            setattr(page, key, value)
        page.state, page.error = state, error[:500]
        page.save(update_fields=["state", "error", *fields])
        item.claim, item.finished_at = "", timezone.now()
        item.save(update_fields=["claim", "finished_at"])
        note = photo_note(details.get("photo"))
        record_event(actor=system_user(), action=AuditAction.PROCESS_PAGE, obj=page,
                     summary=f"{page.dossier.number} trang {page.sequence}: {vietnamese(Page.State(page.state).label)}"
                             + (f"; {note}" if note else ""),
                     before={"state": Page.State.PROCESSING},
                     after={"state": state, "error": error or None, "attempt": item.attempts, **details})
    _maybe_assemble(claim.page.dossier_id)
    return True


def photo_note(photo: dict[str, Any] | None) -> str:
    """One Vietnamese line saying what was done to a photographed page (for the audit summary, hence the
    package's PREMIS event), from imaging.photo's parameters."""
    if not photo:
        return ""
    size = "×".join(str(v) for v in photo.get("size") or [])
    if photo.get("found"):
        corners = " ".join(f"({round(x)},{round(y)})" for x, y in photo.get("corners") or [])
        person = photo.get("outline_by") or {}
        found = (f"khung trang do {person.get('name') or person.get('username')} đặt" if person
                 else "tìm thấy trang")
        return (f"ảnh chụp: {found}, góc {corners}; nắn phẳng phối cảnh thành {size} điểm ảnh ở "
                f"{round(photo.get('dpi') or 0)} dpi{' (khổ A4)' if photo.get('a4') else ''}; làm đều ánh sáng nền")
    return f"ảnh chụp: không tìm thấy trang ({photo.get('reason')}), giữ nguyên cả ảnh {size}; làm đều ánh sáng nền"


def finish_page(*, claim: Claim, access_sha256: str, thumbnail_sha256: str, text: str, screen_sha256: str = "",
                details: dict[str, Any] | None = None) -> bool:
    """Record a processed page: its access PDF/A, thumbnail, screen image and OCR text. False if the claim was
    superseded."""
    details = dict(details or {})
    details.update(access_sha256=access_sha256, thumbnail_sha256=thumbnail_sha256, ocr_chars=len(text),
                   ocr_sha256=hashlib.sha256(text.encode()).hexdigest())
    return _settle(claim, state=Page.State.DONE, fields={"access_sha256": access_sha256,
                   "thumbnail_sha256": thumbnail_sha256, "screen_sha256": screen_sha256, "ocr_text": text},
                   details=details)


def fail_page(*, claim: Claim, reason: str) -> bool:
    """Record that a page could not be processed, with the (Vietnamese) reason shown to operators."""
    return _settle(claim, state=Page.State.FAILED, error=reason, fields={}, details={})


def _maybe_assemble(dossier_id: int) -> None:
    """When a dossier has no page waiting any more, (re)build its access copy — once its pages are settled."""
    if not Page.objects.filter(dossier_id=dossier_id, state__in=PENDING).exists():

        assemble_dossier.enqueue(dossier_id)


def text_changed(*, dossier: Dossier) -> None:
    """Tell search that a dossier's OCR text changed (its pages are settled), so its entry is rebuilt."""
    with transaction.atomic():
        tell_dossiers_changed([dossier.pk])


def record_access_copy(*, dossier: Dossier, sha256: str, size: int, page_count: int, pages_digest: str) -> AccessCopy:
    """Record the dossier's newly built access copy; the first one marks the dossier as scanned (đã quét)."""
    with transaction.atomic():
        # The dossier's row first: two workers finishing its last pages at once both build a copy, and without this
        # lock both would insert one (the second failed on the one-copy-per-dossier constraint).
        Dossier.objects.select_for_update().filter(pk=dossier.pk).first()
        copy = AccessCopy.objects.select_for_update().filter(dossier=dossier).first()
        before = {"sha256": copy.sha256, "page_count": copy.page_count} if copy else None
        copy = copy or AccessCopy(dossier=dossier)
        copy.sha256, copy.size, copy.page_count, copy.pages_digest = sha256, size, page_count, pages_digest
        copy.built_at = timezone.now()
        copy.save()
        actor = system_user()
        record_event(actor=actor, action=AuditAction.BUILD_ACCESS_COPY, obj=dossier, object_type="accesscopy",
                     summary=f"{dossier.number}: {page_count} trang", before=before,
                     after={"sha256": sha256, "page_count": page_count, "size": size})
        if dossier.status == Dossier.Status.NOT_STARTED:
            update_dossier(actor=actor, dossier=dossier, status=Dossier.Status.SCANNED)
    return copy




@task(queue_name="capture")
def process_page(page_id: int) -> str:
    claim = claim_page(page_id=page_id)
    if claim is None:
        return "skipped"
    store = blob_store()
    page = claim.page
    outline = claim.item.outline if claim.photo else None  # the page's outline as a person set it in the viewer
    try:
        with store.local_path(page.master_sha256) as master:
            result = run_pipeline(master, kind=claim.item.kind, frame=claim.item.frame, run_ocr=claim.run_ocr,
                                  language=settings.HOSO_OCR_LANGUAGE, timeout=settings.HOSO_OCR_TIMEOUT,
                                  photo=claim.photo, corners=outline["corners"] if outline else None)
    except (Rejected, OcrFailed) as exc:
        fail_page(claim=claim, reason=getattr(exc, "reason", None) or str(exc))
        return "failed"
    except Exception as exc:  # anything unexpected: the page says why, the batch goes on
        log.exception("page %s failed", page_id)
        fail_page(claim=claim, reason=f"Lỗi xử lý không lường trước: {type(exc).__name__}: {exc}"[:500])
        return "failed"
    if outline and result.photo is not None:  # the history says whose corners these are
        result.photo["outline_by"] = {"username": outline.get("by"), "name": outline.get("by_name") or "",
                                      "at": outline.get("at")}
    access = store.put_bytes(result.pdf)
    thumb = store.put_bytes(result.thumbnail)
    screen = store.put_bytes(result.screen)
    finish_page(claim=claim, access_sha256=access.sha256, thumbnail_sha256=thumb.sha256,
                screen_sha256=screen.sha256, text=result.text,
                         details={"skew": result.skew, "rotation": result.rotation, "dpi": round(result.dpi),
                                  "warnings": result.warnings or None,
                                  **({"photo": result.photo} if result.photo is not None else {})})
    return "done"


@task(queue_name="capture")
def assemble_dossier(dossier_id: int) -> str:
    dossier = Dossier.objects.filter(pk=dossier_id).first()
    if dossier is None:
        return "gone"
    pending = dossier.pages.filter(state__in=PENDING).exists()
    pages = list(dossier.pages.filter(state=Page.State.DONE).exclude(access_sha256="").order_by("sequence")
                 .values_list("access_sha256", flat=True))
    if pending or not pages:
        return "waiting" if pending else "empty"
    digest = hashlib.sha256(" ".join(pages).encode()).hexdigest()
    copy = AccessCopy.objects.filter(dossier=dossier).first()
    if copy is not None and copy.pages_digest == digest:
        return "unchanged"
    text_changed(dossier=dossier)
    store = blob_store()
    with tempfile.TemporaryDirectory(prefix="hoso-copy-") as tmp, ExitStack() as stack:
        paths = [stack.enter_context(store.local_path(sha)) for sha in pages]
        out = Path(tmp) / "copy.pdf"
        count = assemble(paths, out, title=f"Hồ sơ {dossier.number}")
        blob = store.put_file(out)
    record_access_copy(dossier=dossier, sha256=blob.sha256, size=blob.size, page_count=count,
                                pages_digest=digest)
    return "built"
