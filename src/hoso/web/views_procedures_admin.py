"""The catalogue of procedures and the working-day calendar, for the administrator (MANAGE_PROCEDURES): the kinds with
their current version; a kind's routing and durations changed (a new version, audited: cases keep theirs); the
year's days off and working days, the administrator's own added or removed (core/calendar.py through
procedures.catalogue). Neither shows personal data. And the public tracking page (tra cứu hồ sơ), reachable without
signing in: the procedure, the state in plain words and the appointment date of the case whose code is typed."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext
from django.views.decorators.http import require_POST

from hoso.access.decorators import public, rule
from hoso.access.permissions import MANAGE_PROCEDURES
from hoso.procedures import cases, catalogue, tracking
from hoso.procedures import selectors as procedure_selectors
from hoso.procedures.models import ProcedureKind

from .forms_procedures_links import CalendarClearForm, CalendarDayForm, StepsForm, TrackingForm


def _say(request: HttpRequest, exc: ValidationError | PermissionDenied, form=None) -> None:
    for message in getattr(exc, "messages", None) or [str(exc)]:
        if form is not None:
            form.add_error(None, message)
        else:
            messages.error(request, message)


@rule(MANAGE_PROCEDURES)
def procedure_catalogue(request: HttpRequest) -> HttpResponse:
    return render(request, "procedures/catalogue.html", {"rows": procedure_selectors.catalogue_rows()})


@rule(MANAGE_PROCEDURES)
def procedure_kind(request: HttpRequest, code: str) -> HttpResponse:
    """One procedure: its current version and earlier ones; POST: new steps (routing, durations) as a new version."""
    kind = ProcedureKind.objects.filter(code=code).first()
    history = procedure_selectors.kind_history(kind) if kind is not None else []
    if not history:
        raise Http404(gettext("Không có thủ tục này trong danh mục."))
    current = history[0]
    form = StepsForm(request.POST or None, initial={"steps": StepsForm.as_text(current.steps.all())})
    if request.method == "POST" and form.is_valid():
        steps = [catalogue.StepSpec(actor, duration, unit, task, original)
                 for actor, task, duration, unit, original in form.cleaned_data["steps"]]
        try:
            version = catalogue.change_procedure(actor=request.user, kind=kind, note=form.cleaned_data["note"],
                                                 steps=steps)
        except (ValidationError, PermissionDenied) as exc:
            _say(request, exc, form)
        else:
            messages.success(request, gettext("Đã lưu phiên bản %(number)s của thủ tục «%(name)s»: hồ sơ tiếp "
                                              "nhận từ nay theo phiên bản này; hồ sơ đã tiếp nhận giữ phiên bản "
                                              "cũ.") % {"number": version.number, "name": version.name})
            return redirect("procedure_kind", code=kind.code)
    return render(request, "procedures/kind.html", {"kind": kind, "current": current, "history": history,
                                                    "form": form})


@rule(MANAGE_PROCEDURES)
def procedure_calendar(request: HttpRequest) -> HttpResponse:
    """The year's days off and working days; POST: a day off announced late, or a swapped working day."""
    year_text = request.GET.get("nam", "")
    year = int(year_text) if year_text.isdigit() and 2000 <= int(year_text) <= 2100 else cases.today().year
    form = CalendarDayForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            row = catalogue.set_calendar_day(actor=request.user, day=data["day"], kind=data["kind"],
                                             note=data["note"])
        except (ValidationError, PermissionDenied) as exc:
            _say(request, exc, form)
        else:
            messages.success(request, gettext("Đã đặt ngày %(date)s: %(lower)s. Hạn của hồ sơ tính lại khi hồ sơ "
                                              "chuyển bước.") % {
                                              "date": f'{row.date:%d/%m/%Y}',
                                              "lower": row.get_kind_display().lower()})
            return redirect(f"{reverse('procedure_calendar')}?nam={row.date.year}")
    return render(request, "procedures/calendar.html", {
        "year": year, "rows": procedure_selectors.calendar_rows(year), "form": form,
        "years": [year - 1, year + 1]})


@require_POST
@rule(MANAGE_PROCEDURES)
def procedure_calendar_clear(request: HttpRequest) -> HttpResponse:
    form = CalendarClearForm(request.POST)
    if not form.is_valid():
        messages.error(request, gettext("Ngày không hợp lệ."))
        return redirect("procedure_calendar")
    day = form.cleaned_data["day"]
    try:
        catalogue.clear_calendar_day(actor=request.user, day=day)
    except (ValidationError, PermissionDenied) as exc:
        _say(request, exc)
    else:
        messages.success(request, gettext("Ngày %(day)s trở lại theo lịch chung.") % {"day": f'{day:%d/%m/%Y}'})
    return redirect(f"{reverse('procedure_calendar')}?nam={day.year}")


@public
def case_tracking(request: HttpRequest) -> HttpResponse:
    """Tra cứu hồ sơ (no sign-in): POST the code from the receipt; the answer says only the procedure, the state in
    plain words and the appointment date. Misses are counted per client and slowed down (procedures/tracking.py)."""
    form = TrackingForm(request.POST or None)
    found, status = None, 200
    if request.method == "POST" and form.is_valid():
        try:
            found = tracking.look_up(code=form.cleaned_data["code"], address=request.META.get("REMOTE_ADDR", ""))
        except tracking.TooManyLookups as exc:
            form.add_error(None, str(exc))
            status = 429
        else:
            if found is None:
                form.add_error("code", gettext("Không có hồ sơ nào mang mã tra cứu này. Hãy kiểm tra lại mã in "
                                               "trên phiếu tiếp nhận (8 ký tự, không có chữ O, I và số 0, 1)."))
    response = render(request, "procedures/tracking.html", {"form": form, "found": found}, status=status)
    response["Cache-Control"] = "no-store"
    response["X-Robots-Tag"] = "noindex"
    return response
