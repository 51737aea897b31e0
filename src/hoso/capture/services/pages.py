"""Page work: order, and grouping pages into documents (văn bản)."""

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from hoso.access.models import User
from hoso.access.permissions import CAPTURE, EDIT_DOSSIER
from hoso.access.rules import require
from hoso.capture.services.processing import _maybe_assemble, text_changed
from hoso.core.audit import record_event
from hoso.core.events import AuditAction
from hoso.records.models import Document, Dossier, Page
from hoso.records.services import add_document, update_document
from hoso.records.visibility import document_visible


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
    for offset, (page, _sequence) in enumerate(moved):
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
            raise ValidationError(_("Thứ tự trang không khớp với các trang hiện có của hồ sơ (có thể người khác vừa "
                                    "thêm hoặc sắp xếp trang). Hãy tải lại trang và làm lại."))
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
        raise ValidationError({"page_from": _("Khoảng trang không hợp lệ: «từ trang» phải từ 1 và không lớn hơn "
                                              "«đến trang».")})
    if document is not None and document.dossier_id != dossier.pk:
        raise ValidationError(_("Văn bản không thuộc hồ sơ này."))
    with transaction.atomic():
        pages = _locked_pages(dossier)
        last = pages[-1].sequence if pages else 0
        if page_to > last:
            raise ValidationError({"page_to": ngettext("Hồ sơ chỉ có %(count)s trang.", "Hồ sơ chỉ có %(count)s trang.",
                                                       last) % {"count": last} if last
                                   else _("Hồ sơ chưa có trang nào.")})
        inside = [p for p in pages if page_from <= p.sequence <= page_to]
        taken = sorted({p.document_id for p in inside if p.document_id and
                        (document is None or p.document_id != document.pk)})
        if taken:
            clash = ", ".join(_("số %(number)s (%(type)s)") % {"number": d.sequence, "type": d.doc_type}
                              if document_visible(actor, d) else _("số %(number)s") % {"number": d.sequence}
                              for d in Document.objects.filter(pk__in=taken))
            raise ValidationError({"page_from": _("Trong trang %(first)s–%(last)s có trang đã thuộc văn bản "
                                                  "%(documents)s. Hãy sửa văn bản đó trước.") % {
                "first": page_from, "last": page_to, "documents": clash}})
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
        text_changed(dossier=dossier)  # the pages' words move to their document's field of the search index
        record_event(actor=actor, action=AuditAction.GROUP_PAGES, obj=dossier,
                     summary=f"{dossier.number}: trang {page_from}–{page_to} → văn bản {document.sequence}",
                     after={"document": document.pk, "pages": [p.sequence for p in inside], "released": released})
    return document
