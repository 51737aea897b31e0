"""Loading administrative-unit files into the database, successors, and the command line."""

import csv
import datetime
import json
import re
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from hoso.core.models import AuditEvent
from hoso.gazetteer.importers import UnitFileError
from hoso.gazetteer.models import AdminUnit, UnitMapping
from hoso.gazetteer.services import current_units, load_unit_file, successors

FIXTURES = Path(__file__).parents[2] / "src" / "hoso" / "gazetteer" / "fixtures"
COMMUNES, MAPPING = FIXTURES / "communes-demo.csv", FIXTURES / "mapping-demo.csv"
OFFICIAL = Path(__file__).parents[3] / "shared" / "data"
OLD_DAY, NEW_DAY = datetime.date(2025, 6, 30), datetime.date(2025, 7, 1)


def _rows(path: Path, header_rows: int) -> list[list[str]]:
    with path.open(encoding="utf-8-sig", newline="") as f:
        return [r for r in list(csv.reader(f))[header_rows:] if any(r)]


def _code(cell: str) -> str:
    return re.search(r"\((\d+)\)\s*$", cell)[1]


def communes_expected(path: Path) -> dict[str, set[str]]:
    """Distinct codes per level in a communes-list file, counted here from the CSV itself."""
    rows = _rows(path, 1)
    return {"province": {r[1] for r in rows}, "district": {r[3] for r in rows},
            "commune": {r[5] for r in rows if r[5]}}


def mapping_expected(path: Path) -> dict[str, set]:
    rows = _rows(path, 2)
    return {
        "new_province": {_code(r[0]) for r in rows}, "new_commune": {r[2] for r in rows},
        "province": {_code(r[7]) for r in rows}, "district": {_code(r[6]) for r in rows if r[6]},
        "commune": {r[4] for r in rows if r[4]},
        "links": {(r[4] or "district " + _code(r[6]), r[2]) for r in rows},
    }


def _old(level: str, code: str) -> AdminUnit:
    return AdminUnit.objects.get(level=level, code=code, valid_from__isnull=True)


@pytest.fixture
def demo(actor):
    """The demo province: the old communes list, then the 2025 mapping."""
    return (load_unit_file(actor=actor, path=COMMUNES), load_unit_file(actor=actor, path=MAPPING))


def _check_loads(actor, communes_path: Path, mapping_path: Path) -> None:
    old = communes_expected(communes_path)
    new = mapping_expected(mapping_path)
    first = load_unit_file(actor=actor, path=communes_path)
    assert (first.layout, first.updated, first.unchanged) == ("communes", 0, 0)
    assert first.created == sum(len(codes) for codes in old.values())
    second = load_unit_file(actor=actor, path=mapping_path)
    missing_old = sum(len(new[level] - old[level]) for level in ("province", "district", "commune"))
    assert second.layout == "mapping" and second.mappings == len(new["links"])
    new_units = len(new["new_province"]) + len(new["new_commune"])
    assert second.created == new_units + missing_old + len(new["links"])
    assert second.updated == 0
    assert second.unchanged == sum(len(new[lv] & old[lv]) for lv in ("province", "district", "commune"))
    assert current_units(NEW_DAY, level="commune").count() == len(new["new_commune"])
    assert current_units(OLD_DAY, level="commune").count() == len(old["commune"] | new["commune"])
    assert UnitMapping.objects.count() == len(new["links"])
    assert AuditEvent.objects.filter(action="load_admin_units", actor=actor).count() == 2


@pytest.mark.django_db
def test_demo_fixtures_load_with_derived_counts(actor):
    _check_loads(actor, COMMUNES, MAPPING)
    event = AuditEvent.objects.filter(action="load_admin_units").last()
    assert event.object_id == "mapping-demo.csv" and "thêm mới" in event.summary
    assert event.after["mappings"] == len(mapping_expected(MAPPING)["links"])


@pytest.mark.django_db
def test_official_files_load(actor):
    if not OFFICIAL.is_dir():
        pytest.skip(f"official files not found beside the repository ({OFFICIAL})")
    communes = next(OFFICIAL.glob("gso-communes-*.csv"))
    mapping = next(OFFICIAL.glob("gso-commune-mapping-*.csv"))
    _check_loads(actor, communes, mapping)
    for row in _rows(mapping, 2):  # every mapped old unit has a current successor
        old = _old("commune", row[4]) if row[4] else _old("district", _code(row[6]))
        assert row[2] in {u.code for u in successors(old, on=NEW_DAY)}


@pytest.mark.django_db
def test_reused_code_gives_two_rows(demo):
    rows = AdminUnit.objects.filter(level="commune", code="19450")
    assert {(u.name, u.valid_from, u.valid_to) for u in rows} == {
        ("Phường Đông Hà", NEW_DAY, None), ("Phường 1", None, OLD_DAY)}
    new = AdminUnit.objects.get(level="commune", code="19450", valid_from=NEW_DAY)
    assert new.parent.code == "44" and new.parent.valid_from == NEW_DAY and new.kind == "Phường"
    old = _old("commune", "19450")
    assert old.parent.name == "Thành phố Đông Hà" and old.parent.parent.code == "45"
    assert old.label == "Phường 1, Thành phố Đông Hà" and old.name_folded == "phuong 1"


@pytest.mark.django_db
def test_reload_is_idempotent(actor, demo):
    units, links = AdminUnit.objects.count(), UnitMapping.objects.count()
    for path, report in zip((COMMUNES, MAPPING), demo, strict=True):
        again = load_unit_file(actor=actor, path=path)
        assert (again.created, again.updated) == (0, 0)
        assert again.unchanged == report.created + report.updated + report.unchanged
    assert (AdminUnit.objects.count(), UnitMapping.objects.count()) == (units, links)


@pytest.mark.django_db
def test_mapping_alone_creates_the_old_units_then_the_list_fills_in(actor):
    load_unit_file(actor=actor, path=MAPPING)
    old = _old("commune", "19546")
    assert (old.name, old.valid_to, old.parent.name, old.parent.parent.code) == (
        "Xã Triệu Độ", OLD_DAY, "Huyện Triệu Phong", "45")
    report = load_unit_file(actor=actor, path=COMMUNES)
    expected = communes_expected(COMMUNES)
    mapped = mapping_expected(MAPPING)
    assert report.created == sum(len(expected[lv] - mapped[lv]) for lv in expected) and report.updated == 0


@pytest.mark.django_db
def test_successors(actor, demo):
    split = _old("commune", "19546")
    assert [u.name for u in successors(split, on=NEW_DAY)] == ["Xã Ái Tử", "Xã Triệu Phong"]
    assert [u.name for u in successors(_old("commune", "19453"), on=NEW_DAY)] == ["Phường Đông Hà"]
    assert [u.name for u in successors(_old("district", "471"), on=NEW_DAY)] == ["Đặc khu Cồn Cỏ"]
    assert successors(split, on=OLD_DAY) == [split]
    ended = AdminUnit.objects.get(level="commune", code="19540", valid_from=NEW_DAY)
    assert successors(ended, on=NEW_DAY) == [ended]


@pytest.mark.django_db
def test_successors_follow_chains(actor, demo, tmp_path):
    later = tmp_path / "mapping-2030.csv"
    later.write_text(
        "Đơn vị hành chính từ ngày 01/01/2030,,,Đơn vị hành chính trước ngày 01/01/2030,,,,,\n"
        '"Tỉnh, thành phố",Tên Xã mới,Mã Xã mới,Tên Xã cũ,Mã Xã cũ,Ghi chú,Quận/huyện,Tỉnh cũ,\n'
        "Tỉnh Quảng Trị (44),Xã Bắc Triệu Phong,19600,Xã Ái Tử,19540,Nhập toàn bộ,,Tỉnh Quảng Trị (44),\n",
        encoding="utf-8")
    report = load_unit_file(actor=actor, path=later, valid_to_old=datetime.date(2029, 12, 31),
                            valid_from_new=datetime.date(2030, 1, 1))
    # created: the 2030 province, commune and link; updated: Ái Tử (2025) ends; unchanged: province 44
    assert (report.created, report.updated, report.unchanged) == (3, 1, 1)
    on = datetime.date(2030, 6, 1)
    assert [u.name for u in successors(_old("commune", "19540"), on=on)] == ["Xã Bắc Triệu Phong"]
    split = successors(_old("commune", "19546"), on=on)
    assert [u.name for u in split] == ["Xã Bắc Triệu Phong", "Xã Triệu Phong"]
    assert AdminUnit.objects.get(code="19540", valid_from=NEW_DAY).valid_to == datetime.date(2029, 12, 31)


@pytest.mark.django_db
def test_bad_files_write_nothing(actor, tmp_path):
    garbage, empty = tmp_path / "garbage.csv", tmp_path / "empty.csv"
    garbage.write_text("họ tên,năm sinh\nNguyễn Văn A,1950\n", encoding="utf-8")
    empty.write_bytes(b"")
    with pytest.raises(UnitFileError, match="không nhận ra bố cục tệp"):
        load_unit_file(actor=actor, path=garbage)
    with pytest.raises(UnitFileError, match="tệp rỗng"):
        load_unit_file(actor=actor, path=empty)
    assert not AdminUnit.objects.exists()
    assert not AuditEvent.objects.filter(action="load_admin_units").exists()


@pytest.mark.django_db
def test_command_json_output(actor):
    out = StringIO()
    call_command("load_admin_units", str(COMMUNES), str(MAPPING), "--json", stdout=out)
    document = json.loads(out.getvalue())
    assert [f["file"] for f in document["files"]] == [str(COMMUNES), str(MAPPING)]
    assert [f["layout"] for f in document["files"]] == ["communes", "mapping"]
    for entry in document["files"]:
        assert {"file", "layout", "created", "updated", "unchanged", "mappings"} <= set(entry)
        assert all(isinstance(entry[k], int) for k in ("created", "updated", "unchanged", "mappings"))
    assert document["files"][1]["mappings"] == len(mapping_expected(MAPPING)["links"])
    assert AuditEvent.objects.filter(action="load_admin_units", actor__username="hoso-system").count() == 2


@pytest.mark.django_db
def test_command_text_output_and_errors(actor, officer, tmp_path):
    out = StringIO()
    call_command("load_admin_units", str(COMMUNES), "--as", "canbo", stdout=out)
    assert "Đã nạp communes-demo.csv" in out.getvalue() and "thêm mới" in out.getvalue()
    assert AuditEvent.objects.get(action="load_admin_units").actor == officer
    (tmp_path / "empty.csv").write_bytes(b"")
    with pytest.raises(CommandError, match="tệp rỗng") as info:
        call_command("load_admin_units", str(MAPPING), str(tmp_path / "empty.csv"))
    assert info.value.returncode == 2
    assert not AdminUnit.objects.filter(valid_from=NEW_DAY).exists()  # the good file was rolled back too
    with pytest.raises(CommandError, match="Không có người dùng") as info:
        call_command("load_admin_units", str(COMMUNES), "--as", "khong-ai")
    assert info.value.returncode == 2
