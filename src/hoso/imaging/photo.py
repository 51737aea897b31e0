"""A page photographed rather than scanned (ảnh chụp trang giấy quá mục, không quét được): find the page in the
photo, flatten it to a straight rectangle at a known resolution, crop the desk away and even the light.

With OpenCV (opencv-python-headless, Apache-2.0: a well-kept library, rather than hand-written geometry):
1. find the page on a copy reduced to FIND_SIDE pixels: the page is the paper, brighter than the desk around it.
   Candidate regions come from a global (Otsu) threshold of the blurred grey copy and from its edges (Canny,
   closed); each region is closed and opened so that text and a patterned desk do not break it, its convex hull
   is reduced to four corners (approxPolyDP), and it is accepted only if it is large, convex, nearly
   rectangular in angles and nearly fills its four corners (a hand, a wall, a shadow do not). Each side is
   then refitted as a straight line through the region's own border points (robust fit, so that a torn edge
   does not pull it) and the corners are where those lines meet;
2. correct the perspective: the four corners are mapped onto a rectangle (warpPerspective, bilinear): an A4
   page (210 × 297 mm) when the sides found are within A4_TOLERANCE of its shape, else the sides' own lengths;
   at a resolution given by the page's pixels (assuming the A4 height), rounded to DPI_STEP, in MIN_DPI..MAX_DPI;
3. even the light: each colour channel is divided by the paper's tone under it (readability.paper_background:
   a large median of a reduced copy) and multiplied by the paper's own tone, so the light falling off towards a
   corner disappears while the colours stay as they were (blue ink, a red seal, the yellowed paper). The OCR
   reads a grey copy of this image (imaging.ocr.ocr_view).

When no page is found (a wall, a hand, a page filling the whole frame) the whole photo is kept, its light
evened, with the reason. A person may check the outline found and set the four corners themselves (the viewer's
«Kiểm tra khung trang»): `flatten_photo(..., corners=...)` then skips step 1 and flattens the page those corners
outline (`check_corners` says first whether they can outline a page). Pure: no Django; the result says what was
done with which parameters, for the page's processing history.
"""

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import cv2
import numpy as np
from PIL import Image

from .raster import load_page
from .readability import paper_background

FIND_SIDE = 1000  # the page is looked for on a copy this many pixels on its long side
MIN_AREA = 0.15  # share of the frame a page must cover
MIN_FILL = 0.88  # share of its four-corner outline that the region fills (a hand fills far less)
MAX_ANGLE_OFF = 35.0  # degrees a corner may be off a right angle (perspective of a few degrees gives < 20)
A4_MM = (210.0, 297.0)
A4_TOLERANCE = 0.08  # relative difference of height/width from A4's √2 to treat the page as A4
MIN_DPI, MAX_DPI, DPI_STEP = 150, 300, 25
EDGE_MARGIN = 0.01  # a corner this close (share of the side) to the frame's edge is "on the edge"
MIN_SET_AREA = 0.02  # share of the photo that four corners set by a person must outline at least
EXIF_TURNED = (5, 6, 7, 8)  # EXIF orientations that swap the photo's width and height when it is made upright

REASONS = {
    "no_page": "Không tìm thấy trang giấy trong ảnh (không có vùng giấy sáng hình tứ giác); giữ nguyên cả ảnh.",
    "fills_frame": "Không tìm thấy mép trang giấy (vật được chụp chiếm cả khung ảnh); giữ nguyên cả ảnh.",
}


@dataclass
class Flattened:
    """A photographed page made flat: the image (RGB, or L for a grey photo) at `dpi`, and what was done."""

    image: Image.Image
    dpi: float
    found: bool
    corners: list[tuple[float, float]] | None  # in the photo's pixels: top-left, top-right, bottom-right, bottom-left
    code: str = ""  # why no page was found (REASONS), empty when one was
    reason: str = ""
    params: dict[str, Any] = field(default_factory=dict)


def _order(points: np.ndarray) -> np.ndarray:
    """Four points as top-left, top-right, bottom-right, bottom-left."""
    pts = points.reshape(4, 2).astype(np.float64)
    centre = pts.mean(axis=0)
    angles = np.arctan2(pts[:, 1] - centre[1], pts[:, 0] - centre[0])
    pts = pts[np.argsort(angles)]  # clockwise on screen (y down), starting near the left
    start = int(np.argmin(pts.sum(axis=1)))  # top-left: smallest x + y
    return np.roll(pts, -start, axis=0)


def _corner_angles(quad: np.ndarray) -> list[float]:
    out = []
    for i in range(4):
        a, b, c = quad[i - 1], quad[i], quad[(i + 1) % 4]
        u, v = a - b, c - b
        cos = float(np.dot(u, v) / max(1e-9, np.linalg.norm(u) * np.linalg.norm(v)))
        out.append(float(np.degrees(np.arccos(np.clip(cos, -1, 1)))))
    return out


def _quad(contour: np.ndarray) -> np.ndarray | None:
    hull = cv2.convexHull(contour)
    perimeter = cv2.arcLength(hull, True)
    for eps in (0.01, 0.015, 0.02, 0.03, 0.04, 0.05):
        approx = cv2.approxPolyDP(hull, eps * perimeter, True)
        if len(approx) == 4:
            return _order(approx)
        if len(approx) < 4:
            break
    return None


def _refine(quad: np.ndarray, contour: np.ndarray) -> np.ndarray:
    """Each side refitted through the contour's points that lie along it (the middle 80 %, near the line)."""
    points = contour.reshape(-1, 2).astype(np.float64)
    lines = []
    for i in range(4):
        a, b = quad[i], quad[(i + 1) % 4]
        side = b - a
        length = float(np.linalg.norm(side))
        direction = side / max(length, 1e-9)
        normal = np.array([-direction[1], direction[0]])
        rel = points - a
        along = rel @ direction
        across = np.abs(rel @ normal)
        near = points[(along > 0.1 * length) & (along < 0.9 * length) & (across < max(3.0, 0.01 * length))]
        if len(near) < 10:
            lines.append((a, direction))
            continue
        vx, vy, x0, y0 = cv2.fitLine(near.astype(np.float32), cv2.DIST_HUBER, 0, 0.01, 0.01).ravel()
        lines.append((np.array([x0, y0], dtype=np.float64), np.array([vx, vy], dtype=np.float64)))
    corners = []
    for i in range(4):  # corner i is where side i-1 meets side i
        (p, d), (q, e) = lines[i - 1], lines[i]
        matrix = np.array([d, -e]).T
        if abs(np.linalg.det(matrix)) < 1e-9:
            corners.append(quad[i])
            continue
        t = np.linalg.solve(matrix, q - p)
        corners.append(p + t[0] * d)
    refined = np.array(corners)
    # A refit that moved a corner far (a side with too few points of its own) is not trusted.
    if np.max(np.linalg.norm(refined - quad, axis=1)) > 0.05 * max(np.ptp(quad[:, 0]), np.ptp(quad[:, 1])):
        return quad
    return refined


def _candidates(grey: np.ndarray) -> list[list[np.ndarray]]:
    """Regions that may be the page, in groups by method, the most trusted method first: the paper brighter
    than the desk (Otsu), then closed edges (for a pale desk)."""
    blur = cv2.GaussianBlur(grey, (5, 5), 0)
    side = max(grey.shape)
    close = cv2.getStructuringElement(cv2.MORPH_RECT, (max(3, side // 60) | 1,) * 2)
    opening = cv2.getStructuringElement(cv2.MORPH_RECT, (max(3, side // 100) | 1,) * 2)
    masks = []
    _, otsu = cv2.threshold(blur, 0, 255, cv2.THRESH_BINARY + cv2.THRESH_OTSU)
    masks.append(cv2.morphologyEx(cv2.morphologyEx(otsu, cv2.MORPH_CLOSE, close), cv2.MORPH_OPEN, opening))
    edges = cv2.Canny(blur, 40, 120)
    edges = cv2.morphologyEx(cv2.dilate(edges, np.ones((3, 3), np.uint8)), cv2.MORPH_CLOSE, close)
    masks.append(edges)
    groups = []
    for mask in masks:
        found, _ = cv2.findContours(mask, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_NONE)
        groups.append(sorted(found, key=cv2.contourArea, reverse=True)[:3])
    return groups


def _accept(contour: np.ndarray, shape: tuple[int, ...], frame_area: float) -> tuple[np.ndarray | None, bool]:
    """(the region's four corners if it can be the page, whether it was refused for being the frame itself)."""
    area = cv2.contourArea(contour)
    if area < MIN_AREA * frame_area:
        return None, False
    quad = _quad(contour)
    if quad is None:
        return None, False
    quad_area = cv2.contourArea(quad.astype(np.float32))
    if not cv2.isContourConvex(quad.astype(np.float32)) or area < MIN_FILL * quad_area:
        return None, False
    if any(abs(a - 90) > MAX_ANGLE_OFF for a in _corner_angles(quad)):
        return None, False
    height, width = shape[:2]
    margin_x, margin_y = EDGE_MARGIN * width, EDGE_MARGIN * height
    if all(x < margin_x or y < margin_y or x > width - 1 - margin_x or y > height - 1 - margin_y for x, y in quad):
        return None, True  # the "page" is the frame itself
    return quad, False


def find_page(image: Image.Image) -> tuple[np.ndarray | None, str, dict[str, Any]]:
    """(the four corners of the page in the image's pixels — top-left, top-right, bottom-right, bottom-left —
    or None, the code of the reason when None, what was measured)."""
    pixels = np.asarray(image.convert("L") if image.mode not in ("L", "RGB") else image)
    height, width = pixels.shape[:2]
    scale = min(1.0, FIND_SIDE / max(height, width))
    small = cv2.resize(pixels, (max(1, round(width * scale)), max(1, round(height * scale))),
                       interpolation=cv2.INTER_AREA)
    grey = cv2.cvtColor(small, cv2.COLOR_RGB2GRAY) if small.ndim == 3 else small
    frame_area = grey.shape[0] * grey.shape[1]
    best, best_area, touching, method = None, 0.0, False, ""
    for name, group in zip(("otsu", "canny"), _candidates(grey), strict=True):
        for contour in group:
            quad, on_frame = _accept(contour, grey.shape, frame_area)
            touching = touching or on_frame
            if quad is not None and cv2.contourArea(quad.astype(np.float32)) > best_area:
                best, best_area, method = _refine(quad, contour), cv2.contourArea(quad.astype(np.float32)), name
        if best is not None:
            break
    measured: dict[str, Any] = {"find_scale": round(scale, 4)}
    if best is None:
        return None, "fills_frame" if touching else "no_page", measured
    # Back to the photo's pixels (pixel centres: x_full + 0.5 = (x_small + 0.5) / scale).
    corners = (best + 0.5) / scale - 0.5
    measured.update(page_share=round(best_area / frame_area, 3), found_by=method)
    return corners, "", measured


def output_size(corners: np.ndarray) -> tuple[int, int, float, bool]:
    """(width, height, dpi, treated as A4) of the flat page for four corners."""
    tl, tr, br, bl = corners
    width = max(np.linalg.norm(tr - tl), np.linalg.norm(br - bl))
    height = max(np.linalg.norm(bl - tl), np.linalg.norm(br - tr))
    long_side, short_side = max(width, height), min(width, height)
    a4 = abs((long_side / max(short_side, 1)) / (A4_MM[1] / A4_MM[0]) - 1) <= A4_TOLERANCE
    effective = long_side / (A4_MM[1] / 25.4)  # pixels per inch if the page is A4-high
    dpi = float(min(MAX_DPI, max(MIN_DPI, round(effective / DPI_STEP) * DPI_STEP)))
    if a4:
        short_px, long_px = round(A4_MM[0] / 25.4 * dpi), round(A4_MM[1] / 25.4 * dpi)
    else:
        factor = dpi / effective
        short_px, long_px = round(short_side * factor), round(long_side * factor)
    if width >= height:
        return long_px, short_px, dpi, a4
    return short_px, long_px, dpi, a4


def even_light(pixels: np.ndarray) -> tuple[np.ndarray, list[int]]:
    """The image with the paper's tone made even (grey or RGB, uint8), keeping its colour; and that tone."""
    background = paper_background(pixels)
    sample = background[::8, ::8].reshape(-1, 1 if pixels.ndim == 2 else pixels.shape[2])
    tone = [int(v) for v in np.percentile(sample, 90, axis=0)]
    if pixels.ndim == 2:
        return cv2.divide(pixels, np.maximum(background, 1), scale=tone[0]), tone
    channels = [cv2.divide(pixels[:, :, c], np.maximum(background[:, :, c], 1), scale=tone[c])
                for c in range(pixels.shape[2])]
    return cv2.merge(channels), tone


def check_corners(corners: Sequence[Sequence[float]], size: tuple[int, int]) -> str:
    """Whether four corners set by a person can outline a page in a photo of `size` (width, height, upright):
    "" when they can, else a code — "count" (not four points of two numbers), "outside" (a corner off the photo),
    "order" (not top-left, top-right, bottom-right, bottom-left going round: crossed sides or a concave outline),
    "small" (the outline covers less than MIN_SET_AREA of the photo)."""
    try:
        quad = np.array([[float(x), float(y)] for x, y in corners], dtype=np.float64)
    except (TypeError, ValueError):
        return "count"
    if quad.shape != (4, 2) or not np.all(np.isfinite(quad)):
        return "count"
    width, height = size
    if np.any(quad < -0.5) or np.any(quad[:, 0] > width - 0.5) or np.any(quad[:, 1] > height - 0.5):
        return "outside"
    # Going round top-left → top-right → bottom-right → bottom-left turns the same way (clockwise on screen) at
    # every corner when the outline is convex and its sides do not cross.
    turns = []
    for i in range(4):
        (ax, ay), (bx, by) = quad[(i + 1) % 4] - quad[i], quad[(i + 2) % 4] - quad[(i + 1) % 4]
        turns.append(float(ax * by - ay * bx))
    if not all(t > 0 for t in turns) or not (quad[0, 0] < quad[1, 0] and quad[3, 0] < quad[2, 0]
                                             and quad[0, 1] < quad[3, 1] and quad[1, 1] < quad[2, 1]):
        return "order"
    if cv2.contourArea(quad.astype(np.float32)) < MIN_SET_AREA * width * height:
        return "small"
    return ""


def upright_size(path: str | Path, *, kind: str, frame: int = 0) -> tuple[int, int]:
    """(width, height) of a master photo as the pipeline sees it (made upright from its EXIF orientation): the
    space the corners of its page are given in. Reads only the file's header (a PDF page is rendered)."""
    if kind == "pdf":
        image = load_page(path, kind=kind, frame=frame).image
        return image.width, image.height
    with Image.open(path) as img:
        if frame:
            img.seek(frame)
        width, height = img.size
        if img.getexif().get(0x0112, 1) in EXIF_TURNED:
            width, height = height, width
    return width, height


def flatten_photo(image: Image.Image, *, dpi: float,
                  corners: Sequence[Sequence[float]] | None = None) -> Flattened:
    """The page found in a photo, flat and evenly lit; or the whole photo, evenly lit, with the reason.
    `dpi` is the photo's own (plausible) resolution, kept when no page is found. `corners` (top-left, top-right,
    bottom-right, bottom-left, in the photo's pixels, checked by `check_corners`): the page's outline as a person
    set it; the page is then not looked for."""
    work = image if image.mode in ("L", "RGB") else image.convert("RGB")
    pixels = np.asarray(work)
    params: dict[str, Any] = {"method": "opencv " + cv2.__version__, "photo_size": [work.width, work.height]}
    if corners is not None:
        found: np.ndarray | None = np.array([[float(x), float(y)] for x, y in corners], dtype=np.float64)
        code = ""
        params["outline"] = "set"  # by a person: the Django layer says who
    else:
        found, code, measured = find_page(work)
        params.update(measured, outline="found")
    if found is None:
        flat, tone = even_light(pixels)
        params.update(found=False, reason=code, size=[work.width, work.height], dpi=round(dpi),
                      flattening={"background": "median", "paper_tone": tone})
        return Flattened(image=Image.fromarray(flat, work.mode), dpi=dpi, found=False, corners=None, code=code,
                         reason=REASONS[code], params=params)
    out_w, out_h, out_dpi, a4 = output_size(found)
    target = np.array([[0, 0], [out_w - 1, 0], [out_w - 1, out_h - 1], [0, out_h - 1]], dtype=np.float32)
    matrix = cv2.getPerspectiveTransform(found.astype(np.float32), target)
    warped = cv2.warpPerspective(pixels, matrix, (out_w, out_h), flags=cv2.INTER_LINEAR,
                                 borderMode=cv2.BORDER_REPLICATE)
    flat, tone = even_light(warped)
    params.update(found=True, corners=[[round(float(x), 1), round(float(y), 1)] for x, y in found],
                  size=[out_w, out_h], dpi=out_dpi, a4=a4, interpolation="bilinear",
                  flattening={"background": "median", "paper_tone": tone})
    return Flattened(image=Image.fromarray(flat, work.mode), dpi=out_dpi, found=True,
                     corners=[(float(x), float(y)) for x, y in found], params=params)
