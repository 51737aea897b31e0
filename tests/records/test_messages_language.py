"""The records services' refusals in the user's language (issue #17): registering under a number already given or
taking a dossier a step it cannot take reads in English for a user who chose English, in Vietnamese for the others;
what is written — the dossier's title, the audit trail — stays Vietnamese."""

import html

import pytest
from django.contrib.messages import get_messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.utils import translation

from hoso.access.models import Language
from hoso.access.services import set_language
from hoso.core.events import AuditAction
from hoso.core.models import AuditEvent
from hoso.records import services
from hoso.records.models import Dossier
from hoso.records.visibility import OUT_OF_REACH
from hoso.web.views_files import PurposeForm


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def form(**overrides) -> dict:
    """What a user submits on «Đăng ký hồ sơ» for a plain martyr dossier."""
    data = {
        "number": "QTI/LS-01234/CM", "category": "LS", "full_name": "Hoàng Văn Thắng", "aliases": "",
        "sex": "nam", "birth_date": "", "death_date": "", "ethnicity": "Kinh",
        "hometown_text": "xã Vĩnh Linh, huyện Vĩnh Linh", "hometown_unit": "", "residence_text": "",
        "residence_unit": "", "national_id": "", "notes": "", "title": "", "confidentiality": "thuong",
        "status": "chua_so_hoa", "physical_condition": "binh_thuong", "sheet_count": "", "page_total": "",
        "place_of_sacrifice": "", "unit": "", "rank": "", "position": "", "certificate_number": "",
        "grave_status": "", "cemetery": "",
    }
    data.update(overrides)
    return data


@pytest.fixture
def english_officer(make_user):
    return set_language(user=make_user("policy_officer", username="reader"), language=Language.ENGLISH)


def test_a_number_already_given_is_refused_in_english(english_officer, martyr_dossier):
    response = client_for(english_officer).post("/ho-so/moi/", form(number="qti/ls 7956/cm"))
    assert response.status_code == 200
    body = html.unescape(response.content.decode())
    assert "Dossier number QTI/LS-07956/CM is already in the system." in body
    assert "đã có trong hệ thống" not in body


def test_a_vietnamese_user_reads_the_same_refusal_in_vietnamese(officer, martyr_dossier):
    response = client_for(officer).post("/ho-so/moi/", form(number="qti/ls 7956/cm"))
    body = html.unescape(response.content.decode())
    assert "Số hồ sơ QTI/LS-07956/CM đã có trong hệ thống." in body


def test_what_an_english_user_registers_is_written_in_vietnamese(english_officer, db):
    response = client_for(english_officer).post("/ho-so/moi/", form())
    assert response.status_code == 302
    dossier = Dossier.objects.get(number="QTI/LS-01234/CM")
    assert dossier.title == "Hồ sơ liệt sĩ Hoàng Văn Thắng"
    event = AuditEvent.objects.filter(action=AuditAction.CREATE, object_type="dossier").latest("id")
    assert event.actor_id == english_officer.pk and event.summary == "QTI/LS-01234/CM"


def test_a_step_the_workflow_refuses_reads_english(make_user, martyr_dossier):
    scanner = set_language(user=make_user("data_entry", username="scan-en"), language=Language.ENGLISH)
    response = client_for(scanner).post(f"/so-hoa/ho-so/{martyr_dossier.number}/tinh-trang/",
                                        {"status": Dossier.Status.SCANNED, "note": ""})
    shown = [str(m) for m in get_messages(response.wsgi_request)]
    assert "The dossier has no digitised pages yet, so it cannot be marked “Scanned”." in shown
    martyr_dossier.refresh_from_db()
    assert martyr_dossier.status == Dossier.Status.NOT_STARTED
    assert not AuditEvent.objects.filter(action=AuditAction.SET_STATUS).exists()


def test_the_services_speak_the_active_language(actor, martyr_dossier):
    with translation.override("en"), pytest.raises(ValidationError) as refused:
        services.link_relative(actor=actor, dossier=martyr_dossier, person=martyr_dossier.subject,
                               relationship="con")
    assert refused.value.message_dict == {
        "person": ["The person with meritorious services cannot be a relative in their own dossier."]}
    with pytest.raises(ValidationError) as refused:
        services.link_relative(actor=actor, dossier=martyr_dossier, person=martyr_dossier.subject,
                               relationship="con")
    assert refused.value.message_dict == {"person": ["Người có công không thể là thân nhân của chính hồ sơ mình."]}
    with translation.override("en"):
        assert str(PermissionDenied(OUT_OF_REACH)).startswith("You may not change this dossier or person")
    assert str(PermissionDenied(OUT_OF_REACH)).startswith("Bạn không được thay đổi hồ sơ hoặc người này")


def test_the_purpose_of_a_copy_is_offered_in_english_and_written_in_vietnamese():
    with translation.override("en"):
        form = PurposeForm({"purpose": "thanh_tra", "detail": "đoàn thanh tra tỉnh", "action": "download"})
        assert ("thanh_tra", "Inspection, audit") in [(k, str(v)) for k, v in form.fields["purpose"].choices]
        assert form.is_valid()
        assert form.purpose_text() == "Thanh tra, kiểm tra — đoàn thanh tra tỉnh"
