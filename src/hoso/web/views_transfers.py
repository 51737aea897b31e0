"""Transfers between provinces (di chuyển hồ sơ) and dossier packages (gói hồ sơ điện tử), for the archivist
(MANAGE_ARCHIVE). Reads through the selectors of records and archive.transfers, writes through the services."""

import os
import tempfile
from pathlib import Path

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext
from django.views.decorators.http import require_POST

from hoso.access.decorators import rule
from hoso.access.permissions import MANAGE_ARCHIVE
from hoso.core.events import AuditAction
from hoso.core.uploads import saved_upload
from hoso.preservation.models import PackageImport
from hoso.preservation.refusals import refusal_text, result_text
from hoso.preservation.services.package_import import import_package
from hoso.preservation.services.packages import PackageError, bag_name, export_package
from hoso.procedures import services as transfers
from hoso.procedures.models import Transfer
from hoso.procedures.slip import slip_data, slip_pdf
from hoso.records import selectors as records_selectors
from hoso.records import services as records_services
from hoso.records.services import canonical_dossier_number

from .forms_transfers import PackageUploadForm, ReceivedForm, ReturnedForm, SendForm, TransferForm
from .helpers import form_errors


def _messages(exc: ValidationError) -> list[str]:
    return exc.messages


def _transfer(request: HttpRequest, pk: int) -> Transfer:
    transfer = transfers.transfer_for(actor=request.user, pk=pk)
    if transfer is None:
        raise Http404(gettext("Không có phiếu di chuyển này hoặc bạn không có quyền xem."))
    return transfer


def _dossier(request: HttpRequest, number: str, purpose: str):
    try:
        number = canonical_dossier_number(number)
    except ValidationError as exc:
        raise Http404(gettext("Số hồ sơ không hợp lệ.")) from exc
    dossier = records_services.open_dossier(actor=request.user, number=number, purpose=purpose)
    if dossier is None:
        raise Http404(gettext("Không tìm thấy hồ sơ hoặc bạn không có quyền xem."))
    return dossier


@rule(MANAGE_ARCHIVE)
def transfer_list(request: HttpRequest) -> HttpResponse:
    """Open transfers with their legal window (most urgent first), then the closed ones, and packages received."""
    visible = transfers.visible_transfers(actor=request.user)
    urgent = transfers.open_transfers_due(actor=request.user)
    closed = Paginator(visible.exclude(state__in=Transfer.OPEN_STATES), 25).get_page(request.GET.get("page"))
    q = records_selectors.dossier_access_q(actor=request.user, path="dossier__")
    imports = PackageImport.objects.select_related("dossier", "dossier__subject").filter(q)[:25] if q is not None \
        else []
    shown = [transfer for transfer, _window in urgent] + list(closed.object_list)
    records_services.record_list_read(actor=request.user, object_type="transfer_list", page=closed.number,
                                      keys=[t.dossier.number for t in shown] + [i.dossier.number for i in imports])
    return render(request, "transfers/list.html", {"urgent": urgent, "closed": closed, "imports": imports})


@rule(MANAGE_ARCHIVE)
def transfer_create(request: HttpRequest, number: str) -> HttpResponse:
    dossier = _dossier(request, number, AuditAction.VIEW_FOR_TRANSFER)
    stay = transfers.stay_reasons(dossier)
    current = dossier.transfers.filter(state__in=Transfer.OPEN_STATES).first()
    form = TransferForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            transfer = transfers.create_transfer(actor=request.user, dossier=dossier, **form.cleaned_data)
        except ValidationError as exc:
            form_errors(form, exc)
        else:
            messages.success(request, gettext("Đã lập phiếu %(number)s. In phiếu báo (Mẫu 93), rồi đánh dấu «Đã "
                                              "gửi» khi gửi hồ sơ đi.") % {
                                              "number": transfer.number})
            return redirect("transfer_detail", pk=transfer.pk)
    return render(request, "transfers/create.html", {"dossier": dossier, "form": form, "stay": stay,
                                                     "current": current})


@rule(MANAGE_ARCHIVE)
def transfer_detail(request: HttpRequest, pk: int) -> HttpResponse:
    transfer = _transfer(request, pk)
    records_services.record_read(actor=request.user, obj=transfer, summary=transfer.dossier.number)
    return render(request, "transfers/detail.html", {
        "transfer": transfer, "windows": transfers.windows(transfer), "send_form": SendForm(),
        "package_offered": transfers.may_download_package(actor=request.user, transfer=transfer),
        "received_form": ReceivedForm(), "returned_form": ReturnedForm()})


def _act(request: HttpRequest, pk: int, form_class, action) -> HttpResponse:
    transfer = _transfer(request, pk)
    form = form_class(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            messages.error(request, errors[0])
        return redirect("transfer_detail", pk=transfer.pk)
    try:
        done = action(transfer, form.cleaned_data)
    except ValidationError as exc:
        for message in _messages(exc):
            messages.error(request, message)
    except (PackageError, PermissionDenied) as exc:
        messages.error(request, getattr(exc, "reason", None) or str(exc))
    else:
        messages.success(request, done)
    return redirect("transfer_detail", pk=transfer.pk)


@require_POST
@rule(MANAGE_ARCHIVE)
def transfer_send(request: HttpRequest, pk: int) -> HttpResponse:
    def send(transfer, data):
        transfer = transfers.mark_sent(actor=request.user, transfer=transfer, sent_on=data["sent_on"],
                                       attach_package=data["attach_package"])
        if transfer.package_sha256:
            return gettext("Đã ghi nhận gửi hồ sơ ngày %(date)s kèm gói hồ sơ điện tử.") % {
                "date": f"{transfer.sent_on:%d/%m/%Y}"}
        return gettext("Đã ghi nhận gửi hồ sơ ngày %(date)s.") % {"date": f"{transfer.sent_on:%d/%m/%Y}"}
    return _act(request, pk, SendForm, send)


@require_POST
@rule(MANAGE_ARCHIVE)
def transfer_received(request: HttpRequest, pk: int) -> HttpResponse:
    def receive(transfer, data):
        transfer = transfers.mark_received(actor=request.user, transfer=transfer, received_on=data["received_on"])
        return gettext("Đã ghi nhận %(province)s tiếp nhận hồ sơ ngày %(date)s.") % {
            "province": transfer.to_province, "date": f"{transfer.received_on:%d/%m/%Y}"}
    return _act(request, pk, ReceivedForm, receive)


@require_POST
@rule(MANAGE_ARCHIVE)
def transfer_returned(request: HttpRequest, pk: int) -> HttpResponse:
    def give_back(transfer, data):
        transfers.mark_returned(actor=request.user, transfer=transfer, reason=data["reason"],
                                returned_on=data["returned_on"])
        return gettext("Đã ghi nhận hồ sơ bị trả lại.")
    return _act(request, pk, ReturnedForm, give_back)


@rule(MANAGE_ARCHIVE)
def transfer_slip(request: HttpRequest, pk: int) -> HttpResponse:
    transfer = _transfer(request, pk)
    pdf = slip_pdf(slip_data(transfer))
    transfers.record_slip_printed(actor=request.user, transfer=transfer)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="phieu-di-chuyen-{transfer.number.replace("/", "-")}.pdf"'
    return response


@rule(MANAGE_ARCHIVE)
def transfer_package(request: HttpRequest, pk: int) -> HttpResponse:
    """The package that was sent with the transfer (kept in the file store), only for someone who could export the
    dossier's package now (procedures.services.check_package_download): else 404 or 403, nothing read or recorded."""
    transfer = _transfer(request, pk)
    try:
        stream = transfers.open_transfer_package(actor=request.user, transfer=transfer)
    except PackageError as exc:
        raise Http404(exc.reason) from exc
    return FileResponse(stream, as_attachment=True, filename=f"{bag_name(transfer.dossier.number)}.zip",
                        content_type="application/zip")


@require_POST
@rule(MANAGE_ARCHIVE)
def package_export(request: HttpRequest, number: str) -> HttpResponse:
    """«Xuất gói»: the dossier's package as a download (written to a temporary file, streamed, then gone). The same
    service as `hoso export_package`, with its checks (preservation.services.packages.exportable_dossier); a refusal
    goes back to the dossier page with the reason, a dossier out of reach is not found."""
    try:
        number = canonical_dossier_number(number)
    except ValidationError as exc:
        raise Http404(gettext("Số hồ sơ không hợp lệ.")) from exc
    handle, name = tempfile.mkstemp(prefix="hoso-export-", suffix=".zip")
    os.close(handle)
    try:
        result = export_package(actor=request.user, number=number, out=Path(name))
        stream = open(name, "rb")  # noqa: SIM115 - FileResponse closes it
    except PackageError as exc:
        if exc.code == "not_found":
            raise Http404(exc.reason) from exc
        messages.error(request, exc.reason)
        return redirect("dossier_detail", number=number)
    except PermissionDenied as exc:
        messages.error(request, str(exc))
        return redirect("dossier_detail", number=number)
    finally:
        os.unlink(name)  # the open file stays readable until the response is sent
    return FileResponse(stream, as_attachment=True, filename=f"{bag_name(result.dossier_number)}.zip",
                        content_type="application/zip")


@rule(MANAGE_ARCHIVE)
def package_import(request: HttpRequest) -> HttpResponse:
    """Upload a package from another province: checked file by file, registered, or refused with the reason."""
    form = PackageUploadForm(request.POST or None, request.FILES or None)
    result, refused, detail = None, None, ""
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["package"]
        with saved_upload(upload, suffix=".zip") as path:
            try:
                result = import_package(actor=request.user, path=path, expect_sha256=form.cleaned_data["checksum"])
            except PackageError as exc:
                refused, detail = refusal_text(exc), exc.reason
            except PermissionDenied as exc:
                refused = str(exc)
    if result is not None:
        result.message = result_text(result.status, result.dossier_number, result.message)  # shown, not stored
    return render(request, "transfers/import.html", {"form": form, "result": result, "refused": refused,
                                                     "refused_detail": detail if detail != refused else ""})
