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


@dataclass(frozen=True)
class PhotoSpecimen:
    """A generated phone photo of a page: the photo, the text on the page, and where the page's corners are
    (top-left, top-right, bottom-right, bottom-left, in the photo's pixels); no corners for a photo without a page."""

    image: Image.Image
    text: str
    corners: tuple[tuple[float, float], ...] = ()


_PAPER_RGB = (228, 210, 162)  # yellowed paper
_INK_RGB = (28, 48, 135)  # blue ink


def _desk(rng: random.Random, width: int, height: int, kind: str):
    import numpy as np

    y, x = np.mgrid[0:height, 0:width].astype(np.float32)
    if kind == "check":  # a dark checked tablecloth with lighter threads
        cell = rng.randrange(50, 90)
        base = np.where(((x // cell) + (y // cell)) % 2 == 0, 45.0, 80.0)
        base += np.where((x % cell < 4) | (y % cell < 4), 35.0, 0.0)
        colour = np.array([0.9, 0.8, 1.0])
    else:  # dark wood: wavy grain
        phase = rng.uniform(0, 6.28)
        grain = np.sin(x / 9.0 + 3 * np.sin(y / 140.0 + phase)) + 0.5 * np.sin(x / 2.7 + y / 400.0)
        base = 60.0 + 18.0 * grain
        colour = np.array([1.0, 0.72, 0.5])
    return base[..., None] * colour


def _light(rng: random.Random, width: int, height: int, drop: float):
    """A factor 1 → 1-drop across the frame in a random direction (light falling off towards a corner)."""
    import numpy as np

    angle = rng.uniform(0, 6.283)
    y, x = np.mgrid[0:height, 0:width].astype(np.float32)
    ramp = x * np.cos(angle) + y * np.sin(angle)
    ramp = (ramp - ramp.min()) / max(1e-6, float(ramp.max() - ramp.min()))
    return (1.0 - drop * ramp)[..., None]


def _finish(rng: random.Random, pixels, *, noise: float, quality: int) -> Image.Image:
    import numpy as np

    noisy = pixels + np.random.default_rng(rng.randrange(1 << 30)).normal(0, noise, pixels.shape)
    image = Image.fromarray(np.clip(noisy, 0, 255).astype(np.uint8), "RGB")
    out = io.BytesIO()
    image.save(out, "JPEG", quality=quality)
    return Image.open(io.BytesIO(out.getvalue()))


def photographed_page(*, seed: int, frame: tuple[int, int] = (1800, 2400), cover: float = 0.75,
                      tilt: tuple[float, float] = (6.0, -6.0), turn: float = 2.0, desk: str = "wood",
                      light_drop: float = 0.4, noise: float = 4.0, quality: int = 85, sentences: int = 10,
                      torn: bool = True) -> PhotoSpecimen:
    """A phone photo of a page of an old dossier: yellowed paper, blue ink, lying on a dark or patterned desk,
    seen in perspective (`tilt` degrees about the page's horizontal and vertical axes, `turn` in its plane),
    covering `cover` of the frame, light falling off by `light_drop` towards a corner, camera noise, JPEG."""
    import cv2
    import numpy as np

    rng = random.Random(seed)
    width, height = frame
    page_dpi = round(max(width, height) * (cover ** 0.5) / (A4_MM[1] / 25.4) * 1.15)
    page, text = render_page(page_text(seed=seed, sentences=sentences), dpi=page_dpi)
    ink_share = 1.0 - np.asarray(page, dtype=np.float32)[..., None] / 255.0
    paper = np.array(_PAPER_RGB, dtype=np.float32)
    tone = 1.0 - 0.04 * cv2.resize(np.random.default_rng(seed).random((6, 4), dtype=np.float32),
                                   page.size, interpolation=cv2.INTER_CUBIC)[..., None]
    rgb = (paper * tone) * (1 - ink_share) + np.array(_INK_RGB, dtype=np.float32) * ink_share
    mask = np.full((page.height, page.width), 255, np.uint8)
    if torn:  # bites out of the right and bottom edges, away from the corners
        for _ in range(5):
            along = rng.uniform(0.2, 0.8)
            depth, span = rng.uniform(0.005, 0.015), rng.uniform(0.02, 0.06)
            if rng.random() < 0.5:
                cy, w = along * page.height, page.width
                tri = [(w, cy - span * page.height), (w * (1 - depth), cy), (w, cy + span * page.height)]
            else:
                cx, h = along * page.width, page.height
                tri = [(cx - span * page.width, h), (cx, h * (1 - depth)), (cx + span * page.width, h)]
            cv2.fillPoly(mask, [np.array(tri, dtype=np.int32)], 0)
    # The page in 3-D (millimetres, centred), tilted and turned, seen by a pinhole camera 600 mm above.
    ax, ay, az = (np.radians(v) for v in (*tilt, turn))
    rx = np.array([[1, 0, 0], [0, np.cos(ax), -np.sin(ax)], [0, np.sin(ax), np.cos(ax)]])
    ry = np.array([[np.cos(ay), 0, np.sin(ay)], [0, 1, 0], [-np.sin(ay), 0, np.cos(ay)]])
    rz = np.array([[np.cos(az), -np.sin(az), 0], [np.sin(az), np.cos(az), 0], [0, 0, 1]])
    half = np.array(A4_MM) / 2
    flat = np.array([[-half[0], -half[1], 0], [half[0], -half[1], 0], [half[0], half[1], 0], [-half[0], half[1], 0]])
    seen = flat @ (rz @ ry @ rx).T + np.array([0, 0, 600.0])
    quad = seen[:, :2] / seen[:, 2:3]
    area = cv2.contourArea(quad.astype(np.float32))
    quad *= (cover * width * height / area) ** 0.5
    low, high = quad.min(axis=0), quad.max(axis=0)
    room = np.array([width, height]) - (high - low)
    quad += -low + room * np.array([rng.uniform(0.3, 0.7), rng.uniform(0.3, 0.7)])
    source = np.array([[0, 0], [page.width - 1, 0], [page.width - 1, page.height - 1], [0, page.height - 1]],
                      dtype=np.float32)
    matrix = cv2.getPerspectiveTransform(source, quad.astype(np.float32))
    warped = cv2.warpPerspective(rgb, matrix, (width, height), flags=cv2.INTER_AREA)
    alpha = cv2.warpPerspective(mask, matrix, (width, height), flags=cv2.INTER_LINEAR)[..., None] / 255.0
    scene = _desk(rng, width, height, desk) * (1 - alpha) + warped * alpha
    scene *= _light(rng, width, height, light_drop)
    image = _finish(rng, scene, noise=noise, quality=quality)
    return PhotoSpecimen(image=image, text=text, corners=tuple((float(x), float(y)) for x, y in quad))


def photographed_nothing(*, seed: int, subject: str, frame: tuple[int, int] = (1800, 2400)) -> PhotoSpecimen:
    """A phone photo without a page: "wall" (a plain, lit wall) or "hand" (a hand over a dark desk)."""
    import cv2
    import numpy as np

    rng = random.Random(seed)
    width, height = frame
    if subject == "wall":
        grain = cv2.resize(np.random.default_rng(seed).random((height // 40, width // 40), dtype=np.float32),
                           (width, height), interpolation=cv2.INTER_CUBIC)
        scene = (200.0 + 15.0 * grain)[..., None] * np.array([1.0, 0.97, 0.9])
    else:
        scene = _desk(rng, width, height, "wood")
        skin = np.zeros((height, width), np.uint8)
        cx, cy = width // 2, int(height * 0.62)
        cv2.ellipse(skin, (cx, cy), (width // 5, height // 7), 0, 0, 360, 255, -1)
        for i, length in enumerate((0.22, 0.27, 0.28, 0.25)):
            x = cx - width // 7 + i * width // 11
            cv2.line(skin, (x, cy), (x - width // 30 + i * width // 60, int(cy - length * height)), 255,
                     width // 16)
        cv2.line(skin, (cx + width // 6, cy), (cx + width // 3, cy - height // 10), 255, width // 14)  # thumb
        cv2.rectangle(skin, (cx - width // 6, cy), (cx + width // 8, height), 255, -1)  # wrist
        hand = (skin.astype(np.float32) / 255.0)[..., None]
        scene = scene * (1 - hand) + np.array([222.0, 170.0, 140.0]) * hand
    scene *= _light(rng, width, height, 0.4)
    return PhotoSpecimen(image=_finish(rng, scene, noise=4.0, quality=85), text="")
