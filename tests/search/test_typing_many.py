"""Typing a common name into the desk box: when very many names begin with the words typed, the hits are people
whose names begin with them, the count says "more than", and the access rule holds — on PostgreSQL through the
name-order index (search/_retrieval.py, name_start), on SQLite through the full-text match."""

import pytest

from hoso.records import services
from hoso.records.models import Dossier
from hoso.search import _retrieval, selectors
from hoso.search.models import SearchEntry
from hoso.search.selectors import Filters
from hoso.search.services import search


@pytest.fixture
def many_nguyen(actor, communes, monkeypatch):
    """Five Nguyễn of commune A (and a "mật" one, first in name order), two of commune B, a Trần; "many" made small."""
    for module in (_retrieval, selectors):
        monkeypatch.setattr(module, "COUNT_CAP", 4)
        monkeypatch.setattr(module, "CANDIDATE_CAP", 3)
    people = [("Nguyễn Văn An", "a"), ("Nguyễn Văn Bình", "a"), ("Nguyễn Thị Cúc", "a"), ("Nguyễn Văn Dũng", "a"),
              ("Nguyễn Hữu Em", "a"), ("Nguyễn Văn Giang", "b"), ("Nguyễn Thị Hà", "b"), ("Trần Nguyên Khải", "a")]
    for serial, (name, commune) in enumerate(people, start=100):
        person = services.create_person(actor=actor, full_name=name, residence_unit=communes[commune])
        services.register_dossier(actor=actor, number=f"QTI/LS-{serial:05d}/CM", category_code="LS", subject=person)
    secret = services.create_person(actor=actor, full_name="Nguyễn An Mật", residence_unit=communes["a"])
    services.register_dossier(actor=actor, number="QTI/LS-00200/CM", category_code="LS", subject=secret,
                              confidentiality="mat")


def names(result) -> list[str]:
    return [hit.full_name for hit in result.hits]


def test_typing_a_common_family_name_shows_people_whose_names_begin_with_it(many_nguyen, make_user):
    officer = make_user("policy_officer")
    result = search(actor=officer, text="ngu", limit=25, prefix_last=True)
    assert result.total_capped and len(result.hits) >= 3
    assert all(name.startswith("Nguyễn") for name in names(result))
    assert "Nguyễn An Mật" not in names(result)  # "mật": not for an officer without a clearance
    two = search(actor=officer, text="nguyen van", limit=25, prefix_last=True)
    assert names(two) and all(name.startswith("Nguyễn Văn") for name in names(two))


def test_a_commune_officer_and_a_filter_still_get_only_what_they_may_see(many_nguyen, make_user, communes):
    commune_b = make_user("commune_officer", scope=communes["b"])
    result = search(actor=commune_b, text="ngu", limit=25, prefix_last=True)
    assert sorted(names(result)) == ["Nguyễn Thị Hà", "Nguyễn Văn Giang"] and not result.total_capped
    officer = make_user("policy_officer", clearance=True)
    filtered = search(actor=officer, text="nguyen", limit=25, prefix_last=True,
                      filters=Filters(category="BM"))
    assert names(filtered) == []  # no Bà mẹ among them
    cleared = search(actor=officer, text="nguyen an m", limit=25, prefix_last=True)
    assert names(cleared)[0] == "Nguyễn An Mật"  # a cleared officer finds the "mật" dossier


def test_the_rule_follows_a_dossier_made_secret_and_a_person_who_moves(many_nguyen, make_user, communes, actor):
    """The search filters its entries' own copies of the dossier's confidentiality and its person's places
    (search/models.py): a change to the dossier or the person changes who finds it, at once."""
    officer, commune_a = make_user("policy_officer"), make_user("commune_officer", scope=communes["a"])
    commune_b = make_user("commune_officer", scope=communes["b"])
    dossier = Dossier.objects.get(number="QTI/LS-00105/CM")  # Nguyễn Văn Giang, commune B
    assert names(search(actor=officer, text="nguyen van giang")) == ["Nguyễn Văn Giang"]
    services.update_dossier(actor=actor, dossier=dossier, confidentiality="mat")
    for text, typing in (("nguyen van giang", False), ("ngu", True), ("nguyen v", True)):
        assert "Nguyễn Văn Giang" not in names(search(actor=officer, text=text, limit=25, prefix_last=typing))
    services.update_dossier(actor=actor, dossier=dossier, confidentiality="thuong")
    assert names(search(actor=officer, text="nguyen van giang")) == ["Nguyễn Văn Giang"]
    assert names(search(actor=commune_b, text="giang")) == ["Nguyễn Văn Giang"]
    assert names(search(actor=commune_a, text="giang")) == []
    services.update_person(actor=actor, person=dossier.subject, residence_unit=communes["a"])
    assert names(search(actor=commune_b, text="giang")) == []
    assert names(search(actor=commune_a, text="giang")) == ["Nguyễn Văn Giang"]
    assert names(search(actor=commune_a, text="nguyen van gi", limit=25, prefix_last=True)) == ["Nguyễn Văn Giang"]


def test_a_copy_that_lags_never_shows_a_dossier_the_rule_hides(many_nguyen, make_user, communes):
    """Should an entry's copy lag behind its dossier (a write that raced a concurrent edit), the page of hits is
    still read through the rule on the records themselves."""
    officer, commune_b = make_user("policy_officer"), make_user("commune_officer", scope=communes["b"])
    SearchEntry.objects.filter(dossier__number="QTI/LS-00200/CM").update(confidentiality="thuong")  # "mật" really
    assert "Nguyễn An Mật" not in names(search(actor=officer, text="nguyen an mat", limit=25))
    SearchEntry.objects.filter(dossier__number="QTI/LS-00100/CM").update(residence_unit_id=communes["b"].pk)
    assert "Nguyễn Văn An" not in names(search(actor=commune_b, text="nguyen van an", limit=25))
    assert names(search(actor=commune_b, text="nguyen van giang", limit=25)) == ["Nguyễn Văn Giang"]
