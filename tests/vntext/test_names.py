"""Name splitting and Vietnamese collation keys (hoso.vntext.names)."""

import random
import re
import sqlite3
import unicodedata

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from hoso.vntext import PersonName, collation_key, name_collation_key, split_name

# --- a slow, straightforward reference collation, independent of the implementation -----------------------

ORDER = "0123456789aăâbcdđeêfghijklmnoôơpqrstuưvwxyz"
# Each group lists a base letter with its tones in collation order: ngang, huyền, hỏi, ngã, sắc, nặng.
TONE_GROUPS = [
    "aàảãáạ", "ăằẳẵắặ", "âầẩẫấậ", "eèẻẽéẹ", "êềểễếệ", "iìỉĩíị",
    "oòỏõóọ", "ôồổỗốộ", "ơờởỡớợ", "uùủũúụ", "ưừửữứự", "yỳỷỹýỵ",
]
LETTER_INFO = {ch: (group[0], tone) for group in TONE_GROUPS for tone, ch in enumerate(group)}
LETTER_INFO.update({ch: (ch, 0) for ch in "0123456789bcdđfghjklmnpqrstvwxz"})
VN_CHARS = "".join(LETTER_INFO) + "".join(LETTER_INFO).upper()


def reference(text):
    """(primary words, tone per word): the tone of a word is its first tone mark."""
    words, tones = [], []
    current, tone = [], 0
    for ch in text.lower() + " ":
        if ch in LETTER_INFO:
            base, mark = LETTER_INFO[ch]
            current.append(ORDER.index(base))
            tone = tone or mark
        elif current:
            words.append(tuple(current))
            tones.append(tone)
            current, tone = [], 0
    return tuple(words), tuple(tones)


def reference_name(name):
    parts = [reference(part) for part in (name.given, name.family, name.middle)]
    return tuple(p for p, _ in parts), tuple(t for _, t in parts)


def sign(a, b):
    return (a > b) - (a < b)


vn_text = st.text(alphabet=VN_CHARS + " -.,'", max_size=25)
vn_word = st.text(alphabet=VN_CHARS, min_size=1, max_size=6)
vn_part = st.lists(vn_word, max_size=2).map(" ".join)
person = st.builds(PersonName, family=vn_part, middle=vn_part, given=vn_part)


# --- split_name -------------------------------------------------------------------------------------------

@pytest.mark.parametrize(
    ("full_name", "expected"),
    [
        ("Nguyễn Văn An", PersonName("Nguyễn", "Văn", "An")),
        ("Trần Thị Minh Khai", PersonName("Trần", "Thị Minh", "Khai")),
        ("Lê Bình", PersonName("Lê", "", "Bình")),
        ("Hà", PersonName("", "", "Hà")),
        ("", PersonName("", "", "")),
        ("   ", PersonName("", "", "")),
        ("  nguyễn   văn  đức ", PersonName("Nguyễn", "Văn", "Đức")),
        ("ĐẶNG THỊ NGỌC ÁNH", PersonName("Đặng", "Thị Ngọc", "Ánh")),
        ("đỗ ĐÌNH đạm", PersonName("Đỗ", "Đình", "Đạm")),
        ("Tôn Thất Thuyết", PersonName("Tôn Thất", "", "Thuyết")),
        ("tôn nữ thị ninh", PersonName("Tôn Nữ", "Thị", "Ninh")),
        ("Âu Dương Lân", PersonName("Âu Dương", "", "Lân")),
        ("Nguyễn Phúc Vĩnh Thụy", PersonName("Nguyễn Phúc", "Vĩnh", "Thụy")),
        ("Tôn Thất", PersonName("Tôn", "", "Thất")),  # two words: not enough for a compound họ
        ("Hoàng Văn Hoàng", PersonName("Hoàng", "Văn", "Hoàng")),
    ],
)
def test_split_name(full_name, expected):
    assert split_name(full_name) == expected


def test_split_name_accepts_nfd_and_returns_nfc():
    name = split_name(unicodedata.normalize("NFD", "Nguyễn Thị Hoàng"))
    assert name == PersonName("Nguyễn", "Thị", "Hoàng")
    assert all(unicodedata.is_normalized("NFC", part) for part in (name.family, name.middle, name.given))


def test_full_joins_non_empty_parts_in_vietnamese_order():
    assert PersonName("Nguyễn", "Văn", "An").full == "Nguyễn Văn An"
    assert PersonName("Lê", "", "Bình").full == "Lê Bình"
    assert PersonName("", "", "Hà").full == "Hà"
    assert split_name("tôn thất thuyết").full == "Tôn Thất Thuyết"


@settings(max_examples=200)
@given(st.lists(vn_word, max_size=5).map(" ".join))
def test_split_name_round_trips_through_full(text):
    name = split_name(text)
    assert split_name(name.full) == name
    assert name.full.lower() == unicodedata.normalize("NFC", text).lower()


# --- collation_key: fixed examples ------------------------------------------------------------------------

GIVEN_NAMES_SORTED = [
    "1945", "An", "Anh", "Ánh", "Ăn", "Ân", "Bắc", "Bình", "Chi", "Cúc", "Dũng", "Dương", "Đào", "Đức",
    "Em", "Ê", "Giang", "Ha", "Hà", "Hạ", "Hải", "Hoa", "Hòa", "Hùng", "Huy", "Khánh", "Lan", "Long",
    "Mai", "Minh", "Nga", "Ngọc", "Oanh", "Ô", "Phương", "Quân", "Quý", "Sơn", "Tâm", "Thảo", "Thu",
    "Thư", "Trang", "Uyên", "Ưng", "Vân", "Xuân", "Yến",
]


def test_given_names_sort_in_vietnamese_order():
    shuffled = GIVEN_NAMES_SORTED[:]
    random.Random(7).shuffle(shuffled)
    assert sorted(shuffled, key=collation_key) == GIVEN_NAMES_SORTED
    assert sorted(GIVEN_NAMES_SORTED) != GIVEN_NAMES_SORTED  # plain code-point order is wrong


@pytest.mark.parametrize(
    "ordered",
    [
        ["An", "Anh", "Ăn", "Ân"],
        ["Dũng", "Đức"],
        ["Dz", "Đa"],
        ["Ma", "Mà", "Mả", "Mã", "Má", "Mạ"],  # ngang, huyền, hỏi, ngã, sắc, nặng
        ["Ạnh", "Bình"],  # any primary difference beats any tone
        ["Hà", "Hạ", "Hai"],
        ["Ha Bính", "Hà Bình"],  # tones decide only when all letters are equal, then word by word
        ["Hạ An", "Ha Bình"],  # a letter difference in the 2nd word beats a tone in the 1st
        ["An", "An Bình", "Anh"],
        ["E", "Ê", "F", "G"],
        ["I", "J", "K"],
        ["V", "W", "X", "Y", "Z"],
        ["9", "A"],
        ["Thủy", "Thúy", "Thụy", "Thuyên"],
    ],
)
def test_collation_pairs(ordered):
    keys = [collation_key(text) for text in ordered]
    assert keys == sorted(keys) and len(set(keys)) == len(keys)


def test_collation_ignores_case_tone_placement_and_punctuation():
    assert collation_key("HOÀNG") == collation_key("hoàng") == collation_key("Hoàng")
    assert collation_key("Hoà") == collation_key("Hòa")
    assert collation_key("Lê-Bình") == collation_key("Lê Bình") == collation_key(" lê,  bình ")


def test_collation_key_format():
    assert collation_key("") == "00"
    assert collation_key("An") == "0b0s" + "00" + "00" + "0"
    assert collation_key("Đức") == "0h160f" + "00" + "00" + "4"
    assert re.fullmatch(r"[0-9a-v]*", collation_key("Nguyễn Văn Đức, sinh năm 1947!"))


def test_keys_sort_the_same_in_sqlite_binary_collation():
    connection = sqlite3.connect(":memory:")
    connection.execute("create table t (name text, k text)")
    rows = [(name, collation_key(name)) for name in GIVEN_NAMES_SORTED[::-1]]
    connection.executemany("insert into t values (?, ?)", rows)
    assert [row[0] for row in connection.execute("select name from t order by k")] == GIVEN_NAMES_SORTED


# --- collation_key: properties ----------------------------------------------------------------------------

@settings(max_examples=300)
@given(vn_text, vn_text)
def test_collation_key_order_matches_reference(a, b):
    assert sign(collation_key(a), collation_key(b)) == sign(reference(a), reference(b))


GROUP_OF = {ch: group for group in TONE_GROUPS for ch in group}


@settings(max_examples=300)
@given(vn_text, st.data())
def test_tone_only_differences_match_reference(a, data):
    # same letters, tones redrawn: only the secondary level can differ
    b = "".join(
        data.draw(st.sampled_from(GROUP_OF[ch.lower()])) if ch.lower() in GROUP_OF else ch for ch in a
    )
    assert sign(collation_key(a), collation_key(b)) == sign(reference(a), reference(b))
    assert collation_key(a)[: len(collation_key(a)) - len(reference(a)[1])] == (
        collation_key(b)[: len(collation_key(b)) - len(reference(b)[1])]
    )


@settings(max_examples=200)
@given(st.lists(vn_text, max_size=8))
def test_sorting_by_key_matches_reference(texts):
    assert sorted(texts, key=collation_key) == sorted(texts, key=reference)


@settings(max_examples=200)
@given(st.text(max_size=30))
def test_collation_key_alphabet_and_normalisation(text):
    key = collation_key(text)
    assert re.fullmatch(r"[0-9a-v]*", key)
    assert collation_key(unicodedata.normalize("NFD", text)) == key
    assert collation_key(unicodedata.normalize("NFC", text)) == key


@settings(max_examples=200)
@given(vn_text)
def test_collation_key_is_case_insensitive(text):
    assert collation_key(text.upper()) == collation_key(text.lower()) == collation_key(text)


# --- name_collation_key -----------------------------------------------------------------------------------

NAMES_SORTED = [
    "Hoàng Văn An", "Nguyễn Thị An", "Nguyễn Văn An", "Trần Thị An",
    "Đỗ Văn Ánh", "Lê Thị Anh",  # the họ (đ < l) outranks the tone of the tên
    "Phạm Xuân Ẩn", "Lê Bình", "Tôn Thất Bình",
    "Dương Văn Dũng", "Đinh Văn Dũng", "Phan Đức", "Vũ Đức",
    "Nguyễn Thị Hạ", "Trần Thị Hà", "Trần Thị Hạ", "Nguyễn Thị Hải",
    "Âu Dương Minh", "Lê Minh", "Tôn Nữ Thị Ninh", "Nguyễn Thị Thu", "Lê Văn Thư", "Hồ Thị Yến",
]


def test_names_sort_by_given_then_family_then_middle():
    people = [split_name(name) for name in NAMES_SORTED]
    random.Random(3).shuffle(people)
    assert [p.full for p in sorted(people, key=name_collation_key)] == NAMES_SORTED


def test_name_key_examples_from_the_spec():
    keys = [name_collation_key(split_name(n)) for n in ("Nguyễn Văn An", "Trần Thị An", "Lê Bình")]
    assert keys == sorted(keys)
    assert re.fullmatch(r"[0-9a-v]+", keys[0])


@settings(max_examples=300)
@given(person, person)
def test_name_key_order_matches_reference(a, b):
    assert sign(name_collation_key(a), name_collation_key(b)) == sign(reference_name(a), reference_name(b))


@settings(max_examples=100)
@given(person)
def test_name_key_ignores_case_and_normal_form(name):
    upper = PersonName(name.family.upper(), name.middle.upper(), name.given.upper())
    nfd = PersonName(*(unicodedata.normalize("NFD", p) for p in (name.family, name.middle, name.given)))
    assert name_collation_key(upper) == name_collation_key(nfd) == name_collation_key(name)
