"""Approximate and unknown facts as old registers write them: stored and shown as written, not errors."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from hoso.vntext import InvalidPartialDate, PartialDate, is_unknown_date, parse_partial_date


@pytest.mark.parametrize(("text", "iso", "shown", "years"), [
    ("khoảng 1948", "~1948", "khoảng 1948", (1946, 1950)),
    ("khoang nam 1948", "~1948", "khoảng 1948", (1946, 1950)),
    ("vào khoảng tháng 5/1972", "~1972-05", "khoảng 05/1972", (1970, 1974)),
    ("1948?", "?1948", "1948 (?)", (1946, 1950)),
    ("1948 (?)", "?1948", "1948 (?)", (1946, 1950)),
    ("trước 1950", "<1950", "trước 1950", (1800, 1949)),
    ("sau năm 1945", ">1945", "sau 1945", (1946, 2100)),
    ("12/05/1972", "1972-05-12", "12/05/1972", (1972, 1972)),
])
def test_qualified_dates_keep_how_they_were_written(text, iso, shown, years):
    date = parse_partial_date(text)
    assert (date.iso(), date.display(), date.year_range()) == (iso, shown, years)
    assert PartialDate.from_iso(iso) == date


@pytest.mark.parametrize("text", ["không rõ", "Chưa rõ", "(?)", "?", "không biết", "--"])
def test_unknown_is_not_an_error(text):
    assert is_unknown_date(text)


@pytest.mark.parametrize("text", ["1948", "khoảng 1948", "5/1972"])
def test_a_date_is_not_unknown(text):
    assert not is_unknown_date(text)


def test_an_approximate_day_is_refused_with_a_reason():
    with pytest.raises(InvalidPartialDate, match="chỉ ghi đến năm hoặc tháng"):
        parse_partial_date("khoảng 12/05/1972")


@given(st.integers(1800, 2100), st.one_of(st.none(), st.integers(1, 12)),
       st.sampled_from(["", "about", "doubtful", "before", "after"]))
def test_iso_round_trip(year, month, qualifier):
    date = PartialDate(year, month, None, qualifier)
    assert PartialDate.from_iso(date.iso()) == date and len(date.iso()) <= 10
