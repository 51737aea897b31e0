"""Pages that arrive ready-made in a transfer package (preservation.services.package_import): nothing is
processed again and no stored file is touched."""

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from hoso.access.models import User
from hoso.blobstore import BlobStore
from hoso.capture.models import AccessCopy
from hoso.capture.services.processing import PENDING
from hoso.core.audit import record_event
from hoso.core.blobs import blob_store
from hoso.core.events import AuditAction
from hoso.records.models import Dossier, Page
from hoso.records.signals import tell_dossiers_changed


def restore_pages(*, actor: User | None, dossier: Dossier, pages: list[dict[str, Any]],
                  access_copy: dict[str, Any] | None, store: BlobStore | None = None) -> list[Page]:
    """Pages of a dossier that arrived in a transfer package (archive.packages_import), with the state,
    files and OCR text they had where they were made. Every file must already be in the store (the importer
    put and checked them); nothing is processed again. `pages`: dicts with sequence, document_sequence,
    master_sha256, original_name, access_sha256, thumbnail_sha256, state, error, ocr_text."""
    store = store or blob_store()
    for page in pages:
        if page["state"] in PENDING:
            raise ValidationError(_("Trang %(number)s chưa xử lý xong ở nơi gửi: gói không hợp lệ.") % {
                "number": page["sequence"]})
        for key in ("master_sha256", "access_sha256", "thumbnail_sha256"):
            if page.get(key) and not store.exists(page[key]):
                raise ValidationError(_("Trang %(number)s: tệp %(sha)s… chưa có trong kho tệp.") % {
                    "number": page["sequence"], "sha": page[key][:12]})
    with transaction.atomic():
        if dossier.pages.exists():
            raise ValidationError(_("Hồ sơ %(number)s đã có trang, không nhận thêm trang từ gói.") % {
                "number": dossier.number})
        documents = {d.sequence: d for d in dossier.documents.all()}
        created = Page.objects.bulk_create(
            Page(dossier=dossier, document=documents.get(p.get("document_sequence")), sequence=p["sequence"],
                 master_sha256=p.get("master_sha256") or "", original_name=(p.get("original_name") or "")[:255],
                 access_sha256=p.get("access_sha256") or "", thumbnail_sha256=p.get("thumbnail_sha256") or "",
                 state=p["state"], error=(p.get("error") or "")[:500], ocr_text=p.get("ocr_text") or "")
            for p in sorted(pages, key=lambda p: p["sequence"]))
        if access_copy:
            if not store.exists(access_copy["sha256"]):
                raise ValidationError(_("Bản PDF/A của hồ sơ chưa có trong kho tệp."))
            AccessCopy.objects.update_or_create(dossier=dossier, defaults={
                "sha256": access_copy["sha256"], "size": access_copy["size"],
                "page_count": access_copy["page_count"], "pages_digest": access_copy["pages_digest"],
                "built_at": timezone.now()})
        record_event(actor=actor, action=AuditAction.RESTORE_PAGES, obj=dossier,
                     summary=f"{dossier.number}: {len(created)} trang từ gói chuyển đến",
                     after={"pages": len(created), "access_copy": access_copy["sha256"] if access_copy else None,
                            "masters": [p.get("master_sha256") for p in pages]})
        tell_dossiers_changed([dossier.pk])
    return created
