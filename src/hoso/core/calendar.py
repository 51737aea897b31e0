"""The one working-day calendar (lịch ngày làm việc): loan due dates, legal deadlines of procedures, transfers.

Days off are weekends and Vietnam's public holidays from the `holidays` package (`holidays.VN`: the days of Bộ luật
Lao động 2019 Điều 112, Tết Nguyên Đán and Giỗ Tổ Hùng Vương from the lunar calendar, the days in lieu when one
falls on a weekend, and the swaps the government announced — a bridge day off traded for a working Saturday), plus
the days an administrator sets (`CalendarDay`: a day off announced late, or a working day), which win.

Counting (Bộ luật Dân sự 2015, Điều 147–148): the day of receipt is not counted; a period in days ("ngày", unit
`calendar`) whose last day is a day off ends on the next working day; a period in working days ("ngày làm việc")
counts working days only. Time spent waiting for papers does not count: a pause (stopped, restarted) leaves out
the days after `stopped` up to and including `restarted` (the clock restarts as on a day of receipt).
"""

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

import holidays
from django.contrib.auth.base_user import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from hoso.core.audit import record_event
from hoso.core.events import AuditAction
from hoso.core.i18n import vietnamese
from hoso.core.models import CalendarDay

WORKING, CALENDAR = "working", "calendar"
UNITS = {WORKING: "ngày làm việc", CALENDAR: "ngày"}
ONE_DAY = dt.timedelta(days=1)

Pause = tuple[dt.date, dt.date]  # (the clock stopped on, restarted on)


@lru_cache(maxsize=32)
def _public(year: int, language: str = "vi") -> holidays.HolidayBase:
    """Vietnam's public holidays of `year`, named in `language` ("vi", or "en_US" for the English interface)."""
    return holidays.VN(years=year, language=language)


def _paused_days(pauses: Iterable[Pause]) -> frozenset[dt.date]:
    days = set()
    for stopped, restarted in pauses:
        day = stopped + ONE_DAY
        while day <= restarted:
            days.add(day)
            day += ONE_DAY
    return frozenset(days)


@dataclass(frozen=True)
class Calendar:
    """The public calendar with the administrator's days on top (`current()` reads them from the database)."""

    days_off: frozenset[dt.date] = frozenset()
    working_days: frozenset[dt.date] = frozenset()

    def is_working_day(self, day: dt.date) -> bool:
        if day in self.working_days:
            return True
        if day in self.days_off:
            return False
        return _public(day.year).is_working_day(day)

    def day_off_name(self, day: dt.date) -> str:
        """Why a day is off ("Tết Nguyên Đán", "Ngày nghỉ"…), or "" for a working day."""
        if self.is_working_day(day):
            return ""
        if day in self.days_off:
            return str(CalendarDay.Kind.DAY_OFF.label)
        names = _public(day.year, "en_US" if get_language() == "en" else "vi")
        return names.get(day) or (_("Thứ Bảy") if day.weekday() == 5 else _("Chủ nhật"))

    def next_working_day(self, day: dt.date) -> dt.date:
        """`day` itself if it is a working day, else the first working day after it."""
        while not self.is_working_day(day):
            day += ONE_DAY
        return day

    def add(self, start: dt.date, days: int, unit: str = WORKING, *, pauses: Iterable[Pause] = ()) -> dt.date:
        """The last day of a period of `days` (working days or days) received on `start`."""
        if unit not in UNITS:
            raise ValueError(f"unknown unit {unit!r}")
        if days < 0:
            raise ValueError("a period cannot be negative")
        paused = _paused_days(pauses)
        day, left = start, days
        while left:
            day += ONE_DAY
            if day not in paused and (unit == CALENDAR or self.is_working_day(day)):
                left -= 1
        if unit == CALENDAR and days:
            day = self.next_working_day(day)  # Điều 148(5) BLDS 2015
        return day

    def working_days_between(self, start: dt.date, end: dt.date) -> int:
        """Working days after `start` up to and including `end` (negative when `end` is before `start`)."""
        sign, lo, hi = (1, start, end) if end >= start else (-1, end, start)
        count, day = 0, lo
        while day < hi:
            day += ONE_DAY
            count += self.is_working_day(day)
        return sign * count


def current() -> Calendar:
    """The calendar as configured now: the public holidays and the administrator's days."""
    rows = CalendarDay.objects.values_list("date", "kind")
    return Calendar(days_off=frozenset(d for d, k in rows if k == CalendarDay.Kind.DAY_OFF),
                    working_days=frozenset(d for d, k in rows if k == CalendarDay.Kind.WORKING_DAY))


def is_working_day(day: dt.date) -> bool:
    return current().is_working_day(day)


def add_working_days(start: dt.date, days: int, *, pauses: Iterable[Pause] = ()) -> dt.date:
    """The date `days` working days after `start` (`start` itself not counted)."""
    return current().add(start, days, WORKING, pauses=pauses)


def add_calendar_days(start: dt.date, days: int, *, pauses: Iterable[Pause] = ()) -> dt.date:
    """The end of a period of `days` days from `start` (not counted), moved to the next working day when it falls
    on a day off (Điều 148 BLDS 2015)."""
    return current().add(start, days, CALENDAR, pauses=pauses)


def due_date(received: dt.date, days: int, unit: str = WORKING, *, pauses: Iterable[Pause] = ()) -> dt.date:
    """Hạn giải quyết: the due date of a period of `days` in `unit` ("working" or "calendar") from `received`."""
    return current().add(received, days, unit, pauses=pauses)


def working_days_between(start: dt.date, end: dt.date) -> int:
    return current().working_days_between(start, end)


# --- the administrator's days (callers check who may: procedures.catalogue does) ------------------------------


def set_day(*, actor: AbstractBaseUser | None, day: dt.date, kind: str, note: str = "") -> CalendarDay:
    """Make `day` a day off or a working day whatever the public calendar says (a late announcement, a swap)."""
    if kind not in CalendarDay.Kind.values:
        raise ValidationError({"kind": _("Loại ngày phải là ngày nghỉ hoặc ngày làm việc.")})
    with transaction.atomic():
        existing = CalendarDay.objects.select_for_update().filter(date=day).first()
        before = {"kind": existing.kind, "note": existing.note} if existing else None
        row, _created = CalendarDay.objects.update_or_create(date=day,
                                                             defaults={"kind": kind, "note": note.strip()[:300]})
        record_event(actor=actor, action=AuditAction.CALENDAR_DAY_SET, obj=row,
                     summary=f"{day:%d/%m/%Y}: {vietnamese(CalendarDay.Kind(row.kind).label)}", before=before,
                     after={"date": day.isoformat(), "kind": row.kind, "note": row.note})
    return row


def clear_day(*, actor: AbstractBaseUser | None, day: dt.date) -> None:
    """Give `day` back to the public calendar."""
    with transaction.atomic():
        row = CalendarDay.objects.select_for_update().filter(date=day).first()
        if row is None:
            return
        record_event(actor=actor, action=AuditAction.CALENDAR_DAY_CLEAR, obj=row, summary=f"{day:%d/%m/%Y}",
                     before={"date": day.isoformat(), "kind": row.kind, "note": row.note})
        row.delete()
