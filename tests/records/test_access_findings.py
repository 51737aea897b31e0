"""Regression tests for the findings of the access probe (issue 13) that the visibility rule closes: H2 (writes
that move dossiers into scope), H3 (the register import as an oracle), M1 (reads without an audit event), M2
(secret pages through `hoso show`, secret documents named in messages), M3 (allowances that reveal an injury
rate). Each test is named after its finding."""

import io
import json

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.test import Client
from rest_framework.test import APIClient

from hoso.access.permissions import Role
from hoso.capture import services as capture
from hoso.core.models import AuditEvent
from hoso.imports.services.registers import import_register
from hoso.records import services
from hoso.records.models import Confidentiality, Dossier, Page, Person
from hoso.records.visibility import NUMBER_UNAVAILABLE
from hoso.vntext import PartialDate

pytestmark = pytest.mark.django_db


@pytest.fixture
def crossed(actor, communes):
    """A person who is a relative in commune A's dossier and the subject of commune B's dossier."""
    a_subject = services.create_person(actor=actor, full_name="Lê Văn An", residence_unit=communes["a"])
    a_dossier = services.register_dossier(actor=actor, number="QTI/LS-00001/CM", category_code="LS",
                                          subject=a_subject)
    both = services.create_person(actor=actor, full_name="Trần Thị Bình", residence_unit=communes["b"])
    b_dossier = services.register_dossier(actor=actor, number="QTI/AQ-00002/CM", category_code="AQ", subject=both)
    services.link_relative(actor=actor, dossier=a_dossier, person=both, relationship="me")
    return {"a": a_dossier, "b": b_dossier, "both": both}


@pytest.fixture
def commune_officer(make_user, communes):
    return make_user(Role.COMMUNE_OFFICER, username="xa-a", scope=communes["a"])


def api_for(user) -> APIClient:
    client = APIClient()
    client.force_login(user)
    return client


# --- H2: writes check scope before and after --------------------------------------------------------------

def test_h2_patching_a_relative_cannot_pull_another_communes_dossier_into_scope(crossed, commune_officer, communes):
    api = api_for(commune_officer)
    url = f"/api/people/{crossed['both'].pk}/"
    assert api.get(url).status_code == 200  # visible as a relative in commune A's dossier
    response = api.patch(url, {"residence_unit": communes["a"].pk}, format="json")
    assert response.status_code == 403
    assert "phạm vi" in response.json()["detail"]
    crossed["both"].refresh_from_db()
    assert crossed["both"].residence_unit_id == communes["b"].pk
    assert api.get(f"/api/dossiers/{crossed['b'].number}/").status_code == 404


def test_h2_a_dossier_for_a_subject_outside_scope_is_refused(crossed, commune_officer, communes):
    api = api_for(commune_officer)
    before = Dossier.objects.count(), Person.objects.count()
    response = api.post("/api/dossiers/", {"number": "QTI/LS-00009/CM", "category": "LS",
                                           "subject": {"full_name": "Phạm Văn Xa", "residence_unit": communes["b"].pk}},
                        format="json")
    assert response.status_code == 403
    assert (Dossier.objects.count(), Person.objects.count()) == before  # the person made on the way is gone too
    with pytest.raises(PermissionDenied):
        services.register_dossier(actor=commune_officer, number="QTI/LS-00010/CM", category_code="LS",
                                  subject=crossed["both"])


def test_h2_the_web_edit_form_cannot_move_a_dossier_out_of_scope(crossed, commune_officer, communes):
    client = Client()
    client.force_login(commune_officer)
    dossier = crossed["a"]
    page = client.get(f"/ho-so/{dossier.number}/sua/")
    assert page.status_code == 200
    form = page.context["form"]
    data = {name: form[name].value() for name in form.fields if form[name].value() is not None}
    data["residence_unit"] = communes["b"].pk
    response = client.post(f"/ho-so/{dossier.number}/sua/", data)
    assert response.status_code == 200  # the form again, with the reason
    assert "phạm vi" in response.content.decode()
    dossier.subject.refresh_from_db()
    assert dossier.subject.residence_unit_id == communes["a"].pk


def test_h2_a_dossier_cannot_be_made_secret_by_someone_without_clearance(crossed, commune_officer):
    with pytest.raises(Exception) as refused:
        services.update_dossier(actor=commune_officer, dossier=crossed["a"], confidentiality=Confidentiality.SECRET)
    assert "Mật" in str(refused.value)
    crossed["a"].refresh_from_db()
    assert crossed["a"].confidentiality == Confidentiality.NORMAL


# --- H3: the register import is no oracle and writes nothing it may not ------------------------------------

def _register(tmp_path, name: str, year: str):
    path = tmp_path / f"so-{year}.csv"
    path.write_text(f"Số hồ sơ;Họ và tên;Năm sinh\nQTI/LS-00777/CM;{name};{year}\n", encoding="utf-8-sig")
    return path


def test_h3_register_import_neither_confirms_nor_overwrites_a_secret_dossier(tmp_path, actor, officer):
    person = services.create_person(actor=actor, full_name="Hoàng Văn Mật", birth_date=PartialDate(1940))
    services.register_dossier(actor=actor, number="QTI/LS-00777/CM", category_code="LS", subject=person,
                              confidentiality=Confidentiality.SECRET)
    answers = []
    for name, year, dry in (("Hoàng Văn Mật", "1940", True), ("Người Khác", "1999", True),
                            ("Người Khác", "1999", False)):
        report = import_register(actor=officer, path=_register(tmp_path, name, year), dry_run=dry)
        answers.append((report.created, report.updated, report.unchanged, [e.message for e in report.errors]))
    assert answers[0] == answers[1] == answers[2]  # the right and a wrong name get the same answer
    assert answers[0][:3] == (0, 0, 0) and NUMBER_UNAVAILABLE.format(number="QTI/LS-00777/CM") in answers[0][3][0]
    person.refresh_from_db()
    assert person.full_name == "Hoàng Văn Mật" and person.birth_date == PartialDate(1940)


# --- M1: every read of personal data is audited --------------------------------------------------------------

def test_m1_api_people_list_and_detail_and_web_dossier_list_are_audited(crossed, officer):
    api = api_for(officer)
    people = api.get("/api/people/").json()["results"]
    event = AuditEvent.objects.filter(action="view_list", object_type="person_list", actor=officer).latest("id")
    assert sorted(event.after["keys"]) == sorted(str(p["id"]) for p in people)
    assert api.get(f"/api/people/{crossed['both'].pk}/").status_code == 200
    assert AuditEvent.objects.filter(action="view", object_type="person", object_id=str(crossed["both"].pk),
                                     actor=officer).exists()
    api.get("/api/dossiers/")
    assert AuditEvent.objects.filter(action="view_list", object_type="dossier_list", actor=officer).count() == 1
    client = Client()
    client.force_login(officer)
    assert client.get("/ho-so/").status_code == 200
    listed = AuditEvent.objects.filter(action="view_list", object_type="dossier_list", actor=officer).latest("id")
    assert set(listed.after["keys"]) == {crossed["a"].number, crossed["b"].number}


def test_m1_the_page_viewer_audits_the_ocr_text_it_shows(crossed, archivist):
    dossier = crossed["a"]
    Page.objects.create(dossier=dossier, sequence=1, state=Page.State.DONE, ocr_text="Giấy báo tử liệt sĩ")
    client = Client()
    client.force_login(archivist)
    response = client.get(f"/so-hoa/ho-so/{dossier.number}/")
    assert response.status_code == 200 and "Giấy báo tử liệt sĩ" in response.content.decode()
    assert AuditEvent.objects.filter(action="view_page_text", object_id=str(dossier.pk), actor=archivist).exists()


# --- M2 / M3: secret pages, secret names in messages, health through money ------------------------------------

@pytest.fixture
def secret_document(actor, martyr_dossier):
    normal = services.add_document(actor=actor, dossier=martyr_dossier, doc_type="Giấy báo tử")
    secret = services.add_document(actor=actor, dossier=martyr_dossier, doc_type="Báo cáo trinh sát đặc biệt",
                                   confidentiality=Confidentiality.SECRET)
    for sequence, document, text in ((1, normal, "giấy báo tử"), (2, secret, "mật lệnh trinh sát")):
        Page.objects.create(dossier=martyr_dossier, sequence=sequence, state=Page.State.DONE, document=document,
                            ocr_text=text)
    return secret


def test_m2_show_json_leaves_out_the_pages_of_a_secret_document(martyr_dossier, secret_document, officer):
    out = io.StringIO()
    call_command("show", martyr_dossier.number, "--json", "--as", officer.username, stdout=out)
    data = json.loads(out.getvalue())
    texts = [p["ocr_text"] for p in data["pages"]]
    assert texts == ["giấy báo tử"] and data["withheld_pages"] == 1
    assert "trinh sát" not in out.getvalue()


def test_m2_grouping_pages_does_not_name_a_secret_document(martyr_dossier, secret_document, scanner):
    with pytest.raises(Exception) as refused:
        capture.group_pages(actor=scanner, dossier=martyr_dossier, page_from=1, page_to=2, doc_type="Bản khai")
    message = str(refused.value)
    assert "thuộc văn bản" in message and "trinh sát" not in message


def test_m3_the_allowance_that_follows_the_injury_rate_needs_the_health_permission(actor, martyr_dossier, leader,
                                                                                    officer):
    services.add_decision(actor=actor, dossier=martyr_dossier, kind="hang_thang", number="12/QĐ",
                          monthly_amount=8_327_000)
    for user, shown in ((officer, True), (leader, False)):
        client = Client()
        client.force_login(user)
        page = client.get(f"/ho-so/{martyr_dossier.number}/").content.decode()
        assert ("8.327.000" in page) is shown, user.role
    out = io.StringIO()
    call_command("show", martyr_dossier.number, "--json", "--as", leader.username, stdout=out)
    assert "monthly_amount" not in json.loads(out.getvalue())["decisions"][0]


def test_m3_the_text_of_an_assessment_page_needs_the_health_permission(actor, martyr_dossier, make_user, officer):
    assessment = services.add_document(actor=actor, dossier=martyr_dossier, doc_type="Biên bản giám định y khoa")
    Page.objects.create(dossier=martyr_dossier, sequence=1, state=Page.State.DONE, document=assessment,
                        ocr_text="tỷ lệ tổn thương cơ thể 61%")
    commune = make_user(Role.COMMUNE_OFFICER, username="xa-toan-tinh")
    for user, shown in ((officer, True), (commune, False)):
        client = Client()
        client.force_login(user)
        page = client.get(f"/so-hoa/ho-so/{martyr_dossier.number}/").content.decode()
        assert ("tổn thương cơ thể 61%" in page) is shown, user.role
        out = io.StringIO()
        call_command("show", martyr_dossier.number, "--json", "--as", user.username, stdout=out)
        assert ("61%" in out.getvalue()) is shown, user.role
    assert not AuditEvent.objects.filter(action="view_page_text", actor=commune).exists()


def test_lower_batches_and_their_counts_follow_the_dossiers_they_hold(actor, crossed, make_user, communes):
    from hoso.capture.models import Batch, BatchItem

    batch = Batch.objects.create(name=f"Đợt quét {crossed['b'].number}", operator=actor)
    page = Page.objects.create(dossier=crossed["b"], sequence=1, state=Page.State.DONE)
    BatchItem.objects.create(batch=batch, dossier=crossed["b"], page=page, source_name="x.jpg",
                             outcome=BatchItem.Outcome.ADDED)
    stranger = make_user(Role.DATA_ENTRY, username="nhap-xa-a", scope=communes["a"])
    insider = make_user(Role.DATA_ENTRY, username="nhap-toan-tinh")
    for user, visible in ((stranger, False), (insider, True)):
        client = Client()
        client.force_login(user)
        listing = client.get("/so-hoa/").content.decode()
        assert (crossed["b"].number in listing) is visible, user.username
        assert client.get(f"/so-hoa/dot/{batch.pk}/").status_code == (200 if visible else 404)


def test_lower_import_runs_of_others_need_a_clearance(tmp_path, make_user, officer, admin_user):
    from hoso.imports.services.runs import upload_register

    path = tmp_path / "so.csv"
    path.write_text("Số hồ sơ;Họ và tên;Năm sinh\nQTI/LS-00501/CM;Phạm Văn Sổ;1950\n", encoding="utf-8-sig")
    cleared = make_user(Role.POLICY_OFFICER, username="canbo-mat", clearance=True)
    run = upload_register(actor=cleared, source=path, file_name="so.csv")
    for user, status in ((officer, 404), (cleared, 200)):
        client = Client()
        client.force_login(user)
        assert client.get(f"/nhap-so/{run.pk}/").status_code == status, user.username
        assert ("so.csv" in client.get("/nhap-so/").content.decode()) is (status == 200)


def test_lower_registering_under_a_hidden_number_names_nothing(actor, crossed, commune_officer, communes):
    """A number already given to a dossier beyond the user's reach (another commune's, or a secret one) gets the
    words an import row gets for it — not "đã có", not its level or commune; a visible one is named as existing."""
    person = services.create_person(actor=actor, full_name="Hoàng Văn Mật", residence_unit=communes["a"])
    services.register_dossier(actor=actor, number="QTI/LS-00777/CM", category_code="LS", subject=person,
                              confidentiality=Confidentiality.SECRET)
    mine = services.create_person(actor=commune_officer, full_name="Lê Thị Mới", residence_unit=communes["a"])
    hidden = [crossed["b"].number, "QTI/LS-00777/CM"]
    visible = crossed["a"].number
    for number in hidden:
        with pytest.raises(ValidationError) as caught:
            services.register_dossier(actor=commune_officer, number=number, category_code=number[4:6], subject=mine)
        assert caught.value.message_dict["number"] == [NUMBER_UNAVAILABLE.format(number=number)]
    with pytest.raises(ValidationError, match="đã có trong hệ thống"):
        services.register_dossier(actor=commune_officer, number=visible, category_code="LS", subject=mine)
    # The web form says the same, and nothing about the hidden dossier appears on the page.
    client = Client()
    client.force_login(commune_officer)
    form = client.get("/ho-so/moi/").context["form"]
    data = {name: form[name].value() for name in form.fields if form[name].value() is not None}
    category = form.fields["category"].queryset.get(code=hidden[0][4:6])
    data.update(number=hidden[0], category=getattr(category, form.fields["category"].to_field_name or "pk"),
                full_name="Lê Thị Mới", residence_unit=communes["a"].pk, birth_date="1950",
                confidentiality="thuong")
    response = client.post("/ho-so/moi/", data)
    body = response.content.decode()
    assert response.status_code == 200 and "không dùng được" in body
    assert "QTI/AQ" not in body.replace(hidden[0], "") and "đã có trong hệ thống" not in body
