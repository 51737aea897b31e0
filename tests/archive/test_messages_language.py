"""The archive's refusals in the user's language (issue #17): a loan, a move or an approval the services refuse reads
in English for a user who chose English and in Vietnamese for everyone else, while what is written down — the audit
trail, the loan's own record — stays Vietnamese."""

import html
import re

import pytest
from django.contrib.messages import get_messages
from django.core.exceptions import ValidationError
from django.test import Client
from django.utils import translation

from hoso.access.models import Language
from hoso.access.services import set_language
from hoso.archive import services as archive
from hoso.archive.models import Loan, Placement
from hoso.core.events import AuditAction
from hoso.core.models import AuditEvent

VIETNAMESE = re.compile(r"[àáảãạăắằẳẵặâấầẩẫậđèéẻẽẹêếềểễệìíỉĩịòóỏõọôốồổỗộơớờởỡợùúủũụưứừửữựỳýỷỹỵ]", re.IGNORECASE)


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def text(response) -> str:
    return html.unescape(response.content.decode())


def shown(response) -> list[str]:
    """The messages the next page would show (those of earlier requests not yet read included)."""
    return [str(m) for m in get_messages(response.wsgi_request)]


@pytest.fixture
def english_officer(make_user):
    return set_language(user=make_user("policy_officer", username="reader"), language=Language.ENGLISH)


@pytest.fixture
def english_archivist(make_user):
    return set_language(user=make_user("archivist", username="keeper"), language=Language.ENGLISH)


@pytest.fixture
def lent(officer, archivist, martyr_dossier) -> Loan:
    loan = archive.request_loan(actor=officer, dossier=martyr_dossier, purpose="Trích lục")
    archive.approve_loan(actor=archivist, loan=loan)
    return archive.check_out_dossier(actor=archivist, loan=loan)


def test_a_loan_request_for_a_lent_dossier_is_refused_in_english(english_officer, lent, martyr_dossier):
    response = client_for(english_officer).post(f"/muon/de-nghi/{martyr_dossier.number}/",
                                                 {"purpose": "Trích lục", "procedure": ""})
    assert response.status_code == 200
    body = text(response)
    assert "Dossier QTI/LS-07956/CM is on loan:" in body and "has had it since" in body
    assert "đang được mượn" not in body
    assert Loan.objects.count() == 1


def test_the_same_refusal_reads_vietnamese_for_a_vietnamese_user(make_user, lent, martyr_dossier):
    response = client_for(make_user("policy_officer")).post(f"/muon/de-nghi/{martyr_dossier.number}/",
                                                            {"purpose": "Trích lục", "procedure": ""})
    body = text(response)
    assert "Hồ sơ QTI/LS-07956/CM đang được mượn:" in body and "giữ từ ngày" in body
    assert "is on loan" not in body


def test_approving_twice_is_refused_in_the_archivists_language_and_the_audit_stays_vietnamese(
        english_archivist, officer, martyr_dossier):
    loan = archive.request_loan(actor=officer, dossier=martyr_dossier, purpose="Trích lục")
    desk = client_for(english_archivist)
    desk.post(f"/muon/{loan.pk}/duyet/")
    response = desk.post(f"/muon/{loan.pk}/duyet/")
    refusals = [m for m in shown(response) if m.startswith("Cannot approve")]
    assert refusals and refusals[0].startswith(f"Cannot approve: loan no. {loan.pk} is “")
    assert not VIETNAMESE.search(refusals[0])
    event = AuditEvent.objects.get(action=AuditAction.LOAN_APPROVE)
    assert event.summary == "QTI/LS-07956/CM: duyệt cho mượn"
    request = AuditEvent.objects.get(action=AuditAction.LOAN_REQUEST)
    assert request.summary == "QTI/LS-07956/CM: đề nghị mượn — Trích lục"


def test_a_vietnamese_archivist_reads_the_refusal_in_vietnamese(archivist, officer, martyr_dossier):
    loan = archive.request_loan(actor=officer, dossier=martyr_dossier, purpose="Trích lục")
    archive.approve_loan(actor=archivist, loan=loan)
    response = client_for(archivist).post(f"/muon/{loan.pk}/duyet/")
    assert f"Không thể duyệt: phiếu mượn số {loan.pk} đang ở trạng thái «Đã duyệt, chờ giao»." in shown(response)


def test_a_full_box_refuses_a_move_in_english(english_archivist, store, make_dossier):
    dossiers = [make_dossier(f"Người {i}") for i in range(4)]
    response = client_for(english_archivist).post("/kho/chuyen/", {
        "box": store["small"].code, "scans": "\n".join(d.number for d in dossiers)})
    body = text(response)
    assert "holds only 3 dossiers: it has 0, and adding 4 would exceed it by 1" in body
    assert "chỉ chứa được" not in body and not Placement.objects.exists()


def test_a_service_refusal_follows_the_active_language(english_archivist, martyr_dossier):
    with translation.override("en"), pytest.raises(ValidationError) as refused:
        archive.return_dossier(actor=english_archivist, dossier=martyr_dossier, condition="binh_thuong")
    assert refused.value.messages == ["Dossier QTI/LS-07956/CM is not on loan: there is nothing to receive back."]
    with pytest.raises(ValidationError) as refused:
        archive.return_dossier(actor=english_archivist, dossier=martyr_dossier, condition="binh_thuong")
    assert refused.value.messages == ["Hồ sơ QTI/LS-07956/CM không được cho mượn: không có gì để nhận trả."]


@pytest.mark.parametrize("already", [1, 2])
def test_a_move_counts_dossiers_in_one_english_sentence(english_archivist, store, make_dossier, already):
    """One whole sentence per case: "1 dossier was" / "2 dossiers were" already in the box."""
    box = store["big"]
    dossiers = [make_dossier(f"Người {i}") for i in range(already + 2)]
    web = client_for(english_archivist)
    first = web.post("/kho/chuyen/", {"box": box.code, "scans": dossiers[0].number})
    assert re.fullmatch(rf"1 dossier moved into .+ \({box.code}\)\.", shown(first)[-1]), shown(first)
    if already == 2:
        web.post("/kho/chuyen/", {"box": box.code, "scans": dossiers[1].number})
    again = web.post("/kho/chuyen/", {"box": box.code, "scans": "\n".join(d.number for d in dossiers)})
    said = shown(again)[-1]
    if already == 1:
        assert re.fullmatch(r"2 dossiers moved into .+ \(\S+\)\. 1 dossier was already in the box\.", said), said
    else:
        assert re.fullmatch(r"2 dossiers moved into .+ \(\S+\)\. 2 dossiers were already in the box\.", said), said
    moves = AuditEvent.objects.filter(actor=english_archivist, action=AuditAction.ARCHIVE_MOVE)
    assert moves.count() == already + 2 and all(VIETNAMESE.search(e.summary) for e in moves)


def test_a_move_reads_as_before_in_vietnamese(archivist, store, make_dossier):
    box = store["big"]
    dossiers = [make_dossier(f"Người {i}") for i in range(3)]
    web = client_for(archivist)
    web.post("/kho/chuyen/", {"box": box.code, "scans": dossiers[0].number})
    said = shown(web.post("/kho/chuyen/", {"box": box.code, "scans": "\n".join(d.number for d in dossiers)}))[-1]
    assert said == f"Đã chuyển 2 hồ sơ vào {box.label} ({box.code}). 1 hồ sơ đã ở sẵn trong hộp."
