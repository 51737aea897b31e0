"""OCRmyPDF plugin: give OCRmyPDF the image tesseract should read, instead of letting it re-render the page.

The page PDF we hand to OCRmyPDF holds exactly one image, the page we have just decoded and put straight.
Re-rendering it (pypdfium2 decodes the JPEG and paints a 300 dpi bitmap: about 0.4 s an A4 page) and
then cleaning the bitmap in `filter_ocr_image` (which makes OCRmyPDF encode a second PNG) would redo work
we have already done. So `rasterize_pdf_page` writes our prepared OCR image: the page in grey at 200 dpi,
median-filtered, auto-contrasted and deskewed, with its resolution declared in the PNG so the text layer
lands where the words are. This is what OCRmyPDF's own downsampling for OCR does too (the image for OCR
may have fewer pixels than the page if its DPI says so). In our configuration OCRmyPDF uses this raster
only for OCR: the visible page stays the image in the input PDF, untouched.

Only one OCRmyPDF run at a time per process is fed (a lock), which is how our workers run anyway.
"""

import threading
from collections.abc import Iterator
from contextlib import contextmanager

from ocrmypdf import hookimpl
from PIL import Image

_lock = threading.Lock()
_feed: dict[str, object] = {}


@contextmanager
def feeding(image: Image.Image, dpi: float) -> Iterator[None]:
    with _lock:
        _feed.update(image=image, dpi=dpi)
        try:
            yield
        finally:
            _feed.clear()


@hookimpl(tryfirst=True)
def rasterize_pdf_page(input_file, output_file, raster_device, raster_dpi, pageno, page_dpi, rotation,
                       filter_vector, stop_on_soft_error, options, use_cropbox):
    image = _feed.get("image")
    if image is None or rotation or pageno != 1:
        return None  # not ours: OCRmyPDF's own rasteriser does it
    dpi = float(_feed["dpi"])
    image.save(output_file, format="PNG", compress_level=0, dpi=(dpi, dpi))  # read once, at once: no zlib
    return output_file
