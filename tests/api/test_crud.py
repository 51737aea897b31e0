"""The records API: create, read, update, delete through the services, access-checked, audited, in Vietnamese."""

import datetime
import json
import re

import pytest
from rest_framework.test import APIClient

from hoso.access.permissions import Role
from hoso.core.models import AuditEvent
from hoso.gazetteer.models import AdminUnit
from hoso.records import services
from hoso.records.models import Document, Dossier, Page, Person

VIETNAMESE = re.compile(r"[àáảãạăắằẳẵặâấầẩẫậđèéẻẽẹêếềểễệìíỉĩịòóỏõọôốồổỗộơớờởỡợùúủũụưứừửữựỳýỷỹỵ]", re.IGNORECASE)


def _messages(body) -> list[str]:
    if isinstance(body, str):
        return [body]
    if isinstance(body, list):
        return [m for item in body for m in _messages(item)]
    return [m for value in body.values() for m in _messages(value)]


def assert_vietnamese_400(response, field: str | None = None):
    assert response.status_code == 400, response.content
    body = response.json()
    if field:
        assert field in body, body
    messages = _messages(body[field] if field else body)
    assert messages and all(VIETNAMESE.search(m) for m in messages), messages


def client_for(user) -> APIClient:
    client = APIClient()
    client.force_login(user)
    return client


def last_event(action: str, object_type: str) -> AuditEvent:
    return AuditEvent.objects.filter(action=action, object_type=object_type).latest("id")


def counts() -> tuple[int, int, int, int]:
    return Dossier.objects.count(), Person.objects.count(), Document.objects.count(), AuditEvent.objects.count()


@pytest.fixture
def api(officer):
    return client_for(officer)


@pytest.fixture
def world(actor):
    """Commune A and commune B, a dossier (with a relative and a document) in each."""
    day = datetime.date(2025, 7, 1)
    province = AdminUnit.objects.create(code="44", name="Tỉnh Quảng Trị", name_folded="tinh quang tri",
                                        level="province", valid_from=day)
    units = {key: AdminUnit.objects.create(code=code, name=name, name_folded=name.lower(), level="commune",
                                           parent=province, valid_from=day)
             for key, code, name in (("a", "90001", "Xã An Phú"), ("b", "90002", "Xã Bình Minh"))}
    out = {"units": units}
    for key, number in (("a", "QTI/LS-00001/CM"), ("b", "QTI/LS-00002/CM")):
        person = services.create_person(actor=actor, full_name=f"Lê Văn {key.upper()}", residence_unit=units[key])
        dossier = services.register_dossier(actor=actor, number=number, category_code="LS", subject=person)
        mother = services.create_person(actor=actor, full_name=f"Trần Thị {key.upper()}")
        services.link_relative(actor=actor, dossier=dossier, person=mother, relationship="me")
        document = services.add_document(actor=actor, dossier=dossier, doc_type="Giấy báo tử")
        out[key] = {"dossier": dossier, "person": person, "mother": mother, "document": document}
    return out


def test_officer_creates_reads_updates_and_deletes_a_dossier(api, make_user):
    response = api.post("/api/dossiers/", {
        "number": "qti/ls-123/cm", "category": "LS", "start_date": "1947",
        "subject": {"full_name": "Nguyễn Văn Bình", "birth_date": "12/05/1950", "death_date": "5/1972",
                    "aliases": ["Ba Bình"]},
        "martyr": {"place_of_sacrifice": "Thành cổ Quảng Trị", "certificate_date": "1974"},
    }, format="json")
    assert response.status_code == 201, response.content
    created = response.json()
    assert created["number"] == "QTI/LS-00123/CM"
    assert created["subject"]["birth_date"] == "1950-05-12"
    assert created["subject"]["death_date"] == "1972-05"
    assert created["subject"]["aliases"] == ["Ba Bình"]
    assert created["martyr"]["place_of_sacrifice"] == "Thành cổ Quảng Trị"
    assert created["start_date"] == "1947"
    assert last_event("create", "dossier").after["number"] == "QTI/LS-00123/CM"
    assert last_event("create", "person").after["full_name"] == "Nguyễn Văn Bình"

    url = "/api/dossiers/QTI/LS-00123/CM/"
    detail = api.get(url)
    assert detail.status_code == 200 and detail.json()["title"].endswith("Nguyễn Văn Bình")
    assert any(d["number"] == "QTI/LS-00123/CM" for d in api.get("/api/dossiers/").json()["results"])

    old_title = detail.json()["title"]
    patched = api.patch(url, {"title": "Hồ sơ LS Nguyễn Văn Bình", "end_date": "31/12/1975"}, format="json")
    assert patched.status_code == 200, patched.content
    assert patched.json()["end_date"] == "1975-12-31"
    event = last_event("update", "dossier")
    assert event.before == {"title": old_title, "end_date": None}
    assert event.after == {"title": "Hồ sơ LS Nguyễn Văn Bình", "end_date": "1975-12-31"}

    # The digitisation status moves through its workflow only: no skipping the scan or the second person's check.
    skipped = api.patch(url, {"status": "da_kiem_tra"}, format="json")
    assert skipped.status_code == 403 and "không có quyền chuyển hồ sơ sang" in skipped.content.decode()
    assert api.get(url).json()["status"] == "chua_so_hoa"
    put = api.put(url, {"number": "QTI/LS-00124/CM", "category": "LS", "status": "chua_so_hoa"}, format="json")
    assert put.status_code == 200, put.content
    event = last_event("update", "dossier")
    assert event.before["number"] == "QTI/LS-00123/CM" and event.after["number"] == "QTI/LS-00124/CM"
    assert api.get(url).status_code == 404

    deleted = api.delete("/api/dossiers/QTI/LS-00124/CM/")
    assert deleted.status_code == 403  # a policy officer may edit but not delete
    admin = make_user(Role.ADMIN, username="xoa")
    assert client_for(admin).delete("/api/dossiers/QTI/LS-00124/CM/").status_code == 204
    event = last_event("delete", "dossier")
    assert event.before["number"] == "QTI/LS-00124/CM" and event.actor == admin
    assert not Dossier.objects.filter(number="QTI/LS-00124/CM").exists()
    assert Person.objects.filter(full_name="Nguyễn Văn Bình").exists()  # people are kept


def test_people_create_update_and_never_delete(api, officer, make_user):
    created = api.post("/api/people/", {"full_name": "Phạm Thị Hoa", "sex": "nu", "birth_date": "1947",
                                        "categories": ["tn"]}, format="json")
    assert created.status_code == 201, created.content
    person_id = created.json()["id"]
    assert created.json()["categories"] == ["TN"]
    assert last_event("create", "person").after["full_name"] == "Phạm Thị Hoa"
    # Not in any dossier yet: not visible; the one who registered her may file a dossier for her.
    assert api.get(f"/api/people/{person_id}/").status_code == 404
    other = make_user(Role.POLICY_OFFICER, username="khac")
    stolen = client_for(other).post("/api/dossiers/", {"number": "QTI/BM-00001/CM", "category": "BM",
                                                       "subject_id": person_id}, format="json")
    assert_vietnamese_400(stolen, "subject_id")
    filed = api.post("/api/dossiers/", {"number": "QTI/BM-00001/CM", "category": "BM", "subject_id": person_id},
                     format="json")
    assert filed.status_code == 201, filed.content
    assert filed.json()["subject"]["id"] == person_id

    url = f"/api/people/{person_id}/"
    assert api.get(url).json()["birth_date"] == "1947"
    patched = api.patch(url, {"death_date": "ngày 3 tháng 4 năm 2001", "aliases": ["Bà Hoa"]}, format="json")
    assert patched.status_code == 200, patched.content
    assert patched.json()["death_date"] == "2001-04-03" and patched.json()["aliases"] == ["Bà Hoa"]
    event = last_event("update", "person")
    assert event.before == {"death_date": None, "aliases": []}
    assert event.after == {"death_date": "2001-04-03", "aliases": ["Bà Hoa"]}
    assert api.get("/api/people/").json()["count"] == 1

    refused = api.delete(url)
    assert refused.status_code == 405
    assert "lưu giữ vĩnh viễn" in refused.json()["detail"]
    assert Person.objects.filter(pk=person_id).exists()


def test_documents_crud_and_audit(api, martyr_dossier):
    created = api.post("/api/documents/", {"dossier": martyr_dossier.number, "doc_type": "Giấy báo tử",
                                           "issued_on": "12/05/1972", "page_from": 1, "page_to": 2}, format="json")
    assert created.status_code == 201, created.content
    document = created.json()
    assert document["sequence"] == 1 and document["issued_on"] == "1972-05-12"
    assert last_event("create", "document").after["doc_type"] == "Giấy báo tử"
    second = api.post("/api/documents/", {"dossier": martyr_dossier.number, "doc_type": "Bằng Tổ quốc ghi công"},
                      format="json")
    assert second.json()["sequence"] == 2

    url = f"/api/documents/{document['id']}/"
    listed = api.get("/api/documents/", {"dossier": martyr_dossier.number}).json()
    assert [d["sequence"] for d in listed["results"]] == [1, 2]
    patched = api.patch(url, {"summary": "Báo tử liệt sĩ", "issued_on": "1972"}, format="json")
    assert patched.status_code == 200, patched.content
    event = last_event("update", "document")
    assert event.before == {"summary": "", "issued_on": "1972-05-12"}
    assert event.after == {"summary": "Báo tử liệt sĩ", "issued_on": "1972"}
    clash = api.patch(url, {"sequence": 2}, format="json")
    assert_vietnamese_400(clash, "sequence")
    backwards = api.patch(url, {"page_from": 5}, format="json")
    assert_vietnamese_400(backwards, "page_to")

    assert api.delete(url).status_code == 204
    event = last_event("delete", "document")
    assert event.before["doc_type"] == "Giấy báo tử" and event.before["pages"] == []
    assert api.get(url).status_code == 404


def test_commune_officer_cannot_reach_another_commune(world, make_user):
    user = make_user(Role.COMMUNE_OFFICER, username="xa-a", scope=world["units"]["a"])
    api = client_for(user)
    mine, theirs = world["a"], world["b"]
    assert api.get(f"/api/dossiers/{mine['dossier'].number}/").status_code == 200
    assert api.get(f"/api/people/{mine['mother'].pk}/").status_code == 200
    assert api.get(f"/api/documents/{mine['document'].pk}/").status_code == 200
    before = counts()
    dossier_url = f"/api/dossiers/{theirs['dossier'].number}/"
    for method in ("get", "put", "patch"):
        response = getattr(api, method)(dossier_url, {"title": "x", "number": "QTI/LS-9/CM", "category": "LS"},
                                        format="json")
        assert response.status_code == 404, (method, response.content)
        assert VIETNAMESE.search(response.json()["detail"])
    assert api.delete(dossier_url).status_code == 403  # the role may not delete dossiers at all
    local_admin = make_user(Role.ADMIN, username="qt-a", scope=world["units"]["a"])
    assert client_for(local_admin).delete(dossier_url).status_code == 404
    for kind in ("person", "mother"):
        url = f"/api/people/{theirs[kind].pk}/"
        assert api.get(url).status_code == 404
        assert api.patch(url, {"full_name": "Đổi tên"}, format="json").status_code == 404
    url = f"/api/documents/{theirs['document'].pk}/"
    for method in ("get", "patch", "delete"):
        assert getattr(api, method)(url, {"summary": "x"}, format="json").status_code == 404
    planted = api.post("/api/documents/", {"dossier": theirs["dossier"].number, "doc_type": "Giấy tờ"},
                       format="json")
    assert_vietnamese_400(planted, "dossier")
    assert counts()[:3] == before[:3]
    assert [d["number"] for d in api.get("/api/dossiers/").json()["results"]] == [mine["dossier"].number]
    people = {p["id"] for p in api.get("/api/people/").json()["results"]}
    assert people == {mine["person"].pk, mine["mother"].pk}
    assert [d["id"] for d in api.get("/api/documents/").json()["results"]] == [mine["document"].pk]


def test_leader_reads_but_gets_403_on_every_write(world, leader):
    api = client_for(leader)
    a = world["a"]
    before = counts()
    assert api.get(f"/api/dossiers/{a['dossier'].number}/").status_code == 200
    assert api.get(f"/api/people/{a['person'].pk}/").status_code == 200
    assert api.get(f"/api/documents/{a['document'].pk}/").status_code == 200
    writes = [
        ("post", "/api/dossiers/"), ("put", f"/api/dossiers/{a['dossier'].number}/"),
        ("patch", f"/api/dossiers/{a['dossier'].number}/"), ("delete", f"/api/dossiers/{a['dossier'].number}/"),
        ("post", "/api/people/"), ("put", f"/api/people/{a['person'].pk}/"),
        ("patch", f"/api/people/{a['person'].pk}/"),
        ("post", "/api/documents/"), ("put", f"/api/documents/{a['document'].pk}/"),
        ("patch", f"/api/documents/{a['document'].pk}/"), ("delete", f"/api/documents/{a['document'].pk}/"),
        ("patch", "/api/dossiers/QTI/LS-99999/CM/"),  # 403 before any lookup: existence is not revealed
    ]
    for method, url in writes:
        response = getattr(api, method)(url, {"full_name": "x", "doc_type": "x"}, format="json")
        assert response.status_code == 403, (method, url, response.content)
        assert VIETNAMESE.search(response.json()["detail"])
    assert counts()[:3] == before[:3]


def test_secret_documents_need_clearance(api, officer, admin_user, martyr_dossier, actor):
    secret = services.add_document(actor=actor, dossier=martyr_dossier, doc_type="Lý lịch", confidentiality="mat")
    plain = services.add_document(actor=actor, dossier=martyr_dossier, doc_type="Giấy báo tử")
    assert [d["id"] for d in api.get("/api/documents/").json()["results"]] == [plain.pk]
    assert api.get(f"/api/documents/{secret.pk}/").status_code == 404
    assert api.patch(f"/api/documents/{secret.pk}/", {"summary": "x"}, format="json").status_code == 404
    refused = api.post("/api/documents/", {"dossier": martyr_dossier.number, "doc_type": "Mật",
                                           "confidentiality": "mat"}, format="json")
    assert_vietnamese_400(refused, "confidentiality")
    cleared = client_for(admin_user)
    assert {d["id"] for d in cleared.get("/api/documents/").json()["results"]} == {plain.pk, secret.pk}
    assert cleared.get(f"/api/documents/{secret.pk}/").json()["confidentiality"] == "mat"


@pytest.mark.parametrize(("payload", "field"), [
    ({"number": "không phải số hồ sơ"}, "number"),
    ({"subject": {"full_name": "Nguyễn Văn A", "birth_date": "31/02/1972"}}, "subject"),
    ({"number": "QTI/LS-07956/CM"}, "number"),  # the martyr dossier's number: a duplicate
    ({"category": "XYZ"}, "category"),
    ({"category": ""}, "category"),
    ({"subject": {"full_name": "Nguyễn Văn A", "national_id": "12345"}}, "subject"),
    ({"subject": {"full_name": "Nguyễn Văn A", "categories": ["ZZ"]}}, "subject"),
    ({"start_date": "1980", "end_date": "1970"}, "end_date"),
    ({"status": "xong"}, "status"),
    ({"sheet_count": -1}, "sheet_count"),
    ({"martyr": {"grave_status": "?"}}, "martyr"),
    ({"category": "AQ", "martyr": {"unit": "Trung đoàn 48"}}, "martyr"),
    ({"confidentiality": "mat"}, "confidentiality"),
    ({"subject_id": 1}, "subject"),
])
def test_bad_dossier_input_is_400_in_vietnamese_and_writes_nothing(api, martyr_dossier, payload, field):
    category = payload.get("category", "LS")
    body = {"number": f"QTI/{category}-00777/CM", "category": "LS", "subject": {"full_name": "Nguyễn Văn A"},
            **payload}
    before = counts()
    response = api.post("/api/dossiers/", body, format="json")
    assert_vietnamese_400(response, field)
    assert counts() == before


def test_bad_update_and_malformed_requests(api, martyr_dossier):
    url = f"/api/dossiers/{martyr_dossier.number}/"
    before = counts()
    before = (*before[:3], AuditEvent.objects.latest("id").id)
    assert_vietnamese_400(api.patch(url, {"number": "QTI/LS-1/XX"}, format="json"), "number")
    assert_vietnamese_400(api.patch(url, {"title": ""}, format="json"), "title")
    assert_vietnamese_400(api.patch(url, {"start_date": 1972}, format="json"), "start_date")
    assert_vietnamese_400(api.patch(url, ["not", "an", "object"], format="json"))
    assert_vietnamese_400(api.patch(url, "{not json", content_type="application/json"))
    form = api.patch(url, "title=x", content_type="application/x-www-form-urlencoded")
    assert form.status_code == 415 and VIETNAMESE.search(form.json()["detail"])
    person = f"/api/people/{martyr_dossier.subject_id}/"
    assert_vietnamese_400(api.patch(person, {"full_name": "a\x00b"}, format="json"), "full_name")
    assert_vietnamese_400(api.patch(person, {"aliases": "Ba Đức"}, format="json"), "aliases")
    assert_vietnamese_400(api.patch(person, {"residence_unit": 999999}, format="json"), "residence_unit")
    assert_vietnamese_400(api.get("/api/documents/", {"dossier": "x" * 61}), "dossier")
    page = api.get("/api/dossiers/", {"page": 99})
    assert page.status_code == 404 and VIETNAMESE.search(page.json()["detail"])
    assert counts()[:3] == before[:3]
    assert not AuditEvent.objects.exclude(action__in=["view", "view_for_edit"]).filter(id__gt=before[3]).exists()


def test_service_refusal_is_400(martyr_dossier, admin_user):
    Page.objects.create(dossier=martyr_dossier, sequence=1)  # a scanned page: the dossier can no longer be deleted
    response = client_for(admin_user).delete(f"/api/dossiers/{martyr_dossier.number}/")
    assert_vietnamese_400(response, "non_field_errors")
    assert Dossier.objects.filter(pk=martyr_dossier.pk).exists()


def test_markup_in_names_is_stored_verbatim_and_returned_escaped(api):
    name = '<script>alert("x")</script> & <img src=x onerror=alert(1)>'
    response = api.post("/api/people/", {"full_name": name, "notes": "<b>đậm</b>"}, format="json")
    assert response.status_code == 201, response.content
    assert response["Content-Type"] == "application/json"
    raw = response.content.decode()
    assert "<" not in raw and ">" not in raw and "&" not in raw
    assert "\\u003cscript\\u003e" in raw
    assert json.loads(raw)["full_name"] == name
    assert Person.objects.get(pk=response.json()["id"]).full_name == name
