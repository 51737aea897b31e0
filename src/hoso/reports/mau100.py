"""Mẫu số 100: the yearly report of the number of người có công managed (Nghị định 131/2021/NĐ-CP, Điều 128 khoản
4: the Sở reports "số lượng người có công đang quản lý từ ngày 01 tháng 01 đến ngày 31 tháng 12" to the Ministry
before 31 January of the next year, "theo Mẫu số 100 Phụ lục I").

The annex's own layout of Mẫu số 100 could not be found (the decree's text is public, its annex forms were not
available to us): the table below is built from what Điều 128 asks — per group of người có công (Pháp lệnh
02/2020, Điều 3, in its order, with the dossier type code), the number managed at the start of the year, added
during it, at its end, and of these living and deceased — with the header, the period and the signatures of a
Vietnamese administrative report. Replace the layout when the annex is at hand; the figures stay.

Every figure is a count of `reports.statistics` (dossiers through the visibility rule, as of 31/12 of the year
before and of the year): the total at the end of the year equals `hoso stats --at YYYY-12-31`.
"""

import datetime as dt
import io
from dataclasses import dataclass

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext
from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.utils import get_column_letter
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from hoso.access.models import User
from hoso.archive.labels import BOLD, REGULAR, _register_fonts
from hoso.core.cells import safe_cell
from hoso.records.models import Category

from .statistics import DECEASED, FIRST_YEAR, LIVING, BadQuestion, Cube

TITLE = "BÁO CÁO SỐ LƯỢNG NGƯỜI CÓ CÔNG VỚI CÁCH MẠNG ĐANG QUẢN LÝ"
BASIS = "Mẫu số 100 Phụ lục I Nghị định số 131/2021/NĐ-CP (khoản 4 Điều 128)"
COLUMNS = ["STT", "Đối tượng", "Mã", "Đang quản lý đến 31/12 năm trước", "Tăng trong năm", "Đang quản lý đến 31/12",
           "Trong đó: còn sống", "Trong đó: đã chết, hy sinh"]


@dataclass(frozen=True)
class Row:
    category: Category
    start: int
    end: int
    living: int
    deceased: int

    @property
    def added(self) -> int:
        return self.end - self.start


@dataclass(frozen=True)
class Report:
    year: int
    until: dt.date  # 31/12 of the year, or today for the current year
    rows: list[Row]
    made_on: dt.date

    def total(self, name: str) -> int:
        return sum(getattr(r, name) for r in self.rows)

    @property
    def period(self) -> str:
        return f"Từ ngày 01/01/{self.year} đến ngày {self.until:%d/%m/%Y}"


def check_year(year: int, *, today: dt.date | None = None) -> None:
    today = today or timezone.localdate()
    if year < FIRST_YEAR:
        raise BadQuestion(gettext("Năm %(year)s trước năm %(first)s: không có báo cáo Mẫu 100 cho năm này.") % {
            "year": year, "first": FIRST_YEAR})
    if year > today.year:
        raise BadQuestion(gettext("Năm %(year)s chưa đến: chỉ lập được báo cáo đến năm %(last)s.") % {
            "year": year, "last": today.year})


def mau_100(*, actor: User | None, year: int) -> Report:
    """The report's figures for `year` as the actor may count them (not audited: `services.make_mau_100` is)."""
    today = timezone.localdate()
    check_year(year, today=today)
    until = min(dt.date(year, 12, 31), today)
    start = Cube(actor, dimensions=["category"], at=dt.date(year - 1, 12, 31)).table(["category"])
    end = Cube(actor, dimensions=["category", "alive"], at=until)
    before = {values[0]: n for values, n in start.rows}
    alive = {values: n for values, n in end.table(["category", "alive"]).rows}
    rows = [Row(category=c, start=before.get(c.code, 0),
                end=alive.get((c.code, LIVING), 0) + alive.get((c.code, DECEASED), 0),
                living=alive.get((c.code, LIVING), 0), deceased=alive.get((c.code, DECEASED), 0))
            for c in Category.objects.all()]
    return Report(year=year, until=until, rows=rows, made_on=today)


def _lines(report: Report) -> list[list]:
    body = [[i, r.category.name, r.category.code, r.start, r.added, r.end, r.living, r.deceased]
            for i, r in enumerate(report.rows, start=1)]
    body.append(["", "Tổng cộng", "", report.total("start"), report.total("added"), report.total("end"),
                 report.total("living"), report.total("deceased")])
    return body


def to_xlsx(report: Report) -> bytes:
    """The report as an Excel workbook: numbers as numbers, text through the cell rule (core/cells.py)."""
    book = Workbook()
    sheet = book.active
    sheet.title = f"Mẫu 100 năm {report.year}"
    bold, thin = Font(bold=True), Side(style="thin")
    centre = Alignment(horizontal="center", vertical="center", wrap_text=True)
    width = len(COLUMNS)
    head = [(f"UBND TỈNH {settings.HOSO_PROVINCE_NAME.upper()}", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"),
            (settings.HOSO_AGENCY_NAME.upper(), "Độc lập - Tự do - Hạnh phúc")]
    for r, (left, right) in enumerate(head, start=1):
        sheet.cell(row=r, column=1, value=safe_cell(left)).font = bold
        sheet.cell(row=r, column=5, value=safe_cell(right)).font = bold
    sheet.cell(row=1, column=width, value="Mẫu số 100").font = Font(italic=True)
    sheet.cell(row=4, column=1, value=TITLE).font = Font(bold=True, size=13)
    sheet.cell(row=5, column=1, value=f"NĂM {report.year}").font = bold
    sheet.cell(row=6, column=1, value=safe_cell(f"({report.period})"))
    sheet.cell(row=7, column=1, value=safe_cell(f"Theo {BASIS}")).font = Font(italic=True, size=9)
    for r in range(4, 8):
        sheet.merge_cells(start_row=r, start_column=1, end_row=r, end_column=width)
        sheet.cell(row=r, column=1).alignment = centre
    header_row = 9
    for c, name in enumerate(COLUMNS, start=1):
        cell = sheet.cell(row=header_row, column=c, value=name)
        cell.font, cell.alignment = bold, centre
        cell.border = Border(top=thin, bottom=thin, left=thin, right=thin)
    for r, line in enumerate(_lines(report), start=header_row + 1):
        for c, value in enumerate(line, start=1):
            cell = sheet.cell(row=r, column=c, value=value if isinstance(value, int) else safe_cell(value))
            cell.border = Border(top=thin, bottom=thin, left=thin, right=thin)
            if isinstance(value, int):
                cell.number_format = "#,##0"
            if line[1] == "Tổng cộng":
                cell.font = bold
    last = header_row + len(report.rows) + 1
    sheet.cell(row=last + 2, column=5, value=safe_cell(
        f"{settings.HOSO_PROVINCE_NAME}, ngày {report.made_on.day:02d} tháng {report.made_on.month:02d} năm "
        f"{report.made_on.year}")).font = Font(italic=True)
    sheet.cell(row=last + 3, column=1, value="NGƯỜI LẬP BIỂU").font = bold
    sheet.cell(row=last + 3, column=5, value="THỦ TRƯỞNG ĐƠN VỊ").font = bold
    for c, w in enumerate([6, 52, 6, 16, 12, 16, 14, 16], start=1):
        sheet.column_dimensions[get_column_letter(c)].width = w
    sheet.row_dimensions[header_row].height = 45
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def to_pdf(report: Report) -> bytes:
    """The report as a PDF (A4 landscape, a TrueType font with Vietnamese glyphs: archive/labels.py)."""
    _register_fonts()
    buffer = io.BytesIO()
    doc = SimpleDocTemplate(buffer, pagesize=landscape(A4), leftMargin=15 * mm, rightMargin=15 * mm,
                            topMargin=10 * mm, bottomMargin=8 * mm, title=f"Mẫu số 100 năm {report.year}",
                            author=settings.HOSO_AGENCY_NAME, creator="hoso")
    normal = ParagraphStyle("n", fontName=REGULAR, fontSize=10, leading=13)
    centre = ParagraphStyle("c", parent=normal, alignment=1)
    strong = ParagraphStyle("b", parent=centre, fontName=BOLD)
    title = ParagraphStyle("t", parent=strong, fontSize=13, leading=17)
    cell = ParagraphStyle("cell", parent=normal, fontSize=8.5, leading=10)
    head_cell = ParagraphStyle("hc", parent=cell, fontName=BOLD, alignment=1)

    def p(text: str, style: ParagraphStyle = normal) -> Paragraph:
        return Paragraph(text.replace("&", "&amp;").replace("<", "&lt;"), style)

    page_w = landscape(A4)[0] - 30 * mm
    header = Table([[p(f"UBND TỈNH {settings.HOSO_PROVINCE_NAME.upper()}", centre),
                     p("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", strong), p("Mẫu số 100", centre)],
                    [p(settings.HOSO_AGENCY_NAME.upper(), strong), p("Độc lập - Tự do - Hạnh phúc", strong), ""]],
                   colWidths=[page_w * 0.38, page_w * 0.42, page_w * 0.2])
    header.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP")]))
    story = [header, Spacer(1, 3 * mm), p(TITLE, title), p(f"NĂM {report.year}", strong),
             p(f"({report.period})", centre), p(f"Theo {BASIS}", centre), Spacer(1, 4 * mm)]
    rows = [[p(name, head_cell) for name in COLUMNS]]
    for line in _lines(report):
        total = line[1] == "Tổng cộng"
        rows.append([p(f"{v:,}".replace(",", ".") if isinstance(v, int) else str(v),
                       ParagraphStyle("x", parent=cell, fontName=BOLD if total else REGULAR,
                                      alignment=2 if isinstance(v, int) and i > 0 else 0))
                     for i, v in enumerate(line)])
    widths = [10 * mm, 95 * mm, 12 * mm, 30 * mm, 22 * mm, 30 * mm, 24 * mm, 30 * mm]
    table = Table(rows, colWidths=widths, repeatRows=1)
    table.setStyle(TableStyle([("GRID", (0, 0), (-1, -1), 0.5, colors.black), ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                               ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#eeeeee")),
                               ("TOPPADDING", (0, 0), (-1, -1), 1.5), ("BOTTOMPADDING", (0, 0), (-1, -1), 1.5)]))
    made = report.made_on
    signatures = Table([["", p(f"{settings.HOSO_PROVINCE_NAME}, ngày {made.day:02d} tháng {made.month:02d} năm "
                                 f"{made.year}", centre)],
                        [p("NGƯỜI LẬP BIỂU", strong), p("THỦ TRƯỞNG ĐƠN VỊ", strong)],
                        [p("(Ký, ghi rõ họ tên)", centre), p("(Ký tên, đóng dấu)", centre)]],
                       colWidths=[page_w / 2, page_w / 2])
    story += [table, Spacer(1, 3 * mm), signatures]
    doc.build(story)
    return buffer.getvalue()
