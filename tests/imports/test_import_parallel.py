"""A big register is read and parsed in a second process while this one writes (imports/pipeline.py): the
result must be exactly what the one-process import gives, errors and all, and a reader that fails or dies
must stop the import with a clear message, keeping the batches already committed."""

import os

import pytest

from hoso.core.models import AuditEvent
from hoso.gazetteer.models import AdminUnit
from hoso.imports import parse, pipeline
from hoso.imports.reader import RegisterFileError
from hoso.imports.services.registers import import_register
from hoso.records.models import Dossier, Person
from hoso.search._documents import UnitNames, dossiers_for_indexing, entry_values
from hoso.search.models import SearchEntry
from hoso.vntext.legacy import Encoding

from .test_import import PEOPLE, write_register

BAD_ROWS = [
    ["5", "ABC", "Phạm Văn Sai", "", "1950", "", "", "Liệt sĩ", "", "", "", ""],
    ["6", "QTI/LS-00106/CM", "Võ Thị Ngày", "", "31/02/1950", "", "", "Liệt sĩ", "", "", "", ""],
    ["8", "QTI/LS-00101/CM", "Trùng Số", "", "1950", "", "", "Liệt sĩ", "", "", "", ""],
]


def many_rows(count: int) -> list[list[str]]:
    rows = []
    for i in range(count):
        base = PEOPLE[i % len(PEOPLE)]
        rows.append([str(i + 10), f"QTI/{base[1][4:6]}-{2000 + i:05d}/CM", f"{base[2]} {i}", *base[3:]])
    return rows


def _report(report) -> dict:
    data = report.as_dict()
    data.pop("dry_run")
    return data | {"failed_rows": report.failed_rows}


def test_the_two_process_import_gives_what_the_one_process_import_gives(tmp_path, actor):
    commune = AdminUnit.objects.create(code="19501", name="Xã Triệu Long", name_folded="xa trieu long",
                                       level="commune")
    rows = [*PEOPLE, *BAD_ROWS, *many_rows(1200)]
    path = write_register(tmp_path / "so.xlsx", Encoding.TCVN3, rows=rows)
    expected = import_register(actor=actor, path=path, parallel=False, dry_run=True, batch_size=500)
    assert Dossier.objects.count() == 0
    seen = []
    report = import_register(actor=actor, path=path, parallel=True, batch_size=500, progress=seen.append)
    assert _report(report) == _report(expected)
    assert report.created == 4 + 1200 and len(report.failed_rows) == 3
    assert sum(seen) == len(rows)  # every row read is reported once
    assert AuditEvent.objects.filter(action="bulk_create").count() == 3  # one event per committed batch
    duc = Person.objects.get(full_name="Nguyễn Văn Đức")  # a place known to the gazetteer comes back as the unit
    assert duc.hometown_unit == commune and duc.hometown_text == "xã Triệu Long, huyện Triệu Phong"
    entries = {e.dossier_id: e for e in SearchEntry.objects.all()}
    units = UnitNames()
    for dossier in dossiers_for_indexing(list(entries)):
        wanted = entry_values(dossier, units)
        assert {k: getattr(entries[dossier.pk], k) for k in wanted} == wanted, dossier.number
    assert len(entries) == 1204

    again = import_register(actor=actor, path=path, parallel=True, batch_size=500)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 1204)


def _failing_parse(at_row: int, failure):
    real = parse.RowParser.parse

    def parse_or_fail(self, number, cells):
        if number == at_row:
            failure()
        return real(self, number, cells)

    return parse_or_fail


@pytest.mark.parametrize(("failure", "error", "message", "kept"), [
    (lambda: (_ for _ in ()).throw(ValueError("ô hỏng")), RuntimeError, "ô hỏng", {600}),
    (lambda: (_ for _ in ()).throw(RegisterFileError("Tệp bị cắt cụt.")), RegisterFileError, "Tệp bị cắt cụt.",
     {600}),
    (lambda: os._exit(3), RegisterFileError, "dừng bất ngờ (mã thoát 3)", {0, 300}),
])
def test_a_reader_that_fails_or_dies_stops_the_import_and_keeps_the_committed_batches(
        tmp_path, actor, monkeypatch, failure, error, message, kept):
    path = write_register(tmp_path / "so.xlsx", Encoding.UNICODE, rows=many_rows(900), title_rows=False)
    monkeypatch.setattr(parse.RowParser, "parse", _failing_parse(700, failure))
    with pytest.raises(error, match=message.replace("(", r"\(").replace(")", r"\)")):
        import_register(actor=actor, path=path, parallel=True, batch_size=300)
    # A failure: the rows parsed before it are written as in one process (rows 2–601 in two batches of 300; the
    # batch in flight is lost). A reader that dies takes with it the rows it had not sent (500 per message; the
    # first message may still be in its pipe when it dies), never more than whole batches.
    assert Dossier.objects.count() in kept


def test_small_files_are_read_in_this_process(tmp_path):
    small = write_register(tmp_path / "so.xlsx", Encoding.UNICODE)
    assert not pipeline.should_parallelise(small)
    big = tmp_path / "big.bin"
    big.write_bytes(b"\0" * pipeline.PARALLEL_MIN_BYTES)
    assert pipeline.should_parallelise(big) == ((os.cpu_count() or 1) > 1)


def test_a_file_that_is_not_a_register_gets_the_same_message_from_the_reader_process(tmp_path, actor):
    path = write_register(tmp_path / "so.xlsx", Encoding.UNICODE, header=["Cột A", "Cột B"], rows=[["1", "2"]])
    with pytest.raises(RegisterFileError, match="Không tìm thấy dòng tiêu đề"):
        import_register(actor=actor, path=path, parallel=True)
    with pytest.raises(RegisterFileError, match="Không có trang «Trang 9»"):
        import_register(actor=actor, path=path, sheet="Trang 9", parallel=True)
    assert Dossier.objects.count() == 0
