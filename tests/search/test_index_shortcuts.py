"""The index's shortcuts give what the long way gives: a number's key read off its canonical form as parsing it
would, ASCII words folded directly as `fold` folds them, entries found by id range as by id list."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from hoso.records.demo import ProvinceGenerator
from hoso.records.services import bulk_register_dossiers
from hoso.search._documents import _CANONICAL_NUMBER, _fold_ascii, number_key
from hoso.search.models import SearchEntry
from hoso.search.services import _existing_entries, index_dossiers
from hoso.vntext import InvalidDossierNumber, fold, parse_dossier_number


def _parsed_key(number: str) -> str:
    try:
        parsed = parse_dossier_number(number, default_province="XXX")
    except InvalidDossierNumber:
        return ""
    return f"{parsed.type_code.lower()}{int(parsed.serial)}"


@settings(max_examples=500, deadline=None)
@given(st.one_of(st.from_regex(_CANONICAL_NUMBER, fullmatch=True), st.text(max_size=20),
                 st.from_regex(r"[A-Z]{2,5}[/ -][A-Z]{2,3}-?[0-9]{1,9}(/[A-Z]{1,3})?", fullmatch=True)))
def test_number_key_is_what_parsing_gives(number):
    assert number_key(number) == _parsed_key(number)


@settings(max_examples=500, deadline=None)
@given(st.text(alphabet=st.characters(max_codepoint=127), max_size=30))
def test_ascii_folding_is_fold(text):
    assert _fold_ascii(text) == fold(text)


@pytest.mark.django_db
def test_entries_are_found_by_range_or_list_alike(actor):
    generator = ProvinceGenerator(people=30, seed=3)
    bulk_register_dossiers(actor=actor, seeds=[generator.dossier("LS") for _ in range(30)], source="t")
    ids = sorted(SearchEntry.objects.values_list("dossier_id", flat=True))
    for chosen in (ids, ids[::3], [ids[0], ids[-1]], [ids[0], ids[-1] + 10_000]):
        found = _existing_entries(chosen)
        assert sorted(found) == sorted(i for i in chosen if i in set(ids))
        assert all(found[i].dossier_id == i for i in found)
    before = {e.dossier_id: e.name for e in SearchEntry.objects.all()}
    assert index_dossiers(ids[::2]) == len(ids[::2])  # entries rewritten in place
    assert {e.dossier_id: e.name for e in SearchEntry.objects.all()} == before
