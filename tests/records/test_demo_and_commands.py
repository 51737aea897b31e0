import io
import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from hoso.core.models import AuditEvent
from hoso.records import services
from hoso.records.demo import ProvinceGenerator
from hoso.records.models import Category, Dossier, MartyrRecord, Person


@pytest.mark.django_db
def test_demo_generates_a_plausible_province_without_serving():
    out = io.StringIO()
    call_command("demo", people=600, no_serve=True, stdout=out)
    assert "Đăng nhập: tên «canbo»" in out.getvalue()
    assert "Đăng nhập: tên «xa»" in out.getvalue()
    people, dossiers = Person.objects.count(), Dossier.objects.count()
    assert people >= 600 and 0 < dossiers < people  # relatives are people too
    martyrs = Dossier.objects.filter(category__code="LS").count()
    assert 0.15 < martyrs / dossiers < 0.45
    assert MartyrRecord.objects.count() == martyrs
    nguyen = Person.objects.filter(family_name="Nguyễn").count()
    assert 0.25 < nguyen / people < 0.5  # the commonest family name, as in Vietnam
    assert Person.objects.filter(birth_date__regex=r"^\d{4}$").exists()  # year-only dates
    assert Person.objects.filter(aliases__isnull=False).exists()
    # A second run keeps what is there.
    call_command("demo", people=600, no_serve=True, stdout=io.StringIO())
    assert Dossier.objects.count() == dossiers


@pytest.mark.django_db
def test_generator_is_deterministic_for_a_seed():
    first = [s.number + s.subject.full_name for s in ProvinceGenerator(people=200, seed=7)]
    second = [s.number + s.subject.full_name for s in ProvinceGenerator(people=200, seed=7)]
    assert first == second


def test_bulk_registration_refuses_a_batch_with_a_taken_number(martyr_dossier, actor):
    seeds = list(ProvinceGenerator(people=50, seed=3))
    seeds[-1].number = martyr_dossier.number
    with pytest.raises(Exception, match="đã có"):
        services.bulk_register_dossiers(actor=actor, seeds=seeds, source="test", batch_size=1000)
    assert Dossier.objects.count() == 1  # the batch was rolled back whole


def test_show_json_has_person_facts_relatives_documents_pages(martyr_dossier, actor):
    mother = services.create_person(actor=actor, full_name="Phan Thị Lài")
    services.link_relative(actor=actor, dossier=martyr_dossier, person=mother, relationship="me")
    services.add_document(actor=actor, dossier=martyr_dossier, doc_type="Giấy báo tử", issued_on="6/1972")
    out = io.StringIO()
    call_command("show", "qti ls 7956 cm", json=True, stdout=out)
    data = json.loads(out.getvalue())
    assert data["dossier_number"] == "QTI/LS-07956/CM"
    assert data["person"]["full_name"] == "Nguyễn Văn Đức"
    assert data["person"]["aliases"] == ["Ba Đức"]
    assert data["person"]["birth_date"] == "1950" and data["person"]["death_date"] == "1972-05"
    assert data["martyr"]["place_of_sacrifice"] == "Thành cổ Quảng Trị"
    assert data["relatives"][0]["person"]["full_name"] == "Phan Thị Lài"
    assert data["documents"][0]["issued_on"] == "1972-06"
    assert data["pages"] == []
    assert AuditEvent.objects.filter(action="view", object_id=str(martyr_dossier.pk)).exists()


def test_show_unknown_or_invalid_number_fails_clearly(db):
    with pytest.raises(CommandError, match="Không tìm thấy"):
        call_command("show", "QTI/LS-99999/CM", json=True, stdout=io.StringIO())
    with pytest.raises(CommandError, match="Số hồ sơ"):
        call_command("show", "not a number", stdout=io.StringIO())
    with pytest.raises(CommandError, match="người dùng"):
        call_command("show", "QTI/LS-99999/CM", as_user="nobody", stdout=io.StringIO())


@pytest.mark.django_db
def test_categories_cover_the_ordinance_groups_and_relatives():
    codes = set(Category.objects.values_list("code", flat=True))
    assert {"LS", "BM", "AQ", "BQ", "CK", "BB", "HH", "KC", "CC", "BT", "LT", "TKN", "AH", "TN"} <= codes
    assert Category.objects.get(code="LS").clause == "c"


def test_show_as_a_user_hides_health_data_and_secret_documents_they_may_not_see(martyr_dossier, actor, leader):
    services.add_assessment(actor=actor, dossier=martyr_dossier, rate_percent=61)
    services.add_document(actor=actor, dossier=martyr_dossier, doc_type="Thư riêng", confidentiality="mat")
    out = io.StringIO()
    call_command("show", martyr_dossier.number, json=True, as_user="lanhdao", stdout=out)
    data = json.loads(out.getvalue())
    assert data["assessments"] is None and data["documents"] == []
    out = io.StringIO()
    call_command("show", martyr_dossier.number, json=True, stdout=out)
    data = json.loads(out.getvalue())
    assert data["assessments"][0]["rate_percent"] == 61 and data["documents"][0]["doc_type"] == "Thư riêng"
