"""Watermarks on what leaves the system: every page of a downloaded or printed PDF, and page images shown on screen,
carry who took them, when, and why (người tải, thời điểm, mục đích). Pure: no Django.

The PDF watermark is a vector overlay (reportlab draws it once per page size; pikepdf lays it over each page), so
the page content and its text layer stay as they are and the file grows by a few kilobytes, not by a re-render.
"""

import io
from collections.abc import Sequence
from functools import cache
from pathlib import Path

import pikepdf
from PIL import Image, ImageDraw, ImageFont

FONT_FILES = ("/usr/share/fonts/truetype/noto/NotoSans-Regular.ttf",
              "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
              "/usr/share/fonts/opentype/noto/NotoSans-Regular.ttf")
FONT_NAME = "HosoWatermark"


class WatermarkError(RuntimeError):
    """The PDF could not be read or written (a clear message for the user)."""


def font_file() -> str:
    for path in FONT_FILES:
        if Path(path).exists():
            return path
    raise WatermarkError("Không tìm thấy phông chữ tiếng Việt (Noto Sans hoặc DejaVu Sans) để in dấu bản sao. "
                         "Hãy cài gói fonts-noto-core.")


def _register_font() -> None:
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    if FONT_NAME not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(TTFont(FONT_NAME, font_file()))


def _overlay(width: float, height: float, lines: tuple[str, ...]) -> bytes:
    """One page of the given size with the watermark: diagonal, light, repeated; a plain footer line too."""
    from reportlab.pdfgen import canvas

    _register_font()
    buffer = io.BytesIO()
    c = canvas.Canvas(buffer, pagesize=(width, height))
    c.setFillColorRGB(0.55, 0.1, 0.1, alpha=0.16)
    size = max(9.0, min(width, height) / 34)
    c.setFont(FONT_NAME, size)
    c.saveState()
    c.translate(width / 2, height / 2)
    c.rotate(35)
    step = size * 1.5 * (len(lines) + 1.5)
    span = int((width + height) / step) + 1
    for row in range(-span, span + 1):
        for i, line in enumerate(lines):
            c.drawCentredString(0, row * step - i * size * 1.5, line)
    c.restoreState()
    c.setFillColorRGB(0.3, 0.0, 0.0, alpha=0.85)
    c.setFont(FONT_NAME, 7)
    c.drawString(18, 10, "  ·  ".join(lines)[:220])
    c.showPage()
    c.save()
    return buffer.getvalue()


def watermark_pdf(source: str | Path, lines: Sequence[str], out: str | Path) -> int:
    """Write to `out` the PDF `source` with `lines` stamped on every page; returns the page count.
    Raises WatermarkError for a PDF that cannot be read."""
    lines = tuple(line for line in lines if line)
    try:
        pdf = pikepdf.open(source)
    except (pikepdf.PdfError, OSError) as exc:
        raise WatermarkError(f"Không đọc được tệp PDF: {exc}") from exc
    overlays: dict[tuple[int, int], pikepdf.Pdf] = {}
    try:
        for page in pdf.pages:
            box = page.trimbox if "/TrimBox" in page.obj else page.mediabox
            width, height = float(box[2]) - float(box[0]), float(box[3]) - float(box[1])
            if int(page.obj.get("/Rotate", 0)) % 180:
                width, height = height, width
            key = (round(width), round(height))
            if key not in overlays:
                overlays[key] = pikepdf.open(io.BytesIO(_overlay(width, height, lines)))
            page.add_overlay(overlays[key].pages[0], pikepdf.Rectangle(*[float(v) for v in box]))
        pdf.docinfo["/Subject"] = " · ".join(lines)
        pdf.save(out)
        return len(pdf.pages)
    finally:
        pdf.close()
        for overlay in overlays.values():
            overlay.close()


def merge_pdfs(parts: Sequence[str | Path], out: str | Path) -> int:
    """Write to `out` one PDF made of the pages of `parts`, in order; returns the page count. The parts are read
    lazily from disk, so a 500-page dossier does not sit in memory."""
    merged = pikepdf.new()
    opened = []
    try:
        for part in parts:
            src = pikepdf.open(part)
            opened.append(src)
            merged.pages.extend(src.pages)
        merged.save(out)
        return len(merged.pages)
    except (pikepdf.PdfError, OSError) as exc:
        raise WatermarkError(f"Không ghép được các trang PDF: {exc}") from exc
    finally:
        for src in opened:
            src.close()
        merged.close()


@cache
def _pil_font(size: int) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(font_file(), size)


def stamp_image(image: Image.Image, text: str) -> Image.Image:
    """A copy of the image with a footer band naming the viewer and the time (screens get photographed too)."""
    image = image.convert("RGB")
    size = max(12, image.width // 70)
    band = size + size // 2
    out = Image.new("RGB", (image.width, image.height + band), "white")
    out.paste(image, (0, 0))
    draw = ImageDraw.Draw(out)
    draw.text((size // 2, image.height + size // 4), text, fill=(120, 20, 20), font=_pil_font(size))
    return out
