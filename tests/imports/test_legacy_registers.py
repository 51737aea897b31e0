"""Registers typed wholly in a legacy encoding — the title and the header row too, as registers made before 2010
are — in each format that can carry it: every name and commune imports exactly, and the header is found."""

import datetime

import pytest
import xlwt

from hoso.gazetteer.models import AdminUnit
from hoso.imports.services.registers import import_register
from hoso.records.models import Dossier, Person
from hoso.vntext import fold
from hoso.vntext.legacy import Encoding, from_unicode

from .legacy_registers import COMMUNES, HEADER, LEGACY, PEOPLE, TITLE, WRITERS, write_csv


@pytest.fixture
def gazetteer(db):
    """The communes the registers name, as they were before the 2025 merger (under their districts)."""
    day = datetime.date(2020, 1, 1)
    province = AdminUnit.objects.create(code="45", name="Tỉnh Quảng Trị", name_folded="tinh quang tri",
                                        level="province", valid_from=day)
    units = {}
    for code, (commune, district) in enumerate(COMMUNES.items(), start=1):
        parent = AdminUnit.objects.create(code=f"4{code:02d}", name=district, name_folded=fold(district),
                                          level="district", parent=province, valid_from=day)
        units[commune] = AdminUnit.objects.create(code=f"19{code:03d}", name=commune, name_folded=fold(commune),
                                                  level="commune", parent=parent, valid_from=day)
    return units


def _commune(place: str) -> str:
    first = place.split(",")[0]
    return first[0].upper() + first[1:]


@pytest.mark.parametrize("kind", list(WRITERS))
@pytest.mark.parametrize("encoding", LEGACY, ids=lambda e: e.name)
def test_a_register_typed_wholly_in_a_legacy_encoding_imports_every_name_and_commune_exactly(
        tmp_path, actor, gazetteer, encoding, kind):
    path = WRITERS[kind](tmp_path / f"so-{encoding.value}.{kind}", encoding)
    report = import_register(actor=actor, path=path)
    assert report.errors == [] and report.warnings == []
    assert report.created == len(PEOPLE)
    assert report.title == TITLE
    assert report.header == HEADER
    assert set(report.encodings) <= {encoding.name, "UNICODE"} and report.encodings[encoding.name] > 0
    dossiers = {d.number: d for d in Dossier.objects.select_related("subject__hometown_unit", "category")}
    for row in PEOPLE:
        person = dossiers[row[1]].subject
        assert person.full_name == row[2]
        assert person.hometown_text == row[6]
        assert person.hometown_unit == gazetteer[_commune(row[6])]
        assert list(person.aliases.values_list("name", flat=True)) == ([row[3]] if row[3] else [])
        assert person.notes == row[8]
    assert dossiers["QTI/LS-00104/CM"].subject.birth_date.iso() == "1930"
    assert dossiers["QTI/AQ-00102/CM"].subject.birth_date.iso() == "1948-03-12"
    assert dossiers["QTI/BM-00103"].category.code == "BM"


@pytest.mark.parametrize(("codec", "delimiter"), [("utf-8-sig", ";"), ("utf-8", ","), ("utf-16", "\t"),
                                                  ("utf-16-le", "\t"), ("utf-16-be", ";")])
def test_a_unicode_csv_in_each_of_its_encodings(tmp_path, actor, gazetteer, codec, delimiter):
    path = write_csv(tmp_path / "so.csv", Encoding.UNICODE, delimiter=delimiter)
    path.write_bytes(path.read_text(encoding="utf-8-sig").encode(codec))
    report = import_register(actor=actor, path=path)
    assert report.errors == [] and report.title == TITLE and report.header == HEADER
    assert sorted(Person.objects.values_list("full_name", flat=True)) == sorted(row[2] for row in PEOPLE)
    assert set(report.encodings) == {"UNICODE"}


TRICKY_UNICODE = ["Ngô Duy Lý", "Võ Công Hào", "Thái Quang Hùng", "Hoàng Thanh Hòa", "Mai Thanh Lý", "Lê Minh Toàn",
                  "Bùi Bá Tòng", "Cao Bá Hào"]


@pytest.mark.parametrize("kind", ["xlsx", "csv"])
def test_unicode_names_with_only_latin1_accents_stay_as_typed(tmp_path, actor, kind):
    """Each of these names also reads as a valid name in some legacy encoding ("Ngô" is TCVN3 "Ngụ"): the sheet,
    typed in Unicode, keeps them."""
    rows = [[str(i), f"QTI/LS-{i:05d}/CM", name, "", "1950", "Nam", "Hà Nội", "Liệt sĩ", ""]
            for i, name in enumerate(TRICKY_UNICODE, start=1)]
    path = WRITERS[kind](tmp_path / f"so.{kind}", Encoding.UNICODE, rows=rows)
    report = import_register(actor=actor, path=path)
    assert report.errors == []
    assert sorted(Person.objects.values_list("full_name", flat=True)) == sorted(TRICKY_UNICODE)


def test_an_xls_name_typed_in_two_fonts_reads_as_one(tmp_path, actor):
    """TCVN3's normal fonts have no toned capitals: typists switched to .VnTimeH for the "Á" of "Ánh"."""
    book = xlwt.Workbook()
    sheet = book.add_sheet("So")
    normal, capitals = xlwt.Font(), xlwt.Font()
    normal.name, capitals.name = ".VnTime", ".VnTimeH"
    style = xlwt.XFStyle()
    style.font = normal
    for c, text in enumerate(["Số hồ sơ", "Họ và tên", "Năm sinh"]):
        sheet.write(0, c, from_unicode(text, Encoding.TCVN3), style)
    sheet.write(1, 0, "QTI/LS-00301/CM", style)
    sheet.write_rich_text(1, 1, [(from_unicode("Lê Thị ", Encoding.TCVN3), normal),
                                 (from_unicode("Á", Encoding.TCVN3, capitals=True), capitals), ("nh", normal)], style)
    sheet.write(1, 2, "1950", style)
    book.save(str(tmp_path / "so.xls"))
    report = import_register(actor=actor, path=tmp_path / "so.xls")
    assert report.errors == [] and Person.objects.get().full_name == "Lê Thị Ánh"
