"""Corners of a photographed page set by a person (imaging.photo): the page flattened from them rather than looked
for, in the space of the upright photo (EXIF orientation applied), the corners checked first."""

import numpy as np

from hoso.imaging.photo import check_corners, flatten_photo, upright_size
from hoso.imaging.raster import load_page
from hoso.imaging.specimen import encode, photographed_page


def test_the_page_is_flattened_from_the_corners_given_not_looked_for():
    specimen = photographed_page(seed=3, frame=(900, 1200), tilt=(5.0, 6.0), turn=1.0, sentences=2)
    truth = [[round(x, 1), round(y, 1)] for x, y in specimen.corners]
    found = flatten_photo(specimen.image, dpi=72)
    given = flatten_photo(specimen.image, dpi=72, corners=truth)
    assert given.found and given.params["outline"] == "set" and found.params["outline"] == "found"
    assert given.params["corners"] == truth and given.params["photo_size"] == [900, 1200]
    assert "found_by" not in given.params  # nothing was looked for
    assert given.image.size == found.image.size  # an A4 page either way
    assert np.abs(np.asarray(given.image, dtype=np.float32) - np.asarray(found.image, dtype=np.float32)).mean() < 8
    # A corner set elsewhere gives another page: the person's corners are what is used.
    moved = [[x + 60, y + 40] if i == 0 else [x, y] for i, (x, y) in enumerate(truth)]
    assert flatten_photo(specimen.image, dpi=72, corners=moved).params["corners"][0] == moved[0]


def test_corners_are_in_the_upright_photo(tmp_path):
    specimen = photographed_page(seed=4, frame=(900, 1200), sentences=1)
    turned = tmp_path / "IMG_0004.jpg"  # stored on its side, upright by its EXIF orientation (6: turn 90° right)
    turned.write_bytes(encode(specimen.image.rotate(90, expand=True), "jpeg", quality=85, exif_orientation=6))
    assert upright_size(turned, kind="jpeg") == (900, 1200) == load_page(turned, kind="jpeg").image.size
    assert check_corners([[10, 10], [880, 12], [870, 1180], [15, 1170]], (900, 1200)) == ""
    assert check_corners([[10, 10], [880, 12], [870, 1180], [15, 1170]], (1200, 900)) == "outside"
