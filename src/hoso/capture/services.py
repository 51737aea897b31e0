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

from hoso.access.models import User
from hoso.access.permissions import CAPTURE, EDIT_DOSSIER
from hoso.access.rules import require
from hoso.access.services import system_user
from hoso.blobstore import BlobStore
from hoso.core.audit import record_event
from hoso.core.blobs import blob_store
from hoso.core.events import AuditAction
from hoso.imaging.checks import Rejected, inspect_file, safe_name
from hoso.records.models import Document, Dossier, Page
from hoso.records.services import add_document, update_document, update_dossier
from hoso.records.signals import dossiers_changed

from .models import AccessCopy, Batch, BatchItem

PENDING = Page.PENDING


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
        record_event(actor=actor, action=AuditAction.CREATE, obj=batch, summary=batch.name,
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
        record_event(actor=actor, action=AuditAction.ADD_PAGES if added else AuditAction.SKIP_FILE, obj=dossier,
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
        record_event(actor=system_user(), action=AuditAction.PROCESS_PAGE, obj=page,
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
        record_event(actor=system_user(), action=AuditAction.REQUEUE_PAGE, obj=page,
                     summary=f"trang {page.sequence}: {reason}",
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
        record_event(actor=actor, action=AuditAction.RETRY_PAGE, obj=page, summary=f"trang {page.sequence}",
                     before=before,
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
    with transaction.atomic():
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


# --- Page work: order, grouping into documents, the dossier's digitisation workflow -------------------------


def _locked_pages(dossier: Dossier) -> list[Page]:
    Dossier.objects.select_for_update().only("pk").get(pk=dossier.pk)  # one writer of page numbers at a time
    return list(Page.objects.select_for_update().filter(dossier=dossier).order_by("sequence"))


def _renumber(pages: list[Page]) -> None:
    """Give `pages` the sequences 1..n in list order without ever breaking (dossier, sequence) uniqueness:
    first every moved page steps above the highest number in use, then each takes its final place."""
    moved = [(p, i) for i, p in enumerate(pages, start=1) if p.sequence != i]
    if not moved:
        return
    top = max(p.sequence for p in pages) + len(pages) + 1
    for offset, (page, _) in enumerate(moved):
        Page.objects.filter(pk=page.pk).update(sequence=top + offset)
    for page, sequence in moved:
        Page.objects.filter(pk=page.pk).update(sequence=sequence)
        page.sequence = sequence


def _sync_document_ranges(*, actor: User, dossier: Dossier) -> None:
    """After pages moved, each document's "từ trang / đến trang" follows its pages."""

    for document in dossier.documents.all():
        numbers = sorted(document.pages.values_list("sequence", flat=True))
        if numbers and (document.page_from, document.page_to) != (numbers[0], numbers[-1]):
            update_document(actor=actor, document=document, page_from=numbers[0], page_to=numbers[-1])


def reorder_pages(*, actor: User, dossier: Dossier, page_ids: list[int]) -> list[Page]:
    """Put a dossier's pages in the given order (every page id of the dossier, each once); the pages are
    numbered 1..n again. Documents' page ranges follow their pages, and the access copy is rebuilt."""
    require(actor, CAPTURE)
    with transaction.atomic():
        pages = _locked_pages(dossier)
        by_id = {p.pk: p for p in pages}
        ids = [int(i) for i in page_ids]
        if len(ids) != len(set(ids)) or set(ids) != set(by_id):
            raise ValidationError("Thứ tự trang không khớp với các trang hiện có của hồ sơ (có thể người khác vừa "
                                  "thêm hoặc sắp xếp trang). Hãy tải lại trang và làm lại.")
        before = [p.pk for p in pages]
        if ids == before:
            return pages
        ordered = [by_id[i] for i in ids]
        old_numbers = {p.pk: p.sequence for p in pages}
        _renumber(ordered)
        _sync_document_ranges(actor=actor, dossier=dossier)
        record_event(actor=actor, action=AuditAction.REORDER_PAGES, obj=dossier,
                     summary=f"{dossier.number}: sắp xếp lại trang",
                     before={"order": before}, after={"order": ids,
                                                      "moved": {str(p.pk): [old_numbers[p.pk], p.sequence]
                                                                for p in ordered if old_numbers[p.pk] != p.sequence}})
        _maybe_assemble(dossier.pk)
    return ordered


def move_page(*, actor: User, page: Page, to: int) -> list[Page]:
    """Move one page to position `to` (1-based, clamped to the dossier's pages); the others shift."""
    ids = list(Page.objects.filter(dossier_id=page.dossier_id).order_by("sequence").values_list("pk", flat=True))
    ids.remove(page.pk)
    ids.insert(max(0, min(to - 1, len(ids))), page.pk)
    return reorder_pages(actor=actor, dossier=page.dossier, page_ids=ids)


def group_pages(*, actor: User, dossier: Dossier, page_from: int, page_to: int, document: Document | None = None,
                **fields: Any) -> Document:
    """Make pages `page_from`..`page_to` one document (văn bản): a new one, or `document` edited, with its
    fields (Thông tư 02/2019) and its page range. Pages it had outside the range are released; pages of
    another document inside the range are refused with the reason."""
    require(actor, EDIT_DOSSIER)
    if page_from is None or page_to is None or page_from < 1 or page_to < page_from:
        raise ValidationError({"page_from": "Khoảng trang không hợp lệ: «từ trang» phải từ 1 và không lớn hơn "
                                            "«đến trang»."})
    if document is not None and document.dossier_id != dossier.pk:
        raise ValidationError("Văn bản không thuộc hồ sơ này.")
    with transaction.atomic():
        pages = _locked_pages(dossier)
        last = pages[-1].sequence if pages else 0
        if page_to > last:
            raise ValidationError({"page_to": f"Hồ sơ chỉ có {last} trang." if last else "Hồ sơ chưa có trang nào."})
        inside = [p for p in pages if page_from <= p.sequence <= page_to]
        taken = sorted({p.document_id for p in inside if p.document_id and
                        (document is None or p.document_id != document.pk)})
        if taken:
            clash = ", ".join(f"số {d.sequence} ({d.doc_type})" for d in Document.objects.filter(pk__in=taken))
            raise ValidationError({"page_from": f"Trong trang {page_from}–{page_to} có trang đã thuộc văn bản "
                                                f"{clash}. Hãy sửa văn bản đó trước."})
        values = {**fields, "page_from": page_from, "page_to": page_to, "page_count": len(inside)}
        if document is None:
            document = add_document(actor=actor, dossier=dossier, **values)
            released: list[int] = []
        else:
            document = update_document(actor=actor, document=document, **values)
            released = [p.sequence for p in pages if p.document_id == document.pk and p not in inside]
            Page.objects.filter(dossier=dossier, document=document).exclude(
                pk__in=[p.pk for p in inside]).update(document=None)
        Page.objects.filter(pk__in=[p.pk for p in inside]).update(document=document)
        record_event(actor=actor, action=AuditAction.GROUP_PAGES, obj=dossier,
                     summary=f"{dossier.number}: trang {page_from}–{page_to} → văn bản {document.sequence}",
                     after={"document": document.pk, "pages": [p.sequence for p in inside], "released": released})
    return document
