"""Checks made when a file is received, before anything is stored or processed.

They are cheap (headers and structure, no pixel decoding) so a whole scanner folder is checked in
seconds; the full decode happens in the processing task, which catches whatever slips through here.
A refused file is not stored; a quarantined one (a PDF carrying JavaScript or attachments) is stored
as received, for inspection, and never processed. Reasons are Vietnamese: they go into batch reports.
"""

import io
import os
import re
import struct
import unicodedata
import warnings
from dataclasses import dataclass
from pathlib import Path

from PIL import Image, TiffImagePlugin, UnidentifiedImageError

from .limits import LIMITS, Limits, vn_number

# Magic numbers of the formats we accept, and of common ones we name when refusing.
SIGNATURES: tuple[tuple[bytes, str], ...] = (
    (b"\xff\xd8\xff", "jpeg"),
    (b"\x89PNG\r\n\x1a\n", "png"),
    (b"II*\x00", "tiff"),
    (b"MM\x00*", "tiff"),
    (b"%PDF-", "pdf"),
)
UNSUPPORTED = {b"ftypheic": "HEIC", b"ftypheix": "HEIC", b"ftypmif1": "HEIF", b"ftypavif": "AVIF"}
SYSTEM_FILES = {"thumbs.db", "desktop.ini", ".ds_store"}
PDF_ACTIVE_KEYS = {"/JS": "JavaScript", "/JavaScript": "JavaScript", "/EmbeddedFiles": "tệp đính kèm",
                   "/EmbeddedFile": "tệp đính kèm", "/RichMedia": "nội dung đa phương tiện", "/XFA": "biểu mẫu XFA"}
PDF_ACTIVE_ACTIONS = {"/JavaScript": "JavaScript", "/Launch": "lệnh chạy chương trình",
                      "/ImportData": "lệnh nhập dữ liệu", "/SubmitForm": "lệnh gửi biểu mẫu"}
# What an access copy made here (a PDF/A from a scan, with its text layer) never holds: actions run on opening or on
# events, links, annotations, forms. A received scan may carry them (they are looked at, not served as they are);
# an access PDF that arrives in a transfer package and has any of them is refused.
PDF_INTERACTIVE_KEYS = {"/OpenAction": "lệnh tự chạy khi mở tệp", "/AA": "lệnh tự chạy theo sự kiện",
                        "/AcroForm": "biểu mẫu", "/URI": "liên kết"}
PDF_INTERACTIVE_NAMES = {"/URI": "liên kết", "/Link": "liên kết", "/GoToR": "liên kết tới tệp khác",
                         "/GoToE": "liên kết tới tệp đính kèm", "/Widget": "ô biểu mẫu"}


class Rejected(Exception):
    """A file that is not taken in. `quarantine` means: keep the bytes, never process them."""

    def __init__(self, code: str, reason: str, *, quarantine: bool = False) -> None:
        super().__init__(reason)
        self.code = code
        self.reason = reason
        self.quarantine = quarantine


@dataclass(frozen=True)
class FileInfo:
    kind: str  # jpeg | png | tiff | pdf
    pages: int
    width: int  # of the first page, in pixels (PDF: points)
    height: int


def is_system_file(name: str) -> bool:
    """Operating-system clutter in scanner folders (Thumbs.db, desktop.ini, .DS_Store, ._x resource forks).
    Any other name, however odd ("..\\x.jpg"), is looked at and, if need be, refused with a reason."""
    return name.lower() in SYSTEM_FILES or name.startswith("._")


def safe_name(raw: str) -> str:
    """The name a received file is stored under: its base name, NFC. Refuses a name that tries to climb
    out of its folder (a ".." component) or is an absolute path, with either kind of slash."""
    name = unicodedata.normalize("NFC", raw or "")
    parts = [p for p in re.split(r"[\\/]+", name)]
    if (not name.strip() or "\x00" in name or any(p == ".." for p in parts) or name.startswith(("/", "\\"))
            or re.match(r"^[A-Za-z]:[\\/]", name)):
        raise Rejected("unsafe_name", f"Tên tệp không an toàn «{raw[:120]}»: chứa «..» hoặc là đường dẫn tuyệt đối.")
    base = parts[-1].strip()
    if not base or any(ord(c) < 32 for c in base):
        raise Rejected("unsafe_name", f"Tên tệp không hợp lệ «{raw[:120]}».")
    return base[:255]


def sniff(head: bytes) -> str | None:
    for magic, kind in SIGNATURES:
        if head.startswith(magic):
            return kind
    return None


def inspect_file(path: str | Path, *, name: str | None = None, limits: Limits = LIMITS) -> FileInfo:
    """Check one received file; returns what it holds or raises Rejected with the reason."""
    path = Path(path)
    label = name or path.name
    size = path.stat().st_size
    if size == 0:
        raise Rejected("empty", f"Tệp «{label}» rỗng (0 byte).")
    if size > limits.max_file_bytes:
        raise Rejected("too_large", f"Tệp «{label}» quá lớn ({vn_number(size // 2**20)} MB), "
                                    f"giới hạn {vn_number(limits.max_file_bytes // 2**20)} MB.")
    with open(path, "rb") as fh:
        head = fh.read(64)
    kind = sniff(head)
    if kind is None:
        fmt = UNSUPPORTED.get(head[4:12])
        if fmt:
            raise Rejected("unsupported",
                           f"Tệp «{label}» là ảnh {fmt}, chưa được hỗ trợ: hãy xuất sang JPEG hoặc TIFF.")
        suffix = path.suffix.lower() or os.path.splitext(label)[1].lower()
        raise Rejected("not_image", f"Tệp «{label}» không phải ảnh quét hay PDF"
                                    + (f" (đuôi {suffix} nhưng nội dung không khớp)" if suffix else "")
                                    + ": chỉ nhận JPEG, PNG, TIFF, PDF.")
    if kind == "pdf":
        return _inspect_pdf(path, label, limits)
    return _inspect_image(path, kind, label, limits)


def _check_pixels(width: int, height: int, label: str, limits: Limits) -> None:
    if width * height > limits.max_pixels or max(width, height) > limits.max_side:
        raise Rejected("too_large", f"Ảnh «{label}» quá lớn: {vn_number(width)} × {vn_number(height)} điểm ảnh "
                                    f"({vn_number(round(width * height / 1e6))} triệu), vượt giới hạn "
                                    f"{vn_number(round(limits.max_pixels / 1e6))} triệu điểm ảnh "
                                    "(chống «bom giải nén»).")
    if min(width, height) < limits.min_side:
        raise Rejected("too_small", f"Ảnh «{label}» quá nhỏ ({width} × {height} điểm ảnh), không phải bản quét "
                                    "một trang tài liệu.")


def bomb_refusal(label: str, message: str, limits: Limits) -> Rejected:
    """Pillow's own guard stopped the image before its size could be read: say it in Vietnamese."""
    found = re.search(r"\((\d+) pixels\)", message)
    size = f"{vn_number(round(int(found.group(1)) / 1e6))} triệu điểm ảnh, " if found else ""
    return Rejected("too_large", f"Ảnh «{label}» quá lớn: {size}vượt giới hạn "
                                 f"{vn_number(round(limits.max_pixels / 1e6))} triệu điểm ảnh (chống «bom giải nén»).")


def _inspect_image(path: Path, kind: str, label: str, limits: Limits) -> FileInfo:
    truncated = Rejected("truncated", f"Tệp «{label}» bị hỏng hoặc bị cắt cụt (thiếu dữ liệu ảnh).")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", UserWarning)  # Pillow's notes on odd EXIF and the like
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(path) as img:
                width, height = img.size
                _check_pixels(width, height, label, limits)
                frames = getattr(img, "n_frames", 1)
                if frames > limits.max_pages:
                    raise Rejected("too_many_pages", f"Tệp «{label}» có {frames} trang, vượt giới hạn "
                                                     f"{limits.max_pages} trang một tệp.")
                if kind == "tiff":
                    _check_tiff(img, path.stat().st_size, frames, label, limits, truncated)
                elif kind == "png":
                    img.verify()  # chunk CRCs and the end marker, without decompressing
    except Rejected:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise bomb_refusal(label, str(exc), limits) from exc
    except (UnidentifiedImageError, SyntaxError, OSError, ValueError, EOFError, struct.error) as exc:
        raise truncated from exc
    if kind == "jpeg" and not _jpeg_has_end(path):
        raise truncated
    return FileInfo(kind=kind, pages=frames, width=width, height=height)


def _check_tiff(img: Image.Image, file_size: int, frames: int, label: str, limits: Limits,
                truncated: Rejected) -> None:
    """Every frame's image data (strips or tiles) must lie inside the file."""
    for frame in range(frames):
        img.seek(frame)
        _check_pixels(*img.size, f"{label} trang {frame + 1}", limits)
        tags = img.tag_v2
        offsets = tags.get(TiffImagePlugin.STRIPOFFSETS) or tags.get(324)  # 324: TileOffsets
        counts = tags.get(TiffImagePlugin.STRIPBYTECOUNTS) or tags.get(325)
        if offsets is None or counts is None:
            raise truncated
        offsets = offsets if isinstance(offsets, tuple) else (offsets,)
        counts = counts if isinstance(counts, tuple) else (counts,)
        if len(offsets) != len(counts) or any(o + c > file_size for o, c in zip(offsets, counts, strict=False)):
            raise truncated


def _jpeg_has_end(path: Path) -> bool:
    """A complete JPEG ends with the EOI marker (some phones append data after it: look at the tail)."""
    with open(path, "rb") as fh:
        fh.seek(0, io.SEEK_END)
        size = fh.tell()
        fh.seek(max(0, size - 256 * 1024))
        return b"\xff\xd9" in fh.read()


def _inspect_pdf(path: Path, label: str, limits: Limits) -> FileInfo:
    import pikepdf

    try:
        pdf = pikepdf.open(path)
    except pikepdf.PasswordError as exc:
        raise Rejected("encrypted", f"PDF «{label}» có mật khẩu, không mở được.") from exc
    except (pikepdf.PdfError, OSError, ValueError) as exc:
        raise Rejected("truncated", f"PDF «{label}» bị hỏng, không đọc được: {str(exc)[:120]}") from exc
    with pdf:
        if pdf.is_encrypted:
            raise Rejected("encrypted", f"PDF «{label}» bị mã hóa.")
        found = active_pdf_content(pdf)
        if found:
            raise Rejected("active_pdf", f"PDF «{label}» chứa {', '.join(found)}: đã cách ly, không xử lý.",
                           quarantine=True)
        pages = len(pdf.pages)
        if pages == 0:
            raise Rejected("empty", f"PDF «{label}» không có trang nào.")
        if pages > limits.max_pages:
            raise Rejected("too_many_pages", f"PDF «{label}» có {pages} trang, vượt giới hạn {limits.max_pages}.")
        box = pdf.pages[0].mediabox
        width, height = abs(float(box[2]) - float(box[0])), abs(float(box[3]) - float(box[1]))
    return FileInfo(kind="pdf", pages=pages, width=round(width), height=round(height))


def inspect_access_pdf(path: str | Path, *, name: str | None = None, limits: Limits = LIMITS) -> FileInfo:
    """Check an access PDF received from elsewhere (a transfer package) before it is stored and served: what
    `inspect_file` checks of a PDF, and none of what an access copy made here never holds (`interactive_pdf_content`).
    Raises Rejected ("active_pdf", quarantine) with what was found."""
    path = Path(path)
    label = name or path.name
    with open(path, "rb") as fh:
        if sniff(fh.read(64)) != "pdf":
            raise Rejected("not_pdf", f"Tệp «{label}» không phải PDF.")
    try:
        info = inspect_file(path, name=label, limits=limits)
    except Rejected as exc:
        if exc.code != "active_pdf":
            raise
        info = None
    import pikepdf

    with pikepdf.open(path) as pdf:
        found = active_pdf_content(pdf) + interactive_pdf_content(pdf)
    if found or info is None:
        what = ", ".join(dict.fromkeys(found)) or "nội dung chủ động"
        raise Rejected("active_pdf", f"PDF «{label}» chứa {what}: bản PDF khai thác không được có nội dung chủ động, "
                                     "không nhận.", quarantine=True)
    return info


def interactive_pdf_content(pdf) -> list[str]:
    """Actions run on opening or on events, links, annotations and forms a PDF carries (see PDF_INTERACTIVE_KEYS);
    an empty list for an access copy made here."""
    import pikepdf

    found: list[str] = []

    def look(obj) -> None:
        for key in obj.keys():
            if key in PDF_INTERACTIVE_KEYS:
                found.append(PDF_INTERACTIVE_KEYS[key])
            elif key == "/Annots":
                annots = obj.get("/Annots")
                if not isinstance(annots, pikepdf.Array) or len(annots):
                    found.append("chú thích (annotation)")
        for value in (obj.get("/S"), obj.get("/Subtype")):
            if isinstance(value, pikepdf.Name) and str(value) in PDF_INTERACTIVE_NAMES:
                found.append(PDF_INTERACTIVE_NAMES[str(value)])

    _walk(pdf, look)
    return list(dict.fromkeys(found))


def active_pdf_content(pdf) -> list[str]:
    """What active or hidden content a PDF carries (JavaScript, launch actions, attachments, XFA…), found by
    walking every object, direct ones included; an empty list for a plain scanned PDF."""
    import pikepdf

    found: list[str] = []

    def note(what: str) -> None:
        if what not in found:
            found.append(what)

    def look(obj) -> None:
        for key in obj.keys():
            if key in PDF_ACTIVE_KEYS:
                note(PDF_ACTIVE_KEYS[key])
            elif key == "/EF":
                note("tệp đính kèm")
        for value in (obj.get("/S"), obj.get("/Type"), obj.get("/Subtype")):
            if isinstance(value, pikepdf.Name) and str(value) in PDF_ACTIVE_ACTIONS:
                note(PDF_ACTIVE_ACTIONS[str(value)])
            elif isinstance(value, pikepdf.Name) and str(value) in ("/EmbeddedFile", "/FileAttachment"):
                note("tệp đính kèm")

    _walk(pdf, look)
    return found


def _walk(pdf, look) -> None:
    """Call `look` on every dictionary and stream of the PDF: the trailer, every object, and the direct
    dictionaries nested in them (to a depth of 32)."""
    import pikepdf

    def visit(obj, depth: int) -> None:
        if depth > 32:
            return
        if isinstance(obj, pikepdf.Dictionary | pikepdf.Stream):
            look(obj)
            children = (obj.get(k) for k in obj.keys())
        elif isinstance(obj, pikepdf.Array):
            children = iter(obj)
        else:
            return
        for child in children:
            if isinstance(child, pikepdf.Dictionary | pikepdf.Array) and not child.is_indirect:
                visit(child, depth + 1)

    visit(pdf.trailer, 0)
    for obj in pdf.objects:
        visit(obj, 0)
