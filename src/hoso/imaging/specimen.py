"""Synthetic scans of Vietnamese dossier pages, for the demo, the tests and the benchmark.

A page is typeset with Pillow in a font that has every Vietnamese glyph (Noto Serif / DejaVu Serif from
Debian's fonts-noto-core and fonts-dejavu), then made to look scanned: a slight rotation, paper tone,
speckle noise, fading, JPEG artefacts. The text that was typeset is returned with the image, so OCR quality
can be measured (character error rate) against the truth.
"""

import io
import random
from dataclasses import dataclass
from pathlib import Path
from statistics import NormalDist

from PIL import Image, ImageDraw, ImageFilter, ImageFont

FONT_CANDIDATES = (
    "/usr/share/fonts/truetype/noto/NotoSerif-Regular.ttf",
    "/usr/share/fonts/truetype/dejavu/DejaVuSerif.ttf",
    "/usr/share/fonts/truetype/noto/NotoSans-Regular.ttf",
    "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
)
A4_MM = (210, 297)

HEADINGS = (
    "GIẤY BÁO TỬ", "BIÊN BẢN GIÁM ĐỊNH Y KHOA", "QUYẾT ĐỊNH VỀ VIỆC TRỢ CẤP HẰNG THÁNG",
    "BẢN KHAI CÁ NHÂN", "GIẤY CHỨNG NHẬN BỊ THƯƠNG", "TRÍCH LỤC HỒ SƠ NGƯỜI CÓ CÔNG",
)
SENTENCES = (
    "Đồng chí Nguyễn Văn Đức, sinh năm 1950, quê quán xã Triệu Long, huyện Triệu Phong, tỉnh Quảng Trị.",
    "Nhập ngũ tháng 3 năm 1968, cấp bậc trung sĩ, chức vụ tiểu đội trưởng, đơn vị Trung đoàn 48.",
    "Đã hy sinh ngày 12 tháng 7 năm 1972 tại mặt trận Thành cổ Quảng Trị trong khi làm nhiệm vụ.",
    "Thi hài đồng chí được an táng tại Nghĩa trang liệt sĩ quốc gia Đường 9, khu B, hàng 4, mộ số 17.",
    "Gia đình được hưởng chế độ ưu đãi theo quy định của Pháp lệnh Ưu đãi người có công với cách mạng.",
    "Bà Phan Thị Lài là mẹ đẻ của liệt sĩ, hiện cư trú tại thôn Đông Hà, được hưởng trợ cấp tuất hằng tháng.",
    "Hội đồng giám định y khoa tỉnh kết luận tỷ lệ tổn thương cơ thể do thương tật là bốn mươi mốt phần trăm.",
    "Căn cứ Nghị định số 131/2021/NĐ-CP ngày 30 tháng 12 năm 2021 của Chính phủ quy định chi tiết.",
    "Sở Lao động Thương binh và Xã hội đề nghị cấp Bằng Tổ quốc ghi công cho gia đình liệt sĩ.",
    "Ông Lê Quang Vinh bị thương ngày 5 tháng 4 năm 1975 tại Huế, vết thương ở chân trái và cánh tay phải.",
    "Người thờ cúng liệt sĩ là ông Trần Hữu Nghĩa, cháu ruột, thường trú tại phường Đông Lương.",
    "Hồ sơ gồm giấy báo tử, bản trích lục, quyết định cấp Bằng và các giấy tờ liên quan khác kèm theo.",
    "Đề nghị các cơ quan, đơn vị có liên quan xem xét, giải quyết chế độ theo đúng quy định hiện hành.",
    "Bà mẹ Việt Nam anh hùng Hoàng Thị Nhị có ba người con là liệt sĩ, hy sinh trong kháng chiến chống Mỹ.",
    "Người hoạt động kháng chiến bị nhiễm chất độc hóa học, công tác tại vùng Vĩnh Linh từ năm 1968.",
)


@dataclass(frozen=True)
class Specimen:
    """A generated page: the image as a scanner or phone would deliver it, and the text typeset on it."""

    image: Image.Image
    text: str


def find_font() -> Path:
    for candidate in FONT_CANDIDATES:
        if Path(candidate).exists():
            return Path(candidate)
    raise FileNotFoundError("Không tìm thấy phông chữ có đủ dấu tiếng Việt (cài fonts-noto-core).")


def page_text(*, seed: int, sentences: int = 12) -> str:
    """Paragraphs for one page: a heading and sentences drawn (reproducibly) from the corpus."""
    rng = random.Random(seed)
    body = [rng.choice(SENTENCES) for _ in range(sentences)]
    return "\n".join([rng.choice(HEADINGS), *body])


def _wrap(draw: ImageDraw.ImageDraw, text: str, font: ImageFont.FreeTypeFont, width: int) -> list[str]:
    lines: list[str] = []
    for paragraph in text.split("\n"):
        line = ""
        for word in paragraph.split():
            trial = f"{line} {word}".strip()
            if line and draw.textlength(trial, font=font) > width:
                lines.append(line)
                line = word
            else:
                line = trial
        lines.append(line)
    return lines


def render_page(text: str, *, dpi: int = 300, font_pt: float = 12.0,
                size_mm: tuple[int, int] = A4_MM) -> tuple[Image.Image, str]:
    """Typeset text on a clean white page (grey, 8-bit) at `dpi`; returns the page and the text that fitted."""
    width, height = (round(mm / 25.4 * dpi) for mm in size_mm)
    page = Image.new("L", (width, height), 255)
    draw = ImageDraw.Draw(page)
    font = ImageFont.truetype(str(find_font()), size=round(font_pt / 72 * dpi))
    margin = round(20 / 25.4 * dpi)
    y = margin
    line_height = round(font.size * 1.6)
    fitted: list[str] = []
    for line in _wrap(draw, text, font, width - 2 * margin):
        if y + line_height > height - margin:
            break
        draw.text((margin, y), line, font=font, fill=20)
        fitted.append(line)
        y += line_height
    return page, "\n".join(fitted)


def age(page: Image.Image, *, seed: int, skew_deg: float = 0.0, noise: float = 0.0, fade: float = 0.0,
        blur: float = 0.0) -> Image.Image:
    """Make a clean page look scanned: faded ink on toned paper, speckles, blur, a slight rotation.

    noise is the share of pixels turned into dark or light speckles (0.01 = 1 %); fade in 0..1 lightens
    the ink towards the paper tone.
    """
    rng = random.Random(seed)
    paper = 235 - rng.randrange(0, 15)
    ink = round(20 + fade * (paper - 60))
    # Map ink (0) and paper (255) to the faded tones with one lookup table.
    lut = [round(ink + (paper - ink) * v / 255) for v in range(256)]
    img = page.point(lut)
    if blur:
        img = img.filter(ImageFilter.GaussianBlur(blur))
    if noise:
        # Gaussian noise clipped at 0 and 255: the clipped tails (each noise/2 of the pixels) become 2x2 specks.
        sigma = 128 / NormalDist().inv_cdf(1 - noise / 2)
        half = Image.effect_noise((img.width // 2, img.height // 2), sigma).resize(img.size, Image.Resampling.NEAREST)
        img.paste(max(0, ink - 10), mask=half.point(lambda v: 255 if v == 0 else 0, "1"))
        img.paste(paper, mask=half.point(lambda v: 255 if v == 255 else 0, "1"))
    if skew_deg:
        img = img.rotate(skew_deg, resample=Image.Resampling.BILINEAR, expand=False, fillcolor=paper)
    return img


def scanned_page(*, seed: int, dpi: int = 300, skew_deg: float | None = None, noise: float = 0.004,
                 fade: float = 0.3, sentences: int = 20, mode: str = "L") -> Specimen:
    """A typical page of an old dossier as scanned: 1–3° of skew (either way), light noise and fading."""
    rng = random.Random(seed)
    if skew_deg is None:
        skew_deg = rng.choice((-1, 1)) * rng.uniform(1.0, 3.0)
    page, text = render_page(page_text(seed=seed, sentences=sentences), dpi=dpi)
    img = age(page, seed=seed, skew_deg=skew_deg, noise=noise, fade=fade, blur=0.6)
    if mode != "L":
        img = img.convert(mode)
    return Specimen(image=img, text=text)


def encode(image: Image.Image, fmt: str, *, dpi: int = 300, quality: int = 75, exif_orientation: int | None = None,
           ) -> bytes:
    """The bytes a device would write: JPEG (with artefacts at `quality`, optional EXIF orientation),
    PNG, TIFF (LZW) or WebP."""
    out = io.BytesIO()
    fmt = fmt.upper()
    if fmt in ("JPG", "JPEG"):
        exif = Image.Exif()
        if exif_orientation:
            exif[0x0112] = exif_orientation
        image.save(out, "JPEG", quality=quality, dpi=(dpi, dpi), exif=exif.tobytes())
    elif fmt in ("TIF", "TIFF"):
        image.save(out, "TIFF", compression="tiff_lzw", dpi=(dpi, dpi))
    else:
        image.save(out, fmt, dpi=(dpi, dpi))
    return out.getvalue()


def bomb_png(path: Path, side: int = 30_000) -> Path:
    """A real, valid PNG of side × side pixels (1-bit, all black) that is only ~100 KB on disk: the shape of
    a decompression bomb (decoding it as 8-bit grey would need side² bytes: 900 MB for 30,000)."""
    import struct
    import zlib

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    row = b"\x00" + b"\x00" * ((side + 7) // 8)
    packer = zlib.compressobj(9)
    data = b"".join(packer.compress(row) for _ in range(side)) + packer.flush()
    header = struct.pack(">IIBBBBB", side, side, 1, 0, 0, 0, 0)
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", data) + chunk(b"IEND", b""))
    return path


def pdf_with_javascript(path: Path, image: Image.Image) -> Path:
    """A scanned-looking one-page PDF that also runs JavaScript when opened."""
    import img2pdf
    import pikepdf

    raw = img2pdf.convert(encode(image, "jpeg"))
    with pikepdf.open(io.BytesIO(raw)) as pdf:
        pdf.Root.OpenAction = pdf.make_indirect(pikepdf.Dictionary(
            Type=pikepdf.Name.Action, S=pikepdf.Name.JavaScript, JS=pikepdf.String("app.alert('xin chào');")))
        pdf.save(path)
    return path


def hostile_files(folder: Path, *, image: Image.Image) -> dict[str, Path]:
    """The bad input a scanner folder can hold, one file each (names say what they are)."""
    folder.mkdir(parents=True, exist_ok=True)
    files = {
        "empty": folder / "rong.jpg",
        "text": folder / "van-ban.jpg",
        "truncated_tiff": folder / "cat-cut.tif",
        "bomb": folder / "qua-lon.png",
        "javascript_pdf": folder / "co-javascript.pdf",
        "traversal": folder / "..\\..\\thoat-ra.jpg",
    }
    files["empty"].write_bytes(b"")
    files["text"].write_text("Đây là một tệp văn bản, không phải ảnh.\n", encoding="utf-8")
    tiff = encode(image, "tiff")
    files["truncated_tiff"].write_bytes(tiff[: len(tiff) * 6 // 10])
    bomb_png(files["bomb"])
    pdf_with_javascript(files["javascript_pdf"], image)
    files["traversal"].write_bytes(encode(image, "jpeg"))
    return files
