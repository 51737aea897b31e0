"""The shortcuts of bulk loads (records/bulk.py, records/services/bulk_register.py) answer exactly as the ways they
replace: `validate_fields` as `full_clean` (same errors, same messages, same values kept), `NewInstances` as the
model's own constructor, a number in canonical form kept as parsing it again would give it."""

import pytest
from django.core.exceptions import ValidationError
from hypothesis import given, settings
from hypothesis import strategies as st

from hoso.gazetteer.models import AdminUnit
from hoso.records.bulk import NewInstances, validate_fields
from hoso.records.models import Category, Dossier, MartyrRecord, Person
from hoso.records.services._common import _bulk_person_checked, _fold_name
from hoso.records.services.bulk_register import CANONICAL_NUMBER, _canonical_number
from hoso.vntext import fold, parse_dossier_number
from hoso.vntext.dates import parse_partial_date

TEXTS = st.one_of(st.sampled_from(["", " ", "Nguyễn Văn An", "nam", "nu", "khac", "Kinh", "x\x00y", "A" * 12,
                                   "1" * 13, "K" * 41, "B" * 201, "N" * 301]),
                  st.text(max_size=6))
VALUES = {
    "full_name": TEXTS, "family_name": TEXTS, "middle_name": TEXTS, "given_name": TEXTS, "sex": TEXTS,
    "ethnicity": TEXTS, "hometown_text": TEXTS, "residence_text": TEXTS, "national_id": TEXTS, "notes": TEXTS,
    "birth_date": st.one_of(st.none(), st.just(parse_partial_date("05/1950")), st.sampled_from(
        ["1950", "1950-05", "31/02/1950", "", "abc", "~1948"])),
    "death_date": st.one_of(st.none(), st.just(parse_partial_date("1972")), st.sampled_from(["1972", "x"])),
}


def _outcome(person: Person, names: frozenset[str], check) -> tuple[dict | None, dict]:
    try:
        check(person, names)
    except ValidationError as exc:
        error = exc.message_dict
    else:
        error = None
    return error, {k: v for k, v in person.__dict__.items() if k != "_state"}


def _full_clean(obj, names) -> None:
    obj.full_clean(exclude=[f.name for f in obj._meta.fields if f.name not in names], validate_unique=False)


@settings(max_examples=300, deadline=None)
@given(st.fixed_dictionaries({}, optional=VALUES))
def test_validate_fields_answers_as_full_clean(values):
    names = _bulk_person_checked(frozenset(values))
    quick, full = Person(**values), Person(**values)
    assert _outcome(quick, names, validate_fields) == _outcome(full, names, _full_clean)


@pytest.mark.django_db
@pytest.mark.parametrize("values", [{"grave_status": "khac"}, {"unit": "U" * 201}, {"enlisted_on": "1968"},
                                    {"certificate_date": "31/02/1970"}, {"unit": "Trung đoàn 48"}, {}])
def test_validate_fields_on_martyr_records(values):
    names = frozenset(f.name for f in MartyrRecord._meta.fields if f.name != "dossier")
    assert _outcome(MartyrRecord(**values), names, validate_fields) == _outcome(
        MartyrRecord(**values), names, _full_clean)


def _state(obj) -> tuple:
    return ({k: v for k, v in obj.__dict__.items() if k != "_state"}, obj._state.db, obj._state.adding,
            obj._state.fields_cache)


@pytest.mark.django_db
def test_new_instances_are_the_models_own():
    unit = AdminUnit.objects.filter(level=AdminUnit.Level.COMMUNE).first()
    category = Category.objects.get(code="LS")
    person = Person(full_name="Lê Văn Tám")
    person.save()
    for values in [{}, {"full_name": "Lê Văn Tám", "birth_date": parse_partial_date("1950"), "hometown_unit": unit},
                   {"residence_unit_id": getattr(unit, "pk", None), "notes": "ghi chú"}]:
        assert _state(NewInstances(Person)(**values)) == _state(Person(**values))
    values = {"number": "QTI/LS-00001/CM", "category": category, "subject": person, "title": "t"}
    made, expected = NewInstances(Dossier)(**values), Dossier(**values)
    assert _state(made) == _state(expected) and made.subject is person and made.category is category
    with pytest.raises(TypeError):
        NewInstances(Person)(not_a_field=1)


@settings(max_examples=500, deadline=None)
@given(st.from_regex(CANONICAL_NUMBER, fullmatch=True))
def test_a_canonical_number_is_kept_as_parsing_gives_it(number):
    assert str(parse_dossier_number(number, default_province="QTI")) == number
    assert _canonical_number(number) == number


@pytest.mark.parametrize("text", ["qti ls 7956 cm", "LS-07956", "QTI/LS07956/CM", "CA-QTI/LS-7956"])
def test_other_numbers_are_parsed(text, settings):
    settings.HOSO_PROVINCE_CODE = "QTI"
    assert _canonical_number(text) == str(parse_dossier_number(text, default_province="QTI"))
    with pytest.raises(ValidationError):
        _canonical_number("QTI/LS-07956/XX")


PIECES = ["Nguyễn", "Đức", "hoà", "Thuỵ", "e\u0302\u0301", " ", "  ", "\u00a0", "\t", "\u200b", "\u00ad", "-", ",",
          "´", "¨", "\u0301", "İ", "ß", "ﬁ", "１２", "x", "\n", "Ð", "ð", "\x1c"]


@settings(max_examples=400, deadline=None)
@given(st.one_of(st.lists(st.sampled_from(PIECES), max_size=12).map("".join), st.text(max_size=30)))
def test_names_are_folded_word_by_word_as_fold_folds_them(text):
    assert _fold_name(text) == fold(text)
