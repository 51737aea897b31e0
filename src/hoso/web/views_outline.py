"""The viewer's check of a photographed page (kiểm tra khung trang): the master photo as it was taken, for the outline
found to be shown over it, and saving the four corners a person set (capture.services.set_page_outline flattens the
page again from the untouched master). Reads go through records' visibility rule and are audited like page images;
the write goes through the capture service."""

import io
import re

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext
from django.views.decorators.http import require_POST
from PIL import Image

from hoso.access.decorators import rule
from hoso.access.permissions import CAPTURE, VIEW_FILES
from hoso.blobstore import BlobNotFound
from hoso.capture import selectors as capture_selectors
from hoso.capture import services
from hoso.core.blobs import blob_store
from hoso.imaging.checks import Rejected
from hoso.imaging.raster import load_page
from hoso.imaging.watermark import stamp_image
from hoso.records import selectors
from hoso.records import services as records_services
from hoso.records.models import Page

from .views_files import MISSING, NOT_FOUND, _stamp
from .views_pages import _viewer_url

PHOTO_SIDE = 1600  # the master photo is shown this many pixels on its long side (the corners are in its own pixels)
CORNER_FIELDS = [(f"x{i}", f"y{i}") for i in range(1, 5)]
NUMBER = re.compile(r"^-?\d+([.,]\d+)?$")


def _visible_page(request: HttpRequest, page_id: int) -> Page:
    page = selectors.visible_pages(actor=request.user).select_related("dossier").filter(pk=page_id).first()
    if page is None:
        raise Http404(NOT_FOUND)
    return page


def _stamped_inside(image: Image.Image, text: str) -> Image.Image:
    """The photo with the viewer's name and the time over its foot (half see-through), its size unchanged: the
    outline's corners are drawn over it in the photo's own proportions."""
    image = image.convert("RGB")
    stamped = stamp_image(image, text)
    band = stamped.crop((0, image.height, image.width, stamped.height))
    box = (0, image.height - band.height, image.width, image.height)
    image.paste(Image.blend(image.crop(box), band, 0.75), box[:2])
    return image


@rule(VIEW_FILES)
def page_photo(request: HttpRequest, page_id: int) -> HttpResponse:
    """The master photo of a photographed page, upright, reduced for the screen (never the flattened page)."""
    page = _visible_page(request, page_id)
    item = capture_selectors.photo_item(page=page)
    if item is None:
        raise Http404(gettext("Trang này không phải ảnh chụp."))
    try:
        with blob_store().local_path(page.master_sha256) as master:
            image = load_page(master, kind=item.kind, frame=item.frame).image
    except BlobNotFound:
        return render(request, "web/file_problem.html", {"message": MISSING}, status=503)
    except Rejected as exc:
        return render(request, "web/file_problem.html", {"message": exc.reason}, status=409)
    image.thumbnail((PHOTO_SIDE, PHOTO_SIDE), Image.Resampling.LANCZOS)
    out = io.BytesIO()
    _stamped_inside(image, _stamp(request)).save(out, "JPEG", quality=82)
    records_services.record_page_view(actor=request.user, page=page)
    response = HttpResponse(out.getvalue(), content_type="image/jpeg")
    response["Cache-Control"] = "private, no-store"
    return response


def _corners(request: HttpRequest) -> list[list[float]]:
    corners = []
    for x_name, y_name in CORNER_FIELDS:
        values = [str(request.POST.get(name, "")).strip() for name in (x_name, y_name)]
        if not all(NUMBER.match(v) for v in values):
            raise ValidationError(gettext("Tọa độ các góc phải là số (điểm ảnh của ảnh chụp)."))
        corners.append([float(v.replace(",", ".")) for v in values])
    return corners


@rule(CAPTURE)
@require_POST
def page_outline(request: HttpRequest, page_id: int) -> HttpResponse:
    """Save the four corners of a photographed page («Lưu khung trang»); the page is flattened again from its
    master in the background."""
    page = _visible_page(request, page_id)
    back = _viewer_url(page.dossier, page.sequence) + "#khung-trang"
    try:
        services.set_page_outline(actor=request.user, page=page, corners=_corners(request))
    except ValidationError as exc:
        messages.error(request, gettext("Chưa lưu khung trang: ") + "; ".join(exc.messages))
    except PermissionDenied as exc:
        messages.error(request, str(exc) or gettext("Bạn không có quyền chỉnh khung trang này."))
    else:
        messages.success(request, gettext("Đã lưu khung trang của trang %(sequence)s; trang đang được nắn phẳng "
                                          "lại từ ảnh gốc (ảnh gốc không bị thay đổi).") % {
                                          "sequence": page.sequence})
    return redirect(back)
