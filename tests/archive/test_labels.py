"""Label sheets: the PDF's QR codes decode (zxing-cpp, on pages rendered by pypdfium2) to the dossier's link,
its Code 128 to the number a scanner types into the search box, and the Vietnamese text is real text."""

import pypdfium2 as pdfium
import pytest
import zxingcpp
from django.test import Client

from hoso.archive import labels
from hoso.archive import services as archive
from hoso.core.models import AuditEvent

DPI = 300


def decoded(pdf: bytes) -> list[dict[str, list[str]]]:
    """Per page: the texts of the QR codes and of the Code 128 barcodes found on it."""
    pages = []
    for page in pdfium.PdfDocument(pdf):
        image = page.render(scale=DPI / 72).to_pil().convert("L")
        found: dict[str, list[str]] = {"qr": [], "code128": []}
        for code in zxingcpp.read_barcodes(image):
            key = {zxingcpp.BarcodeFormat.QRCode: "qr", zxingcpp.BarcodeFormat.Code128: "code128"}[code.format]
            found[key].append(code.text)
        pages.append({k: sorted(v) for k, v in found.items()})
    return pages


def page_text(pdf: bytes, index: int = 0) -> str:
    page = pdfium.PdfDocument(pdf)[index]
    return page.get_textpage().get_text_range()


@pytest.fixture
def desk(archivist) -> Client:
    client = Client()
    client.force_login(archivist)
    return client


def test_cover_labels_qr_opens_the_dossier_and_code128_is_its_number(desk, martyr_dossier, make_dossier):
    mother = make_dossier("Trần Thị Hường", category="BM")
    response = desk.post("/kho/nhan/", {"kind": "cover", "scans": f"{martyr_dossier.number}\nbm 500",
                                        "cover_layout": "70x37", "box_layout": "105x74", "skip": "0"})
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert 'filename="nhan-bia-ho-so.pdf"' in response["Content-Disposition"]
    (page,) = decoded(response.content)
    assert page["qr"] == ["http://127.0.0.1:8000/ho-so/QTI/BM-00500/CM/", "http://127.0.0.1:8000/ho-so/QTI/LS-07956/CM/"]
    assert page["code128"] == [mother.number, martyr_dossier.number]
    text = page_text(response.content)
    for expected in ("Nguyễn Văn Đức", "Trần Thị Hường", "QTI/LS-07956/CM", "sinh 1950"):
        assert expected in text
    assert AuditEvent.objects.filter(action="archive_labels", summary="In 2 nhãn bìa").exists()


def test_the_qr_link_follows_the_configured_address(desk, martyr_dossier, settings):
    settings.HOSO_BASE_URL = "https://hoso.sonoivu.quangtri.gov.vn/"
    response = desk.post("/kho/nhan/", {"kind": "cover", "scans": martyr_dossier.number, "cover_layout": "70x36",
                                        "box_layout": "105x74"})
    assert decoded(response.content)[0]["qr"] == ["https://hoso.sonoivu.quangtri.gov.vn/ho-so/QTI/LS-07956/CM/"]


def test_box_labels_for_every_box_under_a_shelf(desk, store, archivist, make_dossier):
    dossiers = [make_dossier(f"Người {i}") for i in range(3)]
    archive.move_dossiers(actor=archivist, dossiers=dossiers, box=store["big"])
    response = desk.post("/kho/nhan/", {"kind": "box", "location": "k01-g01-t01", "cover_layout": "70x37",
                                        "box_layout": "105x74"})
    assert response.status_code == 200
    (page,) = decoded(response.content)
    assert page["code128"] == [store["small"].code, store["big"].code]
    # zxing reports QR codes in an order of its own (codes of different lengths are found in different passes)
    assert sorted(page["qr"]) == sorted([f"http://127.0.0.1:8000/kho/vi-tri/{store['small'].pk}/",
                                         f"http://127.0.0.1:8000/kho/vi-tri/{store['big'].pk}/"])
    text = page_text(response.content)
    assert f"3 hồ sơ: {dossiers[0].number} … {dossiers[-1].number}" in " ".join(text.split())
    assert "Kho A › Giá G01 › Tầng / ngăn T01" in text


def test_sheets_hold_24_cover_labels_and_can_start_after_used_ones():
    items = [labels.CoverLabel(f"QTI/LS-{i:05d}/CM", "Lê Văn Tám", "Liệt sĩ", f"http://h/ho-so/QTI/LS-{i:05d}/CM/")
             for i in range(1, 27)]
    pages = decoded(labels.cover_labels_pdf(items, skip=2))
    assert [len(p["qr"]) for p in pages] == [22, 4]
    assert [len(p["code128"]) for p in pages] == [22, 4]
    first = labels.COVER_LAYOUTS["70x37"]
    assert (first.per_sheet, first.width, first.height) == (24, 70, 37)


def test_a_missing_font_is_said_plainly(monkeypatch):
    monkeypatch.setattr(labels, "FONT_CANDIDATES", (("/nowhere/a.ttf", "/nowhere/b.ttf"),))
    with pytest.raises(labels.LabelFontMissing, match="fonts-noto-core"):
        labels.font_paths()


def test_labels_are_for_the_archivist_and_need_something_to_print(officer, desk):
    client = Client()
    client.force_login(officer)
    assert client.get("/kho/nhan/").status_code == 403
    response = desk.post("/kho/nhan/", {"kind": "cover", "cover_layout": "70x37", "box_layout": "105x74"})
    assert response.status_code == 200
    assert "Hãy chọn một vị trí hoặc quét ít nhất một hồ sơ." in response.content.decode()
