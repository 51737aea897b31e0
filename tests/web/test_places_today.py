"""Places as they are today: «(nay: …)» follows the 2025 mapping to the unit that exists now, and the «Địa bàn»
filter lists today's units in the user's scope, each covering the old units merged into it."""

import datetime

import pytest
from django.test import Client

from hoso.access.permissions import Role
from hoso.gazetteer.models import AdminUnit, UnitMapping
from hoso.records import services


@pytest.fixture
def old_ward(communes):
    """Phường 3 of Thành phố Đông Hà, ended 30/06/2025 and merged into commune a."""
    day = datetime.date(2025, 7, 1)
    district = AdminUnit.objects.create(code="461", name="Thành phố Đông Hà", name_folded="thanh pho dong ha",
                                        level="district", valid_to=day - datetime.timedelta(days=1))
    ward = AdminUnit.objects.create(code="19246", name="Phường 3", name_folded="phuong 3", level="commune",
                                    parent=district, valid_to=day - datetime.timedelta(days=1))
    UnitMapping.objects.create(old=ward, new=communes["a"], effective=day)
    return ward


def test_the_dossier_page_names_the_unit_that_exists_today(actor, officer, old_ward, communes):
    person = services.create_person(actor=actor, full_name="Hồ Văn Cũ", hometown_text="Phường 3, thị xã Đông Hà",
                                    hometown_unit=old_ward)
    dossier = services.register_dossier(actor=actor, number="QTI/LS-00031/CM", category_code="LS", subject=person)
    client = Client()
    client.force_login(officer)
    body = client.get(f"/ho-so/{dossier.number}/").content.decode()
    assert "(nay: Xã An Phú, Tỉnh Quảng Trị)" in body and "nay: Phường 3" not in body


def test_the_place_filter_lists_todays_units_in_scope_and_covers_the_old_ones(actor, make_user, old_ward, communes):
    person = services.create_person(actor=actor, full_name="Hồ Văn Cũ", hometown_unit=old_ward)
    old = services.register_dossier(actor=actor, number="QTI/LS-00031/CM", category_code="LS", subject=person)
    person = services.create_person(actor=actor, full_name="Hồ Văn Mới", residence_unit=communes["a"])
    new = services.register_dossier(actor=actor, number="QTI/LS-00032/CM", category_code="LS", subject=person)
    person = services.create_person(actor=actor, full_name="Hồ Văn Khác", residence_unit=communes["b"])
    services.register_dossier(actor=actor, number="QTI/LS-00033/CM", category_code="LS", subject=person)

    province = make_user(Role.POLICY_OFFICER, username="tinh")
    client = Client()
    client.force_login(province)
    choices = [label for value, label in client.get("/ho-so/").context["form"].fields["unit"].choices if value]
    assert choices == ["Xã An Phú, Tỉnh Quảng Trị", "Xã Bình Minh, Tỉnh Quảng Trị"]  # no Phường 3, no district
    listed = client.get("/ho-so/", {"unit": communes["a"].pk}).context["page"].object_list
    assert sorted(d.number for d in listed) == sorted([old.number, new.number])

    commune = make_user(Role.COMMUNE_OFFICER, username="xa-a", scope=communes["a"])
    client.force_login(commune)
    choices = [label for value, label in client.get("/ho-so/").context["form"].fields["unit"].choices if value]
    assert choices == ["Xã An Phú, Tỉnh Quảng Trị"]
