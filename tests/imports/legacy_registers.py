"""Registers typed wholly in one encoding, title and header included, written as an office of the time would have
them: .xlsx and .xls with the legacy font on every cell (TCVN3 capitals in .VnTimeH), .csv as the bytes of the
encoding (no font at all), .docx as a Word table with the font on every run (after a letterhead table)."""

import csv
import io
from pathlib import Path

import docx
import xlwt
from docx.shared import Pt
from openpyxl import Workbook
from openpyxl.styles import Font

from hoso.vntext._legacy_tables import BYTE_OF
from hoso.vntext.legacy import Encoding, from_unicode

LEGACY = [Encoding.TCVN3, Encoding.VNI, Encoding.VISCII, Encoding.VIQR, Encoding.CP1258]
FONTS = {Encoding.TCVN3: ".VnTime", Encoding.VNI: "VNI-Times", Encoding.VISCII: "VISCII Times"}
CAPITAL_FONTS = {Encoding.TCVN3: ".VnTimeH"}  # TCVN3's normal fonts have no toned capitals
TITLE = ["SỞ NỘI VỤ TỈNH QUẢNG TRỊ", "SỔ THEO DÕI HỒ SƠ NGƯỜI CÓ CÔNG"]
HEADER = ["STT", "Số hồ sơ", "Họ và tên", "Bí danh", "Năm sinh", "Giới tính", "Nguyên quán", "Loại đối tượng",
          "Ghi chú"]
# Names and places that per-cell detection alone reads wrongly in one encoding or another (VNI "Hồ" is "Hoà",
# TCVN3 "Lễ" is "LÔ", VIQR "Bá Nghị" is "Ba' Nghi.", CP1258 "Như" is "Nhý" …): the sheet decides them.
PEOPLE = [
    ["1", "QTI/LS-00101/CM", "Nguyễn Văn Đức", "Ba Đức", "1950", "Nam", "xã Triệu Long, huyện Triệu Phong",
     "Liệt sĩ", "Hoàng Thị Thuỷ giữ bằng"],
    ["2", "QTI/AQ-00102/CM", "Hồ Thị Kim Vui", "", "12/03/1948", "Nữ", "xã Hải Thượng, huyện Hải Lăng",
     "Thương binh", ""],
    ["3", "QTI/BM-00103", "Lý Thanh Lễ", "", "1901", "Nữ", "xã Gio Mỹ, huyện Gio Linh", "Bà mẹ VNAH", ""],
    ["4", "QTI/LS-00104/CM", "Cao Bá Nghị", "Tư Nghị", "năm 1930", "Nam", "xã Vĩnh Giang, huyện Vĩnh Linh",
     "Liệt sĩ", ""],
    ["5", "QTI/LS-00105/CM", "Phan Tiến Tòng", "", "1946", "Nam", "phường Đông Lương, thành phố Đông Hà",
     "Liệt sĩ", "Quê cũ: thôn Tây"],
    ["6", "QTI/BB-00106/CM", "Lê Như Kính", "", "1944", "Nam", "xã Triệu Long, huyện Triệu Phong", "Bệnh binh", ""],
    ["7", "QTI/LS-00107/CM", "Vũ Trung Dũng", "", "1952", "Nam", "xã Hải Thượng, huyện Hải Lăng", "Liệt sĩ", ""],
    ["8", "QTI/LS-00108/CM", "Hoàng Trọng Quang Cư", "", "1949", "Nam", "xã Gio Mỹ, huyện Gio Linh", "Liệt sĩ", ""],
]
COMMUNES = {"Xã Triệu Long": "Huyện Triệu Phong", "Xã Hải Thượng": "Huyện Hải Lăng", "Xã Gio Mỹ": "Huyện Gio Linh",
            "Xã Vĩnh Giang": "Huyện Vĩnh Linh", "Phường Đông Lương": "Thành phố Đông Hà"}


def encode(text: str, encoding: Encoding) -> tuple[str, str | None]:
    """(the cell's text as the encoding holds it, its font): capitals in TCVN3 take the capital font."""
    if encoding is Encoding.UNICODE or not text:
        return text, "Times New Roman"
    try:
        return from_unicode(text, encoding), FONTS.get(encoding, "Times New Roman")
    except ValueError:
        return from_unicode(text, encoding, capitals=True), CAPITAL_FONTS[encoding]


def lines(rows=PEOPLE, header=HEADER, title=TITLE) -> list[list[str]]:
    return [*([t] for t in title), [], header, *rows]


def write_xlsx(path: Path, encoding: Encoding, rows=PEOPLE, header=HEADER, title=TITLE) -> Path:
    book = Workbook()
    sheet = book.active
    sheet.title = "So theo doi"
    for line in lines(rows, header, title):
        sheet.append([encode(value, encoding)[0] for value in line])
        for cell, value in zip(sheet[sheet.max_row], line, strict=False):
            cell.font = Font(name=encode(value, encoding)[1])
    book.save(path)
    return path


def write_xls(path: Path, encoding: Encoding, rows=PEOPLE, header=HEADER, title=TITLE) -> Path:
    book = xlwt.Workbook()
    sheet = book.add_sheet("So theo doi")
    styles: dict[str, xlwt.XFStyle] = {}
    for r, line in enumerate(lines(rows, header, title)):
        for c, value in enumerate(line):
            text, font = encode(value, encoding)
            if font not in styles:
                styles[font] = xlwt.XFStyle()
                styles[font].font = xlwt.Font()
                styles[font].font.name = font
            sheet.write(r, c, text, styles[font])
    book.save(str(path))
    return path


def write_csv(path: Path, encoding: Encoding, rows=PEOPLE, header=HEADER, title=TITLE, delimiter=";") -> Path:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter, lineterminator="\r\n")
    for line in lines(rows, header, title):
        writer.writerow([encode(value, encoding)[0] for value in line])
    text = out.getvalue()
    if encoding is Encoding.UNICODE:
        path.write_text(text, encoding="utf-8-sig")
    else:  # the file's bytes are the encoding's bytes
        path.write_bytes(bytes(BYTE_OF[ch] for ch in text))
    return path


def write_docx(path: Path, encoding: Encoding, rows=PEOPLE, header=HEADER, title=TITLE,
               merge_down: tuple[int, int, int] | None = None) -> Path:
    """A letterhead table, the title as paragraphs, then the register table. `merge_down` = (column, first data
    row, last data row): that column's cells merged into one, holding the first row's text (as Word registers
    write a commune once for several people)."""
    document = docx.Document()
    letterhead = document.add_table(rows=2, cols=2)
    for (r, c), text in {(0, 0): "UBND TỈNH QUẢNG TRỊ", (0, 1): "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
                         (1, 0): "SỞ NỘI VỤ", (1, 1): "Độc lập - Tự do - Hạnh phúc"}.items():
        _write_run(letterhead.cell(r, c).paragraphs[0], text, encoding)
    for line in title:
        _write_run(document.add_paragraph(), line, encoding)
    table = document.add_table(rows=1 + len(rows), cols=len(header))
    for r, line in enumerate([header, *rows]):
        for c, value in enumerate(line):
            _write_run(table.cell(r, c).paragraphs[0], value, encoding)
    if merge_down:
        column, first, last = merge_down
        top = table.cell(first + 1, column)
        texts = [table.cell(r + 1, column).text for r in range(first, last + 1)]
        merged = top.merge(table.cell(last + 1, column))
        for paragraph in merged.paragraphs[1:]:  # merging joins the texts: keep the first one only
            paragraph._element.getparent().remove(paragraph._element)
        assert merged.paragraphs[0].text == texts[0]
    document.save(str(path))
    return path


def _write_run(paragraph, value: str, encoding: Encoding) -> None:
    if not value:
        return
    text, font = encode(value, encoding)
    run = paragraph.add_run(text)
    run.font.name = font
    run.font.size = Pt(12)


WRITERS = {"xlsx": write_xlsx, "xls": write_xls, "csv": write_csv, "docx": write_docx}
