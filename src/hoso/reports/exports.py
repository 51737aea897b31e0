"""Lists to Excel or CSV, in the order the screen shows them (Vietnamese name order, or search rank)."""

import csv
import datetime as dt
import io
from collections.abc import Iterable

from openpyxl import Workbook

from hoso.core.cells import safe_cell
from hoso.core.i18n import vietnamese_display
from hoso.core.xlsx import YEAR_FORMAT, Formatted, append_row
from hoso.records.models import Dossier
from hoso.vntext import PartialDate

COLUMNS = ["STT", "Số hồ sơ", "Họ và tên", "Bí danh", "Giới tính", "Ngày sinh", "Ngày mất / hy sinh", "Nguyên quán",
           "Trú quán", "Diện", "Tình trạng số hóa"]
MAX_ROWS = 200_000


def dossier_rows(dossiers: Iterable[Dossier]) -> Iterable[list[int | str]]:
    for index, d in enumerate(dossiers, start=1):
        if index > MAX_ROWS:
            break
        p = d.subject
        yield [index, d.number, p.full_name, "; ".join(a.name for a in p.aliases.all()), vietnamese_display(p, "sex"),
               date_cell(p.birth_date), date_cell(p.death_date),
               p.hometown_text, p.residence_text, d.category.name, vietnamese_display(d, "status")]


def date_cell(value: PartialDate | None) -> object:
    """A partial date as Excel should hold it: a whole date as a date, a year alone as a number (no separator), a
    month or an approximate date as the text the dossier shows."""
    if value is None:
        return ""
    if not value.qualifier and value.day is not None:
        return dt.date(value.year, value.month, value.day)
    if not value.qualifier and value.month is None:
        return Formatted(value.year, YEAR_FORMAT)
    return value.display()


def to_xlsx(rows: Iterable[list[int | str]], title: str) -> bytes:
    book = Workbook(write_only=True)
    sheet = book.create_sheet(title[:31] or "Danh sách")
    append_row(sheet, COLUMNS, bold=True)
    for row in rows:
        append_row(sheet, row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def to_csv(rows: Iterable[list[int | str]]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, quoting=csv.QUOTE_ALL)  # a ";" inside a cell stays inside it
    writer.writerow(COLUMNS)
    for row in rows:
        writer.writerow([_csv_text(v) for v in row])
    return buffer.getvalue().encode("utf-8-sig")  # the BOM makes Excel read the accents right


def _csv_text(value: object) -> object:
    """A cell of the CSV: dates written the Vietnamese way (dd/mm/yyyy), a year as its number."""
    if isinstance(value, Formatted):
        value = value.value
    if isinstance(value, dt.date):
        return f"{value:%d/%m/%Y}"
    return safe_cell(value)
