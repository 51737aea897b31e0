"""What is refused or quarantined at the door, and why (the reasons operators read in the batch report)."""

import time

import pytest

from hoso.imaging.checks import Rejected, inspect_file, safe_name
from hoso.imaging.specimen import encode, hostile_files, scanned_page


@pytest.fixture(scope="module")
def page_image():
    return scanned_page(seed=1, sentences=3).image.reduce(2)


@pytest.fixture(scope="module")
def hostile(tmp_path_factory, page_image):
    return hostile_files(tmp_path_factory.mktemp("bad"), image=page_image)


def refusal(path) -> Rejected:
    with pytest.raises(Rejected) as caught:
        inspect_file(path)
    return caught.value


def test_zero_byte_and_text_files_are_refused_in_vietnamese(hostile):
    assert refusal(hostile["empty"]).reason == "Tệp «rong.jpg» rỗng (0 byte)."
    text = refusal(hostile["text"])
    assert text.code == "not_image" and "không phải ảnh" in text.reason and ".jpg" in text.reason


def test_a_truncated_tiff_is_refused(hostile):
    rejected = refusal(hostile["truncated_tiff"])
    assert rejected.code == "truncated" and "cắt cụt" in rejected.reason and not rejected.quarantine


def test_a_decompression_bomb_is_refused_from_its_header_without_decoding(hostile):
    started = time.monotonic()
    rejected = refusal(hostile["bomb"])
    assert time.monotonic() - started < 1.0  # 900 million pixels were never decoded
    assert rejected.code == "too_large"
    assert "900 triệu điểm ảnh" in rejected.reason and "bom giải nén" in rejected.reason


def test_a_pdf_with_javascript_is_quarantined(hostile):
    rejected = refusal(hostile["javascript_pdf"])
    assert rejected.quarantine and rejected.code == "active_pdf" and "JavaScript" in rejected.reason


def test_a_pdf_with_an_attached_file_is_quarantined(tmp_path, page_image):
    import io

    import img2pdf
    import pikepdf

    with pikepdf.open(io.BytesIO(img2pdf.convert(encode(page_image, "jpeg")))) as pdf:
        pdf.attachments["virus.exe"] = pikepdf.AttachedFileSpec(pdf, b"MZ...")
        pdf.save(tmp_path / "dinh-kem.pdf")
    assert "tệp đính kèm" in refusal(tmp_path / "dinh-kem.pdf").reason


@pytest.mark.parametrize("raw", ["../../etc/passwd.jpg", "..\\..\\thoat-ra.jpg", "/etc/x.jpg", "C:\\scan\\x.jpg",
                                 "a/../../b.jpg", "", "\x00.jpg"])
def test_names_that_climb_out_or_are_absolute_are_refused(raw):
    with pytest.raises(Rejected) as caught:
        safe_name(raw)
    assert caught.value.code == "unsafe_name"


def test_a_safe_name_is_stored_as_its_nfc_base_name():
    assert safe_name("Trang 1.jpg") == "Trang 1.jpg"
    assert safe_name("ho-so/trang 2.jpg") == "trang 2.jpg"
    assert safe_name("Nguye\u0302\u0303n.jpg") == "Nguyễn.jpg"  # NFD from a Mac becomes NFC


def test_good_files_report_their_kind_and_page_count(tmp_path, page_image):
    tiff = tmp_path / "ba-trang.tif"
    frames = [page_image, page_image.rotate(1), page_image.rotate(-1)]
    frames[0].save(tiff, save_all=True, append_images=frames[1:], compression="tiff_lzw", dpi=(300, 300))
    info = inspect_file(tiff)
    assert (info.kind, info.pages) == ("tiff", 3)
    png = tmp_path / "trang.png"
    png.write_bytes(encode(page_image, "png"))
    assert inspect_file(png).kind == "png"
    jpeg = tmp_path / "trang.jpg"
    jpeg.write_bytes(encode(page_image, "jpeg"))
    assert (inspect_file(jpeg).width, inspect_file(jpeg).height) == page_image.size


def test_a_truncated_jpeg_and_a_heic_photo_are_refused(tmp_path, page_image):
    jpeg = encode(page_image, "jpeg")
    (tmp_path / "cut.jpg").write_bytes(jpeg[: len(jpeg) // 2])
    assert refusal(tmp_path / "cut.jpg").code == "truncated"
    (tmp_path / "anh.heic").write_bytes(b"\x00\x00\x00\x18ftypheic" + b"\x00" * 100)
    assert "HEIC" in refusal(tmp_path / "anh.heic").reason
