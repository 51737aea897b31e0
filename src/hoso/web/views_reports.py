"""The statistics pages (thống kê): a dashboard per role, a table of figures to Excel, Mẫu 100, benefits.

Thin: figures come from hoso.reports (counted through the visibility rule), every figure shown or exported is in
the audit trail (reports/services.py), and every count of dossiers links to the dossier list behind it
(`list_url`: the list's own filters plus the drill-down filters of web/forms_reports.py), so the list is as long as
the number clicked.
"""

import datetime as dt
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext

from hoso.access.decorators import rule
from hoso.access.permissions import MANAGE_ARCHIVE, VIEW_STATISTICS, Role
from hoso.access.rules import user_can
from hoso.archive.labels import LabelFontMissing
from hoso.core.i18n import in_vietnamese
from hoso.records.visibility import sees_no_area
from hoso.reports import casework, figures
from hoso.reports import services as reports_services
from hoso.reports.statistics import DECEASED, LIVING, BadQuestion, CountTable, Cube, Slice

from .charts import Chart, bars, columns, duration_bars
from .forms_reports import StatisticsFilterForm

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DOSSIER_DIMENSIONS = ("category", "commune", "sex", "decade", "status", "alive")
# What each role's dashboard shows (a role not listed sees everything: the leader, the system).
SECTIONS = {
    Role.ADMIN: ("records", "digitisation", "archive"),
    Role.ARCHIVIST: ("digitisation", "archive", "records", "places"),
    Role.POLICY_OFFICER: ("records", "places", "people", "procedures"),
}
ALL_SECTIONS = ("records", "places", "people", "digitisation", "archive", "procedures")
# Tables that can be downloaded: slug → (title, dimensions of a dossier table, or a figure's name).
EXPORTS = {
    "category": ("Số hồ sơ theo diện đối tượng", ("category",)),
    "commune": ("Số hồ sơ theo xã, phường hiện nay", ("commune",)),
    "alive": ("Còn sống, đã mất theo diện", ("category", "alive")),
    "sex": ("Số hồ sơ theo giới tính", ("sex",)),
    "decade": ("Số hồ sơ theo thập niên sinh", ("decade",)),
    "status": ("Số hồ sơ theo tình trạng số hóa", ("status",)),
    "pages": ("Trang số hóa theo ngày", ()),
    "procedures": ("Hồ sơ thủ tục theo thủ tục", ()),
    "procedure_steps": ("Thời gian thực hiện từng bước thủ tục", ()),
}
KIND_HEADERS = ["Thủ tục", "Tiếp nhận", "Giải quyết đúng hạn", "Giải quyết quá hạn", "Đang quá hạn",
                "Thời gian giải quyết trung bình (ngày làm việc)", "90% giải quyết trong (ngày làm việc)"]
STEP_HEADERS = ["Thủ tục", "Bước", "Cơ quan thực hiện", "Thời hạn quy định", "Xong trong kỳ", "Xong đúng hạn",
                "Xong quá hạn", "Đang ở bước này", "Đang quá hạn", "Trung bình (ngày làm việc)",
                "90% xong trong (ngày làm việc)"]


def sections_for(user) -> tuple[str, ...]:
    return SECTIONS.get(user.role, ALL_SECTIONS)


def list_url(where: Slice, at: dt.date | None) -> str:
    """The dossier list holding exactly the dossiers counted in `where` as of `at`."""
    params: dict[str, Any] = {}
    for name, value in where.given().items():
        params[name] = value
    if at is not None:
        params["at"] = at.isoformat()
    return f"{reverse('dossier_list')}?{urlencode(params)}" if params else reverse("dossier_list")


@dataclass
class Figure:
    """A chart with its table: rows of (labels, count, link), the total, and the Excel download."""

    key: str
    title: str
    headers: list[str]
    rows: list[tuple[list[str], int, str]]
    total: int
    total_url: str
    export_url: str
    chart: Chart | None = None
    notes: list[str] = field(default_factory=list)


def _figure(key: str, table: CountTable, *, chart: str = "bars", query: str = "", wide: bool = False) -> Figure:
    """`wide`: drawn across the page (else in half of it: a narrower drawing keeps the text readable)."""
    title = EXPORTS[key][0]
    rows = [(labels, n, list_url(where, table.at)) for labels, n, where in table.labelled()]
    items = [(" · ".join(labels), n, url) for labels, n, url in rows]
    width = 1000 if wide else 480
    drawn = (columns(items, title=title, width=width, height=190) if chart == "columns"
             else bars(items, title=title, width=width, label_width=250 if wide else 200, row=24 if wide else 20))
    return Figure(key=key, title=title, headers=table.headers, rows=rows, total=table.total,
                  total_url=list_url(table.where, table.at), chart=drawn,
                  export_url=f"{reverse('reports_export', args=[key])}?{query}")


@dataclass
class AliveRow:
    label: str
    living: tuple[int, str]
    deceased: tuple[int, str]
    total: tuple[int, str]


def _alive_rows(table: CountTable) -> list[AliveRow]:
    """Category × living/deceased as one row per category, each count a link."""
    counts = {values: n for values, n in table.rows}
    rows = []
    for code in dict.fromkeys(values[0] for values, _ in table.rows):
        living, deceased = counts.get((code, LIVING), 0), counts.get((code, DECEASED), 0)
        where = table.where.narrowed(category=code)
        rows.append(AliveRow(label=table.labels.of("category", code),
                             living=(living, list_url(where.narrowed(alive=LIVING), table.at)),
                             deceased=(deceased, list_url(where.narrowed(alive=DECEASED), table.at)),
                             total=(living + deceased, list_url(where, table.at))))
    return rows


def _filters(request: HttpRequest) -> tuple[StatisticsFilterForm, dt.date, dt.date, dt.date | None, Slice]:
    form = StatisticsFilterForm(request.GET or None, user=request.user)
    if form.is_bound and not form.is_valid():
        messages.error(request, gettext("Điều kiện lọc không dùng được, đã bỏ qua: %(errors)s") % {
            "errors": "; ".join(str(e) for errors in form.errors.values() for e in errors)})
    since, until = form.period()
    at = None if until == timezone.localdate() else until
    return form, since, until, at, form.slice()


def _query(request: HttpRequest) -> str:
    return urlencode({k: v for k, v in request.GET.items() if k in ("since", "until", "commune", "category") and v})


@rule(VIEW_STATISTICS)
def dashboard(request: HttpRequest) -> HttpResponse:
    """The figures of the user's area: charts with their tables, each count a link to its dossiers."""
    actor = request.user
    form, since, until, at, where = _filters(request)
    shown = sections_for(actor)
    context: dict[str, Any] = {"form": form, "since": since, "until": until, "at": at, "sections": shown,
                               "query": _query(request), "mau100_year": timezone.localdate().year - 1}
    if sees_no_area(actor):
        context["no_area"] = True
        return render(request, "reports/dashboard.html", context)
    cube = Cube(actor, dimensions=DOSSIER_DIMENSIONS, at=at, where=where)
    query = context["query"]
    context.update(total=cube.total, total_url=list_url(where, at),
                   category=_figure("category", cube.table(["category"]), query=query),
                   commune=_figure("commune", cube.table(["commune"]), query=query, wide=True),
                   alive=_alive_rows(cube.table(["category", "alive"])),
                   alive_totals=_figure("alive", cube.table(["alive"]), query=query),
                   sex=_figure("sex", cube.table(["sex"]), query=query),
                   decade=_figure("decade", cube.table(["decade"]), chart="columns", query=query),
                   status=_figure("status", cube.table(["status"]), query=query, wide=True))
    if "digitisation" in shown:
        work = figures.digitisation(actor=actor, since=since, until=until)
        context["digitisation"] = work
        context["page_states"] = [(figures.PAGE_STATE_LABELS[s], n) for s, n in work.pages.items()]
        context["pages_chart"] = columns([(f"{d:%d/%m}", n, "") for d, n, _ in work.per_day], width=1000,
                                         height=180, title=gettext("Trang nhận vào theo ngày"))
        context["pages_export"] = f"{reverse('reports_export', args=['pages'])}?{query}"
    if "archive" in shown:
        context["archive"] = figures.archive(actor=actor, since=since, until=until)
        context["loan_links"] = user_can(actor, MANAGE_ARCHIVE)
    if "procedures" in shown:
        context.update(_procedure_context(actor, since, until, query))
    reports_services.record_statistics_read(actor=actor, what="Trang thống kê", total=cube.total,
                                            filters={k: v for k, v in request.GET.items()})
    return render(request, "reports/dashboard.html", context)


def _procedure_context(actor, since: dt.date, until: dt.date, query: str) -> dict[str, Any]:
    """The one-stop figures: by procedure (with the time cases took) and by step (time per step, with a chart)."""
    found = figures.procedures(actor=actor, since=since, until=until)
    times = casework.case_times(actor=actor, since=since, until=until)
    if found is None or times is None:
        return {"procedures": None}
    kinds = [(r, times.kind(r.code)) for r in found.rows]
    timed = [s for s in times.steps if s.timing.count]
    chart = duration_bars([(gettext("%(procedure)s · bước %(number)s") % {"procedure": _short(s.kind_name),
                                                                          "number": s.position},
                            s.timing.mean or 0, s.timing.p90 or 0,
                            f"{casework.vn_decimal(s.timing.mean)} · 90%: {s.timing.p90}") for s in timed],
                          title=gettext("Thời gian thực hiện từng bước (ngày làm việc)"))
    return {"procedures": found, "procedure_kinds": kinds, "procedure_steps": times.steps, "steps_chart": chart,
            "procedures_export": f"{reverse('reports_export', args=['procedures'])}?{query}",
            "steps_export": f"{reverse('reports_export', args=['procedure_steps'])}?{query}"}


def _short(name: str, room: int = 34) -> str:
    return name if len(name) <= room else name[:room - 1].rstrip() + "…"


def _decimal(value: float | None) -> float | str:
    return "" if value is None else value


def procedure_tables(actor, since: dt.date, until: dt.date, table: str) -> tuple[list[str], list[list], list]:
    """The procedures' tables as exported: by procedure, or by step (headers, rows, totals)."""
    found = figures.procedures(actor=actor, since=since, until=until)
    times = casework.case_times(actor=actor, since=since, until=until)
    if table == "procedures":
        rows: list[list] = []
        for r in (found.rows if found else []):
            t = times.kind(r.code) if times else casework.Timing()
            rows.append([r.name, r.received, r.settled_on_time, r.settled_late, r.open_overdue, _decimal(t.mean),
                         "" if t.p90 is None else t.p90])
        every = casework.Timing(days=[d for t in (times.kinds.values() if times else []) for d in t.days])
        totals = ["Tổng cộng", *(sum(r[i] for r in rows) for i in range(1, 5)), _decimal(every.mean),
                  "" if every.p90 is None else every.p90]
        return KIND_HEADERS, rows, totals
    rows = [[s.kind_name, s.position, s.actor, s.limit, s.timing.count, s.timing.on_time, s.timing.late, s.open_now,
             s.open_overdue, _decimal(s.timing.mean), "" if s.timing.p90 is None else s.timing.p90]
            for s in (times.steps if times else [])]
    totals = ["Tổng cộng", "", "", "", *(sum(r[i] for r in rows) for i in range(4, 9)), "", ""]
    return STEP_HEADERS, rows, totals


@rule(VIEW_STATISTICS)
def export(request: HttpRequest, table: str) -> HttpResponse:
    """One table of the dashboard, as filtered, to Excel (audited)."""
    if table not in EXPORTS:
        raise Http404(gettext("Không có bảng thống kê này."))
    with in_vietnamese():  # the file is in Vietnamese, whatever the language of the screen it came from
        actor = request.user
        form, since, until, at, where = _filters(request)
        title, dims = EXPORTS[table]
        notes = [f"Tính đến ngày {until:%d/%m/%Y}" if dims else f"Từ ngày {since:%d/%m/%Y} đến ngày {until:%d/%m/%Y}"]
        notes += [f"{form.fields[k].label}: {dict(form.fields[k].choices).get(v, v)}"
                  for k, v in request.GET.items() if k in ("commune",) and v and form.is_valid()]
        if where.category:
            notes.append(f"Diện: {where.category}")
        if dims:
            counted = Cube(actor, dimensions=dims, at=at, where=where).table(list(dims))
            headers = [*counted.headers, "Số hồ sơ"]
            rows: list[list[str | int]] = [[*labels, n] for labels, n, _ in counted.labelled()]
            totals: list[str | int] = ["Tổng cộng", *[""] * (len(dims) - 1), counted.total]
        elif table == "pages":
            work = figures.digitisation(actor=actor, since=since, until=until)
            headers = ["Ngày", "Trang nhận vào", "Trang xử lý xong"]
            rows = [[d, n, done] for d, n, done in work.per_day]  # dates typed as dates in the file
            totals = ["Tổng cộng", sum(r[1] for r in rows), sum(r[2] for r in rows)]
        else:
            headers, rows, totals = procedure_tables(actor, since, until, table)
            notes.append("Thời gian tính bằng ngày làm việc (không tính ngày nghỉ, ngày lễ và thời gian chờ bổ sung "
                         "giấy tờ); 90%: 9 trên 10 bước (hồ sơ) xong trong số ngày này.")
        data = reports_services.statistics_workbook(actor=actor, title=title, headers=headers, rows=rows, totals=totals,
                                                    notes=notes, filters={"table": table, **request.GET.dict()})
    response = HttpResponse(data, content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="thong-ke-{table}.xlsx"'
    return response


@rule(VIEW_STATISTICS)
def mau100(request: HttpRequest) -> HttpResponse:
    """Mẫu 100 for a year: the form, and the report as .xlsx or .pdf once asked (audited)."""
    year_text, fmt = request.GET.get("year", "").strip(), request.GET.get("format", "xlsx")
    context: dict[str, Any] = {"year": year_text or str(timezone.localdate().year - 1), "format": fmt}
    if year_text:
        try:
            year = int(year_text)
            report, data = reports_services.make_mau_100(actor=request.user, year=year, fmt=fmt)
        except ValueError as exc:  # BadQuestion is a ValueError too
            context["error"] = (str(exc) if isinstance(exc, BadQuestion)
                                else gettext("Năm không hợp lệ: «%(year)s» (cần một số, ví dụ 2025).") % {
                                    "year": year_text})
        except LabelFontMissing as exc:
            context["error"] = str(exc)
        else:
            response = HttpResponse(data, content_type=XLSX if fmt == "xlsx" else "application/pdf")
            response["Content-Disposition"] = f'attachment; filename="mau-100-nam-{year}.{fmt}"'
            return response
    return render(request, "reports/mau100.html", context, status=400 if "error" in context else 200)


@rule(VIEW_STATISTICS)
def benefits(request: HttpRequest) -> HttpResponse:
    """Beneficiaries and the monthly total by category, as of a date (audited)."""
    form, since, until, at, where = _filters(request)
    rows = [] if sees_no_area(request.user) else figures.benefits(actor=request.user, at=until)
    reports_services.record_statistics_read(actor=request.user, what="Trợ cấp hằng tháng theo diện",
                                            total=sum(r.beneficiaries for r in rows),
                                            filters={"until": until.isoformat()})
    return render(request, "reports/benefits.html", {
        "form": form, "until": until, "rows": rows, "beneficiaries": sum(r.beneficiaries for r in rows),
        "monthly_total": sum(r.monthly_total for r in rows), "no_area": sees_no_area(request.user)})

