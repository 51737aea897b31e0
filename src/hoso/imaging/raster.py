"""Decoding one page of a master file into pixels, with the checks only a full decode can make.

The master is never changed: this reads it (a frame of a TIFF, a page of a PDF) into a Pillow image in
an archival mode ("1", "L" or "RGB"), upright according to its EXIF orientation, with its resolution.
"""

import warnings
from dataclasses import dataclass
from pathlib import Path

from PIL import Image, ImageFile, ImageOps

from .checks import Rejected, bomb_refusal
from .limits import LIMITS, Limits, vn_number

ImageFile.LOAD_TRUNCATED_IMAGES = False  # a truncated file is an error, never a half-grey page
A4_LONG_INCH = 297 / 25.4
PDF_RASTER_DPI = 300
SCREEN_WIDTH = 1400  # the page viewer's image: made once with the access copy, not rendered at every view
SCREEN_QUALITY = 80


@dataclass
class SourcePage:
    image: Image.Image
    dpi: float
    # The master's own JPEG bytes when they can go into the access copy unchanged (upright, RGB or grey).
    jpeg: bytes | None = None


def plausible_dpi(declared: float | None, width: int, height: int) -> float:
    """The declared resolution when it is believable for a scan, else one estimated as if the image were
    an A4 page (phone photos say 72 dpi whatever they show)."""
    if declared and 100 <= declared <= 1200:
        return float(declared)
    return min(1200.0, max(100.0, max(width, height) / A4_LONG_INCH))


def to_archival_mode(img: Image.Image) -> Image.Image:
    """Bilevel stays bilevel, grey stays grey, everything else becomes RGB (alpha flattened on white)."""
    if img.mode in ("1", "L", "RGB"):
        return img
    if img.mode in ("I;16", "I;16B", "I;16L", "I", "F"):
        return img.convert("I").point(lambda v: v * (1 / 256)).convert("L")
    if img.mode in ("LA", "PA", "RGBA", "P") and (img.mode != "P" or "transparency" in img.info):
        rgba = img.convert("RGBA")
        flat = Image.new("RGB", rgba.size, (255, 255, 255))
        flat.paste(rgba, mask=rgba.getchannel("A"))
        return flat
    return img.convert("RGB")


def load_page(path: str | Path, *, kind: str, frame: int = 0, limits: Limits = LIMITS) -> SourcePage:
    """Fully decode page `frame` (0-based) of a master; raises Rejected when the file cannot be read whole."""
    path = Path(path)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", UserWarning)
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            if kind == "pdf":
                return _load_pdf_page(path, frame, limits)
            return _load_image(path, kind, frame, limits)
    except Rejected:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise bomb_refusal(path.name, str(exc), limits) from exc
    except (OSError, SyntaxError, ValueError, EOFError, IndexError) as exc:
        raise Rejected("truncated", f"Tệp bị hỏng hoặc bị cắt cụt, không giải mã được trang {frame + 1}: "
                                    f"{str(exc)[:160]}") from exc


def _load_image(path: Path, kind: str, frame: int, limits: Limits) -> SourcePage:
    with Image.open(path) as img:
        if frame:
            img.seek(frame)
        _check(img.width, img.height, limits)
        declared = img.info.get("dpi")
        orientation = img.getexif().get(0x0112, 1)
        img.load()
        upright = ImageOps.exif_transpose(img) if orientation != 1 else img.copy()
    page = to_archival_mode(upright)
    dpi = plausible_dpi(float(declared[0]) if declared else None, page.width, page.height)
    jpeg = None
    if kind == "jpeg" and orientation == 1 and page.mode in ("L", "RGB") and page is upright:
        jpeg = path.read_bytes()
    return SourcePage(image=page, dpi=dpi, jpeg=jpeg)


def _check(width: int, height: int, limits: Limits) -> None:
    if width * height > limits.max_pixels or max(width, height) > limits.max_side:
        raise Rejected("too_large", f"Trang quá lớn: {vn_number(width)} × {vn_number(height)} điểm ảnh "
                                    "(chống «bom giải nén»).")


def _load_pdf_page(path: Path, frame: int, limits: Limits) -> SourcePage:
    """A scanned PDF page is one image: take it out losslessly; anything else is rendered at 300 dpi."""
    import pikepdf
    from pikepdf import PdfImage

    with pikepdf.open(path) as pdf:
        page = pdf.pages[frame]
        box = page.mediabox
        width_pt = abs(float(box[2]) - float(box[0]))
        rotate = int(page.obj.get("/Rotate", 0)) % 360
        images = list(page.get_images().values()) if hasattr(page, "get_images") else list(page.images.values())
        content_size = sum(len(s.read_bytes()) for s in _contents(page))
        if len(images) == 1 and content_size < 512:
            image = PdfImage(images[0])
            _check(image.width, image.height, limits)
            try:
                pil = image.as_pil_image()
            except (pikepdf.PdfError, NotImplementedError, OSError):  # e.g. JBIG2 without a decoder
                pil = None
            if pil is not None:
                pil = to_archival_mode(pil)
                if rotate:
                    pil = pil.rotate(-rotate, expand=True)
                return SourcePage(image=pil, dpi=plausible_dpi(pil.width / (width_pt / 72) if width_pt else None,
                                                               pil.width, pil.height))
    return _render_pdf_page(path, frame, limits)


def _contents(page) -> list:
    contents = page.obj.get("/Contents")
    if contents is None:
        return []
    return list(contents) if hasattr(contents, "__iter__") and not hasattr(contents, "read_bytes") else [contents]


def _render_pdf_page(path: Path, frame: int, limits: Limits) -> SourcePage:
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument(str(path))
    try:
        page = pdf[frame]
        width_pt, height_pt = page.get_size()
        scale = PDF_RASTER_DPI / 72
        _check(round(width_pt * scale), round(height_pt * scale), limits)
        bitmap = page.render(scale=scale, rotation=0)
        image = to_archival_mode(bitmap.to_pil())
        page.close()
    finally:
        pdf.close()
    return SourcePage(image=image, dpi=float(PDF_RASTER_DPI))


def render_for_screen(pdf: bytes, *, width: int = 1400) -> Image.Image:
    """The first page of a (one-page) access PDF as an image `width` pixels wide, for the page viewer."""
    import pypdfium2 as pdfium

    document = pdfium.PdfDocument(pdf)
    try:
        page = document[0]
        width_pt, _ = page.get_size()
        bitmap = page.render(scale=max(0.1, min(width / max(width_pt, 1.0), 400 / 72)))
        image = bitmap.to_pil()
        page.close()
    finally:
        document.close()
    return image


def screen_jpeg(pdf: bytes, *, width: int = SCREEN_WIDTH) -> bytes:
    """The page viewer's image of a one-page PDF, as a JPEG: what render_for_screen shows, made once."""
    import io

    image = render_for_screen(pdf, width=width)
    out = io.BytesIO()
    image.save(out, "JPEG", quality=SCREEN_QUALITY)
    return out.getvalue()
