"""The one cell rule of every spreadsheet export (hoso.core.cells.safe_cell): formulas and DDE calls open as
text, control characters never break the .xlsx, numbers and dates stay what they are."""

import csv
import datetime as dt
import io
from decimal import Decimal

import pytest
from django.test import Client
from hypothesis import given
from hypothesis import strategies as st
from openpyxl import Workbook, load_workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from hoso.access.permissions import Role
from hoso.core.cells import EXCEL_MAX_CHARS, safe_cell
from hoso.core.cells import ILLEGAL_CHARACTERS_RE as OURS


def round_trip(values: list) -> list:
    """Write one row with openpyxl, save, load it back: what a person opening the file would get."""
    book = Workbook(write_only=True)
    sheet = book.create_sheet("x")
    sheet.append([safe_cell(v) for v in values])
    buffer = io.BytesIO()
    book.save(buffer)
    return list(next(load_workbook(io.BytesIO(buffer.getvalue())).active.values))


@pytest.mark.parametrize("text", ['=HYPERLINK("http://x","y")', "=cmd|' /C calc'!A0", "+1", "-1+1", "@SUM(1)",
                                  "\t=1", "\r=1", "  =1+1", "\n-2", "\x00=1"])
def test_formulas_and_dde_open_as_text(text):
    cell = safe_cell(text)
    assert cell.startswith("'")
    assert round_trip([text]) == [cell]  # a string cell, not a formula (openpyxl would store "=..." as one)


@pytest.mark.parametrize("text", ["Nguyễn Văn Đức", "QTI/LS-07956/CM", "a=b", "1-2", "mail@x", ""])
def test_ordinary_text_is_unchanged(text):
    assert safe_cell(text) == text


def test_characters_an_xlsx_cannot_hold_are_replaced_and_the_file_still_saves():
    text = "Lê\x0bVăn\x0cBa\x00\x1f\x08 — dòng 1\ndòng 2\ttab"
    [cell] = round_trip([text])
    assert cell == "Lê Văn Ba — dòng 1\ndòng 2\ttab"
    assert not OURS.search(cell)


def test_our_rule_refuses_exactly_what_openpyxl_refuses():
    for code in range(0x20):
        char = chr(code)
        assert bool(OURS.match(char)) == bool(ILLEGAL_CHARACTERS_RE.match(char)), hex(code)


def test_numbers_and_dates_stay_numbers_and_dates():
    day, moment = dt.date(1972, 5, 1), dt.datetime(2026, 1, 2, 3, 4, 5)
    values = [7, -3, 2.5, -0.5, Decimal("1.25"), True, day, moment]
    assert [safe_cell(v) for v in values] == values
    loaded = round_trip([7, -3, 2.5, day, moment])
    assert loaded[:3] == [7, -3, 2.5]
    assert loaded[3].date() == day and loaded[4] == moment


def test_none_is_an_empty_cell_and_other_objects_are_text():
    assert safe_cell(None) == ""
    assert safe_cell(Role.AUDITOR) == str(Role.AUDITOR)


def test_text_longer_than_an_excel_cell_is_cut():
    assert len(safe_cell("a" * (EXCEL_MAX_CHARS + 10))) == EXCEL_MAX_CHARS


def test_csv_cells_follow_the_same_rule():
    buffer = io.StringIO()
    csv.writer(buffer).writerow([safe_cell(v) for v in ["=1+1", 5, "a\x0bb"]])
    assert next(csv.reader(io.StringIO(buffer.getvalue()))) == ["'=1+1", "5", "a b"]


def test_h4_a_hostile_user_name_at_sign_in_exports_as_text(auditor):
    """Anyone can type a user name at the sign-in page; the failed attempt goes to the trail and from there into
    the auditor's Excel file. It must neither run as a formula nor break the export."""
    hostile = '=HYPERLINK("http://x","y")\x0bz'
    Client().post("/dang-nhap/", {"username": hostile, "password": "sai"}, REMOTE_ADDR="10.0.0.7")
    client = Client()
    client.force_login(auditor)
    export = client.get("/nhat-ky/xuat-excel/", {"action": "login_failed"})
    assert export.status_code == 200
    rows = list(load_workbook(io.BytesIO(export.content)).active.values)
    assert rows[0][6] == "Mã"
    [row] = rows[1:]
    assert row[6] == "'" + hostile.replace("\x0b", " ")


FORMULA = tuple("=+-@")


@given(st.text(max_size=200))
def test_property_no_text_leaves_as_a_formula_or_breaks_an_xlsx(text):
    cell = safe_cell(text)
    assert isinstance(cell, str) and not OURS.search(cell)
    assert cell[:1] not in ("\t", "\r") and cell.lstrip()[:1] not in FORMULA
    assert all(part.lstrip(" \t\r")[:1] not in FORMULA for part in cell.split(";")[1:])


@given(st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=60))
def test_property_every_cell_saves_and_reads_back_as_written(text):
    [back] = round_trip([text])
    assert back == safe_cell(text) or (back is None and safe_cell(text) == "")


@pytest.mark.parametrize("text", ["a;=1+1", "x; +cmd", "Nguyễn Văn A;@SUM(1)"])
def test_h4_a_semicolon_does_not_open_a_second_cell_as_a_formula(text):
    cell = safe_cell(text)
    assert all(part.strip()[:1] not in FORMULA for part in cell.split(";")[1:])
    buffer = io.StringIO()
    csv.writer(buffer, quoting=csv.QUOTE_ALL).writerow([cell])
    assert buffer.getvalue().startswith('"')  # quoted: a ";" inside stays inside


def test_h4_a_search_for_a_dde_formula_exports_as_text(auditor, officer):
    searcher = Client()
    searcher.force_login(officer)
    searcher.get("/tim-kiem/", {"q": "=cmd|' /C calc'!A0"})
    client = Client()
    client.force_login(auditor)
    rows = list(load_workbook(io.BytesIO(client.get("/nhat-ky/xuat-excel/", {"action": "search"}).content)).active
                .values)
    summaries = [row[7] for row in rows[1:]]
    assert "'=cmd|' /C calc'!A0" in summaries
