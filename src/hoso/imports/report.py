"""The import report as an Excel workbook a clerk can work from: rows not imported (original cells plus the
reason, in the original column order, so the sheet can be fixed and imported again), errors, warnings."""

from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Font, PatternFill

from hoso.core.xlsx import append_row
from hoso.imports.services.registers import ImportReport

BOLD = Font(bold=True)
RED = PatternFill("solid", fgColor="FDE2E1")


def _append(sheet, values) -> None:
    """Every cell of the report (file and sheet names, headers, the original cells, messages quoting them) comes
    from the clerk's file: written through the one cell rule, so nothing opens as a formula or breaks the save;
    counts and row numbers as numbers (core/xlsx.py)."""
    append_row(sheet, values)


def write_report(report: ImportReport, path: Path) -> None:
    book = Workbook()
    summary = book.active
    summary.title = "Tóm tắt"
    for label, value in [("Tệp", report.file), ("Trang", report.sheet), ("Tiêu đề sổ", " / ".join(report.title)),
                         ("Số dòng dữ liệu", report.rows),
                         ("Tạo mới", report.created), ("Cập nhật", report.updated), ("Không đổi", report.unchanged),
                         ("Dòng không nhập", len(report.failed_rows)), ("Số lỗi", len(report.errors)),
                         ("Số cảnh báo", report.warnings_total), ("Chạy thử (không lưu)", "Có" if report.dry_run
                                                                    else "Không")]:
        _append(summary, [label, value])
    summary.append([])
    _append(summary, ["Bảng mã đã gặp", "Số ô"])
    for encoding, count in report.encodings.most_common():
        _append(summary, [encoding, count])
    for cell in summary["A"]:
        cell.font = BOLD

    failed = book.create_sheet("Dòng không nhập")
    _append(failed, [*report.header, "Dòng gốc", "Lý do không nhập"])
    for cell in failed[1]:
        cell.font = BOLD
    for row, raw, reason in report.failed_rows:
        _append(failed, [*raw, row, reason])
        failed.cell(row=failed.max_row, column=len(report.header) + 2).fill = RED

    for title, issues in (("Lỗi", report.errors), ("Cảnh báo", report.warnings)):
        sheet = book.create_sheet(title)
        _append(sheet, ["Dòng", "Cột", "Giá trị", "Nội dung"])
        for cell in sheet[1]:
            cell.font = BOLD
        for issue in issues:
            _append(sheet, [issue.row, issue.column, issue.value, issue.message])
    book.save(path)
