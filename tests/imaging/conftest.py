"""Generated scans: Vietnamese text typeset in Noto Serif, aged like an old dossier page (see imaging.specimen)."""

import pytest

from hoso.imaging.specimen import encode, scanned_page


@pytest.fixture(scope="session")
def typical_scan(tmp_path_factory):
    """A typical scanned page: 2° of skew, light speckle, faded ink, JPEG quality 60. (path, truth, skew)."""
    specimen = scanned_page(seed=3, sentences=8, skew_deg=2.2)
    path = tmp_path_factory.mktemp("scan") / "trang-001.jpg"
    path.write_bytes(encode(specimen.image, "jpeg", quality=60))
    return path, specimen.text, 2.2


@pytest.fixture(scope="session")
def processed_typical(typical_scan):
    from hoso.imaging.pipeline import process_page

    path, _, _ = typical_scan
    return process_page(path, kind="jpeg")
