"""The records API answers in the user's language (issue #17): a user who chose English gets the field errors, the
services' refusals and the framework's messages in English; one who kept Vietnamese gets them in Vietnamese. What the
API writes stays Vietnamese."""

import pytest
from rest_framework.test import APIClient

from hoso.access.models import Language
from hoso.access.services import set_language
from hoso.records.models import Dossier


def client_for(user) -> APIClient:
    client = APIClient()
    client.force_login(user)
    return client


@pytest.fixture
def english(make_user):
    return client_for(set_language(user=make_user("policy_officer", username="reader"), language=Language.ENGLISH))


@pytest.fixture
def vietnamese(officer):
    return client_for(officer)


def test_a_service_refusal_reads_english(english, martyr_dossier):
    response = english.post("/api/dossiers/", {"number": "qti/ls-7956/cm", "category": "LS",
                                               "subject": {"full_name": "Lê Văn Tám"}}, format="json")
    assert response.status_code == 400
    assert response.json() == {"number": ["Dossier number QTI/LS-07956/CM is already in the system."]}
    assert Dossier.objects.count() == 1


def test_the_same_refusal_reads_vietnamese(vietnamese, martyr_dossier):
    response = vietnamese.post("/api/dossiers/", {"number": "qti/ls-7956/cm", "category": "LS",
                                                  "subject": {"full_name": "Lê Văn Tám"}}, format="json")
    assert response.json() == {"number": ["Số hồ sơ QTI/LS-07956/CM đã có trong hệ thống."]}


def test_field_errors_and_the_api_own_refusals_read_english(english, martyr_dossier):
    missing = english.post("/api/dossiers/", {"category": "LS", "subject_id": martyr_dossier.subject_id,
                                              "start_date": 1947}, format="json")
    assert missing.status_code == 400
    assert missing.json() == {"number": ["This field is required."],
                              "start_date": ["A date must be a string, e.g. 12/05/1972."]}
    both = english.post("/api/dossiers/", {"number": "QTI/LS-00001/CM", "category": "LS"}, format="json")
    assert both.json() == {"subject": [
        "Give exactly one of: subject_id (an existing person) or subject (a new person)."]}
    refused = english.delete(f"/api/people/{martyr_dossier.subject_id}/")
    assert refused.status_code == 405
    assert refused.json() == {"detail": "People cannot be deleted: records of persons with meritorious services and "
                                        "their relatives are kept permanently."}
    assert english.get("/api/dossiers/QTI/LS-99999/CM/").json() == {
        "detail": "Dossier not found, or you may not see it."}
    assert english.get("/api/dossiers/?page=9").json() == {"detail": "No such page."}


def test_the_api_own_refusals_read_vietnamese(vietnamese, martyr_dossier):
    missing = vietnamese.post("/api/dossiers/", {"category": "LS", "subject_id": martyr_dossier.subject_id},
                              format="json")
    assert missing.json() == {"number": ["Trường này là bắt buộc."]}
    refused = vietnamese.delete(f"/api/people/{martyr_dossier.subject_id}/")
    assert "lưu giữ vĩnh viễn" in refused.json()["detail"]
