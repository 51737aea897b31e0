"""The auditor's screen: the trail read as a register (labels, fields, before → after), filtered by user, dossier
(any spelling of its number, its people included), action and days; its Excel export; the chain check."""

from datetime import datetime, time

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext, gettext_lazy, ngettext
from django.views.decorators.http import require_POST

from hoso.access.decorators import rule
from hoso.access.permissions import VIEW_AUDIT
from hoso.core.counts import KeptCountPaginator
from hoso.core.events import AuditAction
from hoso.core.models import AuditEvent
from hoso.core.text_errors import partial_date_message
from hoso.reports import audit
from hoso.reports import services as reports_services
from hoso.vntext.dates import InvalidPartialDate, parse_partial_date

from .helpers import query_without_page
from .templatetags.hoso import vn_number


class AuditFilterForm(forms.Form):
    user = forms.CharField(label=gettext_lazy("Người dùng"), required=False, max_length=150)
    dossier = forms.CharField(label=gettext_lazy("Số hồ sơ / mã đối tượng"), required=False, max_length=64)
    action = forms.ChoiceField(label=gettext_lazy("Hành động"), required=False,
                               choices=[("", gettext_lazy("— mọi hành động —")), *AuditAction.choices])
    since = forms.CharField(label=gettext_lazy("Từ ngày"), required=False, max_length=10, widget=forms.TextInput(
        attrs={"placeholder": "dd/mm/yyyy"}))
    until = forms.CharField(label=gettext_lazy("Đến ngày"), required=False, max_length=10, widget=forms.TextInput(
        attrs={"placeholder": "dd/mm/yyyy"}))

    def _day(self, name: str):
        text = self.cleaned_data.get(name, "")
        if not text:
            return None
        try:
            date = parse_partial_date(text)
        except InvalidPartialDate as exc:
            raise ValidationError(partial_date_message(exc)) from exc
        if date.day is None:
            raise ValidationError(gettext("Nhập đủ ngày/tháng/năm, ví dụ 25/11/2026."))
        return date.earliest()

    def clean_since(self):
        return self._day("since")

    def clean_until(self):
        return self._day("until")


def _audit_events(form: AuditFilterForm):
    events = AuditEvent.objects.all().order_by("-id")
    if not form.is_valid():
        return events.none()
    data = form.cleaned_data
    if data["user"]:
        events = events.filter(audit.user_events_q(data["user"]))
    if data["dossier"]:
        events = events.filter(audit.dossier_events_q(data["dossier"]))
    if data["action"]:
        events = events.filter(action=data["action"])
    tz = timezone.get_current_timezone()
    if data["since"]:
        events = events.filter(at__gte=datetime.combine(data["since"], time.min, tz))
    if data["until"]:
        events = events.filter(at__lte=datetime.combine(data["until"], time.max, tz))
    return events


@rule(VIEW_AUDIT)
def audit_list(request: HttpRequest) -> HttpResponse:
    form = AuditFilterForm(request.GET or None)
    events = _audit_events(form) if request.GET else AuditEvent.objects.order_by("-id")
    page = KeptCountPaginator(events, 50).get_page(request.GET.get("page"))  # the trail grows with every read
    rows = [(event, audit.changes(event)) for event in page.object_list]
    return render(request, "access/audit_list.html", {"form": form, "page": page, "rows": rows,
                                                      "query": query_without_page(request)})


@rule(VIEW_AUDIT)
@require_POST
def audit_check(request: HttpRequest) -> HttpResponse:
    """«Kiểm tra chuỗi nhật ký»: the same check as `hoso verify --audit`, from the auditor's screen."""
    ok, checked, reason = audit.check_chain(actor=request.user)
    if ok:
        messages.success(request, ngettext("Chuỗi nhật ký toàn vẹn: đã kiểm %(vn_number)s sự kiện.",
                                           "Chuỗi nhật ký toàn vẹn: đã kiểm %(vn_number)s sự kiện.", checked) % {
                                           "vn_number": vn_number(checked)})
    else:
        messages.error(request, ngettext("Chuỗi nhật ký KHÔNG toàn vẹn sau %(vn_number)s sự kiện: %(reason)s. Hãy "
                                         "báo ngay cho quản trị viên và giữ nguyên bản sao lưu.",
                                         "Chuỗi nhật ký KHÔNG toàn vẹn sau %(vn_number)s sự kiện: %(reason)s. Hãy "
                                         "báo ngay cho quản trị viên và giữ nguyên bản sao lưu.", checked) % {
                                        "vn_number": vn_number(checked),
                                        "reason": reason})
    return redirect("audit_list")


@rule(VIEW_AUDIT)
def audit_export(request: HttpRequest) -> HttpResponse:
    """The filtered audit trail as an Excel file (at most 100,000 rows); the export is itself audited."""
    form = AuditFilterForm(request.GET or None)
    events = _audit_events(form) if request.GET else AuditEvent.objects.order_by("-id")
    content = reports_services.audit_workbook(actor=request.user, events=events.iterator(chunk_size=2000),
                                              filters=request.GET.dict())
    response = HttpResponse(content, content_type="application/vnd.openxmlformats-officedocument."
                                                            "spreadsheetml.sheet")
    response["Content-Disposition"] = f'attachment; filename="nhat-ky-{timezone.localdate():%Y%m%d}.xlsx"'
    return response
