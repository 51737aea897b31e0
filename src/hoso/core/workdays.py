"""Working days for loan due dates (pure Python).

Weekends and the fixed-date public holidays (Bộ luật Lao động 2019, Điều 112: 1/1, 30/4, 1/5, 2/9 and the day
before or after 2/9) are skipped. Tết Nguyên Đán and Giỗ Tổ Hùng Vương follow the lunar calendar and the
government sets the days off each year: list them in HOSO_HOLIDAYS.
"""

import datetime as dt
from collections.abc import Iterable

FIXED_HOLIDAYS = ((1, 1), (4, 30), (5, 1), (9, 1), (9, 2))


def parse_holidays(values: Iterable[str]) -> frozenset[dt.date]:
    """ISO dates from the setting; a malformed one is an error worth seeing at once."""
    return frozenset(dt.date.fromisoformat(v.strip()) for v in values if v.strip())


def is_working_day(day: dt.date, holidays: frozenset[dt.date] = frozenset()) -> bool:
    return day.weekday() < 5 and (day.month, day.day) not in FIXED_HOLIDAYS and day not in holidays


def add_working_days(start: dt.date, days: int, holidays: frozenset[dt.date] = frozenset()) -> dt.date:
    """The date `days` working days after `start` (start itself not counted)."""
    day = start
    left = max(0, days)
    while left:
        day += dt.timedelta(days=1)
        if is_working_day(day, holidays):
            left -= 1
    return day
