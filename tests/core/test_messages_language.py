"""The calendar names a day off in the language of the screen (issue #17); the deadline arithmetic does not change,
and a day type that does not exist is refused in the user's language. A broken audit chain is explained in the
auditor's language; the trail itself is not touched by the language."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from hoso.core import calendar
from hoso.core.audit import record_event, seal_all, verify_chain
from hoso.core.models import AuditBlock, AuditEvent


@pytest.mark.django_db
def test_days_off_are_named_in_the_active_language():
    cal = calendar.current()
    saturday, sunday, national_day = dt.date(2026, 3, 7), dt.date(2026, 3, 8), dt.date(2026, 9, 2)
    assert (cal.day_off_name(saturday), cal.day_off_name(sunday)) == ("Thứ Bảy", "Chủ nhật")
    assert cal.day_off_name(national_day).startswith("Quốc khánh")
    with translation.override("en"):
        assert (cal.day_off_name(saturday), cal.day_off_name(sunday)) == ("Saturday", "Sunday")
        assert cal.day_off_name(national_day) == "National Day"
        assert cal.next_working_day(saturday) == dt.date(2026, 3, 9)
    assert cal.day_off_name(national_day).startswith("Quốc khánh")


@pytest.mark.django_db
def test_a_wrong_kind_of_day_is_refused_in_the_active_language(actor):
    with translation.override("en"), pytest.raises(ValidationError) as refused:
        calendar.set_day(actor=actor, day=dt.date(2026, 3, 7), kind="holiday")
    assert refused.value.message_dict == {"kind": ["The kind of day must be a day off or a working day."]}
    with pytest.raises(ValidationError) as refused:
        calendar.set_day(actor=actor, day=dt.date(2026, 3, 7), kind="holiday")
    assert refused.value.message_dict == {"kind": ["Loại ngày phải là ngày nghỉ hoặc ngày làm việc."]}


@pytest.mark.django_db
def test_a_broken_audit_chain_is_explained_in_the_auditors_language(actor):
    for n in range(3):
        record_event(actor=actor, action="update", summary=f"sự kiện {n}")
    seal_all()
    AuditBlock.objects.filter(number=1).update(count=4)
    with translation.override("en"):
        assert verify_chain().reason.endswith(": the block has been altered")
    assert verify_chain().reason.endswith(": khối đã bị sửa")
    assert not AuditEvent.objects.filter(summary__contains="altered").exists()
