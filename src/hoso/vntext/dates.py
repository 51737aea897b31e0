"""Partial dates as written in dossiers: "năm 1947", "tháng 5/1972", "12/05/1972" — and approximate ones as old
registers write them: "khoảng 1948", "1948?", "trước 1950", "sau 1945" (a year or a month, qualified).

Vietnamese order only (day/month/year); a US-style month/day is never guessed. Stored as ISO text
(``1947``, ``1972-05``, ``1972-05-12``; qualified: ``~1948``, ``?1948``, ``<1950``, ``>1945``), which sorts and
filters by prefix. "không rõ", "(?)" say the date is unknown: `is_unknown_date` (no value, and no error).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache

from .normalize import nfc

__all__ = ["MAX_YEAR", "MIN_YEAR", "InvalidPartialDate", "PartialDate", "is_unknown_date", "parse_partial_date"]

MIN_YEAR = 1800
MAX_YEAR = 2100

_FORMS_HINT = "1947, năm 1947, 5/1972, tháng 5 năm 1972, 12/05/1972, ngày 12 tháng 5 năm 1972, 1972-05-12"
_SEP = r"(?:\s*[/.\-]\s*|\s+)"
_ISO = re.compile(r"(\d{4})-(\d{2})(?:-(\d{2}))?")
_ISO_LENIENT = re.compile(r"(\d{4})-(\d{1,2})(?:-(\d{1,2}))?")
_DAY_MONTH_YEAR = re.compile(rf"(?:ngay\s*)?(\d{{1,2}}){_SEP}(?:thang\s*)?(\d{{1,2}}){_SEP}(?:nam\s*)?(\d+)")
_MONTH_YEAR = re.compile(rf"(?:thang\s*)?(\d{{1,2}}){_SEP}(?:nam\s*)?(\d+)")
_YEAR = re.compile(r"(?:nam\s*)?(\d+)")
# Qualifiers of an approximate date (on the accent-free text), and their ISO prefixes and display.
QUALIFIERS = {"about": ("~", "khoảng {}"), "doubtful": ("?", "{} (?)"), "before": ("<", "trước {}"),
              "after": (">", "sau {}")}
_PREFIX = {prefix: name for name, (prefix, _) in QUALIFIERS.items()}
_ABOUT = re.compile(r"(?:vao\s+)?(?:khoang|chung|do|uoc|ca|~|xap xi)\s*(?:nam\s+)?(.+)")
_BEFORE = re.compile(r"truoc\s+(?:nam\s+)?(.+)")
_AFTER = re.compile(r"sau\s+(?:nam\s+)?(.+)")
_DOUBTFUL = re.compile(r"(.+?)\s*(?:\?|\(\s*\?\s*\))")
_UNKNOWN = re.compile(r"(?:khong|chua|k)\s*(?:ro|biet|xac dinh)|kr|\?+|\(\s*\?\s*\)|-+|x+")


class InvalidPartialDate(ValueError):
    """A date that does not exist or cannot be read. The message (``str()``) is Vietnamese, for the command line and
    stored texts; ``code`` and ``params`` say the same for a layer that words it in the reader's language.

    Codes: "not_integer" (value), "qualifier" (qualifier), "approximate_day", "year_range" (year, min, max),
    "day_without_month", "month" (month), "day" (date), "iso" (text), "year_digits" (year), "empty",
    "approximate_twice" (text), "unreadable" (text, forms)."""

    def __init__(self, message: str, code: str = "", **params: object) -> None:
        super().__init__(message)
        self.code = code
        self.params = params


@dataclass(frozen=True)
class PartialDate:
    """A date known to the year, the month or the day. ``month``/``day`` are None when unknown.

    Instances are ordered by (year, month, day) with an unknown part before any known one, so
    ``1972`` < ``1972-01`` < ``1972-01-01`` < ``1972-05``. (Ordering is written out rather than left to
    ``dataclass(order=True)``, which would compare None with int and fail.)
    """

    year: int
    month: int | None = None
    day: int | None = None
    qualifier: str = ""  # "" as written exactly; "about", "doubtful", "before", "after" (see QUALIFIERS)

    def __post_init__(self) -> None:
        """Validate the parts; raise :class:`InvalidPartialDate` with a Vietnamese message."""
        for value, optional in ((self.year, False), (self.month, True), (self.day, True)):
            if value is None and optional:
                continue
            if isinstance(value, bool) or not isinstance(value, int):
                raise InvalidPartialDate(f"Ngày tháng phải là số nguyên: {value!r}", "not_integer", value=repr(value))
        if self.qualifier and self.qualifier not in QUALIFIERS:
            raise InvalidPartialDate(f"Cách ghi gần đúng không có: {self.qualifier!r}", "qualifier",
                                     qualifier=repr(self.qualifier))
        if self.qualifier and self.day is not None:
            raise InvalidPartialDate("Ngày gần đúng chỉ ghi đến năm hoặc tháng (ví dụ: khoảng 1948, khoảng 5/1972)",
                                     "approximate_day")
        if not MIN_YEAR <= self.year <= MAX_YEAR:
            raise InvalidPartialDate(f"Năm {self.year} nằm ngoài khoảng {MIN_YEAR}–{MAX_YEAR}", "year_range",
                                     year=self.year, min=MIN_YEAR, max=MAX_YEAR)
        if self.month is None:
            if self.day is not None:
                raise InvalidPartialDate("Có ngày thì phải có tháng", "day_without_month")
            return
        if not 1 <= self.month <= 12:
            raise InvalidPartialDate(f"Tháng không tồn tại: {self.month} (tháng từ 1 đến 12)", "month",
                                     month=self.month)
        if self.day is not None:
            try:
                date(self.year, self.month, self.day)
            except ValueError:
                written = f"{self.day:02d}/{self.month:02d}/{self.year}"
                raise InvalidPartialDate(f"Ngày không tồn tại: {written}", "day", date=written) from None

    def __reduce__(self) -> tuple:
        """Pickled as its four parts, rebuilt through a cache (a register's rows, sent between processes, repeat
        the same dates): loading one is a lookup, not an instance filled in field by field."""
        return _partial_date, (self.year, self.month, self.day, self.qualifier)

    @property
    def sort_key(self) -> tuple[int, int, int]:
        """(year, month, day) with 0 for unknown parts; the order used by ``<``."""
        return (self.year, self.month or 0, self.day or 0)

    def __lt__(self, other: object) -> bool:
        """True if ``self`` sorts earlier than ``other`` (see :attr:`sort_key`)."""
        if not isinstance(other, PartialDate):
            return NotImplemented
        return self.sort_key < other.sort_key

    def __le__(self, other: object) -> bool:
        """True if ``self`` sorts earlier than or equal to ``other`` (see :attr:`sort_key`)."""
        if not isinstance(other, PartialDate):
            return NotImplemented
        return self.sort_key <= other.sort_key

    def __gt__(self, other: object) -> bool:
        """True if ``self`` sorts later than ``other`` (see :attr:`sort_key`)."""
        if not isinstance(other, PartialDate):
            return NotImplemented
        return self.sort_key > other.sort_key

    def __ge__(self, other: object) -> bool:
        """True if ``self`` sorts later than or equal to ``other`` (see :attr:`sort_key`)."""
        if not isinstance(other, PartialDate):
            return NotImplemented
        return self.sort_key >= other.sort_key

    def iso(self) -> str:
        """ISO 8601 text at the known precision: ``"1972"``, ``"1972-05"`` or ``"1972-05-12"``."""
        text = (QUALIFIERS[self.qualifier][0] if self.qualifier else "") + f"{self.year:04d}"
        if self.month is not None:
            text += f"-{self.month:02d}"
        if self.day is not None:
            text += f"-{self.day:02d}"
        return text

    @classmethod
    def from_iso(cls, text: str) -> PartialDate:
        """Read the output of :meth:`iso` (``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD``), strictly."""
        stripped = text.strip()
        qualifier = _PREFIX.get(stripped[:1], "")
        if qualifier:
            stripped = stripped[1:]
        if re.fullmatch(r"\d{4}", stripped):
            return cls(int(stripped), qualifier=qualifier)
        match = _ISO.fullmatch(stripped)
        if match is None:
            raise InvalidPartialDate(f"Ngày tháng ISO không hợp lệ: «{text}» (dạng đúng: 1972-05-12)", "iso", text=text)
        return _from_groups(match.group(1), match.group(2), match.group(3), qualifier)

    def display(self) -> str:
        """Vietnamese display form: ``"1972"``, ``"05/1972"`` or ``"12/05/1972"``; a qualified date as written
        (``"khoảng 1948"``, ``"1948 (?)"``, ``"trước 1950"``, ``"sau 05/1945"``)."""
        if self.month is None:
            text = str(self.year)
        elif self.day is None:
            text = f"{self.month:02d}/{self.year}"
        else:
            text = f"{self.day:02d}/{self.month:02d}/{self.year}"
        return QUALIFIERS[self.qualifier][1].format(text) if self.qualifier else text

    @property
    def approximate(self) -> bool:
        return bool(self.qualifier)

    def year_range(self) -> tuple[int, int]:
        """The years the date can mean: its year, ±2 for «khoảng» and «(?)», up to the year before for «trước»,
        from the year after for «sau» (for search and duplicate checks)."""
        if self.qualifier in ("about", "doubtful"):
            return self.year - 2, self.year + 2
        if self.qualifier == "before":
            return MIN_YEAR, self.year - 1
        if self.qualifier == "after":
            return self.year + 1, MAX_YEAR
        return self.year, self.year

    def earliest(self) -> date:
        """The first day the partial date can mean (1 January for a year, the 1st for a month)."""
        return date(self.year, self.month or 1, self.day or 1)

    def latest(self) -> date:
        """The last day the partial date can mean (31 December for a year, the month's last day)."""
        if self.day is not None:
            return self.earliest()
        month = self.month or 12
        if month == 12:
            return date(self.year, 12, 31)
        return date(self.year, month + 1, 1) - timedelta(days=1)


@lru_cache(maxsize=8192)
def _partial_date(year: int, month: int | None, day: int | None, qualifier: str) -> PartialDate:
    return PartialDate(year, month, day, qualifier)


def _from_groups(year: str, month: str | None, day: str | None, qualifier: str = "") -> PartialDate:
    if len(year) != 4:
        raise InvalidPartialDate(f"Năm phải viết đủ 4 chữ số: «{year}»", "year_digits", year=year)
    return PartialDate(int(year), int(month) if month else None, int(day) if day else None, qualifier)


def is_unknown_date(text: str) -> bool:
    """«không rõ», «chưa rõ», «(?)», «?», «--»: the register says the date is not known (no value, no error)."""
    return bool(_UNKNOWN.fullmatch(_prepare(text or "")))


def _prepare(text: str) -> str:
    """Lower-case, strip accents (đ → d), collapse spaces, drop commas and end punctuation."""
    text = unicodedata.normalize("NFD", nfc(text)).lower().replace("đ", "d")
    text = "".join(ch for ch in text if unicodedata.category(ch) != "Mn")
    text = re.sub(r"\s*,\s*", " ", text)
    return re.sub(r"\s+", " ", text).strip(" .;")


def parse_partial_date(text: str) -> PartialDate:
    """Read a date as people write it in Vietnamese, at year, month or day precision.

    Accepted: ``1947``, ``năm 1947``, ``5/1972``, ``05-1972``, ``tháng 5/1972``, ``tháng 5 năm 1972``,
    ``12/05/1972``, ``12.5.1972``, ``ngày 12 tháng 5 năm 1972``, ISO ``1972-05-12``, with or without
    accents. The order is always day/month/year (never the US month/day); the year must have four
    digits. Raises :class:`InvalidPartialDate` with a Vietnamese message otherwise.
    """
    prepared = _prepare(text)
    if not prepared:
        raise InvalidPartialDate("Chưa nhập ngày tháng", "empty")
    for pattern, qualifier in ((_ABOUT, "about"), (_BEFORE, "before"), (_AFTER, "after"), (_DOUBTFUL, "doubtful")):
        match = pattern.fullmatch(prepared)
        if match is not None and not is_unknown_date(match.group(1)):
            exact = parse_partial_date(match.group(1))
            if exact.qualifier:
                raise InvalidPartialDate(f"Không đọc được ngày tháng «{text.strip()}»: chỉ ghi một cách gần đúng.",
                                         "approximate_twice", text=text.strip())
            return PartialDate(exact.year, exact.month, None if exact.day is None else exact.day, qualifier)
    match = _ISO_LENIENT.fullmatch(prepared)
    if match is not None:
        return _from_groups(match.group(1), match.group(2), match.group(3))
    match = _DAY_MONTH_YEAR.fullmatch(prepared)
    if match is not None:
        day, month, year = match.groups()
        return _from_groups(year, month, day)
    match = _MONTH_YEAR.fullmatch(prepared)
    if match is not None:
        month, year = match.groups()
        return _from_groups(year, month, None)
    match = _YEAR.fullmatch(prepared)
    if match is not None:
        return _from_groups(match.group(1), None, None)
    raise InvalidPartialDate(f"Không đọc được ngày tháng «{text.strip()}». Các dạng được nhận: {_FORMS_HINT}",
                             "unreadable", text=text.strip(), forms=_FORMS_HINT)
