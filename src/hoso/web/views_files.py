"""Files of a dossier as people receive them: page images for the viewer, thumbnails, and the dossier's PDF to
download or print.

Each read goes through the access selector (records.selectors.visible_pages: VIEW_FILES, the area scope, and a
clearance for pages of a "mật" document); page images, downloads and prints are written to the audit trail; every
page of a downloaded or printed PDF carries a watermark naming the user, the time and the purpose, and the page
images shown on screen a footer naming the viewer and the time.
"""

import contextlib
import hashlib
import io
import tempfile
from pathlib import Path

from django import forms
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext, gettext_lazy
from PIL import Image

from hoso.access.decorators import rule
from hoso.access.permissions import EXPORT, VIEW_FILES
from hoso.access.rules import user_can
from hoso.blobstore import BlobNotFound
from hoso.core.blobs import blob_store
from hoso.core.i18n import vietnamese
from hoso.imaging.raster import SCREEN_WIDTH, render_for_screen
from hoso.imaging.readability import MODES as READABLE_MODES
from hoso.imaging.readability import readable
from hoso.imaging.watermark import WatermarkError, merge_pdfs, stamp_image, watermark_pdf
from hoso.records import selectors
from hoso.records import services as records_services
from hoso.records.models import Page

NOT_FOUND = gettext_lazy("Không tìm thấy trang hoặc bạn không có quyền xem.")
MISSING = gettext_lazy("Tệp của trang bị thiếu trong kho lưu trữ. Hãy báo quản trị viên chạy kiểm tra toàn vẹn "
                       "(hoso verify --fixity) và phục hồi từ bản sao lưu.")

PURPOSES = [  # shown in the user's language; written (watermark, audit trail) in Vietnamese: see purpose_text
    ("giai_quyet_che_do", gettext_lazy("Giải quyết chế độ, chính sách")),
    ("xac_nhan_thong_tin", gettext_lazy("Xác nhận thông tin cho thân nhân")),
    ("tim_kiem_mo", gettext_lazy("Tìm kiếm, quy tập mộ liệt sĩ")),
    ("thanh_tra", gettext_lazy("Thanh tra, kiểm tra")),
    ("di_chuyen", gettext_lazy("Di chuyển hồ sơ")),
    ("khac", gettext_lazy("Khác (ghi rõ)")),
]


class PurposeForm(forms.Form):
    purpose = forms.ChoiceField(label=gettext_lazy("Mục đích"),
                                choices=[("", gettext_lazy("— chọn mục đích —")), *PURPOSES],
                                error_messages={"required": gettext_lazy("Hãy chọn mục đích tải hoặc in hồ sơ.")})
    detail = forms.CharField(label=gettext_lazy("Ghi rõ"), max_length=200, required=False, strip=True)
    action = forms.ChoiceField(choices=[("download", gettext_lazy("Tải về")), ("print", gettext_lazy("In"))],
                               required=False)

    def clean(self):
        data = super().clean()
        if data.get("purpose") == "khac" and not data.get("detail"):
            self.add_error("detail", gettext("Hãy ghi rõ mục đích."))
        return data

    def purpose_text(self) -> str:
        data = self.cleaned_data
        label = vietnamese(dict(PURPOSES)[data["purpose"]])  # stamped on the copy and audited: Vietnamese
        if data["purpose"] == "khac":
            return data["detail"]
        return f"{label} — {data['detail']}" if data.get("detail") else label


def _visible_page(request: HttpRequest, page_id: int) -> Page:
    page = selectors.visible_pages(actor=request.user).select_related("dossier").filter(pk=page_id).first()
    if page is None:
        raise Http404(NOT_FOUND)
    return page


def _problem(request: HttpRequest, message: str, status: int) -> HttpResponse:
    """A page that says what is wrong with a file the user may see (not found is for what they may not)."""
    return render(request, "web/file_problem.html", {"message": message}, status=status)


def _stamp(request: HttpRequest) -> str:
    user = request.user
    name = user.get_full_name() or user.get_username()
    return f"{name} ({user.get_username()}) · {timezone.localtime():%d/%m/%Y %H:%M}"


@rule(VIEW_FILES)
def page_thumbnail(request: HttpRequest, page_id: int) -> HttpResponse:
    """The page's small WebP image (not audited one by one: a strip of thumbnails is not a reading)."""
    page = _visible_page(request, page_id)
    if not page.thumbnail_sha256:
        return _problem(request, gettext("Trang chưa có ảnh thu nhỏ: trang chưa xử lý xong."), 409)
    try:
        data = blob_store().read_bytes(page.thumbnail_sha256)
    except BlobNotFound:
        return _problem(request, MISSING, 503)
    response = HttpResponse(data, content_type="image/webp")
    response["Cache-Control"] = "private, max-age=3600"
    return response


def _screen_image(page: Page) -> Image.Image | None:
    """The page's screen image, made with its access copy (no render at each view); None when it cannot be read
    (missing or damaged: the access copy is rendered instead, and `hoso verify --fixity` reports the file)."""
    try:
        image = Image.open(io.BytesIO(blob_store().read_bytes(page.screen_sha256)))
        image.load()
    except (BlobNotFound, OSError):
        return None
    return image


@rule(VIEW_FILES)
def page_image(request: HttpRequest, page_id: int) -> HttpResponse:
    """The page as read on screen (the access copy, upright and level), with the viewer named at its foot."""
    page = _visible_page(request, page_id)
    if not page.access_sha256:
        return _problem(request, gettext("Trang chưa xử lý xong; hãy xem lại sau.") if page.state != Page.State.FAILED
                        else gettext("Trang xử lý lỗi: %(error)s") % {"error": page.error}, 409)
    try:
        width = max(200, min(int(request.GET.get("w", SCREEN_WIDTH)), 2400))
    except ValueError:
        width = SCREEN_WIDTH
    view = request.GET.get("xem", "")
    if view and view not in READABLE_MODES:
        return _problem(request, gettext("Kiểu xem không có."), 400)
    try:
        image = _screen_image(page) if page.screen_sha256 and width == SCREEN_WIDTH else None
        if image is None:
            image = render_for_screen(blob_store().read_bytes(page.access_sha256), width=width)
    except BlobNotFound:
        return _problem(request, MISSING, 503)
    if view:  # the readability view, computed now from the page's image and never stored
        image = readable(image, view)
    image = stamp_image(image, _stamp(request))
    out = io.BytesIO()
    image.save(out, "JPEG", quality=82)
    records_services.record_page_view(actor=request.user, page=page)
    response = HttpResponse(out.getvalue(), content_type="image/jpeg")
    response["Cache-Control"] = "private, no-store"
    return response


@rule(VIEW_FILES)
def dossier_pdf(request: HttpRequest, number: str) -> HttpResponse:
    """GET: ask why; POST: the dossier's pages as one PDF, watermarked on every page, downloaded or printed.
    Taking a copy out (download, print) needs EXPORT besides VIEW_FILES."""
    dossier = selectors.visible_dossiers(actor=request.user).filter(number=number).first()
    if dossier is None:
        raise Http404(gettext("Không tìm thấy hồ sơ hoặc bạn không có quyền xem."))
    pages = list(selectors.visible_pages(actor=request.user).filter(dossier=dossier, state=Page.State.DONE)
                 .exclude(access_sha256="").order_by("sequence"))
    withheld = Page.objects.filter(dossier=dossier).count() - len(pages)
    if request.method == "GET":
        records_services.record_read(actor=request.user, obj=dossier, summary=f"{dossier.number} (bản PDF)")
    may_export = user_can(request.user, EXPORT)
    if request.method == "POST" and not may_export:
        raise PermissionDenied(gettext("Vai trò của bạn được xem trang hồ sơ nhưng không được tải về hay in."))
    form = PurposeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if not pages:
            form.add_error(None, gettext("Hồ sơ chưa có trang nào số hóa xong để tải về."))
        else:
            try:
                return _pdf_response(request, dossier, pages, form)
            except (WatermarkError, BlobNotFound) as exc:
                form.add_error(None, gettext("Không tạo được bản PDF: %(exc)s. Tệp gốc không bị ảnh hưởng; hãy "
                                             "báo quản trị viên.") % {
                                             "exc": exc})
    status = 400 if request.method == "POST" else 200
    return render(request, "web/dossier_pdf.html",
                  {"dossier": dossier, "form": form, "pages": len(pages), "withheld": withheld,
                   "may_export": may_export}, status=status)


def _pdf_response(request: HttpRequest, dossier, pages: list[Page], form: PurposeForm) -> FileResponse:
    action = form.cleaned_data.get("action") or "download"
    purpose = form.purpose_text()
    user = request.user
    lines = [f"hoso · {user.get_full_name() or user.get_username()} ({user.get_username()})",
             f"{'In' if action == 'print' else 'Tải'} lúc {timezone.localtime():%d/%m/%Y %H:%M}",
             f"Mục đích: {purpose}", f"Hồ sơ {dossier.number}"]
    store = blob_store()
    workdir = tempfile.TemporaryDirectory(prefix="hoso-pdf-")
    try:
        merged, stamped = Path(workdir.name) / "merged.pdf", Path(workdir.name) / "stamped.pdf"
        with contextlib.ExitStack() as stack:
            parts = [stack.enter_context(store.local_path(p.access_sha256)) for p in pages]
            merge_pdfs(parts, merged)
        count = watermark_pdf(merged, lines, stamped)
        digest = hashlib.sha256()
        with open(stamped, "rb") as fh:
            while chunk := fh.read(1 << 20):
                digest.update(chunk)
        records_services.record_copy_handed_out(actor=user, dossier=dossier, printed=action == "print",
                                                purpose=purpose, pages=count, sha256=digest.hexdigest())
        handle = open(stamped, "rb")  # noqa: SIM115 - closed by FileResponse
    finally:
        workdir.cleanup()  # the open handle keeps the file's bytes readable until the response closes it
    response = FileResponse(handle, content_type="application/pdf", as_attachment=action != "print",
                            filename=f"{dossier.number.replace('/', '_')}.pdf")
    response["Cache-Control"] = "private, no-store"
    return response
