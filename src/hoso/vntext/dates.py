"""Partial dates as written in dossiers: "năm 1947", "tháng 5/1972", "12/05/1972".

Vietnamese order only (day/month/year); a US-style month/day is never guessed. Stored as ISO text
(``1947``, ``1972-05``, ``1972-05-12``), which sorts and filters by prefix.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date, timedelta

from .normalize import nfc

__all__ = ["MAX_YEAR", "MIN_YEAR", "InvalidPartialDate", "PartialDate", "parse_partial_date"]

MIN_YEAR = 1800
MAX_YEAR = 2100

_FORMS_HINT = "1947, năm 1947, 5/1972, tháng 5 năm 1972, 12/05/1972, ngày 12 tháng 5 năm 1972, 1972-05-12"
_SEP = r"(?:\s*[/.\-]\s*|\s+)"
_ISO = re.compile(r"(\d{4})-(\d{2})(?:-(\d{2}))?")
_ISO_LENIENT = re.compile(r"(\d{4})-(\d{1,2})(?:-(\d{1,2}))?")
_DAY_MONTH_YEAR = re.compile(rf"(?:ngay\s*)?(\d{{1,2}}){_SEP}(?:thang\s*)?(\d{{1,2}}){_SEP}(?:nam\s*)?(\d+)")
_MONTH_YEAR = re.compile(rf"(?:thang\s*)?(\d{{1,2}}){_SEP}(?:nam\s*)?(\d+)")
_YEAR = re.compile(r"(?:nam\s*)?(\d+)")


class InvalidPartialDate(ValueError):
    """A date that does not exist or cannot be read; the message is Vietnamese, for users."""


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

    def __post_init__(self) -> None:
        """Validate the parts; raise :class:`InvalidPartialDate` with a Vietnamese message."""
        for value, optional in ((self.year, False), (self.month, True), (self.day, True)):
            if value is None and optional:
                continue
            if isinstance(value, bool) or not isinstance(value, int):
                raise InvalidPartialDate(f"Ngày tháng phải là số nguyên: {value!r}")
        if not MIN_YEAR <= self.year <= MAX_YEAR:
            raise InvalidPartialDate(f"Năm {self.year} nằm ngoài khoảng {MIN_YEAR}–{MAX_YEAR}")
        if self.month is None:
            if self.day is not None:
                raise InvalidPartialDate("Có ngày thì phải có tháng")
            return
        if not 1 <= self.month <= 12:
            raise InvalidPartialDate(f"Tháng không tồn tại: {self.month} (tháng từ 1 đến 12)")
        if self.day is not None:
            try:
                date(self.year, self.month, self.day)
            except ValueError:
                raise InvalidPartialDate(
                    f"Ngày không tồn tại: {self.day:02d}/{self.month:02d}/{self.year}"
                ) from None

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
        text = f"{self.year:04d}"
        if self.month is not None:
            text += f"-{self.month:02d}"
        if self.day is not None:
            text += f"-{self.day:02d}"
        return text

    @classmethod
    def from_iso(cls, text: str) -> PartialDate:
        """Read the output of :meth:`iso` (``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD``), strictly."""
        stripped = text.strip()
        if re.fullmatch(r"\d{4}", stripped):
            return cls(int(stripped))
        match = _ISO.fullmatch(stripped)
        if match is None:
            raise InvalidPartialDate(f"Ngày tháng ISO không hợp lệ: «{text}» (dạng đúng: 1972-05-12)")
        return _from_groups(match.group(1), match.group(2), match.group(3))

    def display(self) -> str:
        """Vietnamese display form: ``"1972"``, ``"05/1972"`` or ``"12/05/1972"``."""
        if self.month is None:
            return str(self.year)
        if self.day is None:
            return f"{self.month:02d}/{self.year}"
        return f"{self.day:02d}/{self.month:02d}/{self.year}"

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


def _from_groups(year: str, month: str | None, day: str | None) -> PartialDate:
    if len(year) != 4:
        raise InvalidPartialDate(f"Năm phải viết đủ 4 chữ số: «{year}»")
    return PartialDate(int(year), int(month) if month else None, int(day) if day else None)


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
        raise InvalidPartialDate("Chưa nhập ngày tháng")
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
    raise InvalidPartialDate(f"Không đọc được ngày tháng «{text.strip()}». Các dạng được nhận: {_FORMS_HINT}")
