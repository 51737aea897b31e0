"""The archive in the web UI (Django test client): scanning into the search box, the "đang mượn" badge
wherever a dossier appears, the loan pages, moves, inventory and who may open what."""

import datetime as dt
import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from hoso.archive import services as archive
from hoso.archive.models import InventoryCheck, Loan, Placement

DETAIL = "/ho-so/QTI/LS-07956/CM/"


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def text(response) -> str:
    return response.content.decode()


@pytest.fixture
def lent(officer, archivist, martyr_dossier) -> Loan:
    loan = archive.request_loan(actor=officer, dossier=martyr_dossier, purpose="Trích lục")
    archive.approve_loan(actor=archivist, loan=loan)
    return archive.check_out_dossier(actor=archivist, loan=loan)


@pytest.mark.parametrize("typed", ["QTI/LS-07956/CM", " qti ls 7956 cm ", "LS-07956",
                                   "http://127.0.0.1:8000/ho-so/QTI/LS-07956/CM/",
                                   "https://other-name:8443/ho-so/QTI%2FLS-07956%2FCM/"])
def test_a_scanned_label_in_the_search_box_opens_the_dossier(officer, martyr_dossier, typed):
    response = client_for(officer).get("/tim-kiem/", {"q": typed})
    assert response.status_code == 302
    assert response["Location"] == DETAIL


def test_the_search_box_still_searches_names_and_never_opens_what_is_hidden(officer, martyr_dossier, make_dossier):
    web = client_for(officer)
    assert web.get("/tim-kiem/", {"q": "nguyen van duc"}).status_code == 200
    make_dossier("Nguyễn Văn Mật", number="QTI/LS-00777/CM", confidentiality="mat")
    assert web.get("/tim-kiem/", {"q": "QTI/LS-00777/CM"}).status_code == 200  # not cleared: no jump, no hit
    as_you_type = web.get("/tim-kiem/", {"q": "http://127.0.0.1:8000/ho-so/QTI/LS-07956/CM/"}, HTTP_HX_REQUEST="true")
    assert as_you_type.status_code == 200  # typing in the dropdown never navigates away
    assert "Nguyễn Văn Đức" in text(as_you_type)
    assert web.get("/tim-kiem/", {"q": "http://[1/ho-so/QTI/LS-07956/CM/"}).status_code == 200


def test_the_dossier_page_shows_who_holds_the_original_and_since_when(officer, archivist, lent, store):
    archive.move_dossiers(actor=archivist, dossiers=[lent.dossier], box=store["big"])
    page = text(client_for(officer).get(DETAIL))
    since = timezone.localdate().strftime("%d/%m/%Y")
    assert f"Đang mượn: Cán bộ chính sách từ {since}" in page
    assert "K01-G01-T01-H002" in page and "Hộp H002" in page
    assert "Đề nghị mượn bản gốc" not in page  # one open loan at a time


def test_lists_and_search_results_show_the_badge_without_a_query_per_row(officer, archivist, lent, make_dossier):
    web = client_for(officer)
    since = timezone.localdate().strftime("%d/%m/%Y")
    badge = f"Đang mượn: Cán bộ chính sách từ {since}"
    assert badge in text(web.get("/ho-so/"))
    assert badge in text(web.get("/ho-so/", {"q": "duc"}))
    assert badge in text(web.get("/tim-kiem/", {"q": "nguyen van duc"}))
    assert badge in text(web.get("/tim-kiem/", {"q": "duc"}, HTTP_HX_REQUEST="true"))

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert web.get("/ho-so/").status_code == 200
        return len(captured)

    before = queries()
    for i in range(4):
        other = make_dossier(f"Người Mượn {i}")
        loan = archive.request_loan(actor=officer, dossier=other, purpose="Trích lục")
        archive.approve_loan(actor=archivist, loan=loan)
        archive.check_out_dossier(actor=archivist, loan=loan)
    assert text(web.get("/ho-so/")).count("Đang mượn:") == 5
    assert queries() == before


def test_the_request_form_prefers_the_digital_copy(officer, make_dossier):
    web = client_for(officer)
    scanned = make_dossier("Hoàng Thị Số", status="da_nhap")
    url = f"/muon/de-nghi/{scanned.number}/"
    page = text(web.get(url))
    assert "Hồ sơ này đã được số hóa" in page and "Hãy dùng bản số" in page
    response = web.post(url, {"purpose": "Trích lục", "procedure": "", "paper_reason": ""})
    assert "Hồ sơ đã số hóa: hãy ghi rõ vì sao cần bản giấy." in text(response)
    assert not Loan.objects.exists()
    response = web.post(url, {"purpose": "Trích lục", "paper_reason": "Đối chiếu chữ ký gốc"})
    loan = Loan.objects.get()
    assert response["Location"] == f"/muon/{loan.pk}/"


def test_the_loan_pages_walk_the_life_cycle(officer, archivist, martyr_dossier):
    asker, desk = client_for(officer), client_for(archivist)
    plain = text(asker.get(f"/muon/de-nghi/{martyr_dossier.number}/"))
    assert "đã được số hóa" not in plain
    asker.post(f"/muon/de-nghi/{martyr_dossier.number}/", {"purpose": "Giải quyết trợ cấp thờ cúng",
                                                         "procedure": "Trợ cấp thờ cúng liệt sĩ (Điều 28)"})
    loan = Loan.objects.get()
    assert asker.post(f"/muon/{loan.pk}/duyet/").status_code == 403
    assert desk.post(f"/muon/{loan.pk}/duyet/")["Location"] == f"/muon/{loan.pk}/"
    due = (timezone.localdate() + dt.timedelta(days=7)).strftime("%d/%m/%Y")
    desk.post(f"/muon/{loan.pk}/giao/", {"out-due_on": due, "out-condition": "binh_thuong"})
    loan.refresh_from_db()
    assert (loan.state, loan.due_on.strftime("%d/%m/%Y")) == (Loan.State.CHECKED_OUT, due)
    assert desk.get("/muon/nhan-tra/", {"scan": "qti ls 7956 cm"})["Location"] == f"/muon/{loan.pk}/#nhan-tra"
    desk.post(f"/muon/{loan.pk}/tra/", {"back-condition": "binh_thuong", "back-complete": "on", "back-note": ""})
    loan.refresh_from_db()
    assert loan.state == Loan.State.RETURNED
    page = text(asker.get(f"/muon/{loan.pk}/"))
    assert "Đã trả" in page
    follow = desk.get("/muon/nhan-tra/", {"scan": martyr_dossier.number}, follow=True)
    assert "không được cho mượn: không có gì để nhận trả" in text(follow)


def test_a_borrower_sees_only_their_loans(officer, archivist, lent, make_dossier, make_user):
    from hoso.access.permissions import Role

    other = make_user(Role.POLICY_OFFICER, username="cb9")
    web = client_for(other)
    assert web.get(f"/muon/{lent.pk}/").status_code == 404
    assert "QTI/LS-07956/CM" not in text(web.get("/muon/"))
    assert "QTI/LS-07956/CM" in text(client_for(officer).get("/muon/"))
    assert "QTI/LS-07956/CM" in text(client_for(archivist).get("/muon/"))


def test_home_reminds_the_archivist_of_overdue_loans_and_the_borrower_of_theirs(officer, archivist, lent):
    Loan.objects.filter(pk=lent.pk).update(due_on=timezone.localdate() - dt.timedelta(days=2))
    desk = text(client_for(archivist).get("/"))
    assert "Quá hạn trả" in desk and "QTI/LS-07956/CM" in desk
    archive.remind_borrower(actor=archivist, loan=lent)
    mine = text(client_for(officer).get("/"))
    assert "Phiếu mượn của bạn" in mine and "quá hạn" in mine
    assert f"lưu trữ đã nhắc trả ngày {timezone.localdate():%d/%m/%Y}" in mine


def test_archive_pages_are_for_the_archivist(officer, archivist, store):
    desk, web = client_for(archivist), client_for(officer)
    for url in ("/kho/", f"/kho/vi-tri/{store['shelf'].pk}/", f"/kho/vi-tri/{store['big'].pk}/", "/kho/chuyen/",
                "/kho/kiem-ke/", "/kho/nhan/"):
        assert desk.get(url).status_code == 200, url
        assert web.get(url).status_code == 403, url
    assert "Kho</a>" in text(desk.get("/")) and "Kho</a>" not in text(web.get("/"))


def test_adding_places_and_moving_scanned_dossiers_in_the_web(archivist, store, make_dossier):
    desk = client_for(archivist)
    response = desk.post("/kho/vi-tri/moi/", {"parent": store["shelf"].pk, "name": "", "capacity": "2"})
    box = store["shelf"].children.order_by("-code").first()
    assert box.code == "K01-G01-T01-H003" and response["Location"] == f"/kho/vi-tri/{box.pk}/"
    dossiers = [make_dossier(f"Người {i}") for i in range(3)]
    scans = "\n".join(d.number for d in dossiers)
    refused = desk.post("/kho/chuyen/", {"box": box.code.lower(), "scans": scans})
    assert "chỉ chứa được 2 hồ sơ" in text(refused) and not Placement.objects.exists()
    moved = desk.post("/kho/chuyen/", {"box": box.code, "scans": scans.rsplit("\n", 1)[0]}, follow=True)
    assert "Đã chuyển 2 hồ sơ vào Hộp H003" in text(moved)
    unknown = desk.post("/kho/chuyen/", {"box": box.code, "scans": "QTI/LS-55555/CM"})
    assert "Không nhận ra hoặc không được xem: QTI/LS-55555/CM" in text(unknown)


def test_inventory_in_the_web(archivist, store, make_dossier):
    desk = client_for(archivist)
    a, b = make_dossier("Người A"), make_dossier("Người B")
    archive.move_dossiers(actor=archivist, dossiers=[a, b], box=store["small"])
    response = desk.post("/kho/kiem-ke/", {"location": store["small"].code, "scans": a.number, "note": ""})
    check = InventoryCheck.objects.get()
    assert response["Location"] == f"/kho/kiem-ke/{check.pk}/"
    page = text(desk.get(response["Location"]))
    assert re.search(r"Thiếu \(có trong sổ, không thấy\) \(1\)", page) and b.number in page
