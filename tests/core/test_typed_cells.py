"""Typed cells in every Excel file hoso writes (issue #17, finding 8): numbers as numbers with a thousands format,
dates as dates shown dd/mm/yyyy, text through the one cell rule. Each writer's file is read back with openpyxl."""

import datetime as dt
import io
from collections import Counter
from decimal import Decimal

import pytest
from django.test import Client
from django.utils import timezone
from openpyxl import Workbook, load_workbook

from hoso.core.xlsx import Formatted, append_row
from hoso.imports.parse import Issue
from hoso.imports.report import write_report
from hoso.imports.services.registers import ImportReport
from hoso.reports import services as reports_services


def _read(data: bytes):
    return load_workbook(io.BytesIO(data))


@pytest.mark.parametrize("write_only", [True, False])
def test_append_row_types_each_value(write_only, settings):
    settings.TIME_ZONE = "Asia/Ho_Chi_Minh"
    book = Workbook(write_only=write_only)
    sheet = book.create_sheet("t") if write_only else book.active
    at = dt.datetime(2025, 3, 1, 1, 30, tzinfo=dt.UTC)
    append_row(sheet, [1234567, 2.5, Decimal("8327000"), dt.date(1972, 5, 12), at, Formatted(1947, "0"),
                       "=HYPERLINK(1)", None, True])
    buffer = io.BytesIO()
    book.save(buffer)
    cells = next(_read(buffer.getvalue()).worksheets[-1].iter_rows())
    assert [(c.data_type, c.number_format) for c in cells[:3]] == [("n", "#,##0"), ("n", "#,##0.00"),
                                                                   ("n", "#,##0.00")]
    assert cells[0].value == 1234567 and cells[2].value == 8327000
    assert cells[3].is_date and cells[3].number_format == "dd/mm/yyyy" and cells[3].value == dt.datetime(1972, 5, 12)
    assert cells[4].is_date and cells[4].number_format == "dd/mm/yyyy hh:mm:ss"
    assert cells[4].value == dt.datetime(2025, 3, 1, 8, 30)  # local time: Excel has no time zones
    assert (cells[5].value, cells[5].data_type, cells[5].number_format) == (1947, "n", "0")
    assert (cells[6].value, cells[6].data_type) == ("'=HYPERLINK(1)", "s")  # text kept as text
    assert cells[7].value is None and cells[8].value == "Có"


def test_the_audit_export_has_numbers_and_date_times(admin_user, make_user):
    make_user("policy_officer", username="canbo")
    client = Client()
    client.force_login(make_user("auditor", username="kiemsoat", scope=None))
    rows = list(_read(client.get("/nhat-ky/xuat-excel/").content).active.iter_rows())
    assert [c.value for c in rows[0][:2]] == ["Số", "Thời gian"]
    first = rows[1]
    assert first[0].data_type == "n" and first[0].number_format == "#,##0"
    assert first[1].is_date and first[1].number_format == "dd/mm/yyyy hh:mm:ss"
    assert abs(first[1].value - timezone.localtime().replace(tzinfo=None)) < dt.timedelta(minutes=5)


def test_a_table_of_figures_has_counts_as_numbers_and_days_as_dates(actor):
    data = reports_services.statistics_workbook(
        actor=actor, title="Trang số hóa theo ngày", headers=["Ngày", "Trang nhận vào", "Trang xử lý xong"],
        rows=[[dt.date(2025, 7, 1), 1200, 1180], [dt.date(2025, 7, 2), 3, 0]], totals=["Tổng cộng", 1203, 1180],
        notes=["Từ ngày 01/07/2025 đến ngày 02/07/2025"], filters={})
    rows = list(_read(data).active.iter_rows(min_row=4))
    assert [c.value for c in rows[0]] == ["Ngày", "Trang nhận vào", "Trang xử lý xong"]
    day, received, done = rows[1]
    assert day.is_date and day.number_format == "dd/mm/yyyy"
    assert (received.value, received.data_type, received.number_format) == (1200, "n", "#,##0")
    assert (rows[3][0].value, rows[3][1].value, rows[3][1].data_type) == ("Tổng cộng", 1203, "n")


def test_the_yearly_report_has_numbers_as_numbers(actor):
    _, data = reports_services.make_mau_100(actor=actor, year=2024, fmt="xlsx")
    sheet = _read(data).active
    numbers = [c for row in sheet.iter_rows(min_row=10) for c in row if isinstance(c.value, int)]
    assert numbers and all(c.data_type == "n" and c.number_format == "#,##0" for c in numbers)


def test_the_import_report_has_counts_and_row_numbers_as_numbers(tmp_path):
    report = ImportReport(file="so.xlsx", sheet="Sheet1", rows=1500, created=1200, updated=3, unchanged=0,
                          errors=[Issue(row=17, column="Năm sinh", value="19x0", message="Năm không hợp lệ")],
                          encodings=Counter({"unicode": 4500}), header=["Họ và tên", "Năm sinh"],
                          failed_rows=[(17, ["=cmd|' /C calc'!A0", "19x0"], "Năm không hợp lệ")])
    out = tmp_path / "bao-cao.xlsx"
    write_report(report, out)
    book = load_workbook(out)
    summary = {row[0].value: row[1] for row in book["Tóm tắt"].iter_rows() if row[0].value}
    assert (summary["Số dòng dữ liệu"].value, summary["Số dòng dữ liệu"].data_type) == (1500, "n")
    assert summary["Số dòng dữ liệu"].number_format == "#,##0"
    assert summary["Tạo mới"].value == 1200 and summary["Bảng mã đã gặp"].value == "Số ô"
    failed = list(book["Dòng không nhập"].iter_rows(min_row=2))[0]
    assert failed[0].value == "'=cmd|' /C calc'!A0" and failed[0].data_type == "s"
    assert (failed[2].value, failed[2].data_type) == (17, "n")
    assert failed[3].fill.fgColor.rgb.endswith("FDE2E1")
    error = list(book["Lỗi"].iter_rows(min_row=2))[0]
    assert (error[0].value, error[0].data_type) == (17, "n")
