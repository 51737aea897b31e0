import io
import json

import pytest
from django.core.management import call_command
from django.db import connection

from hoso.core.audit import record_event, verify_chain
from hoso.core.models import AuditEvent


@pytest.fixture
def chain(db):
    return [record_event(actor=None, action="update", summary=f"sự kiện {i}", after={"i": i}) for i in range(5)]


def _verify_json() -> tuple[int, dict]:
    out = io.StringIO()
    try:
        call_command("verify", audit=True, json=True, stdout=out)
        code = 0
    except SystemExit as exc:
        code = exc.code
    return code, json.loads(out.getvalue())["audit"]


def test_an_untouched_chain_verifies(chain):
    code, report = _verify_json()
    assert code == 0 and report["ok"] and report["checked"] == 5


def test_an_edited_event_is_named(chain):
    with connection.cursor() as cur:
        cur.execute("UPDATE access_auditevent SET summary = %s WHERE id = %s", ["sửa lén", chain[2].id])
    code, report = _verify_json()
    assert code == 1 and report["first_broken_event"] == chain[2].id
    assert "sửa" in report["reason"]


def test_a_deleted_event_breaks_the_next_link(chain):
    AuditEvent.objects.filter(pk=chain[1].pk).delete()
    report = verify_chain()
    assert not report.ok and report.first_broken_id == chain[2].id


def test_reordered_events_are_detected(chain):
    a, b = chain[1], chain[3]
    with connection.cursor() as cur:  # swap the contents of two rows, keeping their ids
        for src, dst in ((a, b), (b, a)):
            cur.execute("UPDATE access_auditevent SET summary=%s, prev_hash=%s, hash=%s, after=%s WHERE id=%s",
                        [src.summary, src.prev_hash, "x" * 63 + str(dst.id % 10), json.dumps(src.after), dst.id])
    assert verify_chain().first_broken_id == a.id


def test_deleting_the_last_events_is_detected(chain):
    AuditEvent.objects.filter(pk=chain[-1].pk).delete()
    report = verify_chain()
    assert not report.ok and "cuối" in report.reason


@pytest.mark.django_db
def test_an_action_missing_from_the_catalogue_is_refused():
    """Every audit action is declared once in core/events.py; a free string cannot enter the trail."""
    from hoso.core.audit import record_event
    from hoso.core.events import AuditAction, label
    from hoso.core.models import AuditEvent

    with pytest.raises(ValueError):
        record_event(actor=None, action="backup_done_maybe", object_type="x", object_id="1")
    assert not AuditEvent.objects.filter(action="backup_done_maybe").exists()
    assert label(AuditAction.BACKUP) == "Sao lưu"
    assert label("an_old_code") == "an_old_code"


@pytest.mark.django_db
def test_the_auditor_reads_a_register_and_runs_the_chain_check(make_user, martyr_dossier, officer, actor):
    """Labels, field names as the forms show them, choice labels, before → after; a person's change listed under
    their dossier by any spelling of its number; the chain check from the screen, itself audited."""
    from django.test import Client

    from hoso.access.permissions import Role
    from hoso.records import services

    services.update_person(actor=officer, person=martyr_dossier.subject, sex="nu")
    auditor = make_user(Role.AUDITOR, username="kiem-soat")
    client = Client()
    client.force_login(auditor)
    page = client.get("/nhat-ky/", {"dossier": "qti ls 7956"}).content.decode()
    assert "Sửa" in page and "Giới tính" in page and "Nam → Nữ" in page
    response = client.post("/nhat-ky/kiem-tra/", follow=True)
    assert "Chuỗi nhật ký toàn vẹn" in response.content.decode()
    assert AuditEvent.objects.filter(action="verify_audit", actor=auditor, after__ok=True).exists()
    AuditEvent.objects.filter(pk=AuditEvent.objects.order_by("id").first().pk).update(summary="sửa lén")
    broken = client.post("/nhat-ky/kiem-tra/", follow=True).content.decode()
    assert "KHÔNG toàn vẹn" in broken
