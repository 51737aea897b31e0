"""Digitisation fixtures: every test with a blob store of its own, generated scans; the scanning operator
(`scanner`) and the other users come from tests/conftest.py."""

import io
from pathlib import Path

import pytest

from hoso.imaging.specimen import age, encode, render_page, scanned_page
from hoso.records import services as records

# A page whose words are not in any dossier field: search must find its dossier through the OCR text.
CUA_TUNG = ("BIÊN BẢN XÁC MINH\nNgày 14 tháng 3 năm 1968, đơn vị đóng quân tại bến đò Cửa Tùng, "
            "xã Vĩnh Quang, huyện Vĩnh Linh, chuẩn bị vượt sông Bến Hải.")


@pytest.fixture(autouse=True)
def _own_blob_store(blob_dir):
    """tests/conftest.py blob_dir, for every test here."""
    return blob_dir


@pytest.fixture
def wounded_dossier(actor):
    person = records.create_person(actor=actor, full_name="Lê Quang Vinh", sex="nam")
    return records.register_dossier(actor=actor, number="QTI/AQ-00123/CM", category_code="AQ", subject=person)


@pytest.fixture(scope="session")
def scans():
    """Encoded page files (bytes) and the text typeset on each."""
    typical = scanned_page(seed=11, sentences=4, skew_deg=1.8)
    second = scanned_page(seed=12, sentences=3)
    third = scanned_page(seed=13, sentences=3)
    page, text = render_page(CUA_TUNG)
    cua_tung = age(page, seed=14, skew_deg=-1.2, noise=0.004, fade=0.3, blur=0.6)
    buffer = io.BytesIO()
    second.image.save(buffer, "TIFF", save_all=True, append_images=[third.image], compression="tiff_lzw",
                      dpi=(300, 300))
    tiff = buffer.getvalue()
    phone = scanned_page(seed=15, sentences=3)
    small = scanned_page(seed=16, sentences=2)
    return {
        "typical": (encode(typical.image, "jpeg", quality=60), typical.text),
        "tiff": (tiff, second.text + "\n" + third.text),
        "cua_tung": (encode(cua_tung, "png"), text),
        "phone": (encode(phone.image.rotate(90, expand=True), "jpeg", quality=80, exif_orientation=6), phone.text),
        "small": (encode(small.image, "jpeg", quality=70), small.text),
    }


def make_folder(root: Path, layout: dict[str, dict[str, bytes]]) -> Path:
    """root/<sub-folder>/<file> = bytes; a key "" puts files at the top level."""
    for folder, files in layout.items():
        target = root / folder if folder else root
        target.mkdir(parents=True, exist_ok=True)
        for name, data in files.items():
            (target / name).write_bytes(data)
    return root
