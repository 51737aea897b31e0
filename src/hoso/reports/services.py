"""Exports as audited actions: a list, the audit trail, a table of figures or a report leaves the system only
through these functions."""

import io
import json
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from django.utils.translation import gettext

from hoso.access.models import User
from hoso.core.audit import record_event
from hoso.core.events import AuditAction, label
from hoso.core.i18n import in_vietnamese
from hoso.core.models import AuditEvent
from hoso.reports.audit import changes
from hoso.reports.statistics import BadQuestion

if TYPE_CHECKING:
    from hoso.reports import mau100  # lazy: for the annotation only

# openpyxl (with numpy) and reportlab are imported by the functions that write files, not with this module: a
# `hoso stats` call, which only audits its read here, starts half a second sooner.

AUDIT_EXPORT_MAX_ROWS = 100_000


def record_list_export(*, actor: User, count: int, filters: dict[str, Any], fmt: str) -> None:
    """A list of dossiers (as the user sees it) was exported to a file."""
    record_event(actor=actor, action=AuditAction.EXPORT, object_type="dossier_list", summary=f"{count} hồ sơ",
                 after={"filters": filters, "format": fmt})


def audit_workbook(*, actor: User, events: Iterable[AuditEvent], filters: dict[str, Any]) -> bytes:
    """The audit trail as shown (at most AUDIT_EXPORT_MAX_ROWS events) as an .xlsx; the export is itself
    audited. Every cell goes through the one cell rule: user names typed at sign-in, summaries and the
    before/after values (as JSON) are user text."""
    from openpyxl import Workbook

    from hoso.core.xlsx import append_row  # lazy: openpyxl and numpy (0.35 s), only when a file is written

    book = Workbook(write_only=True)
    sheet = book.create_sheet("Nhật ký")
    append_row(sheet, ["Số", "Thời gian", "Người dùng", "Hành động", "Mã hành động", "Đối tượng", "Mã", "Tóm tắt",
                       "Trước", "Sau", "Thay đổi"], bold=True)
    count = 0
    with in_vietnamese():  # the labels of actions and fields as the file's headings are: in Vietnamese
        for e in events:
            append_row(sheet, (  # typed: the number a number, the time a date-time (core/xlsx.py), text made safe
                e.id, e.at, e.actor_name, label(e.action), e.action,
                e.object_type, e.object_id, e.summary, _json(e.before), _json(e.after),
                "; ".join(f"{c.field}: {c.before} → {c.after}" for c in changes(e))))
            count += 1
            if count >= AUDIT_EXPORT_MAX_ROWS:
                break
    buffer = io.BytesIO()
    book.save(buffer)
    record_event(actor=actor, action=AuditAction.EXPORT, object_type="audit", summary=f"{count} sự kiện",
                 after={"filters": filters})
    return buffer.getvalue()


def _json(value: Any) -> str | None:
    return None if value is None else json.dumps(value, ensure_ascii=False)


# --- Statistics and reports: every figure shown, exported or reported is in the trail -------------------------

def record_statistics_read(*, actor: User, what: str, total: int, filters: dict[str, Any]) -> None:
    """Figures were shown (a dashboard page, `hoso stats`): what, for which filters, how many dossiers in all."""
    record_event(actor=actor, action=AuditAction.VIEW_STATISTICS, object_type="statistics",
                 summary=f"{what}: {total} hồ sơ", after={"filters": filters, "total": total})


def statistics_workbook(*, actor: User, title: str, headers: list[str], rows: list[list[str | int]],
                        totals: list[str | int], notes: list[str], filters: dict[str, Any]) -> bytes:
    """A table of figures as an .xlsx — counts as numbers, labels as text through the cell rule — audited."""
    from openpyxl import Workbook

    from hoso.core.xlsx import append_row  # lazy: openpyxl and numpy (0.35 s), only when a file is written

    book = Workbook(write_only=True)
    sheet = book.create_sheet(title[:31] or "Thống kê")
    for line in (title, *notes):
        append_row(sheet, [line])
    sheet.append([])
    append_row(sheet, headers, bold=True)
    for row in [*rows, totals]:
        append_row(sheet, row)  # counts as numbers (#,##0), dates as dates, labels as text
    buffer = io.BytesIO()
    book.save(buffer)
    total = next((v for v in reversed(totals) if isinstance(v, int)), None)
    record_event(actor=actor, action=AuditAction.EXPORT_STATISTICS, object_type="statistics",
                 summary=f"{title}: {len(rows)} dòng", after={"filters": filters, "total": total, "format": "xlsx"})
    return buffer.getvalue()


def make_mau_100(*, actor: User, year: int, fmt: str) -> tuple["mau100.Report", bytes]:
    """Mẫu 100 for `year` as the actor may count it, as .xlsx or .pdf; the report is in the trail."""
    from hoso.reports import mau100  # lazy: reportlab and openpyxl (0.5 s), only when a report is made

    if fmt not in ("xlsx", "pdf"):
        raise BadQuestion(gettext("Định dạng «%(format)s» không lập được: chỉ .xlsx hoặc .pdf.") % {"format": fmt})
    mau100.check_year(year)  # a refusal reads in the reader's language; the report itself does not
    with in_vietnamese():  # the report is in Vietnamese, whatever the language of the screen it was asked from
        report = mau100.mau_100(actor=actor, year=year)
        data = mau100.to_xlsx(report) if fmt == "xlsx" else mau100.to_pdf(report)
    record_event(actor=actor, action=AuditAction.EXPORT_REPORT, object_type="mau_100", object_id=str(year),
                 summary=f"Mẫu 100 năm {year}: {report.total('end')} hồ sơ", after={
                     "format": fmt, "total": report.total("end"), "size": len(data)})
    return report, data
