"""Role × area scope × clearance against every endpoint that shows dossiers, checked from the declarations."""

import itertools

import pytest
from django.test import Client

from hoso.access.permissions import EDIT_DOSSIER, EXPORT, ROLE_PERMISSIONS, VIEW_DOSSIER, VIEW_FILES, VIEW_HEALTH, Role
from hoso.core.blobs import blob_store
from hoso.gazetteer.models import AdminUnit, UnitMapping
from hoso.records import services
from hoso.records.models import Page

ROLES = [r for r in Role.values if r != Role.SYSTEM]


@pytest.fixture
def world(actor, blob_dir):
    """Commune A (new since 2025) replaced old commune A0; commune B is elsewhere. Each dossier has one
    digitised page (its thumbnail in the test's own blob store)."""
    import datetime
    import io

    from PIL import Image

    thumbnail = io.BytesIO()
    Image.new("L", (36, 50), 200).save(thumbnail, "WEBP")
    thumb_sha = blob_store().put_bytes(thumbnail.getvalue()).sha256

    province = AdminUnit.objects.create(code="44", name="Tỉnh Quảng Trị", name_folded="tinh quang tri",
                                        level="province", valid_from=datetime.date(2025, 7, 1))
    a = AdminUnit.objects.create(code="90001", name="Xã An Phú", name_folded="xa an phu", level="commune",
                                 parent=province, valid_from=datetime.date(2025, 7, 1))
    b = AdminUnit.objects.create(code="90002", name="Xã Bình Minh", name_folded="xa binh minh", level="commune",
                                 parent=province, valid_from=datetime.date(2025, 7, 1))
    a0 = AdminUnit.objects.create(code="80001", name="Xã An Cũ", name_folded="xa an cu", level="commune",
                                  valid_to=datetime.date(2025, 6, 30))
    UnitMapping.objects.create(old=a0, new=a, effective=datetime.date(2025, 7, 1))

    def dossier(name, number, unit, secret=False):
        person = services.create_person(actor=actor, full_name=name, residence_unit=unit, birth_date="1950")
        dossier = services.register_dossier(actor=actor, number=number, category_code="LS", subject=person,
                                            confidentiality="mat" if secret else "thuong")
        Page.objects.create(dossier=dossier, sequence=1, thumbnail_sha256=thumb_sha, state=Page.State.DONE)
        services.add_assessment(actor=actor, dossier=dossier, rate_percent=61, record_number="GD-77")
        services.add_decision(actor=actor, dossier=dossier, kind="hang_thang", number="QĐ-88",
                              monthly_amount=3_456_000)
        return dossier

    return {
        "commune": a,
        "dossiers": {
            "in_old_unit": dossier("Lê Văn Trong", "QTI/LS-00001/CM", a0),
            "out": dossier("Lê Văn Ngoai", "QTI/LS-00002/CM", b),
            "secret_in": dossier("Lê Văn Mat", "QTI/LS-00003/CM", a, secret=True),
        },
    }


def _visible(role, province_wide, cleared, key):
    if VIEW_DOSSIER not in ROLE_PERMISSIONS[role]:
        return False
    if key == "out" and not province_wide:
        return False
    return not (key == "secret_in" and not cleared)


@pytest.mark.parametrize(("role", "province_wide", "cleared"), list(itertools.product(ROLES, [True, False],
                                                                                        [False, True])))
def test_matrix(world, make_user, role, province_wide, cleared):
    user = make_user(role, username=f"u-{role}", scope="all" if province_wide else world["commune"],
                     clearance=cleared)
    client = Client()
    client.force_login(user)
    can_view = VIEW_DOSSIER in ROLE_PERMISSIONS[role]
    can_edit = EDIT_DOSSIER in ROLE_PERMISSIONS[role]
    listing = client.get("/ho-so/")
    found = client.get("/tim-kiem/", {"q": "le van"})
    api_list = client.get("/api/dossiers/")
    api_search = client.get("/api/search/", {"q": "le van"})
    home = client.get("/")
    assert home.status_code == 200
    if not can_view:
        for response in (listing, found, api_list, api_search):
            assert response.status_code == 403
    for key, dossier in world["dossiers"].items():
        visible = _visible(role, province_wide, cleared, key)
        number = dossier.number
        detail = client.get(f"/ho-so/{number}/")
        edit = client.get(f"/ho-so/{number}/sua/")
        api_detail = client.get(f"/api/dossiers/{number}/")
        expected_detail = 200 if visible else (404 if can_view else 403)
        assert detail.status_code == expected_detail, (key, "detail")
        # Health data (the injury rate, and the allowance that follows it) only with the health permission.
        health = visible and VIEW_HEALTH in ROLE_PERMISSIONS[role]
        page_text = detail.content.decode()
        assert ("GD-77" in page_text) is health and ("3.456.000" in page_text) is health, (key, "health")
        assert api_detail.status_code == expected_detail, (key, "api detail")
        assert edit.status_code == (200 if visible and can_edit else (403 if not can_edit else 404)), (key, "edit")
        if can_view:
            assert (number in listing.content.decode()) == visible, (key, "list")
            assert (number in found.content.decode()) == visible, (key, "search")
            assert (number in api_list.content.decode()) == visible, (key, "api list")
            assert (number in api_search.content.decode()) == visible, (key, "api search")
        # Files, exports and the API by id: the same rule, no hint of what is out of reach.
        page = dossier.pages.get()
        can_files = VIEW_FILES in ROLE_PERMISSIONS[role]
        thumb = client.get(f"/trang/{page.pk}/anh-nho/")
        assert thumb.status_code == (200 if visible and can_files else (404 if can_files else 403)), (key, "thumb")
        pdf_form = client.get(f"/ho-so/{number}/pdf/")
        assert pdf_form.status_code == (200 if visible and can_files else (404 if can_files else 403)), (key, "pdf")
        api_person = client.get(f"/api/people/{dossier.subject_id}/")
        assert api_person.status_code == (200 if visible else (404 if can_view else 403)), (key, "api person")
    if EXPORT in ROLE_PERMISSIONS[role] and can_view:
        exported = client.get("/ho-so/xuat/", {"format": "csv"}).content.decode("utf-8-sig")
        for key, dossier in world["dossiers"].items():
            assert (dossier.number in exported) == _visible(role, province_wide, cleared, key), (key, "export")
    expected_count = sum(_visible(role, province_wide, cleared, k) for k in world["dossiers"])
    assert f"<strong>{expected_count}</strong> hồ sơ" in home.content.decode()
