"""Loans of paper originals (phiếu mượn hồ sơ): an officer asks, the archivist approves, hands over, reminds
and takes back. Reads through archive.selectors, writes through archive.services."""

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext, gettext_lazy, gettext_noop
from django.views.decorators.http import require_POST

from hoso.access.decorators import rule
from hoso.access.permissions import MANAGE_ARCHIVE, VIEW_DOSSIER
from hoso.access.rules import user_can
from hoso.archive import selectors, services
from hoso.archive.loan_purposes import LOAN_PROCEDURES
from hoso.archive.models import Loan
from hoso.core.events import AuditAction
from hoso.records import services as records_services

from .forms_archive import CheckOutForm, LoanFilterForm, LoanRequestForm, ReasonForm, ReturnForm, ReturnScanForm
from .helpers import form_errors, query_without_page
from .lists import Column, Sorting


def _errors(request: HttpRequest, exc: ValidationError) -> None:
    for message in exc.messages:
        messages.error(request, message)


def _loan(request: HttpRequest, pk: int) -> Loan:
    loan = selectors.loan_for(actor=request.user, pk=pk)
    if loan is None:
        raise Http404(gettext("Không có phiếu mượn này hoặc bạn không có quyền xem."))
    return loan


LOAN_SORTING = Sorting(default="", columns={  # default: the register's own order (overdue: the most overdue first)
    "phieu": Column(gettext_lazy("Số phiếu"), ("id",)),
    "so": Column(gettext_lazy("Số hồ sơ"), ("dossier__number", "id")),
    "ten": Column(gettext_lazy("Họ và tên"), ("dossier__subject__sort_key", "dossier__number", "id")),  # name order
    "giao": Column(gettext_lazy("Ngày giao"), ("checked_out_at", "id")),
    "han": Column(gettext_lazy("Hạn trả"), ("due_on", "id")),
})
LOAN_COLUMNS = ((gettext_lazy("Số phiếu"), "phieu"), (gettext_lazy("Số hồ sơ"), "so"),
                (gettext_lazy("Họ và tên"), "ten"), (gettext_lazy("Người mượn"), None),
                (gettext_lazy("Mục đích"), None), (gettext_lazy("Trạng thái"), None),
                (gettext_lazy("Ngày giao"), "giao"), (gettext_lazy("Hạn trả"), "han"))


@rule(VIEW_DOSSIER)
def loan_list(request: HttpRequest) -> HttpResponse:
    """The archivist's register of loans (default: not yet closed); anyone else sees their own."""
    filtered = "state" in request.GET or "mine" in request.GET  # a sort or a page alone keeps the default filter
    form = LoanFilterForm(request.GET if filtered else None, initial={"state": "open"})
    data = form.cleaned_data if filtered and form.is_valid() else {"state": "open", "mine": False}
    loans = selectors.loan_list(actor=request.user, filters=selectors.LoanFilter(state=data["state"],
                                                                                 mine=data["mine"]))
    page = Paginator(LOAN_SORTING.apply(loans, request.GET), 50).get_page(request.GET.get("page"))
    records_services.record_list_read(actor=request.user, object_type="loan_list", page=page.number,
                                      keys=[loan.dossier.number for loan in page.object_list],
                                      filters=request.GET.dict())
    return render(request, "archive/loan_list.html", {
        "form": form, "page": page, "scan_form": ReturnScanForm(), "query": query_without_page(request),
        "manage": user_can(request.user, MANAGE_ARCHIVE), "headers": LOAN_SORTING.headers(request.GET, LOAN_COLUMNS)})


@rule(VIEW_DOSSIER)
def loan_request(request: HttpRequest, number: str) -> HttpResponse:
    """Phiếu đề nghị mượn bản gốc. For a digitised dossier the form says to use the digital copy and asks why
    the paper is needed."""
    dossier = records_services.open_dossier(actor=request.user, number=number, purpose=AuditAction.VIEW_FOR_LOAN)
    if dossier is None:
        raise Http404(gettext("Không tìm thấy hồ sơ hoặc bạn không có quyền xem."))
    digitised = selectors.is_digitised(dossier)
    current = selectors.open_loan(dossier=dossier)
    form = LoanRequestForm(request.POST or None, digitised=digitised)
    if request.method == "POST" and form.is_valid():
        try:
            loan = services.request_loan(actor=request.user, dossier=dossier, **form.cleaned_data)
        except ValidationError as exc:
            form_errors(form, exc)
        except PermissionDenied as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, gettext("Đã gửi đề nghị mượn hồ sơ %(number)s (phiếu số %(pk)s). Lưu trữ "
                                              "viên sẽ duyệt và báo khi giao.") % {
                                              "number": dossier.number,
                                              "pk": loan.pk})
            return redirect("loan_detail", pk=loan.pk)
    return render(request, "archive/loan_request.html", {
        "dossier": dossier, "form": form, "digitised": digitised, "current": current,
        "page_count": dossier.pages.count(), "procedures": LOAN_PROCEDURES})


@rule(VIEW_DOSSIER)
def loan_detail(request: HttpRequest, pk: int) -> HttpResponse:
    loan = _loan(request, pk)
    records_services.record_read(actor=request.user, obj=loan, summary=loan.dossier.number)
    manage = user_can(request.user, MANAGE_ARCHIVE)
    condition = loan.condition_out or loan.dossier.physical_condition
    return render(request, "archive/loan_detail.html", {
        "loan": loan, "manage": manage, "mine": loan.borrower_id == request.user.pk,
        "checkout_form": CheckOutForm(prefix="out", initial={"due_on": selectors.default_due_date(),
                                                             "condition": condition}),
        "return_form": ReturnForm(prefix="back", initial={"condition": condition, "complete": True}),
        "reason_form": ReasonForm(), "default_days": settings.HOSO_LOAN_WORKING_DAYS,
        "archive": selectors.dossier_archive(dossier=loan.dossier) if manage else None})


@rule(VIEW_DOSSIER)
def loan_slip(request: HttpRequest, pk: int) -> HttpResponse:
    """The loan slip (phiếu mượn hồ sơ) to print and sign when the original is handed over and returned."""
    loan = _loan(request, pk)
    records_services.record_read(actor=request.user, obj=loan, summary=f"{loan.dossier.number} (in phiếu mượn)")
    return render(request, "archive/loan_slip.html", {
        "loan": loan, "archive": selectors.dossier_archive(dossier=loan.dossier), "today": selectors.today(),
        "agency": settings.HOSO_AGENCY_NAME})


def _act(request: HttpRequest, pk: int, action, done: str, form_class=None, prefix=None) -> HttpResponse:
    loan = _loan(request, pk)
    kwargs = {}
    if form_class is not None:
        form = form_class(request.POST, prefix=prefix)
        if not form.is_valid():
            for field, errors in form.errors.items():
                label = form.fields[field].label if field in form.fields else ""
                messages.error(request, f"{label}: {errors[0]}" if label else errors[0])
            return redirect("loan_detail", pk=pk)
        kwargs = form.cleaned_data
    try:
        action(loan, **kwargs)
    except ValidationError as exc:
        _errors(request, exc)
    else:
        messages.success(request, gettext(done).format(number=loan.dossier.number, holder=loan.holder))
    return redirect("loan_detail", pk=pk)


@rule(MANAGE_ARCHIVE)
@require_POST
def loan_approve(request: HttpRequest, pk: int) -> HttpResponse:
    return _act(request, pk, lambda loan: services.approve_loan(actor=request.user, loan=loan),
                gettext_noop("Đã duyệt cho mượn hồ sơ {number}."))


@rule(MANAGE_ARCHIVE)
@require_POST
def loan_refuse(request: HttpRequest, pk: int) -> HttpResponse:
    return _act(request, pk, lambda loan, reason: services.refuse_loan(actor=request.user, loan=loan,
                                                                       reason=reason),
                gettext_noop("Đã từ chối đề nghị mượn hồ sơ {number}."), ReasonForm)


@rule(VIEW_DOSSIER)
@require_POST
def loan_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    def cancel(loan):
        try:
            services.cancel_loan(actor=request.user, loan=loan, reason=request.POST.get("reason", ""))
        except PermissionDenied as exc:
            raise ValidationError(str(exc)) from exc

    return _act(request, pk, cancel, gettext_noop("Đã hủy đề nghị mượn hồ sơ {number}."))


@rule(MANAGE_ARCHIVE)
@require_POST
def loan_check_out(request: HttpRequest, pk: int) -> HttpResponse:
    return _act(request, pk, lambda loan, due_on, condition: services.check_out_dossier(
        actor=request.user, loan=loan, due_on=due_on, condition=condition),
        gettext_noop("Đã giao hồ sơ {number} cho {holder}."), CheckOutForm, "out")


@rule(MANAGE_ARCHIVE)
@require_POST
def loan_return(request: HttpRequest, pk: int) -> HttpResponse:
    return _act(request, pk, lambda loan, condition, complete, note: services.return_dossier(
        actor=request.user, dossier=loan.dossier, condition=condition, complete=complete, note=note),
        gettext_noop("Đã nhận lại hồ sơ {number}; phiếu mượn đã đóng."), ReturnForm, "back")


@rule(MANAGE_ARCHIVE)
@require_POST
def loan_remind(request: HttpRequest, pk: int) -> HttpResponse:
    return _act(request, pk, lambda loan: services.remind_borrower(actor=request.user, loan=loan),
                gettext_noop("Đã nhắc {holder} trả hồ sơ {number}."))


@rule(MANAGE_ARCHIVE)
def loan_return_scan(request: HttpRequest) -> HttpResponse:
    """Nhận trả: scan the cover label of the dossier handed back; opens its loan at the return check."""
    form = ReturnScanForm(request.GET or None)
    if form.is_valid():
        scan = form.cleaned_data["scan"]
        (read,) = selectors.read_scans([scan])
        found = selectors.match_numbers(actor=request.user, numbers=[read.value]) if read.kind == "dossier" else {}
        dossier = found.get(read.value)
        if dossier is None:
            messages.error(request, gettext("Không nhận ra hồ sơ «%(scan)s» (hoặc bạn không được xem).") % {
                                            "scan": scan})
        else:
            loan = selectors.open_loan(dossier=dossier)
            if loan is None or loan.state != Loan.State.CHECKED_OUT:
                messages.error(request, gettext("Hồ sơ %(number)s không được cho mượn: không có gì để nhận trả.") % {
                                                "number": dossier.number})
            else:
                return redirect(reverse("loan_detail", args=[loan.pk]) + "#nhan-tra")
    return redirect("loan_list")
