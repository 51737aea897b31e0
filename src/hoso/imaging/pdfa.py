"""Page PDFs from images, PDF/A checks, and the dossier's access copy assembled from page PDF/As.

A page PDF holds the page image as received wherever possible (a JPEG goes in byte for byte, as img2pdf
does), sized by its resolution. Deskewing is a rotation in the page's content stream, not a resampling of
the pixels: the viewer turns the image, nothing is lost and nothing is re-encoded.
"""

import io
import math
import shutil
import subprocess
import tempfile
from collections.abc import Sequence
from pathlib import Path

import img2pdf
import pikepdf
from PIL import Image

JPEG_QUALITY = 85


def encode_for_access(image: Image.Image, dpi: float) -> bytes:
    """The bytes that go into the access copy for a page that cannot keep its master's JPEG:
    bilevel pages as CCITT G4 TIFF (lossless), grey and colour as JPEG."""
    out = io.BytesIO()
    if image.mode == "1":
        image.save(out, "TIFF", compression="group4", dpi=(dpi, dpi))
    else:
        image.save(out, "JPEG", quality=JPEG_QUALITY, dpi=(round(dpi), round(dpi)), optimize=False)
    return out.getvalue()


def page_pdf(image_bytes: bytes, *, dpi: float, angle: float = 0.0) -> bytes:
    """A one-page PDF showing the image at `dpi`, turned by `angle` degrees (counter-clockwise) about the
    page centre; the page keeps the image's size."""
    raw = img2pdf.convert(image_bytes, layout_fun=img2pdf.get_fixed_dpi_layout_fun((dpi, dpi)),
                          rotation=img2pdf.Rotation.none)
    if not angle:
        return raw
    with pikepdf.open(io.BytesIO(raw)) as pdf:
        page = pdf.pages[0]
        box = [float(v) for v in page.mediabox]
        cx, cy = (box[0] + box[2]) / 2, (box[1] + box[3]) / 2
        cos, sin = math.cos(math.radians(angle)), math.sin(math.radians(angle))
        placement = page.obj.Contents.read_bytes().strip()
        assert placement.startswith(b"q") and placement.endswith(b"Q")
        turn = (f"1 0 0 1 {cx:.4f} {cy:.4f} cm\n{cos:.6f} {sin:.6f} {-sin:.6f} {cos:.6f} 0 0 cm\n"
                f"1 0 0 1 {-cx:.4f} {-cy:.4f} cm\n").encode()
        page.obj.Contents = pdf.make_stream(b"q\n" + turn + placement[1:])
        out = io.BytesIO()
        pdf.save(out)
        return out.getvalue()


def pdfa_part(pdf_path: str | Path) -> str:
    """The PDF/A part and conformance the file declares in its XMP metadata ("2B"), or "" for none."""
    with pikepdf.open(pdf_path) as pdf:
        return pdf.open_metadata().pdfa_status or ""


def pdfa_from_image_pdf(image_pdf: bytes, *, title: str = "") -> bytes:
    """PDF/A-2b without a text layer (ingest without OCR): declared and validated by pikepdf."""
    import pikepdf.pdfa

    with pikepdf.open(io.BytesIO(image_pdf)) as pdf:
        if title:
            with pdf.open_metadata() as meta:
                meta["dc:title"] = title
        out = io.BytesIO()
        pikepdf.pdfa.save(pdf, out, "2b")
        return out.getvalue()


def assemble(page_pdfs: Sequence[Path], out: Path, *, title: str) -> int:
    """Join page PDF/As (in order) into one PDF/A-2b at `out`; returns the page count.

    qpdf merges the pages (it keeps only a bounded number of input files open, so a 500-page dossier
    needs little memory); pikepdf then declares PDF/A-2b and validates the written file, refusing to
    produce a file that does not pass.
    """
    import pikepdf.pdfa

    if not page_pdfs:
        raise ValueError("no pages to assemble")
    with tempfile.TemporaryDirectory(prefix="hoso-assemble-") as tmp:
        merged = Path(tmp) / "merged.pdf"
        if len(page_pdfs) == 1:
            shutil.copyfile(page_pdfs[0], merged)
        else:
            listing = Path(tmp) / "pages.txt"
            cmd = ["qpdf", "--warning-exit-0", "--empty", "--pages", *map(str, page_pdfs), "--", str(merged)]
            if sum(len(str(p)) for p in page_pdfs) > 100_000:  # very long argument lists go through a file
                listing.write_text("\n".join(["--empty", "--pages", *map(str, page_pdfs), "--", str(merged)]))
                cmd = ["qpdf", "--warning-exit-0", f"@{listing}"]
            subprocess.run(cmd, check=True, capture_output=True, timeout=3600)
        with pikepdf.open(merged) as pdf:
            count = len(pdf.pages)
            with pdf.open_metadata(set_pikepdf_as_editor=False) as meta:
                meta["dc:title"] = title
            pikepdf.pdfa.save(pdf, out, "2b")
    return count
