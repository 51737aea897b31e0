"""Label sheets as PDF (A4, common label layouts): cover labels for dossiers and labels for boxes.

Each label carries a QR code of the hoso link (a phone or a 2D scanner opens the dossier) and a Code 128 of
the dossier number or box code (a handheld scanner types it into any search box or inventory form).
Vietnamese text needs a TrueType font with its glyphs: Noto Sans or DejaVu Sans (Debian fonts-noto-core,
fonts-dejavu-core). No Django here.
"""

import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import qrcode
from qrcode.constants import ERROR_CORRECT_M
from reportlab.graphics.barcode.code128 import Code128
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.lib.utils import simpleSplit
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas

FONT_CANDIDATES = (
    ("/usr/share/fonts/truetype/noto/NotoSans-Regular.ttf", "/usr/share/fonts/truetype/noto/NotoSans-Bold.ttf"),
    ("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf", "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf"),
    ("/usr/share/fonts/opentype/noto/NotoSans-Regular.ttf", "/usr/share/fonts/opentype/noto/NotoSans-Bold.ttf"),
)
REGULAR, BOLD = "HosoLabel", "HosoLabel-Bold"


class LabelFontMissing(RuntimeError):
    """No TrueType font with Vietnamese glyphs was found."""


@dataclass(frozen=True)
class SheetLayout:
    """Labels on an A4 sheet: columns × rows of width × height mm, from the top-left margin, with gaps."""

    title: str
    cols: int
    rows: int
    width: float
    height: float
    left: float
    top: float
    hgap: float = 0.0
    vgap: float = 0.0

    @property
    def per_sheet(self) -> int:
        return self.cols * self.rows


COVER_LAYOUTS = {
    "70x37": SheetLayout("A4, 3 × 8 nhãn 70 × 37 mm (24 nhãn/tờ)", 3, 8, 70, 37, 0, 0.5),
    "70x36": SheetLayout("A4, 3 × 8 nhãn 70 × 36 mm (24 nhãn/tờ)", 3, 8, 70, 36, 0, 4.5),
    "64x34": SheetLayout("A4, 3 × 8 nhãn 63,5 × 33,9 mm, góc tròn (24 nhãn/tờ)", 3, 8, 63.5, 33.9, 7.2, 12.9, 2.5),
}
BOX_LAYOUTS = {
    "105x74": SheetLayout("A4, 2 × 4 nhãn 105 × 74 mm (8 nhãn/tờ)", 2, 4, 105, 74.25, 0, 0),
    "105x148": SheetLayout("A4, 2 × 2 nhãn 105 × 148 mm (4 nhãn/tờ)", 2, 2, 105, 148.5, 0, 0),
}


@dataclass(frozen=True)
class CoverLabel:
    number: str
    name: str
    category: str
    link: str
    extra: str = ""  # e.g. "sinh 1950"
    secret: bool = False  # a "mật" dossier: «MẬT» stands on its cover label


@dataclass(frozen=True)
class BoxLabel:
    code: str
    title: str
    path: str
    contents: str
    link: str


def font_paths() -> tuple[str, str]:
    """(regular, bold) TrueType files with Vietnamese glyphs, or LabelFontMissing saying what to install."""
    for regular, bold in FONT_CANDIDATES:
        if Path(regular).is_file():
            return regular, bold if Path(bold).is_file() else regular
    raise LabelFontMissing("Không tìm thấy phông chữ có đủ dấu tiếng Việt (Noto Sans hoặc DejaVu Sans) để in nhãn. "
                           "Hãy cài gói fonts-noto-core: sudo apt-get install fonts-noto-core")


def _register_fonts() -> None:
    if REGULAR in pdfmetrics.getRegisteredFontNames():
        return
    regular, bold = font_paths()
    pdfmetrics.registerFont(TTFont(REGULAR, regular))
    pdfmetrics.registerFont(TTFont(BOLD, bold))


def _draw_qr(canvas: Canvas, data: str, x: float, y: float, side: float) -> None:
    """A QR code with its 4-module quiet zone inside a `side`-wide square, drawn as vector rectangles."""
    qr = qrcode.QRCode(error_correction=ERROR_CORRECT_M, border=4)
    qr.add_data(data)
    qr.make(fit=True)
    matrix = qr.get_matrix()
    module = side / len(matrix)
    canvas.setFillColorRGB(0, 0, 0)
    for r, row in enumerate(matrix):
        c = 0
        while c < len(row):
            if not row[c]:
                c += 1
                continue
            start = c
            while c < len(row) and row[c]:
                c += 1
            canvas.rect(x + start * module, y + side - (r + 1) * module, (c - start) * module, module,
                        stroke=0, fill=1)


def _draw_code128(canvas: Canvas, value: str, x: float, y: float, width: float, height: float) -> None:
    """A Code 128 as wide as fits in `width` (with its quiet zones), bars at least 0.19 mm."""
    probe = Code128(value, barWidth=1, barHeight=height, humanReadable=False, quiet=True)
    bar = max(0.19 * mm, min(0.4 * mm, width / probe.width))
    code = Code128(value, barWidth=bar, barHeight=height, humanReadable=False, quiet=True)
    code.drawOn(canvas, x + max(0.0, (width - code.width) / 2), y)


def _fit(text: str, font: str, size: float, smallest: float, width: float) -> tuple[str, float]:
    """Shrink to fit one line; below `smallest`, cut with an ellipsis."""
    while size > smallest and pdfmetrics.stringWidth(text, font, size) > width:
        size -= 0.25
    while text and pdfmetrics.stringWidth(text, font, size) > width:
        text = text[:-2].rstrip() + "…"
    return text, size


def _lines(canvas: Canvas, text: str, font: str, size: float, x: float, top: float, width: float,
           max_lines: int) -> float:
    """Wrap `text` on at most `max_lines` lines from `top` down; returns the y below the last line."""
    lines = simpleSplit(text, font, size, width) or [""]
    if len(lines) > max_lines:
        lines = [*lines[:max_lines - 1], _fit(" ".join(lines[max_lines - 1:]), font, size, size, width)[0]]
    canvas.setFont(font, size)
    y = top
    for line in lines:
        y -= size * 1.15
        canvas.drawString(x, y, line)
    return y


def _positions(layout: SheetLayout, count: int, skip: int) -> Iterable[tuple[int, float, float]]:
    """(page index, x, y of the bottom-left corner) for each label, after `skip` used places on the first sheet."""
    _, page_height = A4
    for i in range(skip, skip + count):
        page, slot = divmod(i, layout.per_sheet)
        row, col = divmod(slot, layout.cols)
        x = (layout.left + col * (layout.width + layout.hgap)) * mm
        y = page_height - (layout.top + (row + 1) * layout.height + row * layout.vgap) * mm
        yield page, x, y


def _sheets(labels: Sequence, layout: SheetLayout, skip: int, title: str, draw) -> bytes:
    _register_fonts()
    skip = max(0, min(skip, layout.per_sheet - 1))
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=A4, pageCompression=1)
    canvas.setTitle(title)
    canvas.setCreator("hoso")
    page = 0
    for label, (sheet, x, y) in zip(labels, _positions(layout, len(labels), skip), strict=True):
        if sheet != page:
            canvas.showPage()
            page = sheet
        draw(canvas, label, x, y, layout.width * mm, layout.height * mm)
    canvas.showPage()
    canvas.save()
    return buffer.getvalue()


def _cover(canvas: Canvas, label: CoverLabel, x: float, y: float, w: float, h: float) -> None:
    pad = 2 * mm
    bar_h = min(7 * mm, h * 0.2)
    qr_side = h - 2 * pad - bar_h - 1 * mm
    _draw_qr(canvas, label.link, x + pad, y + pad + bar_h + 1 * mm, qr_side)
    _draw_code128(canvas, label.number, x + pad, y + pad, w - 2 * pad, bar_h)
    tx = x + pad + qr_side + 1 * mm
    width = x + w - pad - tx
    top = y + h - pad
    mark = 0.0
    if label.secret:  # boxed, at the top right, so the keeper sees it on the shelf
        canvas.setFont(BOLD, 9)
        mark = canvas.stringWidth("MẬT", BOLD, 9) + 2 * mm
        canvas.rect(x + w - pad - mark, top - 10.5, mark, 10.5, stroke=1, fill=0)
        canvas.drawCentredString(x + w - pad - mark / 2, top - 8.5, "MẬT")
    number, size = _fit(label.number, BOLD, 9, 6.5, width - mark - (1 * mm if mark else 0))
    canvas.setFont(BOLD, size)
    canvas.drawString(tx, top - size, number)
    bottom = _lines(canvas, label.name, BOLD, 8.5, tx, top - size * 1.35, width, 2)
    bottom = _lines(canvas, label.category, REGULAR, 6.5, tx, bottom - 1, width, 2)
    if label.extra:
        _lines(canvas, label.extra, REGULAR, 6.5, tx, bottom, width, 1)


def _box(canvas: Canvas, label: BoxLabel, x: float, y: float, w: float, h: float) -> None:
    pad = 4 * mm
    bar_h = min(12 * mm, h * 0.16)
    qr_side = min(34 * mm, h - 2 * pad - bar_h - 2 * mm)
    qr_x = x + w - pad - qr_side
    _draw_qr(canvas, label.link, qr_x, y + h - pad - qr_side, qr_side)
    _draw_code128(canvas, label.code, x + pad, y + pad, w - 2 * pad, bar_h)
    width = qr_x - x - pad - 2 * mm
    top = y + h - pad
    title, size = _fit(label.title.upper(), BOLD, 20, 11, width)
    canvas.setFont(BOLD, size)
    canvas.drawString(x + pad, top - size, title)
    code, code_size = _fit(label.code, BOLD, 12, 8, width)
    canvas.setFont(BOLD, code_size)
    canvas.drawString(x + pad, top - size - code_size * 1.5, code)
    bottom = _lines(canvas, label.path, REGULAR, 8, x + pad, top - size - code_size * 2, width, 2)
    _lines(canvas, label.contents, REGULAR, 8, x + pad, bottom - 2, width, 4)


def cover_labels_pdf(labels: Sequence[CoverLabel], *, layout: SheetLayout = COVER_LAYOUTS["70x37"],
                     skip: int = 0) -> bytes:
    """Cover labels (nhãn bìa hồ sơ): number, name, category, QR of the link, Code 128 of the number."""
    return _sheets(labels, layout, skip, "Nhãn bìa hồ sơ", _cover)


def box_labels_pdf(labels: Sequence[BoxLabel], *, layout: SheetLayout = BOX_LAYOUTS["105x74"],
                   skip: int = 0) -> bytes:
    """Box labels (nhãn hộp): box name and code, where it stands, what it holds, QR and Code 128."""
    return _sheets(labels, layout, skip, "Nhãn hộp hồ sơ", _box)
