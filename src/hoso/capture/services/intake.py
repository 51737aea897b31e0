"""Batches and the files handed in: checked at the door, stored byte for byte, a page per frame, queued for
processing (in the same transaction); retrying failed pages and re-queueing abandoned ones."""

from pathlib import Path

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from hoso.access.models import User
from hoso.access.permissions import CAPTURE
from hoso.access.rules import require
from hoso.access.services import system_user
from hoso.blobstore import BlobStore
from hoso.capture.models import Batch, BatchItem
from hoso.capture.reasons import vietnamese_reason
from hoso.capture.services.processing import process_page
from hoso.core.audit import record_event
from hoso.core.blobs import blob_store
from hoso.core.events import AuditAction
from hoso.imaging.checks import Rejected, inspect_file, safe_name
from hoso.records.models import Dossier, Page
from hoso.records.selectors import visible_pages


def start_batch(*, actor: User, name: str, source: str = Batch.Source.FOLDER, folder: str = "",
                run_ocr: bool = True, photos: bool = False) -> Batch:
    """Open a digitisation batch (đợt số hóa) in the name of the operator; `photos`: its files are photos of
    pages (ảnh chụp), to be found in the photo and flattened (imaging.photo)."""
    require(actor, CAPTURE)
    name = (name or "").strip() or f"Đợt {timezone.localtime():%d/%m/%Y %H:%M}"
    with transaction.atomic():
        batch = Batch.objects.create(name=name[:200], source=source, folder=folder[:1000], operator=actor,
                                     run_ocr=run_ocr, photos=photos)
        record_event(actor=actor, action=AuditAction.CREATE, obj=batch, summary=batch.name,
                     after={"source": source, "folder": folder, "run_ocr": run_ocr, "photos": photos})
    return batch


def refuse(*, actor: User, batch: Batch, source_name: str, reason: str, dossier: Dossier | None = None,
           original_name: str = "", size: int | None = None, sha256: str = "",
           outcome: str = BatchItem.Outcome.REFUSED, code: str = "", params: dict | None = None) -> BatchItem:
    """Record a file (or folder) that was not taken in, with the reason (or quarantined, with its bytes kept):
    `reason` in Vietnamese, `code` and `params` for screens to word it in the reader's language (reasons.py)."""
    with transaction.atomic():
        item = BatchItem.objects.create(batch=batch, dossier=dossier, source_name=source_name[:500],
                                        original_name=original_name[:255], size=size, master_sha256=sha256,
                                        outcome=outcome, reason=reason[:500], reason_code=code[:40],
                                        reason_params=params or {})
        record_event(actor=actor, action=AuditAction.QUARANTINE_FILE if outcome == BatchItem.Outcome.QUARANTINED
                     else AuditAction.REFUSE_FILE, obj=batch, summary=f"{source_name[:150]}: {reason[:140]}",
                     after={"file": source_name, "sha256": sha256 or None, "reason": reason})
    return item


def receive_file(*, actor: User, batch: Batch, dossier: Dossier, path: Path, name: str, source_name: str = "",
                 store: BlobStore | None = None) -> list[BatchItem]:
    """Take one file in for a dossier: check it, store it as received, add its pages (queued for processing).

    Pages already in the dossier (same bytes, same page of the file) are skipped, so ingesting a folder
    again adds nothing twice. Returns one item per page of the file, or one refused/quarantined item.
    """
    require(actor, CAPTURE)
    store = store or blob_store()
    source_name = source_name or name
    try:
        size = path.stat().st_size
        stored_name = safe_name(name)
        info = inspect_file(path, name=stored_name)
    except Rejected as exc:
        if exc.quarantine:
            blob = store.put_file(path)
            return [refuse(actor=actor, batch=batch, source_name=source_name, reason=exc.reason, dossier=dossier,
                           original_name=name, size=blob.size, sha256=blob.sha256,
                           outcome=BatchItem.Outcome.QUARANTINED, code=exc.code, params={"name": name})]
        return [refuse(actor=actor, batch=batch, source_name=source_name, reason=exc.reason, dossier=dossier,
                       original_name=name, size=path.stat().st_size if path.exists() else None, code=exc.code,
                       params={"name": name})]
    except OSError as exc:
        params = {"name": name, "error": str(exc.strerror or exc)}
        return [refuse(actor=actor, batch=batch, source_name=source_name, dossier=dossier, original_name=name,
                       reason=vietnamese_reason("unreadable", params), code="unreadable", params=params)]
    blob = store.put_file(path)  # the master, byte for byte, before any processing

    with transaction.atomic():
        # One writer per dossier at a time: page numbers are given out in order.
        Dossier.objects.select_for_update().only("pk").get(pk=dossier.pk)
        known = dict(BatchItem.objects.filter(dossier=dossier, master_sha256=blob.sha256, page__isnull=False)
                     .values_list("frame", "page__sequence"))
        next_sequence = (dossier.pages.aggregate(m=models.Max("sequence"))["m"] or 0) + 1
        items, added = [], []
        for frame in range(info.pages):
            common = dict(batch=batch, dossier=dossier, source_name=source_name[:500], original_name=stored_name,
                          kind=info.kind, frame=frame, master_sha256=blob.sha256, size=size)
            if frame in known:
                items.append(BatchItem(outcome=BatchItem.Outcome.SKIPPED, **common,
                                       reason=vietnamese_reason("known", {"page": known[frame]}),
                                       reason_code="known", reason_params={"page": known[frame]}))
                continue
            page = Page.objects.create(dossier=dossier, sequence=next_sequence, master_sha256=blob.sha256,
                                       original_name=stored_name, state=Page.State.QUEUED)
            next_sequence += 1
            added.append(page)
            items.append(BatchItem(outcome=BatchItem.Outcome.ADDED, page=page, **common))
        BatchItem.objects.bulk_create(items)
        record_event(actor=actor, action=AuditAction.ADD_PAGES if added else AuditAction.SKIP_FILE, obj=dossier,
                     summary=f"{stored_name}: {len(added)} trang mới, {len(items) - len(added)} trang đã có",
                     after={"batch": batch.pk, "file": source_name, "sha256": blob.sha256, "size": size,
                            "kind": info.kind, "pages": [p.sequence for p in added]})
        for page in added:
            process_page.enqueue(page.pk)
    return items


def requeue_abandoned(*, page: Page, reason: str) -> bool:
    """Queue again a page left "processing" by an attempt that will never finish (its worker died and its
    task was lost with it); False if the page has moved on meanwhile."""

    with transaction.atomic():
        page = Page.objects.select_for_update().get(pk=page.pk)
        if page.state != Page.State.PROCESSING:
            return False
        BatchItem.objects.filter(page=page).update(claim="")
        page.state = Page.State.QUEUED
        page.save(update_fields=["state"])
        record_event(actor=system_user(), action=AuditAction.REQUEUE_PAGE, obj=page,
                     summary=f"trang {page.sequence}: {reason}",
                     before={"state": Page.State.PROCESSING}, after={"state": Page.State.QUEUED})
        process_page.enqueue(page.pk)
    return True


def retry_page(*, actor: User, page: Page) -> Page:
    """Queue a failed page again (after the cause was fixed: a tesseract timeout, a full disk…)."""
    require(actor, CAPTURE)

    with transaction.atomic():
        page = Page.objects.select_for_update().get(pk=page.pk)
        if page.state != Page.State.FAILED:
            raise ValidationError(_("Chỉ thử lại được trang đang ở trạng thái lỗi."))
        before = {"state": page.state, "error": page.error}
        page.state, page.error = Page.State.QUEUED, ""
        page.save(update_fields=["state", "error"])
        record_event(actor=actor, action=AuditAction.RETRY_PAGE, obj=page, summary=f"trang {page.sequence}",
                     before=before,
                     after={"state": page.state})
        process_page.enqueue(page.pk)
    return page


def retry_failed(*, actor: User, batch: Batch | None = None, dossier: Dossier | None = None) -> int:
    """Queue again every failed page of a batch or a dossier that the actor may open (pages of dossiers out of
    their reach are passed over, as on the web); returns how many."""
    pages = visible_pages(actor=actor).filter(state=Page.State.FAILED)
    if batch is not None:
        pages = pages.filter(capture__batch=batch)
    if dossier is not None:
        pages = pages.filter(dossier=dossier)
    count = 0
    for page in pages.order_by("dossier_id", "sequence"):
        retry_page(actor=actor, page=page)
        count += 1
    return count
