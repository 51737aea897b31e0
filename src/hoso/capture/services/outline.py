"""A person's check of a photographed page (kiểm tra khung trang): the four corners of the page in the photo, set
by hand in the viewer when the outline found was wrong (or none was found). The master photo is never touched: the
corners are kept with the page's batch item, the page is queued again, and the pipeline flattens it from the master
with those corners (capture.services.processing.process_page), so the access copy, the thumbnail and the OCR text
are made again exactly as for any page."""

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from hoso.access.models import User
from hoso.access.permissions import CAPTURE
from hoso.access.rules import require
from hoso.blobstore import BlobNotFound, BlobStore
from hoso.capture.models import BatchItem
from hoso.capture.selectors import photo_item
from hoso.capture.services.processing import process_page
from hoso.core.audit import record_event
from hoso.core.blobs import blob_store
from hoso.core.events import AuditAction
from hoso.imaging.photo import check_corners, upright_size
from hoso.records.models import Page
from hoso.records.selectors import visible_pages
from hoso.records.visibility import check_dossier_reachable

# Refusals, in the reader's language (str() when raised).
NOT_FOUND = _("Không tìm thấy trang hoặc bạn không có quyền xem trang này.")
NOT_PHOTO = _("Trang này không phải ảnh chụp trang giấy (không nhận từ đợt ảnh chụp): không có khung trang để chỉnh.")
BUSY = _("Trang đang được xử lý; hãy đợi xử lý xong rồi chỉnh khung trang.")
MASTER_MISSING = _("Ảnh chụp gốc của trang bị thiếu trong kho lưu trữ nên không nắn phẳng lại được. Hãy báo quản trị "
                   "viên chạy kiểm tra toàn vẹn (hoso verify --fixity) và phục hồi từ bản sao lưu.")
CORNER_PROBLEMS = {  # imaging.photo.check_corners's codes
    "count": _("Khung trang phải có đúng bốn góc, mỗi góc hai tọa độ (x, y)."),
    "outside": _("Có góc nằm ngoài ảnh chụp: hãy kéo các góc vào trong ảnh."),
    "order": _("Bốn góc phải lần lượt là trên trái, trên phải, dưới phải, dưới trái, và các cạnh không được cắt "
               "nhau."),
    "small": _("Khung trang quá nhỏ so với ảnh chụp: hãy kéo các góc ra tới mép trang giấy."),
}


def _rounded(corners: list[list[float]]) -> list[list[float]]:
    return [[round(float(x), 1), round(float(y), 1)] for x, y in corners]


def set_page_outline(*, actor: User, page: Page, corners: list[list[float]],
                     store: BlobStore | None = None) -> Page:
    """Set the outline of a photographed page to four corners (top-left, top-right, bottom-right, bottom-left, in
    the upright master photo's pixels) and have the page flattened again from its master with them: the page is
    queued (unless it already waits), its access copy, thumbnail and text are made again by the worker, and its
    processing history says who set which corners. Refused (PermissionDenied) when the actor may not digitise, may
    not open the page or may not change its dossier; ValidationError for a page that is not a photo, one being
    processed, or corners that cannot outline a page."""
    require(actor, CAPTURE)
    if not visible_pages(actor=actor).filter(pk=page.pk).exists():
        raise PermissionDenied(str(NOT_FOUND))
    check_dossier_reachable(actor, page.dossier)
    item = photo_item(page=page)
    if item is None:
        raise ValidationError(str(NOT_PHOTO))
    try:
        with (store or blob_store()).local_path(page.master_sha256) as master:
            size = upright_size(master, kind=item.kind, frame=item.frame)
    except BlobNotFound as exc:
        raise ValidationError(str(MASTER_MISSING)) from exc
    problem = check_corners(corners, size)
    if problem:
        raise ValidationError(str(CORNER_PROBLEMS[problem]))
    corners = _rounded(corners)
    with transaction.atomic():
        # Locks in the order claim_page takes them (page, then item).
        page = Page.objects.select_for_update(of=("self",)).select_related("dossier").get(pk=page.pk)
        item = BatchItem.objects.select_for_update().get(pk=item.pk)
        if page.state == Page.State.PROCESSING:
            raise ValidationError(str(BUSY))
        before: dict[str, Any] = {"state": page.state, "outline": item.outline}
        item.outline = {"corners": corners, "by": actor.get_username(), "by_name": actor.get_full_name(),
                        "at": timezone.now().isoformat(timespec="seconds")}
        item.save(update_fields=["outline"])
        queue = page.state not in Page.PENDING
        if queue:
            page.state, page.error = Page.State.QUEUED, ""
            page.save(update_fields=["state", "error"])
        shown = " ".join(f"({round(x)},{round(y)})" for x, y in corners)
        record_event(actor=actor, action=AuditAction.SET_PAGE_OUTLINE, obj=page,
                     summary=f"{page.dossier.number} trang {page.sequence}: khung trang do người đặt, góc {shown}; "
                             "nắn phẳng lại từ ảnh gốc",
                     before=before,
                     after={"state": page.state, "corners": corners, "photo_size": list(size),
                            "master_sha256": page.master_sha256})
        if queue:
            process_page.enqueue(page.pk)
    return page
