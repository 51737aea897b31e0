"""Bulk loads index what they have just written without reading it back: the entries must be exactly those a
full read would give (names, aliases, relatives, places, martyr facts), and searching finds the rows."""

import pytest
from openpyxl import Workbook

from hoso.imports.services.registers import import_register
from hoso.records.demo import ProvinceGenerator
from hoso.records.services import bulk_register_dossiers
from hoso.search._documents import UnitNames, dossiers_for_indexing, entry_values
from hoso.search.models import SearchEntry
from hoso.search.services import search


def _entries_match_a_full_read() -> int:
    entries = {e.dossier_id: e for e in SearchEntry.objects.all()}
    units = UnitNames()
    checked = 0
    for dossier in dossiers_for_indexing(list(entries)):
        expected = entry_values(dossier, units)
        assert {k: getattr(entries[dossier.pk], k) for k in expected} == expected, dossier.number
        checked += 1
    return checked


def test_generated_dossiers_with_relatives_and_martyr_facts_are_indexed_as_a_full_read_would(actor, monkeypatch):
    from hoso.search import services

    read_back = []
    real = services.dossiers_for_indexing
    monkeypatch.setattr(services, "dossiers_for_indexing", lambda ids: read_back.extend(ids) or real(ids))
    generator = ProvinceGenerator(people=60, seed=7)
    seeds = [generator.dossier(code) for code in ["LS", "AQ", "BM", "HH", "KC", "BB"] * 10]
    assert any(s.relatives for s in seeds) and any(s.martyr for s in seeds) and any(s.subject.aliases for s in seeds)
    assert bulk_register_dossiers(actor=actor, seeds=seeds, source="test", batch_size=25) == 60
    assert read_back == []  # indexed from memory
    assert _entries_match_a_full_read() == 60


def test_an_imported_register_is_indexed_and_found(tmp_path, actor):
    book = Workbook()
    sheet = book.active
    sheet.append(["Số hồ sơ", "Họ và tên", "Bí danh", "Năm sinh", "Nguyên quán", "Đơn vị", "Loại đối tượng"])
    sheet.append(["QTI/LS-00951/CM", "Nguyễn Văn Đức", "Ba Đức", "1950", "xã Triệu Long", "Trung đoàn 48", "LS"])
    sheet.append(["QTI/AQ-00952/CM", "Trần Thị Gấm", "", "1948", "Hải Lăng", "", "AQ"])
    book.save(tmp_path / "so.xlsx")
    assert import_register(actor=actor, path=tmp_path / "so.xlsx").created == 2
    assert _entries_match_a_full_read() == 2
    hits = search(actor=actor, text="ba duc", audit=False)
    assert [h.dossier_number for h in hits.hits] == ["QTI/LS-00951/CM"]


@pytest.fixture(autouse=True)
def _categories_exist(db):
    """The categories come from a migration."""


def test_a_register_imported_again_with_changes_updates_index_and_statistics_in_one_pass(tmp_path, actor,
                                                                                         monkeypatch):
    from hoso.reports.models import DossierFact
    from hoso.search import receivers

    def register(rows):
        book = Workbook()
        sheet = book.active
        sheet.append(["Số hồ sơ", "Họ và tên", "Năm sinh", "Nguyên quán", "Loại đối tượng"])
        for row in rows:
            sheet.append(row)
        book.save(tmp_path / "so.xlsx")
        return import_register(actor=actor, path=tmp_path / "so.xlsx")

    register([["QTI/LS-00961/CM", "Nguyễn Văn Đức", "1950", "Hải Lăng", "LS"],
              ["QTI/AQ-00962/CM", "Trần Thị Gấm", "1948", "Hải Lăng", "AQ"],
              ["QTI/LS-00963/CM", "Lê Văn Tám", "1946", "Hải Lăng", "LS"]])
    passes = []
    real = receivers.index_dossiers
    monkeypatch.setattr(receivers, "index_dossiers", lambda ids, **kwargs: (passes.append(list(ids)),
                                                                            real(ids, **kwargs)))
    report = register([["QTI/LS-00961/CM", "Nguyễn Văn Đạt", "1950", "Hải Lăng", "LS"],  # renamed
                       ["QTI/AQ-00962/CM", "Trần Thị Gấm", "1951", "Hải Lăng", "AQ"],  # born later
                       ["QTI/LS-00963/CM", "Lê Văn Tám", "1946", "Hải Lăng", "LS"]])  # unchanged
    assert report.updated == 2 and report.unchanged == 1
    assert len(passes) == 1 and len(passes[0]) == 2  # the two changed dossiers, indexed together once
    assert _entries_match_a_full_read() == 3
    assert [h.dossier_number for h in search(actor=actor, text="nguyen van dat", audit=False).hits] == [
        "QTI/LS-00961/CM"]
    assert DossierFact.objects.get(dossier__number="QTI/AQ-00962/CM").decade == 1950  # the statistics too
