"""Dossier numbers: lenient parsing, canonical form (hoso.vntext.dossier_number)."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from hoso.vntext import (
    PERIOD_CODES,
    TYPE_CODES,
    DossierNumber,
    InvalidDossierNumber,
    looks_like_dossier_number,
    parse_dossier_number,
)

KNOWN = frozenset(TYPE_CODES)


def test_period_codes_are_the_four_periods():
    assert PERIOD_CODES == {
        "TCM": "Trước 8/1945",
        "CP": "8/1945 – 20/7/1954",
        "CM": "21/7/1954 – 30/4/1975",
        "BV": "Sau 30/4/1975",
    }


def test_type_codes_include_the_main_groups():
    assert {"LS", "AQ", "BQ", "BB", "HH", "TKN", "BM"} <= KNOWN


@pytest.mark.parametrize(
    ("number", "canonical"),
    [
        (DossierNumber("QTI", "LS", "07956", "CM"), "QTI/LS-07956/CM"),
        (DossierNumber("QTI", "LS", "7956", "CM"), "QTI/LS-07956/CM"),
        (DossierNumber("QTI", "LS", "07956", "CM", police=True), "CA-QTI/LS-07956/CM"),
        (DossierNumber("QBH", "TKN", "12", None), "QBH/TKN-00012"),
        (DossierNumber("QTI", "AQ", "12345678", "BV"), "QTI/AQ-12345678/BV"),
    ],
)
def test_canonical_form(number, canonical):
    assert str(number) == canonical == number.canonical


def test_serial_is_kept_as_written():
    assert parse_dossier_number("QTI/LS-7956/CM").serial == "7956"
    assert parse_dossier_number("QTI/LS-007956/CM").serial == "007956"
    assert str(parse_dossier_number("QTI/LS-007956/CM")) == "QTI/LS-007956/CM"


@pytest.mark.parametrize(
    "text",
    [
        "QTI/LS-07956/CM",
        "qti ls 7956 cm",
        "QTI/LS07956/CM",
        "QTI-LS-07956-CM",
        "QTI_LS_07956_CM",
        "QTI.LS.07956.CM",
        "QTILS07956CM",
        "  qti / ls - 07956 / cm  ",
        "QTI/LS–07956/CM",  # en dash from a word processor
        "qti ls 7956 cm".upper(),
    ],
)
def test_lenient_parsing(text):
    assert str(parse_dossier_number(text)) == "QTI/LS-07956/CM"


def test_default_province_and_police_prefix():
    assert str(parse_dossier_number("LS-07956", default_province="QTI")) == "QTI/LS-07956"
    assert str(parse_dossier_number("ls 7956 cm", default_province="qti")) == "QTI/LS-07956/CM"
    assert str(parse_dossier_number("QBH/AQ-123/BV", default_province="QTI")) == "QBH/AQ-00123/BV"
    police = parse_dossier_number("CA-QTI/LS-07956/CM")
    assert police.police and police.province == "QTI"
    assert str(parse_dossier_number("ca qti ls 7956")) == "CA-QTI/LS-07956"
    assert str(parse_dossier_number("CAB/LS-1")) == "CAB/LS-00001"  # a province code that starts with CA


def test_three_letter_type_codes_and_accents():
    assert parse_dossier_number("QTI/TKN-00012/TCM").type_code == "TKN"
    assert parse_dossier_number("QTITKN12TCM") == DossierNumber("QTI", "TKN", "12", "TCM")
    assert str(parse_dossier_number("QTI/BM-5/CM")) == "QTI/BM-00005/CM"
    assert str(parse_dossier_number("qtì/lś-7956/cḿ")) == "QTI/LS-07956/CM"  # stray accents folded


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("", "Chưa nhập số hồ sơ"),
        ("   ", "Chưa nhập số hồ sơ"),
        ("Q" * 41, "Dài quá 40 ký tự"),
        ("QTI/LS/CM", "Thiếu số thứ tự"),
        ("QTI/LS-123456789/CM", "Số thứ tự dài quá 8 chữ số"),
        ("QTI/LS-07956/XY", "Mã thời kỳ «XY» không đúng"),
        ("LS-07956", "Thiếu mã tỉnh"),
        ("QT/LS-07956/CM", ""),  # province of 2 letters
        ("QTIX/LS-07956/CM", ""),  # province of 4 letters
        ("QTI/L-07956/CM", ""),  # type code of 1 letter
        ("QTI/LSXY-07956/CM", ""),
        ("QTI/LS-07956/CM/CM", ""),
        ("Nguyễn Văn An", ""),
    ],
)
def test_invalid_numbers_raise_with_a_vietnamese_message(text, reason):
    with pytest.raises(InvalidDossierNumber) as excinfo:
        parse_dossier_number(text)
    message = str(excinfo.value)
    assert message.startswith("Số hồ sơ không hợp lệ: «")
    assert message.endswith("Dạng đúng: QTI/LS-07956/CM")
    assert reason in message
    assert isinstance(excinfo.value, ValueError)


def test_bad_default_province_is_a_programming_error():
    with pytest.raises(ValueError, match="default_province"):
        parse_dossier_number("LS-1", default_province="QUANGTRI")


def test_dossier_number_validates_its_fields():
    with pytest.raises(InvalidDossierNumber):
        DossierNumber("qti", "LS", "1", None)
    with pytest.raises(InvalidDossierNumber):
        DossierNumber("QTI", "LS", "12a", None)
    with pytest.raises(InvalidDossierNumber):
        DossierNumber("QTI", "LS", "1", "XX")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("qti ls 7956", True),
        ("LS-07956", True),
        ("QTI/LS-07956/CM", True),
        ("CA-QTI/TKN-12/TCM", True),
        ("qtils7956", True),
        ("hồ sơ ls 7956 của ông An", True),
        ("thuong 1934", False),
        ("Nguyễn Văn An 1947", False),
        ("LS", False),
        ("07956", False),
        ("xls 7956", False),  # the code must start a word or follow a 3-letter province
        ("QTI/LS-123456789", False),  # serial too long
        ("QTI/ZZ-07956", False),  # unknown type code
    ],
)
def test_looks_like_dossier_number(text, expected):
    assert looks_like_dossier_number(text, known_type_codes=KNOWN) is expected


def test_looks_like_uses_the_given_codes():
    assert looks_like_dossier_number("ZZ 12", known_type_codes=frozenset({"ZZ"}))
    assert not looks_like_dossier_number("LS 12", known_type_codes=frozenset())


numbers = st.builds(
    DossierNumber,
    province=st.text(alphabet="ABCDEFGHIJKLMNOPQRSTUVWXYZ", min_size=3, max_size=3),
    type_code=st.sampled_from(sorted(KNOWN)),
    serial=st.from_regex(r"[0-9]{1,8}", fullmatch=True),
    period=st.sampled_from([None, *PERIOD_CODES]),
    police=st.booleans(),
)
separators = st.sampled_from(["/", "-", "_", ".", " ", " / ", ""])


@settings(max_examples=200)
@given(numbers)
def test_canonical_form_round_trips(number):
    parsed = parse_dossier_number(str(number))
    assert str(parsed) == str(number)
    assert parse_dossier_number(str(parsed)) == parsed
    assert looks_like_dossier_number(str(number), known_type_codes=KNOWN)


@settings(max_examples=200)
@given(numbers.filter(lambda n: not n.police), separators, separators, separators, st.booleans())
def test_any_separators_and_case_give_the_same_number(number, sep1, sep2, sep3, lower):
    text = number.province + sep1 + number.type_code + sep2 + number.serial
    if number.period:
        text += sep3 + number.period
    if lower:
        text = text.lower()
    assert str(parse_dossier_number(text)) == str(number)
