"""The one write path of digitisation: batches, received files, pages and their processing, access copies.

Every function is keyword-only, runs in a transaction and writes the audit event there. Pages (records.Page)
are created and updated only here. Masters go into the blob store byte for byte before any processing,
and nothing here ever changes or deletes a stored file.

Processing tasks are enqueued inside the same transaction that creates or re-queues the page: with the
database task backend, the page and its task are committed together or not at all.
"""

import hashlib
import os
import secrets
import socket
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils import timezone

from hoso.access.audit import record_event
from hoso.access.models import User
from hoso.access.permissions import CAPTURE
from hoso.access.rules import require
from hoso.access.services import system_user
from hoso.blobstore import BlobStore
from hoso.imaging.checks import Rejected, inspect_file, safe_name
from hoso.records.models import Dossier, Page
from hoso.records.signals import dossiers_changed

from .models import AccessCopy, Batch, BatchItem
from .storage import blob_store

PENDING = (Page.State.QUEUED, Page.State.PROCESSING)


def worker_name() -> str:
    return f"{socket.gethostname()[:40]}:{os.getpid()}"


def start_batch(*, actor: User, name: str, source: str = Batch.Source.FOLDER, folder: str = "",
                run_ocr: bool = True) -> Batch:
    """Open a digitisation batch (đợt số hóa) in the name of the operator."""
    require(actor, CAPTURE)
    name = (name or "").strip() or f"Đợt {timezone.localtime():%d/%m/%Y %H:%M}"
    with transaction.atomic():
        batch = Batch.objects.create(name=name[:200], source=source, folder=folder[:1000], operator=actor,
                                     run_ocr=run_ocr)
        record_event(actor=actor, action="create", obj=batch, summary=batch.name,
                     after={"source": source, "folder": folder, "run_ocr": run_ocr})
    return batch


def refuse(*, actor: User, batch: Batch, source_name: str, reason: str, dossier: Dossier | None = None,
           original_name: str = "", size: int | None = None, sha256: str = "",
           outcome: str = BatchItem.Outcome.REFUSED) -> BatchItem:
    """Record a file (or folder) that was not taken in, with the reason (or quarantined, with its bytes kept)."""
    with transaction.atomic():
        item = BatchItem.objects.create(batch=batch, dossier=dossier, source_name=source_name[:500],
                                        original_name=original_name[:255], size=size, master_sha256=sha256,
                                        outcome=outcome, reason=reason[:500])
        record_event(actor=actor, action="quarantine_file" if outcome == BatchItem.Outcome.QUARANTINED
                     else "refuse_file", obj=batch, summary=f"{source_name[:150]}: {reason[:140]}",
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
                           outcome=BatchItem.Outcome.QUARANTINED)]
        return [refuse(actor=actor, batch=batch, source_name=source_name, reason=exc.reason, dossier=dossier,
                       original_name=name, size=path.stat().st_size if path.exists() else None)]
    except OSError as exc:
        return [refuse(actor=actor, batch=batch, source_name=source_name, dossier=dossier, original_name=name,
                       reason=f"Không đọc được tệp «{name}»: {exc.strerror or exc}")]
    blob = store.put_file(path)  # the master, byte for byte, before any processing
    from .tasks import process_page

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
                                       reason=f"Đã có trong hồ sơ (trang {known[frame]}), không thêm lần nữa."))
                continue
            page = Page.objects.create(dossier=dossier, sequence=next_sequence, master_sha256=blob.sha256,
                                       original_name=stored_name, state=Page.State.QUEUED)
            next_sequence += 1
            added.append(page)
            items.append(BatchItem(outcome=BatchItem.Outcome.ADDED, page=page, **common))
        BatchItem.objects.bulk_create(items)
        record_event(actor=actor, action="add_pages" if added else "skip_file", obj=dossier,
                     summary=f"{stored_name}: {len(added)} trang mới, {len(items) - len(added)} trang đã có",
                     after={"batch": batch.pk, "file": source_name, "sha256": blob.sha256, "size": size,
                            "kind": info.kind, "pages": [p.sequence for p in added]})
        for page in added:
            process_page.enqueue(page.pk)
    return items


@dataclass
class Claim:
    page: Page
    item: BatchItem
    token: str
    run_ocr: bool


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
    return Claim(page=page, item=item, token=token, run_ocr=item.batch.run_ocr)


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
        record_event(actor=system_user(), action="process_page", obj=page,
                     summary=f"{page.dossier.number} trang {page.sequence}: {page.get_state_display()}",
                     before={"state": Page.State.PROCESSING},
                     after={"state": state, "error": error or None, "attempt": item.attempts, **details})
    _maybe_assemble(claim.page.dossier_id)
    return True


def finish_page(*, claim: Claim, access_sha256: str, thumbnail_sha256: str, text: str,
                details: dict[str, Any] | None = None) -> bool:
    """Record a processed page: its access PDF/A, thumbnail and OCR text. False if the claim was superseded."""
    details = dict(details or {})
    details.update(access_sha256=access_sha256, thumbnail_sha256=thumbnail_sha256, ocr_chars=len(text),
                   ocr_sha256=hashlib.sha256(text.encode()).hexdigest())
    return _settle(claim, state=Page.State.DONE, fields={"access_sha256": access_sha256,
                   "thumbnail_sha256": thumbnail_sha256, "ocr_text": text}, details=details)


def fail_page(*, claim: Claim, reason: str) -> bool:
    """Record that a page could not be processed, with the (Vietnamese) reason shown to operators."""
    return _settle(claim, state=Page.State.FAILED, error=reason, fields={}, details={})


def _maybe_assemble(dossier_id: int) -> None:
    """When a dossier has no page waiting any more, (re)build its access copy — once its pages are settled."""
    if not Page.objects.filter(dossier_id=dossier_id, state__in=PENDING).exists():
        from .tasks import assemble_dossier

        assemble_dossier.enqueue(dossier_id)


def requeue_abandoned(*, page: Page, reason: str) -> bool:
    """Queue again a page left "processing" by an attempt that will never finish (its worker died and its
    task was lost with it); False if the page has moved on meanwhile."""
    from .tasks import process_page

    with transaction.atomic():
        page = Page.objects.select_for_update().get(pk=page.pk)
        if page.state != Page.State.PROCESSING:
            return False
        BatchItem.objects.filter(page=page).update(claim="")
        page.state = Page.State.QUEUED
        page.save(update_fields=["state"])
        record_event(actor=system_user(), action="requeue_page", obj=page, summary=f"trang {page.sequence}: {reason}",
                     before={"state": Page.State.PROCESSING}, after={"state": Page.State.QUEUED})
        process_page.enqueue(page.pk)
    return True


def retry_page(*, actor: User, page: Page) -> Page:
    """Queue a failed page again (after the cause was fixed: a tesseract timeout, a full disk…)."""
    require(actor, CAPTURE)
    from .tasks import process_page

    with transaction.atomic():
        page = Page.objects.select_for_update().get(pk=page.pk)
        if page.state != Page.State.FAILED:
            raise ValidationError("Chỉ thử lại được trang đang ở trạng thái lỗi.")
        before = {"state": page.state, "error": page.error}
        page.state, page.error = Page.State.QUEUED, ""
        page.save(update_fields=["state", "error"])
        record_event(actor=actor, action="retry_page", obj=page, summary=f"trang {page.sequence}", before=before,
                     after={"state": page.state})
        process_page.enqueue(page.pk)
    return page


def retry_failed(*, actor: User, batch: Batch | None = None, dossier: Dossier | None = None) -> int:
    """Queue again every failed page of a batch or a dossier; returns how many."""
    pages = Page.objects.filter(state=Page.State.FAILED)
    if batch is not None:
        pages = pages.filter(capture__batch=batch)
    if dossier is not None:
        pages = pages.filter(dossier=dossier)
    count = 0
    for page in pages.order_by("dossier_id", "sequence"):
        retry_page(actor=actor, page=page)
        count += 1
    return count


def text_changed(*, dossier: Dossier) -> None:
    """Tell search that a dossier's OCR text changed (its pages are settled), so its entry is rebuilt."""
    with transaction.atomic():
        dossiers_changed.send(sender=Dossier, dossier_ids=[dossier.pk])


def record_access_copy(*, dossier: Dossier, sha256: str, size: int, page_count: int, pages_digest: str) -> AccessCopy:
    """Record the dossier's newly built access copy; the first one marks the dossier as scanned (đã quét)."""
    from hoso.records.services import update_dossier

    with transaction.atomic():
        copy = AccessCopy.objects.select_for_update().filter(dossier=dossier).first()
        before = {"sha256": copy.sha256, "page_count": copy.page_count} if copy else None
        copy = copy or AccessCopy(dossier=dossier)
        copy.sha256, copy.size, copy.page_count, copy.pages_digest = sha256, size, page_count, pages_digest
        copy.built_at = timezone.now()
        copy.save()
        actor = system_user()
        record_event(actor=actor, action="build_access_copy", obj=dossier, object_type="accesscopy",
                     summary=f"{dossier.number}: {page_count} trang", before=before,
                     after={"sha256": sha256, "page_count": page_count, "size": size})
        if dossier.status == Dossier.Status.NOT_STARTED:
            update_dossier(actor=actor, dossier=dossier, status=Dossier.Status.SCANNED)
    return copy
