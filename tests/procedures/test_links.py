"""A case's links (procedures/links.py, originals.py, changes.py's transfer): the paper original lent through the
archive's loan requests, papers uploaded through capture's checks, the transfer (Điều 131) the decision starts, and
the new dossier a procedure registers from the case — by service and on the case page, audited, in scope."""

import io
from pathlib import Path

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from PIL import Image

from hoso.access.permissions import Role
from hoso.archive import services as archive
from hoso.archive.models import Loan
from hoso.core.blobs import blob_store
from hoso.core.models import AuditEvent
from hoso.imaging.specimen import hostile_files
from hoso.procedures import cases, links
from hoso.procedures import services as transfers
from hoso.procedures.catalogue import StepSpec, change_procedure
from hoso.procedures.models import Case, CaseFile, ProcedureKind, Transfer
from hoso.records.models import Dossier

TRANSFER = {"to_province": "Hà Tĩnh", "recipient_agency": "Sở Nội vụ tỉnh Hà Tĩnh", "reason": "Chuyển nơi cư trú",
            "new_address": "xã Thạch Hà, tỉnh Hà Tĩnh"}


@pytest.fixture(autouse=True)
def _own_store(blob_dir):
    """Uploaded papers go to the test's own blob store (tests/conftest.py)."""


def client_of(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def said(response) -> list[str]:
    return [str(m) for m in response.context["messages"]]


def png_bytes(shade: int = 210) -> bytes:
    out = io.BytesIO()
    Image.new("L", (400, 520), shade).save(out, "PNG")
    return out.getvalue()


def receive(desk, dossier, kind="trich-luc", **applicant) -> Case:
    return cases.receive_case(actor=desk, kind=kind, dossiers=[dossier] if dossier else [],
                              applicant=cases.Applicant(**({"name": "Nguyễn Thị Hoa"} | applicant)))


# --- the paper original ---------------------------------------------------------------------------------------


def test_a_step_that_needs_the_original_asks_the_archive_and_the_case_shows_the_loan(desk, specialist, archivist,
                                                                                    martyr_dossier):
    case = receive(desk, martyr_dossier)
    response = client_of(specialist).post(f"/thu-tuc/{case.number}/thu-ly/", {}, follow=True)
    loan = Loan.objects.get()
    assert (loan.dossier, loan.borrower, loan.state) == (martyr_dossier, specialist, Loan.State.REQUESTED)
    assert case.number in loan.purpose and "bước 1" in loan.purpose and "Điều 129" in loan.procedure
    assert loan.case_link.case == case and loan.case_link.step == 1
    assert f"Đã đề nghị mượn bản gốc hồ sơ {martyr_dossier.number} (phiếu mượn số {loan.pk}, chờ bộ phận lưu trữ " \
           "duyệt)." in said(response)
    assert AuditEvent.objects.filter(action="loan_request", actor=specialist, object_id=str(loan.pk)).exists()
    html = response.content.decode()
    assert f'id="loan-state-{loan.pk}">Chờ duyệt' in html and f'href="/muon/{loan.pk}/"' in html

    archive.approve_loan(actor=archivist, loan=loan)
    html = client_of(specialist).get(f"/thu-tuc/{case.number}/").content.decode()
    assert f'id="loan-state-{loan.pk}">Đã duyệt, chờ giao' in html and "chưa có phiếu mượn đang mở" not in html


def test_a_loan_the_archive_refuses_leaves_the_case_moving_and_can_be_asked_again(desk, specialist, officer,
                                                                                 archivist, martyr_dossier):
    other = archive.request_loan(actor=officer, dossier=martyr_dossier, purpose="Đối chiếu")  # lent to someone else
    case = receive(desk, martyr_dossier)
    case = cases.start_processing(actor=specialist, case=case)
    assert case.state == Case.State.PROCESSING and case.loans.count() == 0
    assert "Chưa đề nghị mượn được bản gốc" in case.original_requests[0].message
    html = client_of(specialist).get(f"/thu-tuc/{case.number}/").content.decode()
    assert "Bước 1 cần hồ sơ gốc (bản giấy): chưa có phiếu mượn đang mở" in html

    web = client_of(specialist)
    refused = web.post(f"/thu-tuc/{case.number}/muon-ban-goc/", {}, follow=True)
    assert any(f"phiếu mượn số {other.pk}" in m for m in said(refused)) and case.loans.count() == 0
    archive.cancel_loan(actor=officer, loan=other)
    asked = web.post(f"/thu-tuc/{case.number}/muon-ban-goc/", {"paper_reason": "Đối chiếu dấu gốc"}, follow=True)
    loan = case.loans.get().loan
    assert loan.paper_reason == "Đối chiếu dấu gốc" and any("Đã đề nghị mượn" in m for m in said(asked))
    again = links.request_original(actor=specialist, case=case)  # the open loan is kept, not asked twice
    assert again[0].loan == loan and Loan.objects.filter(dossier=martyr_dossier, state="requested").count() == 1


def test_only_steps_the_catalogue_marks_ask_for_the_original(desk, specialist, admin_user, martyr_dossier,
                                                             make_dossier):
    kind = ProcedureKind.objects.get(code="tro-cap-tho-cung-liet-si")
    before = cases.start_processing(actor=specialist, case=receive(desk, martyr_dossier, kind=kind.code))
    assert before.original_requests == [] and not Loan.objects.exists()
    steps = [StepSpec(s.actor, s.duration, s.unit, s.task, s.position == 1) for s in kind.current_version().steps.all()]
    change_procedure(actor=admin_user, kind=kind, note="Xã đối chiếu bản gốc", steps=steps)
    after = cases.start_processing(actor=specialist, case=receive(desk, make_dossier(), kind=kind.code))
    assert [link.loan.dossier for link in after.loans.all()] == list(after.dossiers.all())
    assert not before.loans.exists()


def test_a_digitised_dossier_is_lent_with_the_step_as_the_reason_for_paper(desk, specialist, martyr_dossier):
    Dossier.objects.filter(pk=martyr_dossier.pk).update(status=Dossier.Status.VERIFIED)  # read on screen, normally
    case = cases.start_processing(actor=specialist, case=receive(desk, martyr_dossier))
    loan = case.loans.get().loan
    assert loan.digitised and loan.paper_reason == (
        f"Bước 1 của thủ tục «Trích lục, sao hồ sơ người có công» cần bản gốc hồ sơ (hồ sơ thủ tục {case.number}).")


def test_a_commune_officer_cannot_ask_for_the_original_of_a_case_out_of_scope(desk, make_user, communes,
                                                                              martyr_dossier):
    case = receive(desk, martyr_dossier)  # the person lives in no commune of the officer's
    officer = make_user(Role.COMMUNE_OFFICER, scope=communes["a"])
    assert client_of(officer).post(f"/thu-tuc/{case.number}/muon-ban-goc/", {}).status_code == 404
    with pytest.raises(PermissionDenied):
        links.request_original(actor=officer, case=case)
    assert not Loan.objects.exists()


# --- uploaded papers --------------------------------------------------------------------------------------------


def test_an_uploaded_paper_is_checked_stored_ticked_and_read_back_audited(desk, martyr_dossier):
    case = receive(desk, martyr_dossier)
    paper = case.papers.get()
    paper.received_on = None
    paper.save()
    web = client_of(desk)
    data = png_bytes()
    response = web.post(f"/thu-tuc/{case.number}/tai-giay-to/", {
        "file": SimpleUploadedFile("ban-khai.png", data, content_type="image/png"), "paper": paper.pk}, follow=True)
    attached = CaseFile.objects.get()
    assert (attached.case, attached.paper, attached.title, attached.kind, attached.pages) == (
        case, paper, paper.name, "png", 1)
    assert blob_store().read_bytes(attached.sha256) == data
    paper.refresh_from_db()
    assert paper.received_on is not None
    assert any("Đã lưu «Văn bản đề nghị trích lục, sao hồ sơ» (1 trang)" in m for m in said(response))
    event = AuditEvent.objects.get(action="case_papers", actor=desk)
    assert event.after["sha256"] == attached.sha256 and event.after["papers"] == [paper.name]
    assert f'href="/thu-tuc/tep/{attached.pk}/"' in response.content.decode()

    download = web.get(f"/thu-tuc/tep/{attached.pk}/")
    assert download.content == data and download["Content-Type"] == "image/png"
    assert download["Content-Disposition"].startswith("attachment")
    assert AuditEvent.objects.filter(action="download", actor=desk, object_id=str(case.pk)).exists()


@pytest.fixture(scope="module")
def hostile(tmp_path_factory) -> dict[str, Path]:
    """capture's specimens of what must be refused: empty, text, a truncated TIFF, a PNG bomb, a PDF with JavaScript."""
    return hostile_files(tmp_path_factory.mktemp("bad"), image=Image.new("L", (400, 520), 200))


@pytest.mark.parametrize(("name", "expected"), [
    ("truncated_tiff", "bị hỏng hoặc bị cắt cụt"), ("text", "không phải ảnh quét hay PDF"),
    ("javascript_pdf", "JavaScript"), ("bomb", "quá lớn"), ("empty", "rỗng")])
def test_a_bad_file_is_refused_in_vietnamese_and_nothing_is_kept_or_lost(desk, martyr_dossier, hostile, blob_dir,
                                                                         name, expected):
    case = receive(desk, martyr_dossier, phone="0912345678")
    bad = hostile[name]
    before = (Case.objects.filter(pk=case.pk).values().get(), list(case.papers.values()))
    web = client_of(desk)
    with open(bad, "rb") as fh:
        response = web.post(f"/thu-tuc/{case.number}/tai-giay-to/", {"file": fh}, follow=True)
    messages = said(response)
    assert any(expected in m for m in messages), messages
    if name != "empty":  # Django's own form refuses a 0-byte file before the checks
        assert any("Tệp không được lưu; hãy quét hoặc chụp lại giấy tờ." in m for m in messages), messages
    assert not CaseFile.objects.exists()
    assert not [p for p in Path(blob_dir).rglob("*") if p.is_file()]  # no byte of it stored
    assert (Case.objects.filter(pk=case.pk).values().get(), list(case.papers.values())) == before
    assert not AuditEvent.objects.filter(action="case_papers").exists()
    assert response.status_code == 200 and "0912345678" in response.content.decode()  # the case page, as it was


def test_no_paper_is_added_to_a_closed_case_or_by_someone_out_of_scope(desk, make_user, communes, martyr_dossier,
                                                                      tmp_path):
    scan = tmp_path / "a.png"
    scan.write_bytes(png_bytes())
    case = receive(desk, martyr_dossier)
    officer = make_user(Role.COMMUNE_OFFICER, scope=communes["a"])
    with pytest.raises(PermissionDenied):
        links.attach_file(actor=officer, case=case, path=scan, name="a.png")
    cases.withdraw(actor=desk, case=case, reason="Rút đơn")
    with pytest.raises(ValidationError, match="đã kết thúc"):
        links.attach_file(actor=desk, case=case, path=scan, name="a.png")
    assert not CaseFile.objects.exists()


# --- the transfer (Điều 131) -----------------------------------------------------------------------------------


def test_the_decision_of_a_transfer_case_starts_the_transfer_and_the_case_shows_it(desk, specialist, chief,
                                                                                  archivist, martyr_dossier):
    case = receive(desk, martyr_dossier, kind="di-chuyen-ho-so")
    cases.start_processing(actor=specialist, case=case)
    web = client_of(specialist)
    html = web.get(f"/thu-tuc/{case.number}/").content.decode()
    assert 'name="to_province"' in html and "Ghi nơi chuyển đến" in html
    web.post(f"/thu-tuc/{case.number}/thay-doi/", TRANSFER)
    case.refresh_from_db()
    assert case.change["transfer"]["to_province"] == "Hà Tĩnh"

    decided = client_of(chief).post(f"/thu-tuc/{case.number}/duyet/", {"decision_number": "15/QĐ-SNV"}, follow=True)
    transfer = Transfer.objects.get()
    assert (transfer.case, transfer.dossier, transfer.to_province, transfer.state) == (
        case, martyr_dossier, "Hà Tĩnh", Transfer.State.CREATED)
    assert transfer.requested_on == case.received_on and case.number in transfer.note
    event = AuditEvent.objects.get(action="transfer_create")
    assert event.actor == chief and event.after["case"] == case.number
    html = decided.content.decode()
    assert f"phiếu báo di chuyển số {transfer.number}" in html and 'id="case-transfers"' in html

    transfers.mark_sent(actor=archivist, transfer=transfer)
    html = client_of(archivist).get(f"/thu-tuc/{case.number}/").content.decode()
    assert f'id="transfer-state-{transfer.pk}">Đã gửi' in html and f'href="/chuyen-ho-so/{transfer.pk}/"' in html


def test_a_transfer_the_archive_opened_is_linked_and_one_without_a_destination_is_not_decided(
        desk, specialist, chief, archivist, martyr_dossier, make_dossier):
    opened = transfers.create_transfer(actor=archivist, dossier=martyr_dossier, **TRANSFER)
    case = cases.start_processing(actor=specialist, case=receive(desk, martyr_dossier, kind="di-chuyen-ho-so"))
    case = cases.decide(actor=chief, case=case)
    opened.refresh_from_db()
    assert opened.case == case and Transfer.objects.count() == 1
    assert case.change["applied"]["transfer"] == opened.number

    bare = cases.start_processing(actor=specialist, case=receive(desk, make_dossier(), kind="di-chuyen-ho-so"))
    with pytest.raises(ValidationError, match="Cần ghi nơi chuyển hồ sơ đến"):
        cases.decide(actor=chief, case=bare)
    bare.refresh_from_db()
    assert bare.state == Case.State.PROCESSING and Transfer.objects.count() == 1
    with pytest.raises(ValidationError, match="Cần ghi tỉnh"):
        cases.propose_change(actor=specialist, case=bare, item={"recipient_agency": "Sở", "reason": "x"})


# --- a new dossier ----------------------------------------------------------------------------------------------


def test_a_case_that_opens_a_dossier_registers_it_from_the_case(desk, specialist, communes):
    case = cases.receive_case(actor=desk, kind="ba-me-viet-nam-anh-hung", applicant=cases.Applicant(
        name="Lê Thị Mẹ", relationship="Bản thân", id_number="044150001234", address="thôn Đông, xã An Phú"))
    web = client_of(desk)
    html = web.get(f"/thu-tuc/{case.number}/").content.decode()
    assert 'id="register"' in html and 'value="Lê Thị Mẹ"' in html and 'value="044150001234"' in html
    response = web.post(f"/thu-tuc/{case.number}/lap-ho-so/", {
        "number": "BM/CM", "category": "BM", "full_name": "Lê Thị Mẹ", "birth_date": "1920",
        "residence_text": "thôn Đông, xã An Phú", "residence_unit": communes["a"].pk,
        "national_id": "044150001234"}, follow=True)
    dossier = Dossier.objects.get(category__code="BM")
    assert dossier.number.startswith("QTI/BM-") and dossier.number.endswith("/CM")
    assert dossier.subject.full_name == "Lê Thị Mẹ" and dossier.subject.residence_unit == communes["a"]
    assert list(case.dossiers.all()) == [dossier]
    assert f"Đã lập hồ sơ {dossier.number} và gắn vào hồ sơ thủ tục {case.number}." in said(response)
    assert AuditEvent.objects.filter(action="create", object_type="dossier", actor=desk).exists()
    assert AuditEvent.objects.get(action="case_process", actor=desk).after["numbers"] == [dossier.number]
    assert f'href="/ho-so/{dossier.number}/"' in response.content.decode()


def test_a_new_dossier_is_registered_only_within_reach_and_only_for_procedures_that_open_one(
        desk, make_user, communes, martyr_dossier):
    officer = make_user(Role.COMMUNE_OFFICER, scope=communes["a"])
    opening = cases.receive_case(actor=desk, kind="ba-me-viet-nam-anh-hung", dossiers=[martyr_dossier])
    province_wide = make_user(Role.POLICY_OFFICER)
    with pytest.raises(PermissionDenied):
        links.register_dossier(actor=officer, case=opening, number="BM/CM", category_code="BM", full_name="Mẹ A")
    with pytest.raises(ValidationError, match="không lập hồ sơ"):
        links.register_dossier(actor=province_wide, case=receive(desk, martyr_dossier), number="BM/CM",
                               category_code="BM", full_name="Mẹ A")
    count = Dossier.objects.count()
    assert client_of(officer).post(f"/thu-tuc/{opening.number}/lap-ho-so/", {
        "number": "BM/CM", "category": "BM", "full_name": "Mẹ A"}).status_code == 404
    # in a case they reach, a commune officer still cannot file the new dossier in another commune
    mine = cases.receive_case(actor=officer, kind="ba-me-viet-nam-anh-hung", dossiers=[
        links.register_dossier(actor=province_wide, case=opening, number="BM/CM", category_code="BM",
                               full_name="Mẹ B", residence_unit=communes["a"])])
    with pytest.raises(PermissionDenied):
        links.register_dossier(actor=officer, case=mine, number="BM/CM", category_code="BM", full_name="Mẹ C",
                               residence_unit=communes["b"])
    assert Dossier.objects.count() == count + 1
