"""The readability view of faded pages: milliseconds per 300 dpi A4 page, against decoding the same page alone.

    .venv/bin/python bench/readability.py [--pages 10]

Each page is a generated scan of an old dossier page (imaging.specimen: faded ink on toned paper, noise, skew),
2480 × 3508 pixels, in colour, saved as JPEG as a scanner would. Timed per page: decoding the JPEG alone (the raw
tool underneath, Pillow), and decode + each view ("ro", "den-trang"). The target is ≤ 300 ms per page.
"""

import argparse
import io
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from PIL import Image  # noqa: E402

from hoso.imaging.readability import readable  # noqa: E402
from hoso.imaging.specimen import encode, scanned_page  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--pages", type=int, default=10)
    args = parser.parse_args()
    scans = []
    for seed in range(args.pages):
        page = scanned_page(seed=seed, dpi=300, mode="RGB").image
        scans.append(encode(page, "jpeg", quality=80))
    size = Image.open(io.BytesIO(scans[0])).size
    timings: dict[str, list[float]] = {"decode only (Pillow)": [], "decode + ro": [], "decode + den-trang": []}
    for data in scans:
        for name in timings:
            started = time.perf_counter()
            image = Image.open(io.BytesIO(data))
            image.load()
            if name.endswith("ro"):
                readable(image, "ro")
            elif name.endswith("den-trang"):
                readable(image, "den-trang")
            timings[name].append((time.perf_counter() - started) * 1000)
    bare = statistics.median(timings["decode only (Pillow)"])
    print(f"machine: {os.cpu_count()} cores; {args.pages} pages of {size[0]} × {size[1]} px (300 dpi A4), JPEG")
    print(f"{'':<24}{'median ms':>10}{'max ms':>10}{'× decode':>10}")
    for name, values in timings.items():
        median = statistics.median(values)
        print(f"{name:<24}{median:>10.0f}{max(values):>10.0f}{median / bare:>10.1f}")


if __name__ == "__main__":
    main()
