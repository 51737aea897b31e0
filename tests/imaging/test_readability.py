"""The readability view of faded handwriting: the paper's tone and a shadow flattened out, blue ink darkened and
yellow stains not, local contrast up; the master untouched (computed on a copy)."""

import numpy as np
import pytest
from PIL import Image, ImageDraw

from hoso.imaging.readability import readable


@pytest.fixture
def faded_page() -> Image.Image:
    """Yellowed paper darkening towards one corner, faint blue handwriting, a yellow-brown stain."""
    width, height = 1200, 1600
    x = np.linspace(0, 1, width)[None, :]
    y = np.linspace(0, 1, height)[:, None]
    shade = 1 - 0.35 * (x * y)  # light falls off towards the bottom right
    paper = np.stack([232 * shade, 214 * shade, 170 * shade], axis=-1).astype(np.uint8)
    image = Image.fromarray(paper, "RGB")
    draw = ImageDraw.Draw(image)
    for row in range(12):
        top = 120 + row * 110
        draw.line([(100, top), (1100, top)], fill=(120, 135, 190), width=4)  # faint blue strokes
    draw.ellipse([700, 900, 950, 1150], fill=(200, 160, 90))  # a stain of yellowed paper
    return image


def test_the_readable_view_evens_the_paper_and_darkens_the_ink(faded_page):
    before = np.asarray(faded_page.convert("L"), dtype=float)
    after = np.asarray(readable(faded_page, "ro"), dtype=float)
    corner_gap = lambda a: abs(a[20:80, 20:80].mean() - a[-80:-20, -80:-20].mean())  # noqa: E731
    assert corner_gap(after) < corner_gap(before) / 3  # the shadow is gone
    ink, paper = (slice(119, 121), slice(500, 520)), (slice(60, 70), slice(500, 520))
    assert after[paper].mean() - after[ink].mean() > 1.5 * (before[paper].mean() - before[ink].mean())
    stain = after[1010:1040, 810:840].mean()
    assert stain > after[ink].mean() + 60  # the stain is paper, not ink
    black_white = np.asarray(readable(faded_page, "den-trang"))
    assert set(np.unique(black_white)) <= {0, 255} and black_white[ink].mean() < 128 < black_white[paper].mean()


def test_the_source_image_is_not_changed(faded_page):
    copy = faded_page.copy()
    readable(faded_page, "den-trang")
    assert faded_page.tobytes() == copy.tobytes()


def test_an_unknown_mode_is_refused(faded_page):
    with pytest.raises(ValueError):
        readable(faded_page, "xanh")
