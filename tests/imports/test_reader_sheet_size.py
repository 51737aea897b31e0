"""A sheet's size is read from the head of its XML (imports/reader.py `_sizes_from_sheet_heads`) instead of openpyxl
reading a sheet without `<dimension>` through once more at opening: the same sizes, the same rows, and a damaged
sheet refused at opening with the same message."""

import zipfile
from pathlib import Path

import openpyxl
import pytest
from openpyxl import Workbook

from hoso.imports.reader import Register, RegisterFileError


def _plain(path: Path) -> tuple[tuple, list]:
    book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    try:
        sheet = book.active
        size = (sheet.min_row, sheet.max_row, sheet.min_column, sheet.max_column)
        return size, [[c.value for c in row] for row in sheet.iter_rows()]
    finally:
        book.close()


def _ours(path: Path) -> tuple[tuple, list]:
    register = Register(path)
    try:
        sheet = register._book[register.sheet_name]
        size = (sheet.min_row, sheet.max_row, sheet.min_column, sheet.max_column)
        return size, [[c.value for c in row] for row in sheet.iter_rows()]
    finally:
        register.close()


def _write(path: Path, write_only: bool) -> Path:
    book = Workbook(write_only=write_only)
    sheet = book.create_sheet("So") if write_only else book.active
    sheet.append(["SỔ THEO DÕI"])
    sheet.append([])
    sheet.append(["Số hồ sơ", "Họ và tên", "Năm sinh"])
    for i in range(1, 40):
        sheet.append([f"QTI/LS-{i:05d}/CM", f"Nguyễn Văn {i}", 1940 + i % 20, *(["x"] if i == 7 else [])])
    book.save(path)
    return path


def _rewrite_sheet(path: Path, change) -> Path:
    with zipfile.ZipFile(path) as source:
        members = {name: source.read(name) for name in source.namelist()}
    sheet = next(name for name in members if name.startswith("xl/worksheets/sheet"))
    members[sheet] = change(members[sheet])
    damaged = path.with_name("hong-" + path.name)
    with zipfile.ZipFile(damaged, "w") as target:
        for name, data in members.items():
            target.writestr(name, data)
    return damaged


@pytest.mark.parametrize("write_only", [True, False])  # without <dimension> (programs), with it (Excel)
def test_sizes_and_rows_are_openpyxls(tmp_path, write_only):
    path = _write(tmp_path / "so.xlsx", write_only)
    assert (b"<dimension" in zipfile.ZipFile(path).read("xl/worksheets/sheet1.xml")) is not write_only
    assert _ours(path) == _plain(path)


@pytest.mark.parametrize("change", [
    lambda xml: xml.replace(b"</t>", b"</x>", 30),  # a damaged cell
    lambda xml: xml[:len(xml) // 2],  # cut short
    lambda xml: xml.replace(b"<sheetData>", b'<!DOCTYPE w [<!ENTITY e "x">]><sheetData>'),  # misplaced DOCTYPE
])
def test_a_damaged_sheet_without_dimension_is_refused_at_opening_as_openpyxl_does(tmp_path, change):
    damaged = _rewrite_sheet(_write(tmp_path / "so.xlsx", True), change)
    with pytest.raises(Exception) as plain:
        openpyxl.load_workbook(damaged, read_only=True, data_only=True)
    with pytest.raises(RegisterFileError) as ours:
        Register(damaged)
    assert str(ours.value) == f"Không mở được sổ Excel {damaged.name}: {plain.value}"


def test_damage_after_the_cells_is_not_read_at_opening_either(tmp_path):
    damaged = _rewrite_sheet(_write(tmp_path / "so.xlsx", True),
                             lambda xml: xml.replace(b"<pageMargins", b"<pageMargins broken<"))
    openpyxl.load_workbook(damaged, read_only=True, data_only=True).close()
    Register(damaged).close()
