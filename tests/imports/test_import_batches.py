"""The import commits batch by batch: a crash loses at most the batch in flight, progress is reported per
batch, importing again resumes (rows already in are unchanged), and a dry run keeps nothing."""

import pytest
from openpyxl import Workbook

from hoso.core.models import AuditEvent
from hoso.imports.services.registers import import_register
from hoso.records import services as records
from hoso.records.models import Dossier


def register(path, count=7):
    book = Workbook()
    sheet = book.active
    sheet.append(["Số hồ sơ", "Họ và tên", "Năm sinh"])
    for i in range(1, count + 1):
        sheet.append([f"QTI/LS-{700 + i:05d}/CM", f"Nguyễn Văn Số {i}", str(1940 + i)])
    book.save(path)
    return path


def test_a_crash_keeps_the_batches_already_committed_and_a_rerun_resumes(tmp_path, actor, monkeypatch):
    path = register(tmp_path / "so.xlsx")
    real = records.bulk_register_dossiers
    calls = []

    def crash_on_third_batch(**kwargs):
        calls.append(len(kwargs["seeds"]))
        if len(calls) == 3:
            raise RuntimeError("mất điện")
        return real(**kwargs)

    monkeypatch.setattr(records, "bulk_register_dossiers", crash_on_third_batch)
    seen = []
    with pytest.raises(RuntimeError):
        import_register(actor=actor, path=path, batch_size=2, progress=seen.append)
    assert Dossier.objects.count() == 4  # two batches of two committed, the third lost
    assert seen == [2, 2]
    assert AuditEvent.objects.filter(action="bulk_create").count() == 2  # each committed batch audited
    monkeypatch.setattr(records, "bulk_register_dossiers", real)

    again = import_register(actor=actor, path=path, batch_size=2, progress=seen.append)
    assert (again.created, again.updated, again.unchanged) == (3, 0, 4)
    assert Dossier.objects.count() == 7
    assert sum(seen[2:]) == 7  # every row read is reported once
    summary = AuditEvent.objects.get(action="import_register")
    assert summary.after["created"] == 3 and summary.after["unchanged"] == 4


def test_each_batch_is_visible_to_others_as_soon_as_it_is_committed(tmp_path, actor):
    path = register(tmp_path / "so.xlsx", count=5)
    counts = []
    import_register(actor=actor, path=path, batch_size=2, progress=lambda n: counts.append(Dossier.objects.count()))
    assert counts == [2, 4, 5]


def test_a_dry_run_rolls_back_every_batch_and_records_nothing(tmp_path, actor):
    path = register(tmp_path / "so.xlsx")
    before = AuditEvent.objects.count()
    report = import_register(actor=actor, path=path, batch_size=2, dry_run=True)
    assert report.created == 7 and Dossier.objects.count() == 0
    assert AuditEvent.objects.count() == before


def test_reimport_compares_every_imported_field_and_updates_only_what_differs(tmp_path, actor):
    def book(rows):
        workbook = Workbook()
        sheet = workbook.active
        sheet.append(["Số hồ sơ", "Họ và tên", "Bí danh", "Năm sinh", "Loại đối tượng", "Ghi chú"])
        for row in rows:
            sheet.append(row)
        path = tmp_path / f"so-{len(list(tmp_path.iterdir()))}.xlsx"
        workbook.save(path)
        return path

    rows = [["QTI/LS-00901/CM", "Ngô Văn Một", "Tư Một", "1940", "LS", ""],
            ["QTI/TB-00902/CM", "Ngô Văn Hai", "", "1941", "Bệnh binh", ""],  # an old code: the category decides
            ["QTI/LS-00903/CM", "Ngô Văn Ba", "", "1942", "LS", ""],
            ["QTI/LS-00904/CM", "Ngô Văn Bốn", "", "1943", "LS", ""]]
    import_register(actor=actor, path=book(rows))
    changed = [r[:] for r in rows]
    changed[0][2] = "Tư Một; Út Một"  # another alias
    changed[1][4] = "TB"  # another category (thương binh)
    changed[2][5] = "Đã cải táng"  # a note added
    report = import_register(actor=actor, path=book(changed))
    assert (report.created, report.updated, report.unchanged) == (0, 3, 1)
    one = Dossier.objects.get(number="QTI/LS-00901/CM").subject
    assert sorted(one.aliases.values_list("name", flat=True)) == ["Tư Một", "Út Một"]
    assert Dossier.objects.get(number="QTI/TB-00902/CM").category.code == "AQ"
    assert Dossier.objects.get(number="QTI/LS-00903/CM").subject.notes == "Đã cải táng"
    again = import_register(actor=actor, path=book(changed))
    assert (again.updated, again.unchanged) == (0, 4)


def test_a_batch_chosen_to_break_a_deadlock_is_written_again_whole(tmp_path, actor, monkeypatch):
    """PostgreSQL rolls back one transaction of a deadlock (a batch holds its dossiers in the register's order; a clerk
    changing a person of several of them takes them in id order): that batch is written again, and the report counts
    each row once."""
    from contextlib import contextmanager

    from django.db import OperationalError

    from hoso.imports.services import registers

    import_register(actor=actor, path=register(tmp_path / "so.xlsx"))
    book = Workbook()
    sheet = book.active
    sheet.append(["Số hồ sơ", "Họ và tên", "Năm sinh"])
    for i in range(1, 8):
        sheet.append([f"QTI/LS-{700 + i:05d}/CM", f"Nguyễn Văn Số {i}" if i % 2 else f"Trần Văn Số {i}", str(1940 + i)])
    book.save(tmp_path / "sua.xlsx")
    real, attempts = records.notifications_deferred, []

    class Deadlock(Exception):
        sqlstate = "40P01"

    @contextmanager
    def deadlocked_once():
        attempts.append(1)
        with real():
            yield
        if len(attempts) == 2:  # the second batch, after its rows were written and counted
            raise OperationalError("deadlock detected") from Deadlock()

    monkeypatch.setattr(registers.records, "notifications_deferred", deadlocked_once)
    report = import_register(actor=actor, path=tmp_path / "sua.xlsx", batch_size=3)
    assert len(attempts) == 4  # three batches, the second twice
    assert (report.created, report.updated, report.unchanged) == (0, 3, 4) and report.errors == []
    assert sorted(Dossier.objects.filter(subject__full_name__startswith="Trần").values_list("number", flat=True)) == [
        "QTI/LS-00702/CM", "QTI/LS-00704/CM", "QTI/LS-00706/CM"]
