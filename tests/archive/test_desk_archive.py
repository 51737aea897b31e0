"""What the archivist notices first: a run of places in one action, «MẬT» on a secret dossier's cover label, the box
on the loan page, a printable loan slip to sign."""

import io

import pypdfium2
from django.test import Client

from hoso.access.permissions import Role
from hoso.archive import services as archive
from hoso.archive.models import Location
from hoso.records import services
from hoso.records.models import Confidentiality


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_a_run_of_places_in_one_action(archivist):
    client = _client(archivist)
    client.post("/kho/vi-tri/moi/", {"count": "1", "name": "Kho chính"})
    store = Location.objects.get(kind="kho")
    response = client.post("/kho/vi-tri/moi/", {"parent": store.pk, "count": "2 × 5 × 40"}, follow=True)
    assert "Đã thêm 412 vị trí" in response.content.decode()
    assert Location.objects.filter(kind="gia").count() == 2 and Location.objects.filter(kind="tang").count() == 10
    boxes = Location.objects.filter(kind="hop")
    assert boxes.count() == 400 and len(set(boxes.values_list("code", flat=True))) == 400
    response = client.post("/kho/vi-tri/moi/", {"parent": store.pk, "count": "100 × 100"}, follow=True)
    assert "tối đa 5.000 vị trí" in response.content.decode()  # and nothing half made
    assert Location.objects.filter(kind="gia").count() == 2
    response = client.post("/kho/vi-tri/moi/", {"parent": store.pk, "count": "ba"}, follow=True)
    assert "Nhập một số" in response.content.decode()


def _pdf_text(data: bytes) -> str:
    pdf = pypdfium2.PdfDocument(io.BytesIO(data))
    return "\n".join(page.get_textpage().get_text_range() for page in pdf)


def test_a_secret_dossiers_cover_label_says_mat(actor, make_user, martyr_dossier):
    archivist = make_user(Role.ARCHIVIST, username="luu-tru-mat", clearance=True)
    person = services.create_person(actor=actor, full_name="Lê Văn Mật")
    secret = services.register_dossier(actor=actor, number="QTI/LS-00444/CM", category_code="LS", subject=person,
                                       confidentiality=Confidentiality.SECRET)
    client = _client(archivist)
    for dossier, marked in ((secret, True), (martyr_dossier, False)):
        response = client.post("/kho/nhan/", {"kind": "cover", "scans": dossier.number, "cover_layout": "70x37",
                                              "box_layout": "105x74", "skip": "0"})
        assert response["Content-Type"] == "application/pdf", response.content[:300]
        assert ("MẬT" in _pdf_text(response.content)) is marked


def test_the_loan_page_shows_the_box_and_the_slip_prints(actor, archivist, martyr_dossier):
    store = archive.create_location(actor=archivist, kind="kho", name="Kho A")
    box = archive.create_location_run(actor=archivist, kind="gia", parent=store, counts=[1, 1, 1])[-1]
    archive.move_dossiers(actor=archivist, dossiers=[martyr_dossier], box=box)
    loan = archive.request_loan(actor=archivist, dossier=martyr_dossier, purpose="Trích lục")
    client = _client(archivist)
    assert box.code in client.get(f"/muon/{loan.pk}/").content.decode()
    slip = client.get(f"/muon/{loan.pk}/in/").content.decode()
    assert "PHIẾU MƯỢN HỒ SƠ" in slip and martyr_dossier.number in slip and box.code in slip
    assert "Người mượn" in slip and "(ký, ghi rõ họ tên)" in slip
