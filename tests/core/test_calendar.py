"""The one working-day calendar (core/calendar.py): weekends, Vietnam's public holidays with Tết and Giỗ Tổ from the
lunar calendar, days in lieu and the government's swaps (the `holidays` package), the days an administrator sets,
the day of receipt not counted, the Điều 148 BLDS rule for periods in days, and a clock paused while papers are
awaited. Dates are checked against a wall calendar: (Mon) … (Sun) name the weekday."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied

from hoso.core import calendar
from hoso.core.models import AuditEvent, CalendarDay
from hoso.procedures import catalogue

D = dt.date
pytestmark = pytest.mark.django_db


def wd(start: dt.date, days: int, **kw) -> dt.date:
    return calendar.add_working_days(start, days, **kw)


def cd(start: dt.date, days: int, **kw) -> dt.date:
    return calendar.add_calendar_days(start, days, **kw)


def test_tet_2026_is_skipped_in_working_days_and_ends_a_period_in_days_on_the_next_working_day():
    # Tết Bính Ngọ: Mon 16/2 (giao thừa) to Fri 20/2/2026, between two weekends: nine days without work.
    for day in (D(2026, 2, 14), D(2026, 2, 16), D(2026, 2, 17), D(2026, 2, 20), D(2026, 2, 22)):
        assert not calendar.is_working_day(day), day
    assert wd(D(2026, 2, 13), 1) == D(2026, 2, 23)  # received Fri 13/2: the first working day is Mon 23/2
    assert wd(D(2026, 2, 13), 5) == D(2026, 2, 27)
    assert cd(D(2026, 2, 6), 12) == D(2026, 2, 23)  # 12 days end Wed 18/2 (mùng hai Tết) → Mon 23/2
    assert "Tết Nguyên Đán" in calendar.current().day_off_name(D(2026, 2, 17))


def test_tet_2027_falls_on_a_weekend_and_its_days_in_lieu_follow():
    # Tết Đinh Mùi: mùng một is Sat 6/2/2027; the days off run Thu 4/2 to Wed 10/2.
    assert [calendar.is_working_day(D(2027, 2, d)) for d in range(3, 12)] == [
        True, False, False, False, False, False, False, False, True]
    assert wd(D(2027, 2, 3), 1) == D(2027, 2, 11)
    assert cd(D(2027, 1, 25), 12) == D(2027, 2, 11)  # ends Sat 6/2 (Tết) → Thu 11/2


def test_gio_to_30_4_and_1_5_with_their_days_in_lieu():
    # 2026: Giỗ Tổ (10/3 âm lịch) is Sun 26/4 → Mon 27/4 off; Thu 30/4 and Fri 1/5 off.
    assert calendar.current().day_off_name(D(2026, 4, 27)).startswith("Ngày Giỗ Tổ Hùng Vương")
    assert wd(D(2026, 4, 24), 1) == D(2026, 4, 28)
    assert wd(D(2026, 4, 24), 3) == D(2026, 5, 4)
    # 2027: Giỗ Tổ is Fri 16/4; 1/5 is a Saturday → Mon 3/5 off in lieu.
    assert not calendar.is_working_day(D(2027, 4, 16))
    assert wd(D(2027, 4, 29), 1) == D(2027, 5, 4)


def test_national_day_with_the_bridge_day_and_the_saturday_worked_for_it():
    # 2026: Mon 31/8 off in exchange for Sat 22/8, which is worked; 1/9 and 2/9 off.
    assert calendar.is_working_day(D(2026, 8, 22))
    assert wd(D(2026, 8, 21), 1) == D(2026, 8, 22)
    assert wd(D(2026, 8, 28), 1) == D(2026, 9, 3)
    # 2027: Thu 2/9 and Fri 3/9.
    assert wd(D(2027, 9, 1), 1) == D(2027, 9, 6)


def test_an_administrator_adds_a_swapped_saturday_and_a_day_off_announced_late(admin_user, officer):
    friday = D(2027, 1, 8)
    assert wd(friday, 1) == D(2027, 1, 11)
    catalogue.set_calendar_day(actor=admin_user, day=D(2027, 1, 9), kind=CalendarDay.Kind.WORKING_DAY,
                               note="Làm bù theo thông báo của Văn phòng Chính phủ")
    catalogue.set_calendar_day(actor=admin_user, day=D(2027, 1, 11), kind=CalendarDay.Kind.DAY_OFF,
                               note="Nghỉ bù")
    assert wd(friday, 1) == D(2027, 1, 9)  # the Saturday is worked
    assert wd(friday, 2) == D(2027, 1, 12)  # Monday 11/1 is off
    assert cd(D(2026, 12, 30), 12) == D(2027, 1, 12)  # 12 days end on the Monday now off
    assert calendar.current().day_off_name(D(2027, 1, 11)) == "Ngày nghỉ"
    # An administrator may also give a public holiday back to work; clearing restores the public calendar.
    catalogue.set_calendar_day(actor=admin_user, day=D(2026, 11, 24), kind=CalendarDay.Kind.WORKING_DAY)
    assert calendar.is_working_day(D(2026, 11, 24))
    catalogue.clear_calendar_day(actor=admin_user, day=D(2026, 11, 24))
    assert not calendar.is_working_day(D(2026, 11, 24))
    actions = list(AuditEvent.objects.filter(object_type="calendarday").values_list("action", flat=True))
    assert actions == ["calendar_day_set", "calendar_day_set", "calendar_day_set", "calendar_day_clear"]
    with pytest.raises(PermissionDenied):
        catalogue.set_calendar_day(actor=officer, day=D(2027, 1, 16), kind=CalendarDay.Kind.WORKING_DAY)


def test_article_148_a_period_in_days_ending_on_a_day_off_ends_on_the_next_working_day():
    monday = D(2026, 3, 2)
    assert cd(monday, 12) == D(2026, 3, 16)  # Sat 14/3 → Mon 16/3
    assert cd(monday, 10) == D(2026, 3, 12)  # a working day stays
    assert wd(monday, 12) == D(2026, 3, 18)  # the same number in working days is longer
    assert calendar.due_date(monday, 12, calendar.CALENDAR) == D(2026, 3, 16)
    assert calendar.due_date(monday, 12) == D(2026, 3, 18)
    assert calendar.due_date(D(2026, 3, 7), 0) == D(2026, 3, 7)  # no time at all


def test_days_spent_waiting_for_papers_do_not_count():
    monday = D(2026, 3, 2)
    # Asked for papers on Thu 5/3 (that day counts), complete on Tue 10/3 (counting restarts the day after):
    # Fri 6, Mon 9 and Tue 10 are not counted.
    waited = [(D(2026, 3, 5), D(2026, 3, 10))]
    assert wd(monday, 12, pauses=waited) == D(2026, 3, 23)
    assert cd(monday, 12, pauses=waited) == D(2026, 3, 19)  # 5 days later than Sat 14/3 → Thu 19/3
    assert calendar.due_date(monday, 12, pauses=[]) == D(2026, 3, 18)


def test_working_days_between_counts_after_the_start_up_to_the_end():
    cal = calendar.current()
    assert cal.working_days_between(D(2026, 4, 24), D(2026, 5, 4)) == 3
    assert cal.working_days_between(D(2026, 5, 4), D(2026, 4, 24)) == -3
    assert cal.working_days_between(D(2026, 5, 4), D(2026, 5, 4)) == 0
