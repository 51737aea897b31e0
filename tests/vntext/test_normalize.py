"""NFC normalisation, search folding and tone placement (hoso.vntext.normalize)."""

import re
import unicodedata

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from hoso.vntext import fold, nfc, normalize_tones

TONED_VOWELS = (
    "aàảãáạăằẳẵắặâầẩẫấậeèẻẽéẹêềểễếệiìỉĩíị"
    "oòỏõóọôồổỗốộơờởỡớợuùủũúụưừửữứựyỳỷỹýỵ"
)
CONSONANTS = "bcdđghklmnpqrstvxfjwz"
VN_LETTERS = TONED_VOWELS + CONSONANTS + (TONED_VOWELS + CONSONANTS).upper()
# Vietnamese letters, digits, separators, loose combining tone marks and invisible characters.
VN_EXTRA = "0123456789 -.,/'\t\u00a0\u0300\u0301\u0303\u0309\u0323\u200b"
vn_text = st.text(alphabet=VN_LETTERS + VN_EXTRA, max_size=40)
any_text = st.text(max_size=40)

INITIALS = ["", "b", "c", "ch", "d", "đ", "g", "gi", "h", "kh", "l", "m", "n", "ng", "ngh", "nh", "ph", "qu",
            "s", "t", "th", "tr", "v", "x"]
NUCLEI = (
    "a ă â e ê i o ô ơ u ư y ai ao au ay âu ây eo êu ia iu iê iêu oa oă oai oay oe oi ôi ơi ua uâ uây "
    "uê ui uô uôi uơ uy uya uyê uyu ưa ưi ưu ươ ươi ươu yê yêu oo"
).split()
FINALS = ["", "c", "ch", "m", "n", "ng", "nh", "p", "t"]
TONES = ["\u0300", "\u0309", "\u0303", "\u0301", "\u0323"]


def nfd(text: str) -> str:
    return unicodedata.normalize("NFD", text)


# --- nfc --------------------------------------------------------------------------------------------------

def test_nfc_makes_nfd_input_equal_to_nfc_input():
    composed = "Nguyễn Thị Hoàng Đường"
    assert nfd(composed) != composed
    assert nfc(nfd(composed)) == composed


def test_nfc_strips_zero_width_and_collapses_whitespace():
    assert nfc("  Lê\u200b  Văn\t\n Tám\u00a0 ") == "Lê Văn Tám"
    assert nfc("Ho\u200ba\u0300ng") == "Hoàng"
    assert nfc("\ufeffQuảng Trị\u00ad") == "Quảng Trị"


def test_nfc_keeps_hoang_as_written():
    assert nfc("Hoàng") == "Hoàng"


@settings(max_examples=200)
@given(any_text)
def test_nfc_is_idempotent_and_normalised(text):
    once = nfc(text)
    assert nfc(once) == once
    assert unicodedata.is_normalized("NFC", once)
    assert once == once.strip() and "  " not in once


# --- fold -------------------------------------------------------------------------------------------------

@pytest.mark.parametrize(
    ("text", "folded"),
    [
        ("Đường Thị Thuỵ", "duong thi thuy"),
        ("ĐẶNG đình", "dang dinh"),
        ("Nguyễn Văn Hoàng", "nguyen van hoang"),
        ("Quảng Trị", "quang tri"),
        ("QTI/LS-07956/CM", "qti ls 07956 cm"),
        ("  Lê   Th\u200bị Út, (bí danh: Sáu) ", "le thi ut bi danh sau"),
        ("Ða", "da"),  # eth U+00D0, produced for Đ by legacy converters
        ("１２３", "123"),  # full-width digits
    ],
)
def test_fold_examples(text, folded):
    assert fold(text) == folded


def test_fold_d_with_stroke_becomes_d():
    assert fold("đ") == fold("Đ") == "d"
    assert fold("Đức") == fold("Duc") == "duc"


def test_fold_keeps_different_words_apart():
    assert fold("Thúy") != fold("Thúi")
    assert fold("Thúy") == fold("Thuý") == fold("thuy")


def test_fold_nfd_equals_nfc():
    assert fold(nfd("Nguyễn Thị Hoàng")) == fold("Nguyễn Thị Hoàng") == "nguyen thi hoang"


@settings(max_examples=200)
@given(any_text)
def test_fold_output_is_ascii_tokens_and_idempotent(text):
    folded = fold(text)
    assert re.fullmatch(r"(?:[a-z0-9]+(?: [a-z0-9]+)*)?", folded)
    assert fold(folded) == folded
    assert fold(nfd(text)) == folded


@settings(max_examples=200)
@given(vn_text)
def test_fold_ignores_case_and_accents(text):
    assert fold(text.upper()) == fold(text.lower()) == fold(text)


# --- normalize_tones --------------------------------------------------------------------------------------

@pytest.mark.parametrize(
    ("written", "normalised"),
    [
        ("hoà", "hòa"),
        ("thuỵ", "thụy"),
        ("qũy", "quỹ"),
        ("khoẻ", "khỏe"),
        ("uý", "úy"),
        ("Thuý", "Thúy"),
        ("Hoà Bình", "Hòa Bình"),
        ("HOÀ", "HÒA"),
        ("tuỳ", "tùy"),
        ("hoạ sĩ", "họa sĩ"),
        ("xoà", "xòa"),
        ("loè", "lòe"),
        ("qủa", "quả"),
        ("Khuê", "Khuê"),
        ("thuở", "thuở"),
        ("Hoàng", "Hoàng"),
        ("Nguyễn", "Nguyễn"),
        ("người", "người"),
        ("giữa", "giữa"),
        ("gì", "gì"),
        ("ngoài", "ngoài"),
        ("khuỷu", "khuỷu"),
        ("Huỳnh", "Huỳnh"),
        ("Quỳnh", "Quỳnh"),
        ("toán", "toán"),
        ("Đường Thị Thuỵ, xã Vĩnh Hoà.", "Đường Thị Thụy, xã Vĩnh Hòa."),
    ],
)
def test_normalize_tones_examples(written, normalised):
    assert normalize_tones(written) == normalised


def test_normalize_tones_accepts_nfd_and_returns_nfc():
    assert normalize_tones(nfd("hoà thuỵ")) == "hòa thụy"
    assert unicodedata.is_normalized("NFC", normalize_tones(nfd("Hoàng")))


def test_normalize_tones_leaves_non_syllables_alone():
    assert normalize_tones("koń") == "koń"  # tone-like mark on a consonant
    assert normalize_tones("Hòàng") == "Hòàng"  # two tone marks: not one syllable
    assert normalize_tones("café") == "café"  # not shaped like one syllable
    assert normalize_tones("Zoë 2024") == "Zoë 2024"


def test_old_and_new_placement_compare_equal_but_keep_accents():
    assert normalize_tones("hoà") == normalize_tones("hòa")
    assert fold(normalize_tones("hoà")) == "hoa"
    assert normalize_tones("hoà") != "hoa"


@settings(max_examples=300)
@given(any_text)
def test_normalize_tones_preserves_letters_and_is_idempotent(text):
    once = normalize_tones(text)
    assert fold(once) == fold(text)
    assert normalize_tones(once) == once
    assert unicodedata.is_normalized("NFC", once)


@settings(max_examples=300)
@given(vn_text)
def test_normalize_tones_on_vietnamese_text(text):
    once = normalize_tones(text)
    assert fold(once) == fold(text)
    assert normalize_tones(once) == once
    assert once.lower() == normalize_tones(text.lower())


@settings(max_examples=300)
@given(
    st.sampled_from(INITIALS), st.sampled_from(NUCLEI), st.sampled_from(FINALS), st.sampled_from(TONES),
    st.data(),
)
def test_every_placement_of_a_tone_normalises_to_the_same_syllable(initial, nucleus, final, tone, data):
    bare = initial + nucleus + final
    vowel_positions = [i for i, ch in enumerate(bare) if fold(ch) in "aeiouy"]
    position = data.draw(st.sampled_from(vowel_positions))
    anywhere = unicodedata.normalize("NFC", bare[: position + 1] + tone + bare[position + 1:])
    canonical = normalize_tones(anywhere)
    # the same syllable with the tone on its first vowel, and on its last, gives the same result
    for other in (vowel_positions[0], vowel_positions[-1]):
        variant = unicodedata.normalize("NFC", bare[: other + 1] + tone + bare[other + 1:])
        assert normalize_tones(variant) == canonical
    # exactly one tone mark, on a vowel, and the letters are unchanged
    marks = [ch for ch in nfd(canonical) if ch in TONES]
    assert marks == [tone]
    assert fold(canonical) == fold(bare)
    assert normalize_tones(canonical.upper()) == canonical.upper()
