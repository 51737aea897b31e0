"""The one-stop desk in the user's language (issue #17): a refused move, a move done, a refused upload and the queue
read in English by a user who chose English and in Vietnamese by one who kept it; what is written down — the case's
history, the audit trail, the loan's purpose — stays Vietnamese whoever caused it."""

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from hoso.access.models import Language
from hoso.access.permissions import Role
from hoso.access.services import set_language
from hoso.archive.models import Loan
from hoso.core.i18n import vietnamese_display
from hoso.core.models import AuditEvent
from hoso.procedures import cases
from hoso.procedures.models import Case, CaseFile

VIETNAMESE = re.compile(r"[À-ÃÈ-ÊÌÍÒ-ÕÙÚÝà-ãè-êìíò-õùúýĂăĐđĨĩŨũƠơƯưẠ-ỹ]")


@pytest.fixture(autouse=True)
def _own_store(blob_dir):
    """Uploaded papers go to the test's own blob store (tests/conftest.py)."""


def client_of(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def said(response) -> list[str]:
    return [str(m) for m in response.context["messages"]]


def english(user):
    return set_language(user=user, language=Language.ENGLISH)


def receive(desk, dossier) -> Case:
    return cases.receive_case(actor=desk, kind="trich-luc", dossiers=[dossier],
                              applicant=cases.Applicant(name="Nguyễn Thị Hoa"))


def test_a_refused_move_reads_in_the_user_language(desk, make_user, martyr_dossier):
    case = receive(desk, martyr_dossier)  # received, not processed: nothing to approve yet
    leader = english(make_user(Role.LEADER, username="leader_en"))
    refused = said(client_of(leader).post(f"/thu-tuc/{case.number}/duyet/", {}, follow=True))
    assert f"Case {case.number} is “Received”: the result cannot be approved." in refused, refused
    assert not any(VIETNAMESE.search(m) for m in refused), refused

    chief = make_user(Role.LEADER, username="leader_vi")
    state = vietnamese_display(case, "state")
    assert f"Hồ sơ {case.number} đang ở trạng thái «{state}»: không thể duyệt kết quả." in said(
        client_of(chief).post(f"/thu-tuc/{case.number}/duyet/", {}, follow=True))
    case.refresh_from_db()
    assert case.state == Case.State.RECEIVED


def test_a_move_done_in_english_is_written_down_in_vietnamese(desk, make_user, martyr_dossier):
    case = receive(desk, martyr_dossier)
    specialist = english(make_user(Role.ARCHIVIST, username="specialist_en"))
    done = said(client_of(specialist).post(f"/thu-tuc/{case.number}/thu-ly/", {}, follow=True))
    case.refresh_from_db()
    loan = Loan.objects.get()
    assert f"Took up case {case.number}: step 1, result due on {case.due_on:%d/%m/%Y}." in done, done
    assert (f"Requested the original of dossier {martyr_dossier.number} (loan no. {loan.pk}, awaiting the archive's "
            "approval).") in done, done
    event = AuditEvent.objects.get(action="case_process", actor=specialist)
    assert event.summary == f"{case.number}: Đang thụ lý"  # the trail keeps the source language
    assert loan.purpose.startswith(f"Hồ sơ thủ tục {case.number}, bước 1")


def test_a_refused_upload_says_why_in_english_and_in_vietnamese(desk, make_user, martyr_dossier):
    case = receive(desk, martyr_dossier)
    note = b"not a scan at all, only words"
    desk_en = english(make_user(Role.POLICY_OFFICER, username="desk_en"))
    refused = said(client_of(desk_en).post(f"/thu-tuc/{case.number}/tai-giay-to/", {
        "file": SimpleUploadedFile("ghi-chu.txt", note, content_type="text/plain")}, follow=True))
    assert any("“ghi-chu.txt”" in m and m.endswith("The file was not saved; scan or photograph the paper again.")
               for m in refused), refused
    assert not any(VIETNAMESE.search(m) for m in refused), refused

    refused = said(client_of(desk).post(f"/thu-tuc/{case.number}/tai-giay-to/", {
        "file": SimpleUploadedFile("ghi-chu.txt", note, content_type="text/plain")}, follow=True))
    assert any("«ghi-chu.txt»" in m and m.endswith("Tệp không được lưu; hãy quét hoặc chụp lại giấy tờ.")
               for m in refused), refused
    assert not CaseFile.objects.exists()


def test_the_queue_reads_in_english(desk, make_user, martyr_dossier):
    receive(desk, martyr_dossier)
    body = client_of(english(desk)).get("/thu-tuc/").content.decode()
    assert "Newly received, awaiting processing" in body
    assert "Mới tiếp nhận, chờ thụ lý" not in body
