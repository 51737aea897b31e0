"""The readability view of a faded page (chữ viết tay bị mờ): computed on demand for the screen, never stored, the
master untouched.

Three steps, with OpenCV (opencv-python-headless, Apache-2.0 — a well-kept library rather than hand-written
filters):
1. flatten the background: the paper's tone estimated by a large median on a reduced copy, and divided out, so
   yellowing, foxing and light falling off towards a corner become even white;
2. separate the ink from the paper: pen ink (blue, purple) is where the colour is saturated and its hue lies in the
   blue–violet band; those pixels are darkened, while stains of yellowed paper (saturated too, but yellow-brown)
   are not;
3. stretch the contrast locally (CLAHE), and — for the "đen trắng" view — binarise adaptively (each pixel against
   its neighbourhood), which keeps thin strokes where one global threshold loses them.
"""

import cv2
import numpy as np
from PIL import Image

MODES = {"ro": "Rõ chữ (làm phẳng nền, tăng tương phản)", "den-trang": "Đen trắng (tách chữ khỏi nền)"}
_BACKGROUND_WIDTH = 400  # the background is estimated on a copy this wide (fast, and smooth enough)
_INK_HUES = (95, 165)  # OpenCV hue (0–180): blue to violet
_INK_SATURATION = 40


def readable(image: Image.Image, mode: str = "ro") -> Image.Image:
    """The page made easier to read: "ro" (grey, even background, local contrast, ink darkened) or "den-trang"
    (black on white). Raises ValueError for another mode."""
    if mode not in MODES:
        raise ValueError(f"Kiểu xem không có: {mode}")
    if image.mode in ("L", "1"):  # a grey scan has no ink colour to separate
        grey = np.asarray(image.convert("L"))
        flat = _flatten(grey)
    else:
        rgb = np.asarray(image if image.mode == "RGB" else image.convert("RGB"))  # no copy when already RGB
        grey = cv2.cvtColor(rgb, cv2.COLOR_RGB2GRAY)
        flat = _darken_ink(rgb, _flatten(grey))
    clahe = cv2.createCLAHE(clipLimit=2.5, tileGridSize=(8, 8)).apply(flat)
    if mode == "den-trang":
        block = max(15, (min(grey.shape) // 40) | 1)  # odd, about a line of handwriting high
        # The mean of the neighbourhood (a box filter: the same cost whatever the block size).
        out = cv2.adaptiveThreshold(clahe, 255, cv2.ADAPTIVE_THRESH_MEAN_C, cv2.THRESH_BINARY, block, 12)
    else:
        out = clahe
    return Image.fromarray(out, mode="L")


def paper_background(pixels: np.ndarray) -> np.ndarray:
    """The paper's tone under the ink, at full size (grey or colour, uint8): a large median of a dilated copy
    reduced to _BACKGROUND_WIDTH pixels wide (so ink, which is thin and dark, drops out), enlarged back. Shared
    with imaging.photo, which evens the light of a photographed page with it."""
    height, width = pixels.shape[:2]
    scale = min(1.0, _BACKGROUND_WIDTH / width)
    small = cv2.resize(pixels, (max(1, int(width * scale)), max(1, int(height * scale))),
                       interpolation=cv2.INTER_AREA)
    kernel = max(3, (int(small.shape[1] / 12)) | 1)  # wider than a stroke, narrower than a shadow
    background = cv2.medianBlur(cv2.dilate(small, np.ones((3, 3), np.uint8)), kernel)
    return cv2.resize(background, (width, height), interpolation=cv2.INTER_LINEAR)


def _flatten(grey: np.ndarray) -> np.ndarray:
    return cv2.divide(grey, np.maximum(paper_background(grey), 1), scale=255)


def _darken_ink(rgb: np.ndarray, flat: np.ndarray) -> np.ndarray:
    hsv = cv2.cvtColor(rgb, cv2.COLOR_RGB2HSV)
    ink = cv2.inRange(hsv, (_INK_HUES[0], _INK_SATURATION, 0), (_INK_HUES[1], 255, 255))
    out = flat.copy()
    cv2.copyTo(cv2.multiply(flat, 0.45), ink, out)  # ink pixels darker, the rest as flattened
    return out
