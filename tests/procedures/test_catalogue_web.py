"""The catalogue and calendar screens (web/views_procedures_admin.py) for a user with MANAGE_PROCEDURES: the kinds with
their current version; a kind's routing and durations changed as a new version (audited; cases keep theirs); the
year's days off and swapped working days, added and removed through the one calendar."""

import datetime as dt

import pytest
from django.test import Client

from hoso.core import calendar
from hoso.core.models import AuditEvent, CalendarDay
from hoso.procedures import cases
from hoso.procedures.models import ProcedureKind

D = dt.date


def client_of(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def manager(admin_user, catalogue):
    return admin_user


def test_the_catalogue_lists_every_kind_with_its_current_version(manager):
    response = client_of(manager).get("/thu-tuc/danh-muc/")
    html = response.content.decode()
    assert response.status_code == 200
    assert html.count('<tr id="kind-') == ProcedureKind.objects.count() >= 17
    assert 'href="/thu-tuc/danh-muc/trich-luc/"' in html and "Điều 129 Nghị định 131/2021/NĐ-CP" in html
    assert "Sở Nội vụ: 12 ngày (cần bản gốc)" in html


def test_routing_and_durations_change_as_a_new_version_and_cases_keep_theirs(manager, desk, martyr_dossier):
    before = cases.receive_case(actor=desk, kind="trich-luc", dossiers=[martyr_dossier], received_on=D(2026, 3, 2))
    web = client_of(manager)
    form = web.get("/thu-tuc/danh-muc/trich-luc/").content.decode()
    assert "Sở Nội vụ | Trích lục hoặc sao hồ sơ, lưu phiếu theo dõi | 12 | ngày | bản gốc" in form
    refused = web.post("/thu-tuc/danh-muc/trich-luc/", {"steps": "UBND xã | Trích lục | năm | ngày", "note": "x"})
    assert "Dòng 1: thời hạn là số ngày" in refused.content.decode()
    assert ProcedureKind.objects.get(code="trich-luc").versions.count() == 1
    response = web.post("/thu-tuc/danh-muc/trich-luc/", {
        "steps": "UBND xã | Tiếp nhận, chuyển Sở | 5 | ngày làm việc\nSở Nội vụ | Trích lục | 7 | ngày | bản gốc",
        "note": "Phân cấp theo NĐ 129/2025/NĐ-CP"}, follow=True)
    version = ProcedureKind.objects.get(code="trich-luc").current_version()
    assert version.number == 2 and version.note == "Phân cấp theo NĐ 129/2025/NĐ-CP"
    assert [(s.actor, s.duration, s.unit, s.needs_original) for s in version.steps.order_by("position")] == [
        ("UBND xã", 5, "working", False), ("Sở Nội vụ", 7, "calendar", True)]
    assert "Đã lưu phiên bản 2" in response.content.decode()
    event = AuditEvent.objects.get(action="procedure_version")
    assert event.actor == manager and event.after["steps"][1] == ["Sở Nội vụ", "Trích lục", 7, "calendar", "bản gốc"]
    before.refresh_from_db()
    assert before.version.number == 1 and before.due_on == D(2026, 3, 16)
    after = cases.receive_case(actor=desk, kind="trich-luc", dossiers=[martyr_dossier], received_on=D(2026, 3, 2))
    assert after.version == version and after.steps.count() == 2


def test_days_off_and_working_days_are_added_and_removed(manager):
    web = client_of(manager)
    page = web.get("/thu-tuc/lich/?nam=2026").content.decode()
    assert 'id="day-2026-02-17"' in page and "Lịch chung" in page  # Tết 2026 from the holidays package
    assert 'id="day-2026-08-22"' in page and "Ngày làm việc (làm bù)" in page  # the Saturday traded for 31/8
    response = web.post("/thu-tuc/lich/", {"day": "04/12/2026", "kind": "day_off", "note": "Thông báo 99/TB-UBND"},
                        follow=True)
    assert CalendarDay.objects.get(date=D(2026, 12, 4)).kind == "day_off"
    assert not calendar.is_working_day(D(2026, 12, 4))
    html = response.content.decode()
    assert 'id="day-2026-12-04"' in html and "Thông báo 99/TB-UBND" in html and "Bỏ ngày này" in html
    web.post("/thu-tuc/lich/", {"day": "05/12/2026", "kind": "working_day"})
    assert calendar.is_working_day(D(2026, 12, 5))  # a Saturday worked in lieu
    web.post("/thu-tuc/lich/bo-ngay/", {"day": "04/12/2026"})
    assert calendar.is_working_day(D(2026, 12, 4)) and not CalendarDay.objects.filter(date=D(2026, 12, 4)).exists()
    events = AuditEvent.objects.filter(actor=manager, action__startswith="calendar").order_by("id")
    assert [e.action for e in events] == ["calendar_day_set", "calendar_day_set", "calendar_day_clear"]
    bad = web.post("/thu-tuc/lich/", {"day": "31/02/2026", "kind": "day_off"})
    assert "Ngày không hợp lệ" in bad.content.decode()


def test_only_who_manages_procedures_opens_the_screens(officer, desk, catalogue):
    for user in (officer, desk):
        web = client_of(user)
        for url in ("/thu-tuc/danh-muc/", "/thu-tuc/danh-muc/trich-luc/", "/thu-tuc/lich/"):
            assert web.get(url).status_code == 403, url
        assert web.post("/thu-tuc/lich/", {"day": "04/12/2026", "kind": "day_off"}).status_code == 403
    assert not CalendarDay.objects.exists()
