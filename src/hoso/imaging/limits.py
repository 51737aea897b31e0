"""Limits on what a received file may be: the defences against decompression bombs and oversize input.

A4 at 600 dpi is 35 million pixels and A2 at 400 dpi 124 million, so 150 million pixels and 20,000
pixels a side leave room for any real scan while refusing crafted images (a 30,000 × 30,000 PNG of a few
kilobytes would need 900 MB to decode). Pillow's own bomb guard is set to the same pixel count.
"""

from dataclasses import dataclass

from PIL import Image


@dataclass(frozen=True)
class Limits:
    max_pixels: int = 150_000_000
    max_side: int = 20_000
    min_side: int = 200
    max_file_bytes: int = 512 * 1024 * 1024
    max_pages: int = 2000


LIMITS = Limits()
Image.MAX_IMAGE_PIXELS = LIMITS.max_pixels


def vn_number(number: int) -> str:
    """30000 → "30.000" (Vietnamese thousands separator)."""
    return f"{number:,}".replace(",", ".")
