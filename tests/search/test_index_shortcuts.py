"""The index's shortcuts give what the long way gives: a number's key read off its canonical form as parsing it
would, ASCII words folded directly as `fold` folds them, entries found by id range as by id list."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from hoso.records.demo import ProvinceGenerator
from hoso.records.services import bulk_register_dossiers
from hoso.search import _retrieval
from hoso.search._documents import _CANONICAL_NUMBER, _fold_ascii, number_key
from hoso.search._query import parse_query
from hoso.search.models import SearchEntry, SearchTerm, SearchWord
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


@pytest.mark.django_db
def test_a_word_typed_as_a_start_finds_the_same_names_completed_from_the_vocabulary(actor):
    """The names pass completes a word typed as the start of a longer one from the vocabulary
    (_retrieval._completed) instead of matching it as a prefix: the same entries, short names and aliases
    included."""
    from hoso.records import services as records
    from hoso.search._backend import backend

    generator = ProvinceGenerator(people=200, seed=5)
    bulk_register_dossiers(actor=actor, seeds=[generator.dossier("LS") for _ in range(200)], source="t")
    for serial, (name, alias) in enumerate((("Lê Hà", "Út Hà"), ("Ông Văn Nguyên", "Ông Tư"), ("Hà Thị Lệ", ""))):
        person = records.create_person(actor=actor, full_name=name, aliases=[alias] if alias else [])
        records.register_dossier(actor=actor, number=f"QTI/LS-{9000 + serial:05d}/CM", category_code="LS",
                                 subject=person)
    words = sorted({w for n in SearchEntry.objects.values_list("name", flat=True) for w in n.split()})
    typed = [w[:n] for w in words[::2] for n in (2, 3, len(w))] + [
        "le h", "ong van ng", "ong t", "ut h", "ha thi l", "nguyen van", "tran thi th", "zz", "ng v"]
    everyone = SearchEntry.objects.all()
    compared = 0
    for text in typed:
        groups, initials, completed, _last = _typed(text, every_field=False)
        as_prefix = set(backend().match(everyone, groups, names_only=True, name_groups=initials)
                        .values_list("id", flat=True))
        assert set(backend().match(everyone, completed, names_only=True, name_groups=initials)
                   .values_list("id", flat=True)) == as_prefix, text
        compared += completed != groups and bool(as_prefix)
    assert compared > len(typed) // 2  # most starts were completed, and found someone


def test_a_word_committed_after_a_higher_one_still_reaches_the_typo_index(db):
    """Two registrations index new words at once: the one that took the lower id commits last. The process's typo
    index (built in between) must still learn that word, or a typo of it would find nothing until a later new word."""
    SearchTerm.objects.bulk_create([SearchTerm(id=10, term="nguyen"), SearchTerm(id=12, term="thuong")])
    assert "khuong" not in _retrieval._fuzzy().words
    SearchTerm.objects.create(id=11, term="khuong")  # committed late, below the highest id
    assert "khuong" in _retrieval._fuzzy().words
    assert "khuong" in _retrieval._fuzzy().near("khuonh")


@pytest.mark.django_db
def test_a_word_typed_as_a_start_finds_the_same_entries_in_every_field_completed_from_every_indexed_word(actor):
    """The all-fields pass completes the word being typed from every word the index holds (SearchWord): the entries
    that matching it as a prefix finds, whether the word is in a name, a relative's name, a place or the other text
    (a martyr's unit and cemetery, a dossier number), for an officer who may read the restricted fields or not —
    but not those the prefix found only inside a relative's name bound to a year ("han" in "hans1883" of Hà)."""
    from hoso.search._backend import backend

    generator = ProvinceGenerator(people=150, seed=11)
    bulk_register_dossiers(actor=actor, seeds=[generator.dossier(code) for code in ("LS", "BT", "BM") * 50],
                           source="t")
    fields = ("name", "aliases", "relatives", "places", "other")
    words = sorted({w for row in SearchEntry.objects.values_list(*fields) for text in row
                    for w in text.replace("|", " ").split() if w.isalpha()})
    assert set(SearchWord.objects.values_list("word", flat=True)) == {w for w in words if len(w) > 2}
    typed = [w[:n] for w in words[::2] for n in (2, 3)] + ["nguyen v", "nghia tr", "liet si q", "qti l"]
    everyone = SearchEntry.objects.all()
    compared = 0
    for text in typed:
        groups, initials, completed, last = _typed(text, every_field=True)
        for restricted in ((), ("secret", "health", "secret_health")):
            as_prefix, as_words = (set(backend().match(everyone, chosen, names_only=False, restricted=restricted,
                                                       name_groups=initials).values_list("id", flat=True))
                                   for chosen in (groups, completed))
            assert as_words <= as_prefix, (text, restricted)
            for entry in SearchEntry.objects.filter(id__in=as_prefix - as_words):  # through a word with digits only
                held = " ".join(getattr(entry, f) for f in (*fields, "secret", "health", "secret_health")).split()
                assert not any(w.startswith(last.folded) and w.isalpha() for w in held), (text, entry.id)
        compared += completed != groups and bool(as_prefix)
    assert compared > len(typed) // 2  # most starts were completed, and found some entries


def _typed(text: str, every_field: bool):
    """The first stage's word groups of `text` typed as you type, its initials, the groups with the last word completed
    (for the names pass, or for the all-fields pass), and the last word."""
    query = parse_query(text)
    last = query.terms[-1]
    groups, initials = _retrieval._groups(_retrieval._Stage(query.terms, "none"), _retrieval._expansions(query, "none"),
                                          True, last)
    return groups, initials, _retrieval._completed(groups, every_field=every_field), last
