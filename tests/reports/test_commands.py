"""`hoso stats` and `hoso report mau-100`: the --json shape of issue #15's contract, the readable table, Mẫu 100
whose totals equal `hoso stats`, typed Excel cells, the audit trail, and errors as one Vietnamese line on stderr
with a non-zero exit (no traceback)."""

import datetime as dt
import io
import json

import pytest
from django.core.management import ManagementUtility, call_command
from django.db import connections
from openpyxl import load_workbook

from hoso.core.models import AuditEvent
from hoso.records.models import Category
from hoso.records.visibility import visible_dossiers
from hoso.reports.places import UNKNOWN_PLACE
from hoso.reports.statistics import dossier_counts

from .conftest import brute_force


def run(command: str, *args: str) -> str:
    out = io.StringIO()
    call_command(command, *args, stdout=out)
    return out.getvalue()


def stats_json(*args: str) -> dict:
    return json.loads(run("stats", *args, "--json"))


def test_stats_json_has_one_row_per_combination_of_the_keys_asked(province, leader_all):
    data = stats_json("--by", "category", "--by", "commune", "--as", "lanhdao")
    assert set(data) == {"total", "rows"}
    assert all(set(row) == {"category", "commune", "count"} for row in data["rows"])
    pairs = [(row["category"], row["commune"]) for row in data["rows"]]
    assert len(pairs) == len(set(pairs)) and all(row["count"] > 0 for row in data["rows"])
    assert {row["category"] for row in data["rows"]} <= set(Category.objects.values_list("code", flat=True))
    assert "LS" in {row["category"] for row in data["rows"]} and UNKNOWN_PLACE in {r["commune"] for r in data["rows"]}
    assert data["total"] == sum(row["count"] for row in data["rows"]) == visible_dossiers(actor=leader_all).count()
    by_code = {}
    for row in data["rows"]:
        by_code[row["category"]] = by_code.get(row["category"], 0) + row["count"]
    assert by_code == {k[0]: n for k, n in brute_force(leader_all, ["category"]).items()}


def test_stats_values_of_each_key(province, leader_all):
    rows = stats_json("--by", "sex", "--by", "status", "--by", "decade", "--as", "lanhdao")["rows"]
    assert all(set(row) == {"sex", "status", "decade", "count"} for row in rows)
    assert {row["sex"] for row in rows} <= {"nam", "nu", "khong_ro"}
    assert {row["status"] for row in rows} >= {"chua_so_hoa", "da_quet"}
    assert all(row["decade"] is None or (isinstance(row["decade"], int) and row["decade"] % 10 == 0) for row in rows)
    assert stats_json("--as", "lanhdao") == {"total": visible_dossiers(actor=leader_all).count(),
                                             "rows": [{"count": visible_dossiers(actor=leader_all).count()}]}


def test_stats_as_of_a_date_and_as_the_system(province, leader_all):
    at = stats_json("--by", "category", "--at", "2000-12-31", "--as", "lanhdao")
    assert at["total"] == dossier_counts(actor=leader_all, by=[], at=dt.date(2000, 12, 31)).total
    assert stats_json()["total"] == len(province) + 1  # the system user sees every dossier, "mật" ones too


def test_stats_readable_table_in_vietnamese(province, leader_all):
    text = run("stats", "--by", "category", "--as", "lanhdao")
    total = visible_dossiers(actor=leader_all).count()
    assert text.startswith(f"Tổng số hồ sơ: {total:,}".replace(",", "."))
    assert "Diện đối tượng" in text and "Liệt sĩ" in text and "Số hồ sơ" in text


def test_stats_reads_are_audited(province, leader_all):
    before = AuditEvent.objects.filter(actor=leader_all, action="view_statistics").count()
    stats_json("--by", "commune", "--as", "lanhdao")
    event = AuditEvent.objects.filter(actor=leader_all, action="view_statistics").latest("id")
    assert AuditEvent.objects.filter(actor=leader_all, action="view_statistics").count() == before + 1
    assert event.after["filters"] == {"by": ["commune"], "at": None}


def test_mau_100_totals_equal_hoso_stats(province, leader_all, tmp_path):
    year = dt.date.today().year - 1
    out = tmp_path / "mau100.xlsx"
    text = run("report", "mau-100", "--year", str(year), "--out", str(out), "--as", "lanhdao")
    assert "Mẫu 100" in text and out.exists()
    end = stats_json("--by", "category", "--at", f"{year}-12-31", "--as", "lanhdao")
    start = stats_json("--by", "category", "--at", f"{year - 1}-12-31", "--as", "lanhdao")
    sheet = load_workbook(out).active
    rows = list(sheet.iter_rows(values_only=True))
    header = next(i for i, r in enumerate(rows) if r[0] == "STT")
    body = rows[header + 1:header + 1 + Category.objects.count()]
    total = rows[header + 1 + Category.objects.count()]
    assert total[1] == "Tổng cộng"
    assert total[5] == end["total"] and total[3] == start["total"] and total[4] == end["total"] - start["total"]
    per_code = {row["category"]: row["count"] for row in end["rows"]}
    for line in body:
        assert isinstance(line[0], int) and all(isinstance(v, int) for v in line[3:8])  # typed numbers
        assert line[5] == per_code.get(line[2], 0) and line[6] + line[7] == line[5]
    assert AuditEvent.objects.filter(actor=leader_all, action="export_report", object_id=str(year)).exists()


def test_mau_100_as_pdf(province, leader_all, tmp_path):
    out = tmp_path / "mau100.pdf"
    run("report", "mau-100", "--year", str(dt.date.today().year), "--out", str(out), "--as", "lanhdao")
    data = out.read_bytes()
    assert data.startswith(b"%PDF") and len(data) > 5000


def test_errors_are_one_vietnamese_line_on_stderr_and_a_non_zero_exit(province, leader_all, make_user, capsys,
                                                                     monkeypatch, tmp_path):
    monkeypatch.setattr(connections, "close_all", lambda: None)
    make_user("data_entry", username="nhaplieu")
    make_user("leader", username="khongdiaban", scope=None)

    def fails(*args: str) -> str:
        with pytest.raises(SystemExit) as info:
            ManagementUtility(["hoso", *args]).execute()
        err = capsys.readouterr().err
        assert info.value.code != 0 and "Traceback" not in err
        return err

    assert "Ngày không hợp lệ: «31/12/2024»" in fails("stats", "--at", "31/12/2024")
    assert "chưa đến" in fails("stats", "--at", "2999-01-01")
    assert "trước năm 1945" in fails("stats", "--at", "1900-05-01")
    assert "Không có người dùng đang hoạt động tên «khong-ai»" in fails("stats", "--as", "khong-ai")
    assert "không có quyền xem thống kê" in fails("stats", "--as", "nhaplieu")
    assert "chưa được giao địa bàn nào" in fails("stats", "--as", "khongdiaban")
    assert "--by" in fails("stats", "--by", "ethnicity")  # argparse's own message, exit 2
    assert "chưa đến" in fails("report", "mau-100", "--year", "2999", "--out", str(tmp_path / "a.xlsx"))
    assert "trước năm 1945" in fails("report", "mau-100", "--year", "1900", "--out", str(tmp_path / "a.xlsx"))
    assert "phải có đuôi .xlsx" in fails("report", "mau-100", "--year", "2024", "--out", str(tmp_path / "a.doc"))
    assert "Không có thư mục" in fails("report", "mau-100", "--year", "2024", "--out", "/khong/co/a.pdf")
