"""The one-stop desk on the web (web/views_procedures.py): intake by form with its receipt, errors in Vietnamese tied to
their fields with nothing lost, the case page and its moves, wrong moves refused with the service's words, the queue
«Việc của tôi», the dossier's case history, the home page's work list, and the area scope over HTTP."""

import datetime as dt
import re

import pypdfium2 as pdfium
import pytest
from django.test import Client

from hoso.access.permissions import Role
from hoso.core.models import AuditEvent
from hoso.procedures import cases
from hoso.procedures.models import Case, CaseDocument
from hoso.records import services as records

D = dt.date
PAPER = "Văn bản đề nghị trích lục, sao hồ sơ"
APPLICANT = {"applicant_name": "Nguyễn Thị Hoa", "applicant_relationship": "Con đẻ",
             "applicant_id_number": "044190001234", "applicant_address": "thôn An Hưng, xã Triệu Long",
             "applicant_phone": "0912 345 678"}


@pytest.fixture(autouse=True)
def _own_store(blob_dir):
    """Receipts and extracts go to the test's own blob store (tests/conftest.py)."""


def client_of(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def pdf_text(data: bytes) -> str:
    return "\n".join(page.get_textpage().get_text_range() for page in pdfium.PdfDocument(data))


def messages_of(response) -> list[str]:
    return [str(m) for m in response.context["messages"]] if response.context else []


def receive(desk, dossier, on=None, **applicant):
    return cases.receive_case(actor=desk, kind="trich-luc", dossiers=[dossier], received_on=on,
                              applicant=cases.Applicant(**({"name": "Nguyễn Thị Hoa"} | applicant)),
                              papers_received=[PAPER])


def test_the_desk_receives_a_request_by_form_and_the_receipt_opens(desk, martyr_dossier):
    web = client_of(desk)
    page = web.get("/thu-tuc/tiep-nhan/")
    body = page.content.decode()
    assert page.status_code == 200
    assert re.search(r'<input[^>]*name="dossier"[^>]*autofocus', body)  # the first box takes the focus
    assert 'value="trich-luc"' in body and "Điều 129" in body
    papers = web.get("/thu-tuc/tiep-nhan/giay-to/", {"kind": "trich-luc"}).content.decode()
    assert f'value="{PAPER}"' in papers and "Sở Nội vụ: 12 ngày" in papers

    response = web.post("/thu-tuc/tiep-nhan/", {"dossier": "qti/ls-7956/cm", "kind": "trich-luc", "papers": [PAPER],
                                                **APPLICANT})
    case = Case.objects.get()
    receipt = case.documents.get()
    assert response.status_code == 302
    assert response["Location"] == f"/thu-tuc/{case.number}/?phieu={receipt.pk}"
    assert (case.applicant_name, case.applicant_id_number, case.applicant_phone) == (
        "Nguyễn Thị Hoa", "044190001234", "0912 345 678")
    assert list(case.dossiers.all()) == [martyr_dossier] and case.received_by == desk
    assert case.papers.get().received_on == cases.today()
    assert receipt.kind == CaseDocument.Kind.RECEIPT

    shown = web.get(response["Location"])
    html = shown.content.decode()
    assert f"Đã tiếp nhận hồ sơ {case.number} (mã tra cứu {case.tracking_code}). Hẹn trả kết quả ngày " \
           f"{case.due_on:%d/%m/%Y}." in messages_of(shown)
    assert re.search(rf'href="/thu-tuc/giay-to/{receipt.pk}/"[^>]*data-autofocus', html)  # Enter opens it to print
    pdf = web.get(f"/thu-tuc/giay-to/{receipt.pk}/")
    assert pdf["Content-Type"] == "application/pdf" and pdf["Content-Disposition"].startswith("inline")
    text = pdf_text(pdf.content)
    assert case.number in text and "Nguyễn Thị Hoa" in text and f"{case.due_on:%d/%m/%Y}" in text
    assert AuditEvent.objects.filter(actor=desk, action="download", object_id=str(case.pk)).exists()
    assert AuditEvent.objects.filter(actor=desk, action="view_case").exists()


def test_one_approximate_hit_is_offered_not_taken_and_an_exact_one_is_taken(desk, martyr_dossier):
    web = client_of(desk)
    form = {"kind": "trich-luc", "papers": [PAPER], **APPLICANT}
    response = web.post("/thu-tuc/tiep-nhan/", {"dossier": "ngyuen van duc 1950", **form})  # a typo: maybe not him
    html = response.content.decode()
    assert response.status_code == 200 and not Case.objects.exists()
    assert "Chỉ tìm thấy một hồ sơ khớp gần đúng «ngyuen van duc 1950»" in html
    assert f'data-number="{martyr_dossier.number}"' in html and "gần đúng</span>" in html
    assert 'value="Nguyễn Thị Hoa"' in html  # nothing typed is lost
    response = web.post("/thu-tuc/tiep-nhan/", {"dossier": "nguyen van duc 1950", **form})
    assert response.status_code == 302 and list(Case.objects.get().dossiers.all()) == [martyr_dossier]


def test_intake_errors_are_in_vietnamese_by_their_fields_and_nothing_typed_is_lost(desk, martyr_dossier):
    web = client_of(desk)
    response = web.post("/thu-tuc/tiep-nhan/", {"dossier": "QTI/LS-07956/CM", "kind": "trich-luc", "papers": [PAPER],
                                                **APPLICANT, "applicant_name": "", "applicant_id_number": "12345",
                                                "received_on": "31/02/2026"})
    assert response.status_code == 200 and not Case.objects.exists()
    form = response.context["form"]
    assert form.errors["applicant_name"] == ["Cần ghi họ tên người nộp."]
    assert form.errors["applicant_id_number"] == ["Số định danh cá nhân gồm 12 chữ số."]
    assert form.errors["received_on"] == ["Ngày không hợp lệ: gõ theo dạng dd/mm/yyyy."]
    html = response.content.decode()
    # Each message is tied to its field; the first wrong field takes the focus.
    assert re.search(r'name="applicant_name"[^>]*aria-invalid="true"', html) or \
        re.search(r'aria-invalid="true"[^>]*name="applicant_name"', html)
    assert 'aria-describedby="id_applicant_name-error"' in html and 'id="id_applicant_name-error"' in html
    assert re.search(r'<input[^>]*name="applicant_name"[^>]*autofocus', html)
    assert not re.search(r'<input[^>]*name="dossier"[^>]*autofocus', html)
    # Nothing typed is lost: the dossier, the procedure, the ticked paper, the other fields.
    assert 'value="QTI/LS-07956/CM"' in html and 'value="trich-luc" selected' in html
    assert re.search(rf'value="{PAPER}"[^>]*checked', html) and 'value="thôn An Hưng, xã Triệu Long"' in html

    # A future day is refused by the service, on its field.
    later = dt.date.today() + dt.timedelta(days=3)
    response = web.post("/thu-tuc/tiep-nhan/", {"dossier": "QTI/LS-07956/CM", "kind": "trich-luc", **APPLICANT,
                                                "received_on": f"{later:%d/%m/%Y}"})
    assert response.context["form"].errors["received_on"] == ["Ngày tiếp nhận không thể sau hôm nay."]
    response = web.post("/thu-tuc/tiep-nhan/", {"dossier": "", "kind": "", **APPLICANT})
    assert response.context["form"].errors["kind"] == ["Cần chọn thủ tục."]
    response = web.post("/thu-tuc/tiep-nhan/", {"dossier": "", "kind": "trich-luc", **APPLICANT})
    assert response.context["form"].errors["dossier"] == ["Cần chọn ít nhất một hồ sơ người có công liên quan."]


def test_a_typed_name_finds_the_dossier_or_offers_the_ones_it_matches(desk, martyr_dossier, make_dossier):
    web = client_of(desk)
    picks = web.get("/thu-tuc/tiep-nhan/tim-ho-so/", {"dossier": "nguyen van duc"}).content.decode()
    assert 'data-number="QTI/LS-07956/CM"' in picks and "Nguyễn Văn Đức" in picks
    assert AuditEvent.objects.filter(actor=desk, action="search").exists()  # as the desk search is
    response = web.post("/thu-tuc/tiep-nhan/", {"dossier": "Nguyễn Văn Đức", "kind": "trich-luc", **APPLICANT})
    assert response.status_code == 302 and list(Case.objects.get().dossiers.all()) == [martyr_dossier]

    make_dossier("Trần Văn Bình")
    make_dossier("Trần Văn Bình")
    response = web.post("/thu-tuc/tiep-nhan/", {"dossier": "Trần Văn Bình", "kind": "trich-luc", **APPLICANT})
    assert response.status_code == 200 and Case.objects.count() == 1
    assert response.context["form"].errors["dossier"][0].startswith("Có 2 hồ sơ khớp «Trần Văn Bình»")
    assert len(response.context["picks"]) == 2 and 'class="pick"' in response.content.decode()
    response = web.post("/thu-tuc/tiep-nhan/", {"dossier": "Không Ai Cả", "kind": "trich-luc", **APPLICANT})
    assert response.context["form"].errors["dossier"][0].startswith("Không tìm thấy hồ sơ «Không Ai Cả»")


def test_the_case_goes_from_the_specialist_to_the_leader_and_back_to_the_desk(desk, specialist, chief,
                                                                              martyr_dossier):
    case = receive(desk, martyr_dossier)
    url = f"/thu-tuc/{case.number}/"
    desk_web, specialist_web, chief_web = client_of(desk), client_of(specialist), client_of(chief)

    refused = desk_web.post(f"{url}tra-ket-qua/", {}, follow=True)  # a wrong move: the service's words
    assert f"Hồ sơ {case.number} đang ở trạng thái «Đã tiếp nhận»: không thể trả kết quả." in messages_of(refused)
    page = specialist_web.get(url).content.decode()
    assert ">Thụ lý</button>" in page and "Duyệt kết quả" not in page  # what the archivist's role may do
    done = specialist_web.post(f"{url}thu-ly/", {"note": "Giao chuyên viên"}, follow=True)
    assert f"Đã thụ lý hồ sơ {case.number}: bước 1, hẹn trả kết quả ngày {case.due_on:%d/%m/%Y}." in messages_of(done)
    assert chief_web.post(f"{url}duyet/", {"decision_number": "15/TL"}).status_code == 302
    made = desk_web.post(f"{url}lap-giay-to/", {"kind": "extract", "format": "pdf"})
    extract = CaseDocument.objects.get(kind="extract")
    assert made["Location"] == f"{url}?phieu={extract.pk}"
    assert "TRÍCH LỤC HỒ SƠ" in pdf_text(desk_web.get(f"/thu-tuc/giay-to/{extract.pk}/").content)
    docx = desk_web.post(f"{url}lap-giay-to/", {"kind": "extract", "format": "docx"})
    word = desk_web.get(f"/thu-tuc/giay-to/{CaseDocument.objects.latest('id').pk}/")
    assert docx.status_code == 302 and word["Content-Disposition"].startswith("attachment")
    desk_web.post(f"{url}tra-ket-qua/", {"note": "Đã trả tận tay"})
    case.refresh_from_db()
    assert (case.state, case.decision_number, case.assignee) == (Case.State.RETURNED, "15/TL", specialist)
    page = desk_web.get(url).content.decode()
    history = page[page.index('id="history"'):]
    for label in ("Đã tiếp nhận", "Đang thụ lý", "Có kết quả, chờ trả", "Đã trả kết quả", "Đã trả tận tay"):
        assert label in history
    assert 'id="case-actions"' not in page  # a closed case offers no move
    # The dossier page lists the case.
    dossier_page = desk_web.get(f"/ho-so/{martyr_dossier.number}/").content.decode()
    assert case.number in dossier_page[dossier_page.index('id="dossier-cases"'):]


def test_refusal_needs_reasons_and_the_clock_stops_for_papers(desk, specialist, chief, martyr_dossier):
    case = receive(desk, martyr_dossier)
    url = f"/thu-tuc/{case.number}/"
    specialist_web, chief_web = client_of(specialist), client_of(chief)
    specialist_web.post(f"{url}thu-ly/", {})
    asked = specialist_web.post(f"{url}yeu-cau-bo-sung/", {"missing": "Bản sao giấy khai sinh\n\nGiấy ủy quyền"},
                                follow=True)
    case.refresh_from_db()
    assert case.state == Case.State.WAITING_PAPERS
    assert set(case.papers.filter(received_on=None).values_list("name", flat=True)) == {
        "Bản sao giấy khai sinh", "Giấy ủy quyền"}
    assert "chưa nộp" in asked.content.decode()
    specialist_web.post(f"{url}giay-to-da-nhan/", {"names": ["Giấy ủy quyền"]})
    assert case.papers.get(name="Giấy ủy quyền").received_on is not None
    specialist_web.post(f"{url}du-giay-to/", {})
    case.refresh_from_db()
    assert case.state == Case.State.PROCESSING
    empty = chief_web.post(f"{url}tu-choi/", {"reasons": "  "}, follow=True)
    assert any("lý do từ chối" in m for m in messages_of(empty))
    chief_web.post(f"{url}tu-choi/", {"reasons": "Người đề nghị không phải thân nhân."})
    case.refresh_from_db()
    assert (case.state, case.reasons) == (Case.State.REFUSED, "Người đề nghị không phải thân nhân.")
    assert specialist_web.post(f"{url}lap-giay-to/", {"kind": "refusal", "format": "pdf"}).status_code == 302
    assert case.documents.filter(kind="refusal").exists()
    # The leader does not receive or return; the archivist does not decide.
    assert chief_web.post(f"{url}tra-ket-qua/", {}).status_code == 403
    assert specialist_web.post(f"{url}duyet/", {}).status_code == 403
    assert client_of(desk).get(f"{url}thu-ly/").status_code == 405


def test_the_queue_lists_each_kind_of_work_pages_it_and_audits_the_page(desk, specialist, chief, martyr_dossier,
                                                                       make_dossier):
    today = cases.today()
    late = receive(desk, martyr_dossier, on=today - dt.timedelta(days=40))
    fresh = receive(desk, make_dossier("Trần Văn Bình"))
    cases.start_processing(actor=specialist, case=late, on=today - dt.timedelta(days=39))
    web = client_of(chief)
    page = web.get("/thu-tuc/", {"hang": "overdue"})
    assert page.status_code == 200
    rows = page.context["page"].object_list
    assert [c.number for c in rows] == [late.number]
    tabs = {name: count for name, _label, count in page.context["tabs"]}
    assert tabs["overdue"] == 1 and tabs["escalated"] == 1 and tabs["to_decide"] == 1 and tabs["received"] == 1
    assert tabs["open"] == 2 and tabs["returned"] == 0
    event = AuditEvent.objects.filter(actor=chief, action="view_list", object_type="case_queue").latest("id")
    assert event.after["keys"] == [late.number]
    assert "quá hạn" in page.content.decode()
    received = web.get("/thu-tuc/", {"hang": "received", "kind": "trich-luc"})
    assert [c.number for c in received.context["page"].object_list] == [fresh.number]
    assert web.get("/thu-tuc/", {"hang": "open", "state": "processing"}).context["page"].paginator.count == 1
    for _ in range(25):
        receive(desk, martyr_dossier)
    paged = web.get("/thu-tuc/", {"hang": "open", "page": 2})
    assert paged.context["page"].number == 2 and len(paged.context["page"].object_list) == 2
    assert "hang=open&amp;page=1" in paged.content.decode()
    # The home page: each count of the leader's work links to its list.
    home = web.get("/").content.decode()
    assert re.search(r'href="/thu-tuc/\?hang=escalated"><strong class="num">1</strong> Bước thủ tục quá hạn', home)
    assert re.search(r'href="/thu-tuc/\?hang=to_decide"><strong class="num">1</strong> Hồ sơ thủ tục chờ duyệt', home)
    desk_home = client_of(desk).get("/").content.decode()
    assert re.search(r'<strong class="num">26</strong> Hồ sơ thủ tục mới tiếp nhận, chờ thụ lý', desk_home)
    assert "chờ duyệt" not in desk_home


def test_only_those_who_work_on_cases_see_them(desk, martyr_dossier, scanner):
    case = receive(desk, martyr_dossier)
    document = cases.make_document(actor=desk, case=case, kind="receipt")
    web = client_of(scanner)  # digitisation: no case permission
    for url in ("/thu-tuc/", f"/thu-tuc/{case.number}/", f"/thu-tuc/giay-to/{document.pk}/", "/thu-tuc/tiep-nhan/"):
        assert web.get(url).status_code == 403, url
    assert 'id="dossier-cases"' not in web.get(f"/ho-so/{martyr_dossier.number}/").content.decode()
    assert 'href="/thu-tuc/"' not in web.get("/").content.decode()


def test_a_commune_officer_sees_and_moves_only_cases_of_dossiers_in_scope(desk, communes, make_user, actor):
    def dossier_in(commune, name, number):
        person = records.create_person(actor=actor, full_name=name, residence_unit=communes[commune])
        return records.register_dossier(actor=actor, number=number, category_code="LS", subject=person)

    in_a, in_b = dossier_in("a", "Lê Văn An", "QTI/LS-00001/CM"), dossier_in("b", "Trần Văn Bình", "QTI/LS-00002/CM")
    case_a, case_b = receive(desk, in_a), receive(desk, in_b, name="Người Nộp Ngoài")
    paper_b = cases.make_document(actor=desk, case=case_b, kind="receipt")
    commune = make_user(Role.COMMUNE_OFFICER, username="xa-a", scope=communes["a"])
    web = client_of(commune)

    queue = web.get("/thu-tuc/").content.decode()
    assert case_a.number in queue and case_b.number not in queue and "Người Nộp Ngoài" not in queue
    assert web.get(f"/thu-tuc/{case_a.number}/").status_code == 200
    assert web.get(f"/thu-tuc/{case_b.number}/").status_code == 404
    assert web.get(f"/thu-tuc/giay-to/{paper_b.pk}/").status_code == 404
    for move in ("thu-ly", "tra-ket-qua", "rut", "lap-giay-to", "yeu-cau-bo-sung"):
        assert web.post(f"/thu-tuc/{case_b.number}/{move}/", {"missing": "x", "kind": "receipt"}).status_code == 404
    case_b.refresh_from_db()
    assert case_b.state == Case.State.RECEIVED and case_b.documents.count() == 1
    assert not AuditEvent.objects.filter(actor=commune, object_id=str(case_b.pk)).exists()
    # Intake: a number out of scope is not found (no hint it exists); in scope it is received.
    response = web.post("/thu-tuc/tiep-nhan/", {"dossier": in_b.number, "kind": "trich-luc", **APPLICANT})
    assert response.status_code == 200 and "Không tìm thấy hồ sơ" in response.context["form"].errors["dossier"][0]
    assert web.get("/thu-tuc/tiep-nhan/tim-ho-so/", {"dossier": "Trần Văn Bình"}).content.decode().count("pick") == 0
    assert web.post("/thu-tuc/tiep-nhan/", {"dossier": in_a.number, "kind": "trich-luc", **APPLICANT}).status_code \
        == 302
    dossier_page = web.get(f"/ho-so/{in_a.number}/").content.decode()
    assert case_a.number in dossier_page and case_b.number not in dossier_page
