"""OCR: the image tesseract reads, and OCRmyPDF turning a page PDF into a PDF/A-2b with a Vietnamese text layer.

Measured on generated A4 pages at 300 dpi (bench/capture.py, 2-core machine, one single-threaded tesseract
per core), the image tesseract reads is cleaned first, without touching the stored image:
  * reduced to 200 dpi (box filter): tesseract scales every text line to a fixed height anyway, so 200 dpi
    loses nothing on 9–12 pt print, takes 25–30 % less time, and the reduction itself averages speckles away;
  * median filter (3 × 3): removes the speckle that otherwise becomes stray letters and punctuation;
  * autocontrast, cutting 0.05 % at the dark end and 5 % at the light end: lifts faded ink, on which
    tesseract otherwise returns little or nothing, and whitens the paper. The cut is asymmetric on purpose:
    a page with one or two lines has well under 1 % ink, and a symmetric 1 % cut stretched the paper's grain
    into black blotches (27–79 % CER on such pages; 0–0.5 % with this cut).
On speckled, faded pages this took the character error rate from 20–60 % to about 1 %.

The route: one OCRmyPDF run per page, in the worker's own process (jobs=1, threads), each worker one
single-threaded tesseract, one worker per core. OCRmyPDF makes the page's text layer (tesseract's own PDF
renderer, "sandwich") and its PDF/A-2b (its internal pikepdf backend: JPEGs pass through untouched;
Ghostscript only if that fails validation). Measured per A4 page: tesseract ~1.1 s of CPU, everything
else in the pipeline ~0.45 s — of which OCRmyPDF's own work ~0.2 s after our plugin hands it the OCR image
(its pypdfium2 re-rendering of the page alone cost ~0.4 s) and after its six `tesseract --version` probes
per run are remembered. The whole pipeline (clean-up included) then costs about what bare tesseract costs
on the raw 300 dpi page, which is slower to read than the cleaned 200 dpi one (bench/capture.py).
"""

import functools
import logging
import os
import tempfile
import unicodedata
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from PIL import Image, ImageFilter, ImageOps

from . import _ocrmypdf_plugin

OCR_DPI = 200.0
AUTOCONTRAST_CUT = (0.05, 5)  # per cent of pixels clipped at the dark and at the light end
LANGUAGE = "vie"
TIMEOUT = 180.0
PLUGIN = "hoso.imaging._ocrmypdf_plugin"
VIETNAMESE_LETTERS = set("aăâbcdđeêghiklmnoôơpqrstuưvxy")


class OcrFailed(Exception):
    """OCR could not finish (timeout, tesseract error); the reason is Vietnamese."""


def ocr_view(image: Image.Image, dpi: float, *, angle: float = 0.0) -> tuple[Image.Image, float]:
    """The image tesseract reads (grey, ≤ 200 dpi, cleaned, turned by `angle`) and its resolution."""
    gray = image.convert("L")
    scale = OCR_DPI / dpi
    if scale < 0.95:
        gray = gray.resize((max(1, round(gray.width * scale)), max(1, round(gray.height * scale))),
                           Image.Resampling.BOX)
    out_dpi = dpi * gray.width / image.width
    gray = ImageOps.autocontrast(gray.filter(ImageFilter.MedianFilter(3)), cutoff=AUTOCONTRAST_CUT)
    if angle:
        gray = gray.rotate(angle, resample=Image.Resampling.BILINEAR, expand=False, fillcolor=255)
    return gray, out_dpi


def _cache_tool_probes() -> None:
    """OCRmyPDF runs `tesseract --version` (and `--list-langs`) six times for every file it processes:
    in a worker that processes thousands of one-page files that is ~65 ms of CPU a page for an answer that
    does not change while the process lives. Remember the answers (OCRmyPDF 17's probe functions)."""
    try:
        from ocrmypdf._exec import tesseract as probes
    except ImportError:  # a future OCRmyPDF without these functions: nothing to cache
        return
    for name in ("version", "get_languages"):
        func = getattr(probes, name, None)
        if func is not None and not getattr(func, "_hoso_cached", False):
            cached = functools.cache(func)
            cached._hoso_cached = True  # type: ignore[attr-defined]
            setattr(probes, name, cached)


@contextmanager
def _quiet_ocrmypdf() -> Iterator[list[str]]:
    """Keep OCRmyPDF's log out of the console; collect its warnings (a timeout is one)."""
    messages: list[str] = []

    class Collect(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            messages.append(record.getMessage())

    logger = logging.getLogger("ocrmypdf")
    handler = Collect(level=logging.WARNING)
    old_level, old_propagate = logger.level, logger.propagate
    logger.addHandler(handler)
    logger.setLevel(logging.WARNING)
    logger.propagate = False
    try:
        yield messages
    finally:
        logger.removeHandler(handler)
        logger.setLevel(old_level)
        logger.propagate = old_propagate


def searchable_pdfa(image_pdf: bytes, ocr_image: Image.Image, ocr_dpi: float, *, language: str = LANGUAGE,
                    timeout: float = TIMEOUT, title: str = "") -> tuple[bytes, str, list[str]]:
    """(PDF/A-2b bytes with a text layer, the recognised text, warnings) for a one-page image PDF."""
    import ocrmypdf
    from ocrmypdf.exceptions import ExitCodeException

    os.environ.setdefault("OMP_THREAD_LIMIT", "1")  # one single-threaded tesseract per worker process
    _cache_tool_probes()
    with tempfile.TemporaryDirectory(prefix="hoso-ocr-") as tmp:
        src, out, txt = Path(tmp) / "in.pdf", Path(tmp) / "out.pdf", Path(tmp) / "out.txt"
        src.write_bytes(image_pdf)
        with _quiet_ocrmypdf() as messages, _ocrmypdf_plugin.feeding(ocr_image, ocr_dpi):
            try:
                ocrmypdf.ocr(src, out, language=[language], output_type="pdfa-2", pdfa_backend="auto",
                             optimize=0, jobs=1, use_threads=True, pdf_renderer="sandwich", sidecar=txt,
                             tesseract_timeout=timeout, progress_bar=False, plugins=[PLUGIN],
                             title=title or None, fast_web_view=999999)
            except ExitCodeException as exc:
                raise OcrFailed(f"Nhận dạng chữ (OCRmyPDF) thất bại: {type(exc).__name__} {str(exc)[:200]}") from exc
        text = txt.read_text(encoding="utf-8") if txt.exists() else ""
        if text.strip() == "[skipped page]" or any("too long" in m or "timed out" in m for m in messages):
            raise OcrFailed(f"Nhận dạng chữ quá thời gian cho phép ({timeout:g} giây).")
        return out.read_bytes(), clean_text(text), [m for m in messages if "diacritics" not in m]


def clean_text(text: str) -> str:
    """NFC, no form feeds, no runs of blank lines, no trailing spaces."""
    text = unicodedata.normalize("NFC", text).replace("\f", "\n")
    lines = [line.rstrip() for line in text.splitlines()]
    out: list[str] = []
    for line in lines:
        if line or (out and out[-1]):
            out.append(line)
    return "\n".join(out).strip()


def plausibility(text: str) -> float:
    """Share of the words that look like Vietnamese syllables (letters only, a vowel, at most 7 letters):
    about 0.8 and more for a correctly read page, far less for a page read upside down or sideways."""
    words = text.split()
    if not words:
        return 0.0
    good = 0
    for word in words:
        core = unicodedata.normalize("NFD", word.strip(".,;:!?()\"'«»-–").lower())
        base = "".join(c for c in core if not unicodedata.combining(c)).replace("đ", "d")
        if base and len(base) <= 7 and base.isalpha() and set(base) <= VIETNAMESE_LETTERS | {"f", "j", "w", "z"} \
                and any(v in base for v in "aeiouy"):
            good += 1
    return good / len(words)
