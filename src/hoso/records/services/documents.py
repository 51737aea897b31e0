"""Documents (văn bản) inside a dossier."""

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.utils.translation import gettext as _

from hoso.access.models import User
from hoso.core.audit import record_event
from hoso.core.events import AuditAction
from hoso.records.models import (
    Document,
    Dossier,
)
from hoso.records.services._common import (
    DOCUMENT_FIELDS,
    _changed,
    _check_fields,
    _clean_text,
    _notify,
    _validate,
    snapshot,
)
from hoso.records.services.dossiers import _add_child
from hoso.records.visibility import OUT_OF_REACH, check_confidentiality, check_dossier_reachable, document_visible


def _check_document_reachable(actor: User | None, document: Document) -> None:
    check_dossier_reachable(actor, document.dossier)
    saved = Document.objects.filter(pk=document.pk).first()
    if saved is not None and not document_visible(actor, saved):
        raise PermissionDenied(OUT_OF_REACH)


def add_document(*, actor: User | None, dossier: Dossier, **fields: Any) -> Document:
    """Add a document (văn bản) to a dossier; its sequence defaults to the next free number."""
    check_confidentiality(actor, fields.get("confidentiality", ""))
    if not fields.get("sequence"):
        last = dossier.documents.aggregate(m=models.Max("sequence"))["m"] or 0
        fields["sequence"] = last + 1
    elif dossier.documents.filter(sequence=fields["sequence"]).exists():
        raise ValidationError({"sequence": _("Đã có văn bản số thứ tự %(sequence)s trong hồ sơ.") % {
            "sequence": fields["sequence"]}})
    return _add_child(Document, DOCUMENT_FIELDS, actor=actor, dossier=dossier, fields=fields)


def update_document(*, actor: User | None, document: Document, **changes: Any) -> Document:
    _check_fields(changes, DOCUMENT_FIELDS, "update_document")
    sequence = changes.get("sequence")
    if sequence and sequence != document.sequence and Document.objects.filter(
            dossier_id=document.dossier_id, sequence=sequence).exclude(pk=document.pk).exists():
        raise ValidationError({"sequence": _("Đã có văn bản số thứ tự %(sequence)s trong hồ sơ.") % {
            "sequence": sequence}})
    _check_document_reachable(actor, document)
    if changes.get("confidentiality", document.confidentiality) != document.confidentiality:
        check_confidentiality(actor, changes["confidentiality"])
    with transaction.atomic():
        before = snapshot(document)
        for key, value in _clean_text(changes).items():
            setattr(document, key, value)
        _validate(document)
        document.save()
        old, new = _changed(before, snapshot(document))
        if new:
            record_event(actor=actor, action=AuditAction.UPDATE, obj=document, summary=document.dossier.number,
                         before=old, after=new)
            _notify([document.dossier_id])
    return document


def delete_document(*, actor: User | None, document: Document) -> None:
    """Delete a document (văn bản) entered by mistake. Its pages stay in the dossier, no longer assigned to a
    document (page images are never deleted); the audit event keeps the document's fields and those pages."""
    _check_document_reachable(actor, document)
    with transaction.atomic():
        before = snapshot(document)
        before["pages"] = list(document.pages.order_by("sequence").values_list("sequence", flat=True))
        record_event(actor=actor, action=AuditAction.DELETE, obj=document, summary=document.dossier.number,
                     before=before)
        dossier_id = document.dossier_id
        document.delete()
        _notify([dossier_id])
