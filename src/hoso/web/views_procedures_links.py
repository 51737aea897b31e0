"""A case's links on its page (procedures/links.py): ask the archive for the paper original, upload a paper the
applicant filed (capture's checks; a refused file is named with the reason and nothing is kept), read an uploaded
paper back (audited as a download), and register the new dossier a procedure opens. Each POST redirects to the case
page with the service's words; none writes anything itself."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext, ngettext
from django.views.decorators.http import require_POST

from hoso.access.decorators import rule
from hoso.access.permissions import PROCESS_CASE, SIGNED_IN
from hoso.core.uploads import saved_upload
from hoso.procedures import links

from .forms_procedures_links import CaseFileForm, OriginalForm, RegisterForm
from .views_procedures import _for_write, _require_case_work


def _errors(request: HttpRequest, exc: ValidationError | PermissionDenied) -> None:
    for message in getattr(exc, "messages", None) or [str(exc)]:
        messages.error(request, message)


def _form_errors(request: HttpRequest, form) -> None:
    for name, errors in form.errors.items():
        for error in errors:
            messages.error(request, error if name == "__all__" else f"{form.fields[name].label}: {error}")


@require_POST
@rule(PROCESS_CASE)
def case_original_request(request: HttpRequest, number: str) -> HttpResponse:
    """Đề nghị mượn bản gốc for the case (the archive's loan request, its purpose naming the case)."""
    case = _for_write(request, number)
    form = OriginalForm(request.POST)
    if not form.is_valid():
        _form_errors(request, form)
        return redirect("case_detail", number=case.number)
    try:
        outcomes = links.request_original(actor=request.user, case=case,
                                          paper_reason=form.cleaned_data["paper_reason"])
    except (ValidationError, PermissionDenied) as exc:
        _errors(request, exc)
    else:
        for outcome in outcomes:
            (messages.success if outcome.ok else messages.warning)(request, outcome.message)
    return redirect(f"{reverse('case_detail', args=[case.number])}#originals")


@require_POST
@rule(PROCESS_CASE)
def case_file_upload(request: HttpRequest, number: str) -> HttpResponse:
    """Tải giấy tờ lên: the file goes through capture's checks; a refused one is named with its reason."""
    case = _for_write(request, number)
    form = CaseFileForm(request.POST, request.FILES, papers=case.papers.all())
    if not form.is_valid():
        _form_errors(request, form)
        return redirect(f"{reverse('case_detail', args=[case.number])}#case-files")
    upload = form.cleaned_data["file"]
    paper = case.papers.filter(pk=form.cleaned_data["paper"]).first() if form.cleaned_data["paper"] else None
    try:
        with saved_upload(upload) as path:
            attached = links.attach_file(actor=request.user, case=case, path=path, name=upload.name or "tep",
                                         title=form.cleaned_data["title"], paper=paper)
    except (ValidationError, PermissionDenied) as exc:
        _errors(request, exc)
    else:
        n = attached.pages
        said = (ngettext("Đã lưu «%(title)s» (%(pages)s trang) vào hồ sơ %(number)s và ghi nhận giấy tờ đã nhận.",
                         "Đã lưu «%(title)s» (%(pages)s trang) vào hồ sơ %(number)s và ghi nhận giấy tờ đã nhận.", n)
                if paper else ngettext("Đã lưu «%(title)s» (%(pages)s trang) vào hồ sơ %(number)s.",
                                       "Đã lưu «%(title)s» (%(pages)s trang) vào hồ sơ %(number)s.", n))
        messages.success(request, said % {"title": attached.title, "pages": n, "number": case.number})
    return redirect(f"{reverse('case_detail', args=[case.number])}#case-files")


@rule(SIGNED_IN)
def case_file(request: HttpRequest, pk: int) -> HttpResponse:
    """An uploaded paper of a case, read back from the file store (audited as a download)."""
    _require_case_work(request)
    attached = links.case_file_for(actor=request.user, pk=pk)
    if attached is None:
        raise Http404(gettext("Không có giấy tờ này hoặc bạn không có quyền xem."))
    data = links.file_bytes(actor=request.user, attached=attached)
    response = HttpResponse(data, content_type=attached.content_type)
    safe = "".join(ch if ch.isascii() and (ch.isalnum() or ch in "._-") else "_" for ch in attached.original_name)
    response["Content-Disposition"] = f'attachment; filename="{safe or "giay-to"}"'
    response["Cache-Control"] = "private, no-store"
    return response


@require_POST
@rule(PROCESS_CASE)
def case_register_dossier(request: HttpRequest, number: str) -> HttpResponse:
    """Lập hồ sơ mới from the case (a procedure that opens one): records services register it, the case links it."""
    case = _for_write(request, number)
    form = RegisterForm(request.POST)
    if not form.is_valid():
        _form_errors(request, form)
        return redirect(f"{reverse('case_detail', args=[case.number])}#register")
    data = form.cleaned_data
    try:
        dossier = links.register_dossier(
            actor=request.user, case=case, number=data["number"], category_code=data["category"].code,
            full_name=data["full_name"], sex=data["sex"], birth_date=data["birth_date"], death_date=data["death_date"],
            hometown_text=data["hometown_text"], residence_text=data["residence_text"],
            residence_unit=data["residence_unit"], national_id=data["national_id"])
    except (ValidationError, PermissionDenied) as exc:
        if hasattr(exc, "error_dict"):
            for field, errors in exc.error_dict.items():
                label = form.fields[field].label if field in form.fields else ""
                for error in errors:
                    messages.error(request, f"{label}: {error.messages[0]}" if label else error.messages[0])
        else:
            _errors(request, exc)
        return redirect(f"{reverse('case_detail', args=[case.number])}#register")
    messages.success(request, gettext("Đã lập hồ sơ %(number)s và gắn vào hồ sơ thủ tục %(number2)s.") % {
                                      "number": dossier.number,
                                      "number2": case.number})
    return redirect("case_detail", number=case.number)

