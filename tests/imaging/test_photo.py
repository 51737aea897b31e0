"""Phone photos of pages too fragile to scan (imaging.photo): the page found, flattened, evenly lit, read.

Generated photos (imaging.specimen.photographed_page): a page of 12 pt serif text in blue ink on yellowed paper,
torn along two edges, seen in perspective (tilted up to ±8° about each axis, turned up to 3° in its plane) on a
dark wooden or a dark checked desk, covering 60–90 % of a 1800 × 2400 frame, light falling off by 40 % towards a
corner, camera noise (σ 4) and JPEG (q 85).

Measured on this machine (tesseract 5.3, Debian's small `vie` model), character error rate over 4 photos:
  * the pipeline with the photo flattened (photo=True): 0.10–0.20 %  → asserted ≤ 1 % (the issue's target);
  * the pipeline without flattening (the whole photo): 0.10–2.2 %;
  * bare tesseract on the photo (`tesseract photo.jpg - -l vie`): 0.10–87 % (on a tilted page across a
    patterned desk it reads the desk's pattern as letters or loses whole lines).
Corner error: at most 0.25 % of the page's size (asserted ≤ 1 %).
The figures of a run are printed (pytest -s).
"""

import io
import os
import subprocess

import numpy as np
import pikepdf
import pytest
from PIL import Image

from hoso.imaging.photo import REASONS, flatten_photo
from hoso.imaging.pipeline import process_page
from hoso.imaging.quality import cer
from hoso.imaging.specimen import photographed_nothing, photographed_page

MAX_CER = 0.01
MAX_CORNER_ERROR = 0.01  # share of the page's size in the photo

PHOTOS = {  # seed: how the page lies in the photo
    1: {"tilt": (8.0, -8.0), "turn": 3.0, "desk": "wood", "cover": 0.8},
    2: {"tilt": (-8.0, 6.0), "turn": -2.0, "desk": "check", "cover": 0.6},
    3: {"tilt": (5.0, 8.0), "turn": 0.0, "desk": "check", "cover": 0.9},
    4: {"tilt": (-6.0, -8.0), "turn": 3.0, "desk": "wood", "cover": 0.7},
}
OCR_SEEDS = (1, 2, 4)  # OCR is slow on 2 cores: three photos are read


@pytest.fixture(scope="module")
def photos(tmp_path_factory):
    folder = tmp_path_factory.mktemp("photos")
    out = {}
    for seed, how in PHOTOS.items():
        specimen = photographed_page(seed=seed, **how)
        path = folder / f"anh-{seed}.jpg"
        specimen.image.save(path, quality=92)
        out[seed] = (path, specimen)
    return out


def corner_error(found, truth) -> float:
    truth = np.asarray(truth)
    size = max(np.ptp(truth[:, 0]), np.ptp(truth[:, 1]))
    return float(np.linalg.norm(np.asarray(found) - truth, axis=1).max() / size)


@pytest.mark.parametrize("seed", sorted(PHOTOS))
def test_the_page_is_found_within_one_per_cent_and_flattened_to_a4(photos, seed):
    _, specimen = photos[seed]
    flat = flatten_photo(specimen.image, dpi=72)
    assert flat.found, flat.reason
    error = corner_error(flat.corners, specimen.corners)
    print(f"\nảnh {seed} ({PHOTOS[seed]['desk']}, {PHOTOS[seed]['cover']:.0%}): góc lệch {error:.3%}, "
          f"{flat.image.size} @ {flat.dpi:g} dpi")
    assert error <= MAX_CORNER_ERROR
    assert flat.params["a4"] and flat.image.mode == "RGB"
    width, height = flat.image.size
    assert abs(height / width - 297 / 210) < 0.005 and 150 <= flat.dpi <= 300
    assert flat.params["corners"] and flat.params["flattening"]["paper_tone"]


def test_the_light_is_evened_and_the_colours_kept(photos):
    _, specimen = photos[1]
    flat = flatten_photo(specimen.image, dpi=72)
    pixels = np.asarray(flat.image, dtype=float)
    h, w = pixels.shape[:2]
    # Blank paper near the bottom corners (the text ends half way down): even, within a few levels.
    left = pixels[int(h * 0.85):int(h * 0.9), int(w * 0.05):int(w * 0.12)].mean(axis=(0, 1))
    right = pixels[int(h * 0.85):int(h * 0.9), int(w * 0.88):int(w * 0.95)].mean(axis=(0, 1))
    assert np.abs(left - right).max() < 8
    assert left[0] > left[2] + 30  # still yellowed paper (red well above blue), not bleached grey
    text = pixels[int(h * 0.08):int(h * 0.5), int(w * 0.1):int(w * 0.9)]  # the lines of text, no torn edge
    dark = text.sum(axis=2) < 300  # the ink
    assert dark.mean() > 0.005
    ink = text[dark].mean(axis=0)
    assert ink[2] > ink[0] + 25 and ink[2] > ink[1] + 15  # blue ink stays blue


def test_photographed_pages_are_read_with_under_one_per_cent_errors(photos):
    rows = []
    for seed in OCR_SEEDS:
        path, specimen = photos[seed]
        flattened = process_page(path, kind="jpeg", photo=True)
        whole = process_page(path, kind="jpeg", photo=False)
        bare = subprocess.run(["tesseract", str(path), "-", "-l", "vie"], capture_output=True, text=True,
                              env={**os.environ, "OMP_THREAD_LIMIT": "1"}, timeout=180).stdout
        rows.append((seed, cer(specimen.text, flattened.text), cer(specimen.text, whole.text),
                     cer(specimen.text, bare), flattened))
    print("\nảnh  CER nắn phẳng  CER cả ảnh  CER tesseract trần")
    for seed, flat_cer, whole_cer, bare_cer, _ in rows:
        print(f"{seed:>4}  {flat_cer:>12.2%}  {whole_cer:>10.2%}  {bare_cer:>18.2%}")
    for seed, flat_cer, _, _, result in rows:
        assert flat_cer <= MAX_CER, seed
        assert result.photo["found"] and result.width < result.height and result.skew == 0.0
    assert np.mean([r[1] for r in rows]) < np.mean([r[3] for r in rows])  # far better than bare tesseract


def test_the_access_copy_is_the_flat_page_in_colour_and_the_history_says_how(photos):
    path, _ = photos[2]
    result = process_page(path, kind="jpeg", photo=True, run_ocr=False)
    with pikepdf.open(io.BytesIO(result.pdf)) as pdf:
        image = next(iter(pdf.pages[0].get_images().values()))
        assert image.read_raw_bytes() != path.read_bytes()  # a derivative; the master is the photo
        access = Image.open(io.BytesIO(image.read_raw_bytes()))
        assert access.mode == "RGB" and access.size == (result.width, result.height)
    assert result.photo["found"] and len(result.photo["corners"]) == 4 and result.photo["dpi"] == result.dpi
    assert Image.open(io.BytesIO(result.thumbnail)).size[0] == 360


@pytest.mark.parametrize("subject", ["wall", "hand"])
def test_a_photo_without_a_page_is_kept_whole_with_the_reason(tmp_path, subject):
    specimen = photographed_nothing(seed=5, subject=subject)
    flat = flatten_photo(specimen.image, dpi=72)
    assert not flat.found and flat.corners is None
    assert flat.code == "no_page" and flat.reason == REASONS["no_page"] and "Không tìm thấy trang" in flat.reason
    assert flat.image.size == specimen.image.size
    path = tmp_path / f"{subject}.jpg"
    specimen.image.save(path, quality=90)
    result = process_page(path, kind="jpeg", photo=True, run_ocr=False)
    assert result.warnings[0] == REASONS["no_page"]
    assert result.photo == {**result.photo, "found": False, "reason": "no_page"}
    assert (result.width, result.height) == specimen.image.size


def test_a_page_filling_the_whole_frame_is_kept_whole(photos):
    _, specimen = photos[3]
    corners = np.asarray(specimen.corners)
    left, top = corners.min(axis=0) + 40
    right, bottom = corners.max(axis=0) - 40
    inside = specimen.image.crop((int(left), int(top), int(right), int(bottom)))  # no desk, no edge to find
    flat = flatten_photo(inside, dpi=72)
    assert not flat.found and flat.image.size == inside.size and flat.reason
