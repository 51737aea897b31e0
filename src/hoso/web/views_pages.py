"""Page work on one dossier: the viewer (zoom, rotate, next/previous, thumbnails, OCR text), reordering pages,
grouping pages into documents beside the image, retrying failed pages, and the digitisation workflow
(scanned → entered → verified by a second person → archived). Reads go through the access selectors,
writes through capture.services."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext
from django.views.decorators.http import require_POST

from hoso.access.decorators import rule
from hoso.access.permissions import CAPTURE, EDIT_DOSSIER, VIEW_DOSSIER, VIEW_FILES
from hoso.access.rules import user_can
from hoso.capture import selectors as capture_selectors
from hoso.capture import services
from hoso.records import selectors
from hoso.records import services as records_services
from hoso.records.models import Dossier, Page
from hoso.records.visibility import document_visible, page_text_visible, visible_documents

from .forms_capture import DocumentForm, StatusForm
from .helpers import form_errors

DOC_TYPES = ("Giấy báo tử", "Bản khai cá nhân", "Giấy chứng nhận bị thương", "Biên bản giám định y khoa",
             "Quyết định", "Bằng Tổ quốc ghi công", "Giấy xác nhận", "Trích lục", "Biên bản", "Công văn", "Đơn")
PENDING = Page.PENDING


def visible_dossier(request: HttpRequest, number: str) -> Dossier:
    dossier = (selectors.visible_dossiers(actor=request.user).select_related("subject", "category")
               .filter(number=number).first())
    if dossier is None:
        raise Http404(gettext("Không tìm thấy hồ sơ hoặc bạn không có quyền xem."))
    return dossier


def _pages(request: HttpRequest, dossier: Dossier) -> list[Page]:
    return list(selectors.visible_pages(actor=request.user).filter(dossier=dossier)
                .select_related("document").order_by("sequence"))


def _current(pages: list[Page], wanted: str | None) -> int:
    """Index in `pages` of the page numbered `wanted` (?p=), else of the nearest page after it, else 0."""
    try:
        number = int(wanted or 0)
    except ValueError:
        number = 0
    for index, page in enumerate(pages):
        if page.sequence >= number:
            return index
    return max(0, len(pages) - 1)


def _back(request: HttpRequest, fallback: str) -> HttpResponse:
    target = request.POST.get("next") or ""
    if target and url_has_allowed_host_and_scheme(target, {request.get_host()}, require_https=request.is_secure()):
        return redirect(target)
    return redirect(fallback)


def _viewer_url(dossier: Dossier, sequence: int | None = None) -> str:
    url = reverse("page_viewer", args=[dossier.number])
    return f"{url}?p={sequence}" if sequence else url


def _strip_context(request: HttpRequest, dossier: Dossier, pages: list[Page], index: int) -> dict:
    return {"dossier": dossier, "pages": pages, "current": pages[index] if pages else None,
            "pending": any(p.state in PENDING for p in pages),
            "worker": (capture_selectors.worker_state(waiting_since=capture_selectors.pages_waiting_since(pages))
                       if any(p.state in PENDING for p in pages) else None),
            "can_capture": user_can(request.user, CAPTURE)}


def _workflow_context(request: HttpRequest, dossier: Dossier) -> dict:
    """The next step of the dossier's digitisation and whether this user may take it (or send it back)."""
    order = records_services.WORKFLOW
    index = order.index(dossier.status)
    forward = order[index + 1] if index + 1 < len(order) else None
    back = order[index - 1] if index > 0 else None
    return {"status_next": forward, "status_back": back,
            "can_forward": bool(forward) and records_services.may_change_status(request.user, dossier.status, forward),
            "can_back": bool(back) and records_services.may_change_status(request.user, dossier.status, back),
            "workflow": [(s, s.label, i < index, i == index) for i, s in enumerate(order)]}


def _viewer_context(request: HttpRequest, dossier: Dossier, pages: list[Page], index: int,
                    form: DocumentForm | None) -> dict:
    documents = (visible_documents(actor=request.user).filter(dossier=dossier).annotate(n=Count("pages"))
                 .order_by("sequence"))
    return {
        **_strip_context(request, dossier, pages, index), **_workflow_context(request, dossier),
        "previous": pages[index - 1] if pages and index > 0 else None,
        "next": pages[index + 1] if pages and index + 1 < len(pages) else None,
        "position": index + 1, "form": form, "documents": documents, "doc_types": DOC_TYPES,
        "can_edit": user_can(request.user, EDIT_DOSSIER),
        # A photographed page: the outline found, over the master photo, for a person to check (kiểm tra khung trang)
        "outline": capture_selectors.photo_outline(actor=request.user, page=pages[index]) if pages else None,
    }


@rule(VIEW_FILES)
def page_viewer(request: HttpRequest, number: str) -> HttpResponse:
    """The viewer: the page image big, the strip of thumbnails with states, the OCR text, the document form."""
    dossier = visible_dossier(request, number)
    pages = _pages(request, dossier)
    index = _current(pages, request.GET.get("p"))
    current = pages[index] if pages else None
    form = None
    if current is not None and user_can(request.user, EDIT_DOSSIER):
        if current.document_id and document_visible(request.user, current.document):
            form = DocumentForm(initial=DocumentForm.initial_for(current.document), user=request.user)
        else:
            run_end = current.sequence
            for page in pages[index + 1:]:  # propose the unassigned run that starts here
                if page.document_id or page.sequence != run_end + 1:
                    break
                run_end = page.sequence
            form = DocumentForm(initial={"page_from": current.sequence, "page_to": current.sequence},
                                user=request.user)
            form.run_end = run_end
    records_services.record_read(actor=request.user, obj=dossier, summary=f"{dossier.number} (trang số hóa)")
    text = current.ocr_text if current is not None and page_text_visible(request.user, current) else ""
    if text:
        records_services.record_page_text_read(actor=request.user, page=current)
    context = _viewer_context(request, dossier, pages, index, form)
    context["page_text"] = text
    context["text_withheld"] = bool(current is not None and current.ocr_text and not text)
    return render(request, "capture/viewer.html", context)


@rule(VIEW_FILES)
def page_strip(request: HttpRequest, number: str) -> HttpResponse:
    """The thumbnail strip alone, for htmx polling while pages are being processed."""
    dossier = visible_dossier(request, number)
    pages = _pages(request, dossier)
    return render(request, "capture/_strip.html", _strip_context(request, dossier, pages,
                                                                 _current(pages, request.GET.get("p"))))


@rule(CAPTURE)
@require_POST
def reorder(request: HttpRequest, number: str) -> HttpResponse:
    """Move one page up/down or to a position (buttons, no JavaScript needed), or set the whole order (drag)."""
    dossier = visible_dossier(request, number)
    wants_json = "application/json" in request.headers.get("Accept", "")
    try:
        if request.POST.get("order"):
            ids = [int(x) for x in request.POST["order"].split(",") if x.strip()]
            services.reorder_pages(actor=request.user, dossier=dossier, page_ids=ids)
            moved = None
        else:
            page = (selectors.visible_pages(actor=request.user).filter(dossier=dossier, pk=request.POST.get("page"))
                    .first() if str(request.POST.get("page", "")).isdigit() else None)
            if page is None:
                raise ValidationError(gettext("Không tìm thấy trang cần di chuyển."))
            to = int(request.POST.get("to") or 0) or (page.sequence - 1 if request.POST.get("dir") == "up"
                                                        else page.sequence + 1)
            services.move_page(actor=request.user, page=page, to=to)
            moved = Page.objects.get(pk=page.pk).sequence
    except (ValueError, ValidationError) as exc:
        message = "; ".join(exc.messages) if isinstance(exc, ValidationError) else gettext("Thứ tự trang không hợp lệ.")
        if wants_json:
            return JsonResponse({"error": message}, status=400)
        messages.error(request, message)
        return redirect(_viewer_url(dossier, _int(request.POST.get("p"))))
    if wants_json:
        return JsonResponse({"ok": True})
    if moved:
        messages.success(request, gettext("Đã chuyển trang tới vị trí %(moved)s.") % {"moved": moved})
    return redirect(_viewer_url(dossier, moved or _int(request.POST.get("p"))))


def _int(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


@rule(EDIT_DOSSIER)
@require_POST
def document_save(request: HttpRequest, number: str) -> HttpResponse:
    """Create or edit the document over a range of pages; then go on to the page after the range."""
    dossier = visible_dossier(request, number)
    form = DocumentForm(request.POST, user=request.user)
    document = None
    if form.is_valid():
        if form.cleaned_data.get("document"):
            document = visible_documents(actor=request.user).filter(dossier=dossier,
                                                                    pk=form.cleaned_data["document"]).first()
            if document is None:
                raise Http404(gettext("Không tìm thấy văn bản."))
        try:
            document = services.group_pages(actor=request.user, dossier=dossier, document=document,
                                            page_from=form.cleaned_data["page_from"],
                                            page_to=form.cleaned_data["page_to"], **form.values())
        except ValidationError as exc:
            form_errors(form, exc)
        else:
            messages.success(request, gettext("Đã lưu văn bản số %(sequence)s (%(doc_type)s), trang "
                                              "%(page_from)s–%(page_to)s.") % {
                                              "sequence": document.sequence,
                                              "doc_type": document.doc_type,
                                              "page_from": document.page_from,
                                              "page_to": document.page_to})
            return redirect(_viewer_url(dossier, document.page_to + 1) + "#nhap")  # data entry goes on
    # Show the viewer again with what was typed and the reasons, nothing lost.
    pages = _pages(request, dossier)
    index = _current(pages, request.POST.get("page_from"))
    return render(request, "capture/viewer.html", _viewer_context(request, dossier, pages, index, form), status=400)


@rule(VIEW_DOSSIER)
@require_POST
def dossier_status(request: HttpRequest, number: str) -> HttpResponse:
    """Take the dossier one step along its digitisation (or back, with a note); the service checks who may."""
    dossier = visible_dossier(request, number)
    form = StatusForm(request.POST)
    if not form.is_valid():
        messages.error(request, gettext("Tình trạng số hóa không hợp lệ."))
    else:
        try:
            dossier = records_services.set_dossier_status(actor=request.user, dossier=dossier,
                                                  status=form.cleaned_data["status"], note=form.cleaned_data["note"])
        except PermissionDenied as exc:
            messages.error(request, str(exc) or gettext("Bạn không có quyền chuyển tình trạng này."))
        except ValidationError as exc:
            for message in exc.messages:
                messages.error(request, message)
        else:
            messages.success(request, gettext("Hồ sơ %(number)s đã chuyển sang «%(get_status_display)s».") % {
                                              "number": dossier.number,
                                              "get_status_display": dossier.get_status_display()})
    return _back(request, _viewer_url(dossier))


@rule(CAPTURE)
@require_POST
def page_retry(request: HttpRequest, page_id: int) -> HttpResponse:
    """Queue a failed page again ("Thử lại")."""
    page = selectors.visible_pages(actor=request.user).select_related("dossier").filter(pk=page_id).first()
    if page is None:
        raise Http404(gettext("Không tìm thấy trang hoặc bạn không có quyền xem."))
    try:
        services.retry_page(actor=request.user, page=page)
    except ValidationError as exc:
        messages.error(request, "; ".join(exc.messages))
    else:
        messages.success(request, gettext("Đã xếp trang %(sequence)s vào hàng chờ xử lý lại.") % {
                                          "sequence": page.sequence})
    return _back(request, _viewer_url(page.dossier, page.sequence))

