"""Role × area scope × clearance against the writes, checked from the declarations (access/permissions.py) and the
rule of records/visibility.py: a change is allowed only when the user may change the object as it is *and* as it
will be. Objects in scope, out of scope (another commune) and "mật" in scope; before and after each write."""

import itertools

import pytest
from django.test import Client
from rest_framework.test import APIClient

from hoso.access.permissions import EDIT_DOSSIER, ROLE_PERMISSIONS, VIEW_DOSSIER, Role
from hoso.records import services
from hoso.records.models import Dossier, DossierRelative, Person

ROLES = [r for r in Role.values if r != Role.SYSTEM]


@pytest.fixture
def world(actor, communes):
    a, b = communes["a"], communes["b"]

    def dossier(name, number, unit, secret=False):
        person = services.create_person(actor=actor, full_name=name, residence_unit=unit)
        return services.register_dossier(actor=actor, number=number, category_code="LS", subject=person,
                                         confidentiality="mat" if secret else "thuong")

    return {"a": a, "b": b, "dossiers": {"in": dossier("Lê Văn Trong", "QTI/LS-00001/CM", a),
                                         "out": dossier("Lê Văn Ngoài", "QTI/LS-00002/CM", b),
                                         "secret_in": dossier("Lê Văn Mật", "QTI/LS-00003/CM", a, secret=True)}}


def reach(province_wide: bool, cleared: bool, key: str) -> bool:
    return (key != "out" or province_wide) and (key != "secret_in" or cleared)


@pytest.mark.parametrize(("role", "province_wide", "cleared"),
                         list(itertools.product(ROLES, [True, False], [False, True])))
def test_write_matrix(world, make_user, role, province_wide, cleared):
    user = make_user(role, username=f"w-{role}", scope="all" if province_wide else world["a"], clearance=cleared)
    api = APIClient()
    api.force_login(user)
    web = Client()
    web.force_login(user)
    can_view = VIEW_DOSSIER in ROLE_PERMISSIONS[role]
    can_edit = EDIT_DOSSIER in ROLE_PERMISSIONS[role]
    for key, dossier in world["dossiers"].items():
        allowed = can_edit and reach(province_wide, cleared, key)
        hidden = 404 if can_view else 403
        refused = 403 if not can_edit else hidden

        # Edit a dossier's field: allowed, or refused without a hint of what is out of reach.
        response = api.patch(f"/api/dossiers/{dossier.number}/", {"title": f"Tiêu đề {role}"}, format="json")
        assert response.status_code == (200 if allowed else refused), (key, "api patch", response.content)
        assert (Dossier.objects.get(pk=dossier.pk).title == f"Tiêu đề {role}") is allowed, (key, "title")

        # Add a document by the dossier's number.
        before = dossier.documents.count()
        response = api.post("/api/documents/", {"dossier": dossier.number, "doc_type": "Giấy báo tử"}, format="json")
        assert response.status_code == (201 if allowed else (403 if not can_edit else 400)), (key, "api document")
        assert dossier.documents.count() == before + allowed, (key, "document count")

        # Add a relative on the web page.
        response = web.post(f"/ho-so/{dossier.number}/than-nhan/", {"full_name": f"Mẹ {key}", "relationship": "me"})
        assert response.status_code == (302 if allowed else refused), (key, "web relative")
        assert DossierRelative.objects.filter(dossier=dossier, person__full_name=f"Mẹ {key}").exists() is allowed

        # Move the subject to the other commune: allowed only when both communes are in reach.
        subject = dossier.subject
        target = world["b"] if subject.residence_unit_id == world["a"].pk else world["a"]
        response = api.patch(f"/api/people/{subject.pk}/", {"residence_unit": target.pk}, format="json")
        moves = allowed and province_wide
        expected = 200 if moves else (refused if not (can_edit and reach(province_wide, cleared, key)) else 403)
        assert response.status_code == expected, (key, "api move", response.content)
        assert (Person.objects.get(pk=subject.pk).residence_unit_id == target.pk) is moves, (key, "moved")

        # Make it "mật": only with a clearance (and the dossier in reach).
        if key != "secret_in":
            response = api.patch(f"/api/dossiers/{dossier.number}/", {"confidentiality": "mat"}, format="json")
            secret_ok = allowed and cleared
            assert response.status_code == (200 if secret_ok else (400 if allowed else refused)), (key, "secret")
            assert (Dossier.objects.get(pk=dossier.pk).confidentiality == "mat") is secret_ok, (key, "secret saved")

    # Register a dossier for a person of the other commune: only a province-wide scope may.
    response = api.post("/api/dossiers/", {"number": "QTI/LS-00099/CM", "category": "LS",
                                           "subject": {"full_name": "Phạm Văn Mới", "residence_unit": world["b"].pk}},
                        format="json")
    created = can_edit and province_wide
    assert response.status_code == (201 if created else 403), ("create out of scope", response.content)
    assert Dossier.objects.filter(number="QTI/LS-00099/CM").exists() is created
