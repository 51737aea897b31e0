"""A register's .xlsx cells are read by imports/reader.py `_SheetCells` (lxml straight into `Cell`s) with the meaning
openpyxl's read-only, data-only mode gives them: the same rows and padding, the same text for every kind of value
(shared and inline strings, numbers, dates in both epochs, times, booleans, errors), each cell's font from its
style, and a formula saved without its value flagged instead of read as empty."""

import datetime as dt
import random
import re
import zipfile
from pathlib import Path

import openpyxl
import pytest
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.utils.datetime import CALENDAR_MAC_1904

from hoso.imports.reader import Cell, Register, RegisterFileError, _text

FONTS = [".VnTime", ".VnTimeH", "VNI-Times", "Times New Roman", None]


def _value(rng: random.Random):
    kind = rng.randrange(11)
    if kind == 0:
        return None
    if kind == 1:
        return rng.randint(-10**12, 10**12)
    if kind == 2:
        return rng.choice([0.5, 1.0, -3.25e-7, 1e20, 2 / 3])
    if kind == 3:
        return dt.date(1900, 3, 1) + dt.timedelta(days=rng.randrange(60_000))
    if kind == 4:
        return dt.datetime(1972, 5, 12, rng.randrange(24), rng.randrange(60))
    if kind == 5:
        return dt.time(rng.randrange(24), rng.randrange(60))
    if kind == 6:
        return rng.choice([True, False])
    if kind == 7:
        return rng.choice(["#N/A", "  Lª V¨n Tr­êng  ", "<&>\"'", "Nguyễn Thị Út", "1948?", ""])
    return "".join(rng.choice("aăâbcdđeêghiklmnoôơpqrstuưvxy ") for _ in range(rng.randrange(1, 30)))


def _book(path: Path, *, write_only: bool, epoch_1904: bool = False, seed: int = 7) -> Path:
    rng = random.Random(seed)
    book = Workbook(write_only=write_only)
    if epoch_1904:
        book.epoch = CALENDAR_MAC_1904
    sheet = book.create_sheet("Sổ") if write_only else book.active
    fonts = {name: Font(name=name) for name in FONTS if name}
    for r in range(1, 80):
        if r % 17 == 0:  # a missing row (write-only: an empty one)
            if write_only:
                sheet.append([])
            continue
        values = [_value(rng) for _ in range(rng.randrange(1, 9))]
        if write_only:
            row = []
            for value in values:
                cell = WriteOnlyCell(sheet, value=value)
                font = rng.choice(FONTS)
                if font:
                    cell.font = fonts[font]
                row.append(cell)
            sheet.append(row)
        else:
            for c, value in enumerate(values, start=1):
                if value is None and rng.random() < 0.5:
                    continue  # no cell at all
                cell = sheet.cell(row=r, column=c if rng.random() < 0.9 else c + 5, value=value)
                font = rng.choice(FONTS)
                if font:
                    cell.font = fonts[font]
    book.save(path)
    return path


def _openpyxls(path: Path) -> list[tuple[int, list[Cell]]]:
    """What the reader gave before `_SheetCells`: openpyxl's own read-only cells, turned into `Cell`s."""
    book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    try:
        rows = []
        for number, row in enumerate(book.active.iter_rows(), start=1):
            rows.append((number, [Cell("") if getattr(c, "_style_id", None) is None
                                  else Cell(_text(c.value), c.font.name) for c in row]))
        return rows
    finally:
        book.close()


def _ours(path: Path) -> list[tuple[int, list[Cell]]]:
    register = Register(path)
    try:
        return list(register.rows())
    finally:
        register.close()


@pytest.mark.parametrize("write_only", [True, False])  # inline strings, no dimension / shared strings, a dimension
@pytest.mark.parametrize("epoch_1904", [False, True])
def test_every_kind_of_cell_reads_as_openpyxl_reads_it(tmp_path, write_only, epoch_1904):
    path = _book(tmp_path / "so.xlsx", write_only=write_only, epoch_1904=epoch_1904)
    ours = _ours(path)
    assert ours == _openpyxls(path)
    texts = {c.text for _, row in ours for c in row}
    assert "Lª V¨n Tr­êng" in texts and "<&>\"'" in texts  # legacy bytes kept as typed, entities decoded
    assert any(len(t) == 10 and t[2] == "/" and t[5] == "/" for t in texts)  # dates as dd/mm/yyyy
    assert {c.font for _, row in ours for c in row} >= {".VnTime", ".VnTimeH"}


def test_a_formula_saved_without_its_value_is_flagged(tmp_path):
    book = Workbook()
    sheet = book.active
    sheet.append(["Số hồ sơ", "Họ và tên", "Năm sinh"])
    sheet.append(["QTI/LS-00001/CM", "Nguyễn Văn A", "=1940+8"])  # openpyxl saves formulas without a value
    sheet["C2"].font = Font(name=".VnTime")
    book.save(tmp_path / "f.xlsx")
    rows = _ours(tmp_path / "f.xlsx")
    assert rows[1][1][2] == Cell("", ".VnTime", formula_without_value=True)
    assert rows[1][1][1].text == "Nguyễn Văn A" and not rows[1][1][1].formula_without_value
    # With a cached value (as Excel saves it) the value is read.
    with zipfile.ZipFile(tmp_path / "f.xlsx") as source:
        members = {name: source.read(name) for name in source.namelist()}
    name = next(n for n in members if n.startswith("xl/worksheets/sheet"))
    members[name] = re.sub(rb"<f>1940\+8</f>(<v\s*/>|<v></v>)?", b"<f>1940+8</f><v>1948</v>", members[name])
    with zipfile.ZipFile(tmp_path / "g.xlsx", "w") as target:
        for n, data in members.items():
            target.writestr(n, data)
    assert _ours(tmp_path / "g.xlsx")[1][1][2] == Cell("1948", ".VnTime")


def test_a_damaged_or_hostile_sheet_is_refused_with_a_message(tmp_path):
    path = _book(tmp_path / "so.xlsx", write_only=False)
    with zipfile.ZipFile(path) as source:
        members = {name: source.read(name) for name in source.namelist()}
    name = next(n for n in members if n.startswith("xl/worksheets/sheet"))
    members[name] = members[name].replace(b'<c r="A40"', b'<c r="A40" <<', 1).replace(b"</sheetData>", b"", 1)
    with zipfile.ZipFile(tmp_path / "hong.xlsx", "w") as target:
        for n, data in members.items():
            target.writestr(n, data)
    with pytest.raises(RegisterFileError):
        _ours(tmp_path / "hong.xlsx")


def test_entities_in_a_sheet_are_never_expanded(tmp_path):
    """A "billion laughs" sheet: refused, or read with the entity left out; never expanded in memory."""
    path = _book(tmp_path / "so.xlsx", write_only=False)
    with zipfile.ZipFile(path) as source:
        members = {name: source.read(name) for name in source.namelist()}
    name = next(n for n in members if n.startswith("xl/worksheets/sheet"))
    laughs = b'<!DOCTYPE worksheet [<!ENTITY a "hahahahahahahahahahaha">' + b"".join(
        b'<!ENTITY %s "%s">' % (bytes([98 + i]), bytes([97 + i]).join([b"&", b";"]) * 10) for i in range(8)) + b"]>"
    xml = members[name]
    start = xml.index(b"<worksheet")
    xml = xml[:start] + laughs + xml[start:]
    members[name] = xml.replace(b"<c r=\"A1\"", b"<c r=\"A1\" t=\"inlineStr\"><is><t>&i;</t></is></c><c r=\"Z1\"", 1)
    with zipfile.ZipFile(tmp_path / "laughs.xlsx", "w") as target:
        for n, data in members.items():
            target.writestr(n, data)
    try:
        rows = _ours(tmp_path / "laughs.xlsx")
    except RegisterFileError:
        return
    assert max(len(c.text) for _, row in rows for c in row) < 1000
