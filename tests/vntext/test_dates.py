"""Partial dates in Vietnamese day/month/year order (hoso.vntext.dates)."""

import unicodedata
from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from hoso.vntext import InvalidPartialDate, PartialDate, parse_partial_date


@st.composite
def partial_dates(draw):
    year = draw(st.integers(1800, 2100))
    precision = draw(st.sampled_from(["year", "month", "day"]))
    if precision == "year":
        return PartialDate(year)
    month = draw(st.integers(1, 12))
    if precision == "month":
        return PartialDate(year, month)
    last = (date(year, 12, 31) if month == 12 else date(year, month + 1, 1) - timedelta(days=1)).day
    return PartialDate(year, month, draw(st.integers(1, last)))


# --- construction and validation --------------------------------------------------------------------------

def test_valid_dates():
    assert PartialDate(1947).month is None
    assert PartialDate(1972, 5).day is None
    assert PartialDate(2000, 2, 29).day == 29  # 2000 is a leap year
    assert PartialDate(1972, 2, 29).day == 29


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ((1972, 2, 31), "Ngày không tồn tại: 31/02/1972"),
        ((1900, 2, 29), "Ngày không tồn tại: 29/02/1900"),  # 1900 is not a leap year
        ((1973, 4, 31), "Ngày không tồn tại: 31/04/1973"),
        ((1972, 5, 0), "Ngày không tồn tại: 00/05/1972"),
        ((1972, 13), "Tháng không tồn tại: 13"),
        ((1972, 0), "Tháng không tồn tại: 0"),
        ((1799,), "Năm 1799 nằm ngoài khoảng 1800–2100"),
        ((2101,), "Năm 2101 nằm ngoài khoảng 1800–2100"),
        ((1972, None, 12), "Có ngày thì phải có tháng"),
        (("1972",), "phải là số nguyên"),
        ((True,), "phải là số nguyên"),
        ((None,), "phải là số nguyên"),
        ((1972, 5.0), "phải là số nguyên"),
    ],
)
def test_invalid_dates_raise_vietnamese_messages(args, message):
    with pytest.raises(InvalidPartialDate, match=message):
        PartialDate(*args)


def test_invalid_partial_date_is_a_value_error():
    assert issubclass(InvalidPartialDate, ValueError)


# --- formats ----------------------------------------------------------------------------------------------

@pytest.mark.parametrize(
    ("value", "iso", "display", "earliest", "latest"),
    [
        (PartialDate(1972), "1972", "1972", date(1972, 1, 1), date(1972, 12, 31)),
        (PartialDate(1972, 5), "1972-05", "05/1972", date(1972, 5, 1), date(1972, 5, 31)),
        (PartialDate(1972, 2), "1972-02", "02/1972", date(1972, 2, 1), date(1972, 2, 29)),
        (PartialDate(1973, 2), "1973-02", "02/1973", date(1973, 2, 1), date(1973, 2, 28)),
        (PartialDate(1972, 12), "1972-12", "12/1972", date(1972, 12, 1), date(1972, 12, 31)),
        (PartialDate(1972, 5, 12), "1972-05-12", "12/05/1972", date(1972, 5, 12), date(1972, 5, 12)),
    ],
)
def test_iso_display_and_bounds(value, iso, display, earliest, latest):
    assert value.iso() == iso
    assert PartialDate.from_iso(iso) == value
    assert value.display() == display
    assert value.earliest() == earliest
    assert value.latest() == latest


@pytest.mark.parametrize(
    "text", ["", "72", "1972-5", "1972/05/12", "12/05/1972", "1972-05-12T00:00", "năm 1972"]
)
def test_from_iso_is_strict(text):
    with pytest.raises(InvalidPartialDate):
        PartialDate.from_iso(text)


def test_ordering_puts_less_precise_first():
    values = [PartialDate(1972, 5, 12), PartialDate(1972), PartialDate(1947), PartialDate(1972, 5),
              PartialDate(1972, 1, 1), PartialDate(1972, 1)]
    assert sorted(values) == [
        PartialDate(1947), PartialDate(1972), PartialDate(1972, 1), PartialDate(1972, 1, 1),
        PartialDate(1972, 5), PartialDate(1972, 5, 12),
    ]
    assert PartialDate(1972) < PartialDate(1972, 5) <= PartialDate(1972, 5) < PartialDate(1973)
    assert PartialDate(1973) > PartialDate(1972, 12, 31) >= PartialDate(1972, 12, 31)
    assert len({PartialDate(1972, 5), PartialDate(1972, 5)}) == 1


def test_ordering_with_other_types_is_refused():
    with pytest.raises(TypeError):
        _ = PartialDate(1972) < date(1972, 1, 1)


# --- parse_partial_date -----------------------------------------------------------------------------------

@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1947", PartialDate(1947)),
        ("năm 1947", PartialDate(1947)),
        ("Năm 1947", PartialDate(1947)),
        ("nam 1947", PartialDate(1947)),
        ("5/1972", PartialDate(1972, 5)),
        ("05-1972", PartialDate(1972, 5)),
        ("05.1972", PartialDate(1972, 5)),
        ("tháng 5/1972", PartialDate(1972, 5)),
        ("tháng 5 năm 1972", PartialDate(1972, 5)),
        ("thang 5 nam 1972", PartialDate(1972, 5)),
        ("Tháng 05, năm 1972", PartialDate(1972, 5)),
        ("12/05/1972", PartialDate(1972, 5, 12)),
        ("12.5.1972", PartialDate(1972, 5, 12)),
        ("12-5-1972", PartialDate(1972, 5, 12)),
        ("12 / 5 / 1972", PartialDate(1972, 5, 12)),
        ("05/12/1972", PartialDate(1972, 12, 5)),  # day first, always
        ("ngày 12 tháng 5 năm 1972", PartialDate(1972, 5, 12)),
        ("Ngày 12 tháng 5 năm 1972.", PartialDate(1972, 5, 12)),
        ("ngay 12 thang 5 nam 1972", PartialDate(1972, 5, 12)),
        ("NGÀY 2 THÁNG 9 NĂM 1945", PartialDate(1945, 9, 2)),
        ("ngày 12/5/1972", PartialDate(1972, 5, 12)),
        ("1972-05-12", PartialDate(1972, 5, 12)),
        ("1972-05", PartialDate(1972, 5)),
        ("  29/02/2000 ", PartialDate(2000, 2, 29)),
        ("12/\u200b05/1972", PartialDate(1972, 5, 12)),
        (unicodedata.normalize("NFD", "ngày 12 tháng 5 năm 1972"), PartialDate(1972, 5, 12)),
    ],
)
def test_parse_accepted_forms(text, expected):
    assert parse_partial_date(text) == expected


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "Chưa nhập ngày tháng"),
        ("   ", "Chưa nhập ngày tháng"),
        ("12/31/1972", "Tháng không tồn tại: 31"),  # US order is never guessed
        ("31/02/1972", "Ngày không tồn tại: 31/02/1972"),
        ("12/5/72", "Năm phải viết đủ 4 chữ số"),
        ("5/72", "Năm phải viết đủ 4 chữ số"),
        ("72", "Năm phải viết đủ 4 chữ số"),
        ("năm 19472", "Năm phải viết đủ 4 chữ số"),
        ("1700", "Năm 1700 nằm ngoài khoảng"),
        ("1972/05/12", "Không đọc được ngày tháng"),
        ("mười hai", "Không đọc được ngày tháng"),
        ("12/05/1972/1", "Không đọc được ngày tháng"),
    ],
)
def test_parse_rejects_with_vietnamese_messages(text, message):
    with pytest.raises(InvalidPartialDate, match=message):
        parse_partial_date(text)


# --- properties -------------------------------------------------------------------------------------------

@settings(max_examples=200)
@given(partial_dates())
def test_round_trips(value):
    assert PartialDate.from_iso(value.iso()) == value
    assert parse_partial_date(value.iso()) == value
    assert parse_partial_date(value.display()) == value
    assert value.earliest() <= value.latest()
    assert value.earliest().year == value.latest().year == value.year


@settings(max_examples=200)
@given(partial_dates(), partial_dates())
def test_order_follows_iso_text_and_bounds(a, b):
    # ISO text sorts like the dates (the database column relies on it)
    assert (a < b) == (a.iso() < b.iso())
    if a.latest() < b.earliest():
        assert a < b
