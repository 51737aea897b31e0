"""Bulk registration writes with plain multi-row inserts (records/bulk.py): every row lands with its own id and
values, dates and all, and a bad value in any field a seed sets is still refused, batch by batch."""

import pytest
from django.core.exceptions import ValidationError

from hoso.records.bulk import insert_objects
from hoso.records.models import Alias, Dossier, Person
from hoso.records.seeds import DossierSeed, PersonSeed
from hoso.records.services import bulk_register_dossiers
from hoso.vntext import fold
from hoso.vntext.dates import parse_partial_date


def seed(i: int, **values) -> DossierSeed:
    person = PersonSeed(full_name=f"Nguyễn Văn Số {i}", aliases=[f"Tư {i}"], values={
        "birth_date": parse_partial_date("05/1950"), "sex": "nam", **values})
    return DossierSeed(number=f"QTI/LS-{i:05d}/CM", category="LS", subject=person,
                       martyr={"unit": "Trung đoàn 48", "enlisted_on": parse_partial_date("1968")})


def test_every_row_gets_its_own_id_and_values(actor):
    assert bulk_register_dossiers(actor=actor, seeds=[seed(i) for i in range(1, 2501)], source="t",
                                  batch_size=1200) == 2500
    assert Dossier.objects.count() == 2500
    for dossier in Dossier.objects.select_related("subject", "martyr").filter(number__in=[
            "QTI/LS-00001/CM", "QTI/LS-01201/CM", "QTI/LS-02500/CM"]):
        i = int(dossier.number[7:12])
        person = dossier.subject
        assert person.full_name == f"Nguyễn Văn Số {i}" and person.given_name == str(i)
        assert person.name_folded == fold(person.full_name) and person.birth_date.iso() == "1950-05"
        assert [a.name for a in person.aliases.all()] == [f"Tư {i}"]
        assert list(person.categories.values_list("code", flat=True)) == ["LS"]
        assert dossier.martyr.unit == "Trung đoàn 48" and dossier.martyr.enlisted_on.iso() == "1968"
        assert dossier.created_at is not None and person.updated_at is not None
        assert dossier.title == f"Hồ sơ liệt sĩ {person.full_name}"


@pytest.mark.parametrize("values", [{"ethnicity": "K" * 41}, {"sex": "khac"}, {"national_id": "12345"}])
def test_a_bad_value_refuses_its_batch(actor, values):
    seeds = [seed(1), seed(2, **values), seed(3)]
    with pytest.raises(ValidationError):
        bulk_register_dossiers(actor=actor, seeds=seeds, source="t")
    assert Dossier.objects.count() == 0 and Person.objects.count() == 0


def test_insert_objects_sets_ids_in_row_order(actor):
    people = [Person(full_name=f"Người {i}", name_folded=f"nguoi {i}", sort_key=str(i)) for i in range(700)]
    insert_objects(people)
    assert [p.full_name for p in Person.objects.filter(pk__in=[p.pk for p in people]).order_by("pk")] == [
        p.full_name for p in people]
    aliases = [Alias(person=p, name=f"B{p.pk}", name_folded=f"b{p.pk}") for p in people]
    insert_objects(aliases, returning=False)
    assert Alias.objects.filter(person__in=people).count() == 700
    assert all(a.person_id == int(a.name[1:]) for a in Alias.objects.filter(person__in=people))


def test_upsert_rows_inserts_new_rows_and_updates_those_already_there(db):
    from django.db import transaction

    from hoso.records.bulk import upsert_rows
    from hoso.records.models import Category

    before = Category.objects.get(code="LS")
    with transaction.atomic():
        upsert_rows(Category, ["code", "name", "clause", "sort_order"],
                    [("LS", "Liệt sĩ (đổi)", "zz", 99), ("QQ", "Mới", "", 5)], unique=["code"], update=["name"])
    after = Category.objects.get(code="LS")
    assert (after.pk, after.name, after.clause, after.sort_order) == (before.pk, "Liệt sĩ (đổi)", before.clause,
                                                                      before.sort_order)
    assert Category.objects.filter(code="QQ", name="Mới", sort_order=5).exists()


def test_upsert_rows_raises_djangos_errors(db):
    from django.db import IntegrityError, transaction

    from hoso.records.bulk import upsert_rows
    from hoso.records.models import Category

    with pytest.raises(IntegrityError), transaction.atomic():
        upsert_rows(Category, ["code", "name", "clause", "sort_order"], [("QQ", None, "", 5)], unique=["code"],
                    update=["name"])
