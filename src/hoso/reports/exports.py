"""Lists to Excel or CSV, in the order the screen shows them (Vietnamese name order, or search rank)."""

import csv
import io
from collections.abc import Iterable

from openpyxl import Workbook
from openpyxl.styles import Font

from hoso.core.cells import safe_cell
from hoso.records.models import Dossier

COLUMNS = ["STT", "Số hồ sơ", "Họ và tên", "Bí danh", "Giới tính", "Ngày sinh", "Ngày mất / hy sinh", "Nguyên quán",
           "Trú quán", "Diện", "Tình trạng số hóa"]
MAX_ROWS = 200_000


def dossier_rows(dossiers: Iterable[Dossier]) -> Iterable[list[int | str]]:
    for index, d in enumerate(dossiers, start=1):
        if index > MAX_ROWS:
            break
        p = d.subject
        yield [index, d.number, p.full_name, "; ".join(a.name for a in p.aliases.all()), p.get_sex_display(),
               p.birth_date.display() if p.birth_date else "", p.death_date.display() if p.death_date else "",
               p.hometown_text, p.residence_text, d.category.name, d.get_status_display()]


def to_xlsx(rows: Iterable[list[int | str]], title: str) -> bytes:
    book = Workbook(write_only=True)
    sheet = book.create_sheet(title[:31] or "Danh sách")
    header = []
    for name in COLUMNS:
        cell = _bold(sheet, name)
        header.append(cell)
    sheet.append(header)
    for row in rows:
        sheet.append([safe_cell(v) for v in row])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _bold(sheet, text: str):
    from openpyxl.cell import WriteOnlyCell

    cell = WriteOnlyCell(sheet, value=text)
    cell.font = Font(bold=True)
    return cell


def to_csv(rows: Iterable[list[int | str]]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, quoting=csv.QUOTE_ALL)  # a ";" inside a cell stays inside it
    writer.writerow(COLUMNS)
    for row in rows:
        writer.writerow([safe_cell(v) for v in row])
    return buffer.getvalue().encode("utf-8-sig")  # the BOM makes Excel read the accents right
