import datetime
import io
import json
import threading

import pytest
from django.core.management import call_command
from django.db import connection, connections

from hoso.core.audit import _digest, record_event, seal_all, seal_pending, verify_chain
from hoso.core.models import AuditBlock, AuditChainHead, AuditEvent


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


def test_an_untouched_trail_verifies_and_the_check_seals_what_was_pending(chain):
    assert verify_chain().unsealed == 5  # written without a lock, checked by their own hashes until sealed
    code, report = _verify_json()
    assert code == 0 and report["ok"] and report["checked"] == 5
    assert report["sealed_now"] == 5 and report["blocks"] == 1 and report["unsealed"] == 0
    assert set(AuditEvent.objects.values_list("block__number", flat=True)) == {1}


def test_an_edited_event_is_named_sealed_or_not(chain):
    with connection.cursor() as cur:
        cur.execute("UPDATE access_auditevent SET summary = %s WHERE id = %s", ["sửa lén", chain[2].id])
    assert verify_chain().first_broken_id == chain[2].id  # before sealing
    code, report = _verify_json()  # sealed now, still named
    assert code == 1 and report["first_broken_event"] == chain[2].id
    assert "sửa" in report["reason"]


def test_a_deleted_sealed_event_breaks_its_block(chain):
    seal_all()
    AuditEvent.objects.filter(pk=chain[1].pk).delete()
    report = verify_chain()
    assert not report.ok and "khối niêm phong số 1" in report.reason and "xoá" in report.reason


def test_events_moved_between_rows_are_detected(chain):
    seal_all()
    a, b = chain[1], chain[3]
    for src, dst in ((a, b), (b, a)):  # swap two events whole (content and hash), keeping the rows' ids
        AuditEvent.objects.filter(pk=dst.pk).update(at=src.at, summary=src.summary, hash=src.hash, after=src.after)
    report = verify_chain()
    assert not report.ok and report.first_broken_id is None and "chuyển chỗ" in report.reason


def test_deleting_the_last_block_is_detected(chain):
    seal_all()
    record_event(actor=None, action="update", summary="sự kiện cuối")
    seal_all()
    last = AuditBlock.objects.get(number=2)
    AuditEvent.objects.filter(block=last).delete()
    last.delete()
    report = verify_chain()
    assert not report.ok and "cuối" in report.reason


def test_an_edited_block_is_detected(chain):
    seal_all()
    AuditBlock.objects.filter(number=1).update(count=4)
    assert "khối đã bị sửa" in verify_chain().reason


def test_a_second_sealer_does_not_wait(transactional_db):
    """One sealer at a time, and nobody waits for it: while a sealer holds the tip, another returns at once."""
    if connection.vendor != "postgresql":
        pytest.skip("row locks with SKIP LOCKED are PostgreSQL's (SQLite serialises every writer)")
    record_event(actor=None, action="update", summary="một")
    seal_all()
    record_event(actor=None, action="update", summary="hai")
    holding, release, answer = threading.Event(), threading.Event(), []

    def hold():
        from django.db import transaction
        with transaction.atomic():
            AuditChainHead.objects.select_for_update().get(pk=1)
            holding.set()
            release.wait(10)
        connections.close_all()

    thread = threading.Thread(target=hold)
    thread.start()
    holding.wait(10)
    answer.append(seal_pending())
    release.set()
    thread.join()
    assert answer == [0] and seal_pending() == 1


def test_concurrent_writers_never_collide_and_every_event_is_kept(transactional_db):
    """Audited reads do not serialise: many threads append at once, from an empty trail, with no error."""
    if connection.vendor != "postgresql":
        pytest.skip("concurrent writers need a server database (the suite's SQLite is one shared connection)")
    errors = []

    def write(n: int):
        try:
            for i in range(20):
                record_event(actor=None, action="view", object_type="dossier", object_id=str(n), summary=f"{n}-{i}")
        except Exception as exc:  # noqa: BLE001 - the test reports any error a writer met
            errors.append(repr(exc))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=write, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == [] and AuditEvent.objects.count() == 160
    assert seal_all() == 160 and verify_chain().ok


def test_a_trail_chained_before_blocks_is_checked_and_linked(db):
    """Events written by the earlier design (each chained to the one before) stay checkable; the first block links
    to their last hash."""
    prev = "0" * 64
    for i in range(3):
        event = AuditEvent(at=datetime.datetime(2025, 1, i + 1, 1, tzinfo=datetime.UTC), actor_name="system",
                           action="update", summary=f"cũ {i}", prev_hash=prev)
        event.hash = _digest(prev_hash=prev, at=event.at.isoformat(), actor_name="system", action="update",
                             object_type="", object_id="", summary=event.summary, before=None, after=None)
        event.save()
        prev = event.hash
    AuditChainHead.objects.create(pk=1, last_hash=prev)
    record_event(actor=None, action="update", summary="mới")
    seal_all()
    assert AuditBlock.objects.get(number=1).prev_hash == prev
    report = verify_chain()
    assert report.ok and report.checked == 4 and report.blocks == 1
    AuditEvent.objects.filter(summary="cũ 1").delete()
    assert "liên kết với sự kiện trước bị đứt" in verify_chain().reason


@pytest.mark.django_db
def test_an_action_missing_from_the_catalogue_is_refused():
    """Every audit action is declared once in core/events.py; a free string cannot enter the trail."""
    from hoso.core.events import AuditAction, label

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
