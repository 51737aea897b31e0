"""`hoso procedure kinds|due|open|list`: the --json shapes of the contract in issue #14, the readable tables, and
errors as a Vietnamese line on stderr with a non-zero exit (no traceback)."""

import datetime as dt
import io
import json

import pytest
from django.core.management import ManagementUtility, call_command
from django.core.management.base import CommandError
from django.db import connections

from hoso.access.permissions import Role
from hoso.core import calendar
from hoso.procedures import cases
from hoso.records import services as records

D = dt.date


def run(*args: str) -> str:
    out = io.StringIO()
    call_command("procedure", *args, stdout=out)
    return out.getvalue()


def run_json(*args: str) -> dict:
    return json.loads(run(*args, "--json"))


def test_kinds_lists_the_catalogue_with_steps_and_units(catalogue):
    kinds = run_json("kinds")["kinds"]
    assert len(kinds) >= 17
    for kind in kinds:
        assert set(kind) == {"code", "name", "basis", "steps"} and kind["basis"].startswith("Điều ")
        assert kind["steps"] and all(set(s) == {"actor", "duration", "unit"} for s in kind["steps"])
        assert {s["unit"] for s in kind["steps"]} <= {"working", "calendar"}
    by_code = {k["code"]: k for k in kinds}
    assert by_code["trich-luc"] == {"code": "trich-luc", "name": "Trích lục, sao hồ sơ người có công",
                                    "basis": "Điều 129 Nghị định 131/2021/NĐ-CP",
                                    "steps": [{"actor": "Sở Nội vụ", "duration": 12, "unit": "calendar"}]}
    assert by_code["di-chuyen-ho-so"]["basis"] == "Điều 131 Nghị định 131/2021/NĐ-CP"
    assert [(s["duration"], s["unit"]) for s in by_code["tro-cap-tho-cung-liet-si"]["steps"]] == [
        (5, "working"), (7, "working"), (12, "calendar")]
    assert "trich-luc" in run("kinds") and "12 ngày" in run("kinds")


def test_due_counts_by_the_calendar_as_configured(db, admin_user):
    assert run_json("due", "--received", "2026-02-13", "--days", "5") == {"received": "2026-02-13",
                                                                           "due": "2026-02-27"}
    assert run_json("due", "--received", "2026-02-06", "--days", "12", "--unit", "calendar") == {
        "received": "2026-02-06", "due": "2026-02-23"}
    calendar.set_day(actor=admin_user, day=D(2026, 3, 2), kind="day_off", note="Nghỉ đột xuất")
    assert run_json("due", "--received", "2026-02-27", "--days", "1")["due"] == "2026-03-03"
    assert run("due", "--received", "2026-02-13", "--days", "5") == (
        "Tiếp nhận 13/02/2026, 5 ngày làm việc: hạn 27/02/2026\n")
    with pytest.raises(CommandError, match="Ngày không hợp lệ: «13/02/2026»"):
        run("due", "--received", "13/02/2026", "--days", "5")


def test_open_receives_a_case_and_list_shows_it(desk, martyr_dossier):
    opened = run_json("open", "trich-luc", "--dossier", "QTI/LS-07956/CM", "--received", "2026-04-24",
                      "--applicant", "Nguyễn Thị Hoa", "--as", "motcua")
    assert opened == {"case": "TTHC-2026-00001", "kind": "trich-luc", "dossier_number": "QTI/LS-07956/CM",
                      "received": "2026-04-24", "due": "2026-05-06", "state": "received",
                      "steps": [{"actor": "Sở Nội vụ", "due": "2026-05-06"}]}
    case = cases.Case.objects.get()
    assert (case.applicant_name, case.received_by, case.version.number) == ("Nguyễn Thị Hoa", desk, 1)
    fresh = run_json("open", "tro-cap-tho-cung-liet-si", "--dossier", "ls 07956 cm")  # as the system user, today
    assert fresh["received"] == dt.date.today().isoformat() and len(fresh["steps"]) == 3
    row = {"case": "TTHC-2026-00001", "kind": "trich-luc", "dossier_number": "QTI/LS-07956/CM",
           "received": "2026-04-24", "due": "2026-05-06", "state": "received"}
    listed = run_json("list", "--as", "motcua")["cases"]
    assert row in listed and len(listed) == 2 and all(set(r) == set(row) for r in listed)
    assert run_json("list", "--overdue")["cases"] == [row]  # past 6/5/2026, the clock running
    table = run("list", "--overdue")
    assert "TTHC-2026-00001" in table and "24/04/2026" in table and "06/05/2026" in table and "Đã tiếp nhận" in table


def test_list_as_a_commune_officer_shows_only_cases_of_dossiers_in_scope(desk, communes, make_user, actor):
    numbers = {}
    for key, name in (("a", "Lê Văn An"), ("b", "Trần Văn Bình")):
        person = records.create_person(actor=actor, full_name=name, residence_unit=communes[key])
        dossier = records.register_dossier(actor=actor, number=f"QTI/LS-0000{len(numbers) + 1}/CM",
                                           category_code="LS", subject=person)
        numbers[key] = run_json("open", "trich-luc", "--dossier", dossier.number, "--received", "2026-04-24",
                                "--as", "motcua")["case"]
    make_user(Role.COMMUNE_OFFICER, username="xa-a", scope=communes["a"])
    assert [r["case"] for r in run_json("list", "--as", "xa-a")["cases"]] == [numbers["a"]]
    with pytest.raises(CommandError, match="Không tìm thấy hồ sơ QTI/LS-00002/CM"):
        run("open", "trich-luc", "--dossier", "QTI/LS-00002/CM", "--as", "xa-a")


def test_errors_are_one_vietnamese_line_on_stderr_and_a_non_zero_exit(desk, chief, martyr_dossier, capsys,
                                                                     monkeypatch):
    # As from the command line (the error handling of Django's run_from_argv), but on the test's own connection,
    # which run_from_argv would close at the end.
    monkeypatch.setattr(connections, "close_all", lambda: None)

    def exit_code(*args: str) -> int:
        with pytest.raises(SystemExit) as info:
            ManagementUtility(["hoso", "procedure", *args]).execute()
        return info.value.code

    assert exit_code("open", "khong-co", "--dossier", "QTI/LS-07956/CM", "--json") == 1
    err = capsys.readouterr().err
    assert "Không có thủ tục mã «khong-co» trong danh mục." in err and "Traceback" not in err
    assert exit_code("open", "trich-luc", "--dossier", "QTI/LS-07956/CM", "--received", "2099-01-01") == 1
    assert "Ngày tiếp nhận không thể sau hôm nay." in capsys.readouterr().err
    assert exit_code("list", "--as", "khong-ai") == 1
    assert "Không có người dùng đang hoạt động tên «khong-ai»" in capsys.readouterr().err
    assert exit_code("open", "trich-luc", "--dossier", "QTI/LS-07956/CM", "--as", "giamdoc") == 1
    assert "Bạn không có quyền: Tiếp nhận hồ sơ thủ tục, trả kết quả." in capsys.readouterr().err
    assert exit_code("due", "--received", "2026-02-13", "--days", "nam") == 2  # argparse's own message
    assert "--days" in capsys.readouterr().err
