import unicodedata

import pytest
from django.core.exceptions import ValidationError

from hoso.core.models import AuditEvent
from hoso.records import services
from hoso.records.models import Dossier, InjuryAssessment, Page, Person
from hoso.vntext import PartialDate


def test_create_person_normalises_and_splits_the_name(actor):
    nfd = unicodedata.normalize("NFD", "  Nguyễn   Thị Thủy ")
    person = services.create_person(actor=actor, full_name=nfd, birth_date="5/1950")
    person.refresh_from_db()
    assert person.full_name == "Nguyễn Thị Thủy"
    assert unicodedata.is_normalized("NFC", person.full_name)
    assert (person.family_name, person.middle_name, person.given_name) == ("Nguyễn", "Thị", "Thủy")
    assert person.name_folded == "nguyen thi thuy"
    assert person.birth_date == PartialDate(1950, 5)


def test_people_sort_by_given_then_family_then_middle(actor):
    for name in ["Trần Văn Bình", "Đỗ Văn Dũng", "Nguyễn Thị An", "Lê Đức Anh", "Phạm Văn Đức", "Âu Văn An"]:
        services.create_person(actor=actor, full_name=name)
    ordered = list(Person.objects.order_by("sort_key").values_list("full_name", flat=True))
    assert ordered == ["Âu Văn An", "Nguyễn Thị An", "Lê Đức Anh", "Trần Văn Bình", "Đỗ Văn Dũng", "Phạm Văn Đức"]


def test_register_dossier_stores_the_canonical_number_and_audits(actor):
    person = services.create_person(actor=actor, full_name="Hoàng Văn Thụ")
    dossier = services.register_dossier(actor=actor, number="qti ls 7956 cm", category_code="ls", subject=person)
    assert dossier.number == "QTI/LS-07956/CM"
    assert dossier.title == "Hồ sơ liệt sĩ Hoàng Văn Thụ"
    assert list(person.categories.values_list("code", flat=True)) == ["LS"]
    event = AuditEvent.objects.filter(action="create", object_type="dossier").get()
    assert event.actor == actor and event.after["number"] == "QTI/LS-07956/CM"


def test_number_without_province_takes_the_installations_province(actor, settings):
    settings.HOSO_PROVINCE_CODE = "QBH"
    person = services.create_person(actor=actor, full_name="Lê Thị Hoa")
    dossier = services.register_dossier(actor=actor, number="BM-00012", category_code="BM", subject=person)
    assert dossier.number == "QBH/BM-00012"


@pytest.mark.parametrize("number", ["", "ABC", "QTI/LS/CM", "QTI/LS-123456789/CM", "QTI/LS-00001/XX"])
def test_invalid_numbers_are_refused_with_a_vietnamese_message(actor, number):
    person = services.create_person(actor=actor, full_name="Lê Thị Hoa")
    with pytest.raises(ValidationError) as caught:
        services.register_dossier(actor=actor, number=number, category_code="LS", subject=person)
    assert "Số hồ sơ" in " ".join(caught.value.messages)
    assert Dossier.objects.count() == 0


def test_duplicate_number_is_refused_even_when_typed_differently(martyr_dossier, actor):
    other = services.create_person(actor=actor, full_name="Trần Văn Hai")
    with pytest.raises(ValidationError, match="đã có trong hệ thống"):
        services.register_dossier(actor=actor, number="QTI-LS-07956-CM", category_code="LS", subject=other)
    assert Dossier.objects.count() == 1


def test_impossible_and_inconsistent_dates_are_refused(actor):
    with pytest.raises(ValidationError, match="31/02/1972"):
        services.create_person(actor=actor, full_name="Lê Văn Ba", birth_date="31/02/1972")
    with pytest.raises(ValidationError, match="trước ngày sinh"):
        services.create_person(actor=actor, full_name="Lê Văn Ba", birth_date="1950", death_date="1949")
    with pytest.raises(ValidationError, match="12 chữ số"):
        services.create_person(actor=actor, full_name="Lê Văn Ba", national_id="04520A000123")
    assert Person.objects.count() == 0


def test_unknown_category_is_refused(actor):
    person = services.create_person(actor=actor, full_name="Lê Văn Ba")
    with pytest.raises(ValidationError, match="danh mục"):
        services.register_dossier(actor=actor, number="QTI/ZZ-00001", category_code="ZZ", subject=person)


def test_update_records_only_changed_fields_before_and_after(martyr_dossier, actor):
    services.update_person(actor=actor, person=martyr_dossier.subject, birth_date="12/05/1950",
                           aliases=["Ba Đức", "Tư Đức"])
    event = AuditEvent.objects.filter(action="update", object_type="person").latest("id")
    assert event.before == {"birth_date": "1950", "aliases": ["Ba Đức"]}
    assert event.after == {"birth_date": "1950-05-12", "aliases": ["Ba Đức", "Tư Đức"]}
    services.update_dossier(actor=actor, dossier=martyr_dossier, status="da_quet")
    event = AuditEvent.objects.filter(action="update", object_type="dossier").latest("id")
    assert event.before == {"status": "chua_so_hoa"} and event.after == {"status": "da_quet"}


def test_assessment_rate_must_be_a_percentage(martyr_dossier, actor):
    with pytest.raises(ValidationError):
        services.add_assessment(actor=actor, dossier=martyr_dossier, rate_percent=120)
    services.add_assessment(actor=actor, dossier=martyr_dossier, rate_percent=61, assessed_on="3/1980")
    assert InjuryAssessment.objects.get().assessed_on == PartialDate(1980, 3)


def test_relatives_cannot_be_the_subject_or_linked_twice(martyr_dossier, actor):
    with pytest.raises(ValidationError):
        services.link_relative(actor=actor, dossier=martyr_dossier, person=martyr_dossier.subject, relationship="cha")
    mother = services.create_person(actor=actor, full_name="Phan Thị Lài")
    services.link_relative(actor=actor, dossier=martyr_dossier, person=mother, relationship="me", keeps_worship=True)
    with pytest.raises(ValidationError, match="đã là thân nhân"):
        services.link_relative(actor=actor, dossier=martyr_dossier, person=mother, relationship="me")
    assert "TN" in set(mother.categories.values_list("code", flat=True))


def test_documents_get_the_next_sequence_and_refuse_a_taken_one(martyr_dossier, actor):
    first = services.add_document(actor=actor, dossier=martyr_dossier, doc_type="Giấy báo tử", issued_on="6/1972")
    second = services.add_document(actor=actor, dossier=martyr_dossier, doc_type="Quyết định", number="15")
    assert (first.sequence, second.sequence) == (1, 2)
    with pytest.raises(ValidationError):
        services.add_document(actor=actor, dossier=martyr_dossier, doc_type="Trùng", sequence=2)


def test_a_digitised_dossier_cannot_be_deleted_but_a_mistaken_one_can(martyr_dossier, actor):
    Page.objects.create(dossier=martyr_dossier, sequence=1)
    with pytest.raises(ValidationError, match="không thể xóa"):
        services.delete_dossier(actor=actor, dossier=martyr_dossier)
    person = services.create_person(actor=actor, full_name="Lê Văn Nhầm")
    mistaken = services.register_dossier(actor=actor, number="QTI/KC-00001/CM", category_code="KC", subject=person)
    services.delete_dossier(actor=actor, dossier=mistaken)
    assert not Dossier.objects.filter(number="QTI/KC-00001/CM").exists()
    assert AuditEvent.objects.filter(action="delete", before__number="QTI/KC-00001/CM").exists()
