"""One page, from its master file to what the archive serves: the whole processing of a page, pure.

    decode (full, with limits) → upright (EXIF) → skew measured → page PDF (master JPEG kept as is,
    skew as a rotation of the page content) → OCR image (grey, 200 dpi, cleaned, level) → OCRmyPDF:
    PDF/A-2b with a Vietnamese text layer, and the text → WebP thumbnail.

A photographed page (`photo=True`: a page too fragile to scan, photographed on a desk) is first found in the
photo, flattened to a straight rectangle and evenly lit (imaging.photo); that flat page, not the photo, becomes
the access copy, the OCR image and the thumbnail; the master stays the photo, untouched. What was done (the
corners found, the size, resolution and flattening) is in `PageResult.photo`. When a person has set the page's
outline (`corners`, in the upright photo's pixels), the page is flattened from those corners instead of being
looked for.

If the text does not look like Vietnamese (a page scanned sideways or upside down), tesseract's
orientation detection is asked once and the page is turned and read again.
"""

import io
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from PIL import Image

from . import geometry, ocr, pdfa
from . import photo as photos
from .limits import LIMITS, Limits
from .raster import SourcePage, load_page, screen_jpeg

THUMBNAIL_WIDTH = 360
PLAUSIBLE = 0.5  # below this share of Vietnamese-looking words, check the orientation
MIN_TEXT_FOR_ORIENTATION = 40  # characters: fewer (a blank page, a photo) is not worth asking about


@dataclass
class PageResult:
    pdf: bytes  # one-page PDF/A-2b (with a text layer unless OCR was off)
    text: str
    thumbnail: bytes  # WebP
    screen: bytes  # JPEG, SCREEN_WIDTH wide: the page as the access copy shows it, for the viewer
    width: int
    height: int
    dpi: float
    skew: float  # degrees turned to level the lines
    rotation: int  # degrees turned clockwise to make the page upright (beyond EXIF)
    warnings: list[str] = field(default_factory=list)
    timings: dict[str, float] = field(default_factory=dict)
    photo: dict[str, Any] | None = None  # for a photographed page: what imaging.photo did, with its parameters


def thumbnail(image: Image.Image, *, angle: float = 0.0, width: int = THUMBNAIL_WIDTH) -> bytes:
    factor = max(1, image.width // (width * 2))
    image = image.convert("L") if image.mode == "1" else image
    small = image.reduce(factor) if factor > 1 else image
    if angle:
        small = small.rotate(angle, resample=Image.Resampling.BILINEAR, fillcolor=geometry.background(small))
    small.thumbnail((width, width * 2), Image.Resampling.LANCZOS)
    out = io.BytesIO()
    small.save(out, "WEBP", quality=70, method=2)
    return out.getvalue()


def _turn(source: SourcePage, degrees_clockwise: int) -> SourcePage:
    turned = source.image.rotate(-degrees_clockwise, expand=True)
    return SourcePage(image=turned, dpi=source.dpi, jpeg=None)


def process_page(path: str | Path, *, kind: str, frame: int = 0, run_ocr: bool = True, language: str = ocr.LANGUAGE,
                 timeout: float = ocr.TIMEOUT, title: str = "", limits: Limits = LIMITS, photo: bool = False,
                 corners: list[list[float]] | None = None) -> PageResult:
    """Process page `frame` of a master file (a photo of a page when `photo`; `corners`: its outline as a person
    set it). Raises checks.Rejected (unreadable master) or ocr.OcrFailed."""
    timings: dict[str, float] = {}
    started = time.perf_counter()

    def lap(name: str) -> None:
        nonlocal started
        now = time.perf_counter()
        timings[name] = timings.get(name, 0.0) + now - started
        started = now

    source = load_page(path, kind=kind, frame=frame, limits=limits)
    lap("decode")
    flattened = None
    if photo:
        flattened = photos.flatten_photo(source.image, dpi=source.dpi, corners=corners)
        source = SourcePage(image=flattened.image, dpi=flattened.dpi, jpeg=None)
        lap("photo")
    result = _render(source, run_ocr=run_ocr, language=language, timeout=timeout, title=title, lap=lap)
    doubtful = not result.text or (len(result.text) >= MIN_TEXT_FOR_ORIENTATION
                                   and ocr.plausibility(result.text) < PLAUSIBLE)
    if run_ocr and doubtful:
        turn, confidence = geometry.detect_orientation(ocr.ocr_view(source.image, source.dpi)[0])
        lap("orientation")
        if turn and confidence >= 2.0:
            turned = _render(_turn(source, turn), run_ocr=True, language=language, timeout=timeout, title=title,
                             lap=lap)
            if ocr.plausibility(turned.text) > ocr.plausibility(result.text):
                turned.rotation = turn
                turned.warnings.append(f"Trang bị xoay {turn}°, đã tự xoay lại.")
                result = turned
    if flattened is not None:
        result.photo = flattened.params
        if not flattened.found:
            result.warnings.insert(0, flattened.reason)
    result.timings = timings
    return result


def _render(source: SourcePage, *, run_ocr: bool, language: str, timeout: float, title: str, lap) -> PageResult:
    image, dpi = source.image, source.dpi
    angle = geometry.estimate_skew(image)
    lap("skew")
    image_bytes = source.jpeg or pdfa.encode_for_access(image, dpi)
    lap("encode")
    page_pdf = pdfa.page_pdf(image_bytes, dpi=dpi, angle=angle)
    lap("page_pdf")
    text, warnings = "", []
    if run_ocr:
        ocr_image, ocr_dpi = ocr.ocr_view(image, dpi, angle=angle)
        lap("clean")
        pdf_bytes, text, warnings = ocr.searchable_pdfa(page_pdf, ocr_image, ocr_dpi, language=language,
                                                        timeout=timeout, title=title)
        lap("ocr")
    else:
        pdf_bytes = pdfa.pdfa_from_image_pdf(page_pdf, title=title)
        lap("pdfa")
    thumb = thumbnail(image, angle=angle)
    lap("thumbnail")
    screen = screen_jpeg(page_pdf)  # the page PDF shows what the access copy shows (its text layer is invisible)
    lap("screen")
    return PageResult(pdf=pdf_bytes, text=text, thumbnail=thumb, screen=screen, width=image.width,
                      height=image.height, dpi=dpi,
                      skew=angle, rotation=0, warnings=warnings)
