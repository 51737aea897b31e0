"""Reading registers row by row, with each cell's font name (the encoding's best clue): .xlsx (openpyxl for the
workbook, lxml for the sheet's cells), .xls (xlrd, with its fonts), .csv (UTF-8 with or without BOM, UTF-16, else
legacy 8-bit bytes), Word tables (.docx, see word.py; one table is one "sheet"), and .doc/.odt/.ods converted by
LibreOffice (office.py).

Large .xlsx files stream (openpyxl's read-only mode opens the workbook, `_SheetCells` parses the sheet element by
element); memory stays flat with the number of rows.
"""

import codecs
import csv
import datetime
import io
import re
import tempfile
import threading
import zipfile
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from django.utils.translation import gettext
from lxml import etree

from hoso.imports import office, word
from hoso.imports.cells import Cell, RegisterFileError, cell_from_runs
from hoso.vntext.legacy import from_bytes

__all__ = ["Cell", "Register", "RegisterFileError", "sniff"]

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ROW_XML = re.compile(rb'<row r="(\d+)"')

WORD_STREAM = "WordDocument".encode("utf-16-le")  # the main stream of a .doc in its OLE directory
ODF_KINDS = {"application/vnd.oasis.opendocument.text": "odt",
             "application/vnd.oasis.opendocument.spreadsheet": "ods"}


def _text(value: Any) -> str:
    if type(value) is str:  # nearly every cell of a register
        return value.strip()
    if value is None:
        return ""
    if isinstance(value, datetime.datetime):
        return value.strftime("%d/%m/%Y")
    if isinstance(value, datetime.date):
        return value.strftime("%d/%m/%Y")
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def sniff(path: Path) -> str:
    """"xlsx", "xls", "csv", "docx", "doc", "odt" or "ods"; raises RegisterFileError for what is not a register."""
    try:
        with path.open("rb") as fh:
            head = fh.read(8)
    except OSError as exc:
        raise RegisterFileError(gettext("Không đọc được tệp %(name)s: %(error)s.") % {
            "name": path.name, "error": exc.strerror}) from exc
    if path.stat().st_size == 0:
        raise RegisterFileError(gettext("Tệp %(name)s rỗng (0 byte).") % {"name": path.name})
    if head.startswith(b"PK"):
        try:
            with zipfile.ZipFile(path) as archive:
                names = set(archive.namelist())
                mimetype = archive.read("mimetype").decode("ascii", "replace").strip() if "mimetype" in names else ""
        except zipfile.BadZipFile as exc:
            raise RegisterFileError(gettext("Tệp %(name)s bị hỏng (không mở được như tệp Excel).") % {
                "name": path.name}) from exc
        if "xl/workbook.xml" in names:
            return "xlsx"
        if "word/document.xml" in names:
            return "docx"
        if mimetype in ODF_KINDS:
            return ODF_KINDS[mimetype]
        raise RegisterFileError(gettext("Tệp %(name)s là tệp nén nhưng không phải sổ Excel hay văn bản Word.") % {
            "name": path.name})
    if head == OLE_MAGIC:
        data = path.read_bytes()
        if "EncryptionInfo".encode("utf-16-le") in data or b"EncryptedPackage" in data.replace(b"\x00", b""):
            raise RegisterFileError(gettext("Tệp %(name)s có mật khẩu. Hãy mở bằng Excel, bỏ mật khẩu rồi nhập "
                                            "lại.") % {"name": path.name})
        return "doc" if WORD_STREAM in data else "xls"
    return "csv"


class Register:
    """One sheet of a register file (one table of a Word document), read lazily.

    `chooses_sheet` is True for Word documents: their first table is often a letterhead, so the caller picks the
    table that looks like a register (services.registers.open_register) unless one was named."""

    def __init__(self, path: Path, sheet: str | None = None) -> None:
        self.path = Path(path)
        self.name = self.path.name  # the file as the user knows it (before any conversion)
        self.kind = sniff(self.path)
        self._book = None
        self._workdir = None
        try:
            self._open()
        except BaseException:
            self.close()
            raise
        self.chooses_sheet = self.kind == "docx" and sheet is None
        if sheet is not None and sheet not in self.sheet_names:
            self.close()
            raise RegisterFileError(gettext("Không có trang «%(sheet)s» trong tệp. Các trang: %(sheets)s.") % {
                "sheet": sheet, "sheets": ", ".join(self.sheet_names)})
        self.sheet_name = sheet or self.sheet_names[0]

    def _open(self) -> None:
        if self.kind in office.CONVERSIONS:
            self._workdir = tempfile.TemporaryDirectory(prefix="hoso-convert-")
            self.path = office.convert(self.path, self.kind, Path(self._workdir.name))
            self.kind = sniff(self.path)
        if self.kind == "docx":
            tables = word.read_tables(self.path)
            if not tables:
                raise RegisterFileError(gettext("Văn bản %(name)s không có bảng nào: sổ theo dõi trong Word phải là "
                                                "một bảng, mỗi người một dòng.") % {"name": self.name})
            self._tables = {f"Bảng {i}": table for i, table in enumerate(tables, start=1)}
            self.sheet_names = list(self._tables)
        elif self.kind == "xlsx":
            import openpyxl

            try:
                with _sizes_from_sheet_heads():
                    self._book = openpyxl.load_workbook(self.path, read_only=True, data_only=True)
            except Exception as exc:  # openpyxl raises many types for broken files
                raise RegisterFileError(gettext("Không mở được sổ Excel %(name)s: %(error)s") % {
                    "name": self.name, "error": exc}) from exc
            self.sheet_names = list(self._book.sheetnames)
        elif self.kind == "xls":
            import xlrd

            try:
                self._book = xlrd.open_workbook(str(self.path), formatting_info=True, on_demand=True)
            except Exception as exc:  # xlrd too
                raise RegisterFileError(gettext("Không mở được sổ Excel 97–2003 %(name)s: %(error)s") % {
                    "name": self.name, "error": exc}) from exc
            self.sheet_names = self._book.sheet_names()
        else:
            self.sheet_names = [self.path.stem]

    @property
    def preamble(self) -> list[Cell]:
        """Text above the sheet that is not in it: the paragraphs before a Word table (its title)."""
        return self._tables[self.sheet_name].preamble if self.kind == "docx" else []

    def rows(self) -> Iterator[tuple[int, list[Cell]]]:
        """(row number as Excel shows it, cells) for every row, empty rows included."""
        if self.kind == "xlsx":
            yield from self._xlsx_rows()
        elif self.kind == "xls":
            yield from self._xls_rows()
        elif self.kind == "docx":
            yield from enumerate(self._tables[self.sheet_name].rows, start=1)
        else:
            yield from self._csv_rows()

    def row_count_hint(self) -> int:
        """How many rows the sheet has, as the file says (for a progress bar; 0 when it does not say)."""
        if self.kind == "xlsx":
            sheet = self._book[self.sheet_name]
            return sheet.max_row or self._count_xlsx_rows(sheet)
        if self.kind == "xls":
            return self._book.sheet_by_name(self.sheet_name).nrows
        if self.kind == "docx":
            return len(self._tables[self.sheet_name].rows)
        with self.path.open("rb") as fh:
            return sum(chunk.count(b"\n") for chunk in iter(lambda: fh.read(1 << 20), b""))

    def _count_xlsx_rows(self, sheet) -> int:
        """The last row number in the sheet's XML (files written by programs often leave out the dimension)."""
        last, tail = 0, b""
        try:
            with self._book._archive.open(sheet._worksheet_path) as source:
                while chunk := source.read(1 << 22):
                    found = ROW_XML.findall(tail + chunk)
                    if found:
                        last = max(last, int(found[-1]))
                    tail = chunk[-40:]
        except (AttributeError, KeyError, OSError):
            return 0
        return last

    def close(self) -> None:
        if self.kind == "xlsx" and self._book is not None:
            self._book.close()
        elif self.kind == "xls" and self._book is not None:
            self._book.release_resources()
        if self._workdir is not None:
            self._workdir.cleanup()
            self._workdir = None

    def _xlsx_rows(self) -> Iterator[tuple[int, list[Cell]]]:
        """The sheet's rows as openpyxl's read-only mode gives them (rows from 1, padded to the sheet's dimension,
        missing rows and cells empty; a value's text as `_text` makes it, a cell's font from its style), read by
        `_SheetCells` instead of openpyxl's per-cell objects, which took two thirds of the reading time."""
        sheet = self._book[self.sheet_name]
        try:
            yield from _SheetCells(self._book, sheet).rows()
        except etree.XMLSyntaxError as exc:
            raise RegisterFileError(gettext("Sổ Excel %(name)s bị hỏng (trang «%(sheet)s»): %(error)s") % {
                "name": self.name, "sheet": self.sheet_name, "error": exc}) from exc

    def _xls_rows(self) -> Iterator[tuple[int, list[Cell]]]:
        import xlrd

        sheet = self._book.sheet_by_name(self.sheet_name)
        fonts = [font.name for font in self._book.font_list]
        rich = sheet.rich_text_runlist_map  # (row, column) → [(offset, font index)] of cells typed in several fonts
        for r in range(sheet.nrows):
            cells = []
            for c in range(sheet.ncols):
                cell = sheet.cell(r, c)
                value = cell.value
                if cell.ctype == xlrd.XL_CELL_DATE:
                    value = xlrd.xldate_as_datetime(value, self._book.datemode)
                font_index = self._book.xf_list[sheet.cell_xf_index(r, c)].font_index
                font = fonts[font_index] if font_index < len(fonts) else None
                if (r, c) in rich and isinstance(value, str):
                    cells.append(_rich_cell(value, font, [(offset, fonts[i] if i < len(fonts) else None)
                                                          for offset, i in rich[(r, c)]]))
                else:
                    cells.append(Cell(_text(value), font))
            yield r + 1, cells

    def _csv_rows(self) -> Iterator[tuple[int, list[Cell]]]:
        text = decode_csv(self.path.read_bytes())
        if "\x00" in text:
            raise RegisterFileError(gettext("Tệp %(name)s không phải văn bản CSV.") % {"name": self.name})
        for number, row in enumerate(csv.reader(io.StringIO(text), delimiter=delimiter(text)), start=1):
            yield number, [Cell(value.strip()) for value in row]


SHEET_NS = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
ROW_TAG, CELL_TAG, VALUE_TAG, FORMULA_TAG, INLINE_TAG, TEXT_TAG, RUN_TAG = (
    SHEET_NS + name for name in ("row", "c", "v", "f", "is", "t", "r"))
EMPTY = Cell("")


class _SheetCells:
    """The cells of one worksheet of a workbook openpyxl opened read-only, parsed by lxml straight into `Cell`s.

    The workbook's parts (shared strings, styles with their fonts and date formats, the 1900/1904 epoch, the
    sheet's dimension) come from openpyxl as it opened them; only the sheet's XML, nearly all of a big file, is
    read here, with the meaning openpyxl gives it in data-only mode: a formula's cached value, a formula saved
    without one flagged `formula_without_value`, numbers in a date format as dates. Entities are never expanded
    and nothing is fetched (`resolve_entities=False`, `no_network`)."""

    def __init__(self, book, sheet) -> None:
        self.book, self.sheet = book, sheet
        self.strings = sheet._shared_strings
        self.dates, self.durations = book._date_formats, book._timedelta_formats
        self.fonts: dict[int, str | None] = {}  # style id → font name: a register uses a handful of styles
        self.columns: dict[str, int] = {}  # "AB" → 28

    def rows(self) -> Iterator[tuple[int, list[Cell]]]:
        width, last = self.sheet.max_column, self.sheet.max_row
        expected = 1
        with self.sheet._get_source() as source:
            for _, row in etree.iterparse(source, events=("end",), tag=ROW_TAG, resolve_entities=False,
                                          no_network=True, huge_tree=True, load_dtd=False):
                number = row.get("r")
                number = int(float(number)) if number else expected
                if last is not None and number > last:
                    break
                while expected < number:  # rows the file leaves out
                    yield expected, [EMPTY] * (width or 0)
                    expected += 1
                if number == expected:  # a row repeated out of order is left out, as openpyxl does
                    yield number, self._cells(row, width)
                    expected += 1
                row.clear()
                while row.getprevious() is not None:
                    del row.getparent()[0]

    def _cells(self, row, width: int | None) -> list[Cell]:
        found: list[tuple[int, Cell]] = []
        column = 0
        for element in row:
            if element.tag != CELL_TAG:
                continue
            ref = element.get("r")
            column = self._column(ref) if ref else column + 1
            found.append((column, self._cell(element)))
        if not found:
            return [EMPTY] * (width or 0)
        size = width or found[-1][0]
        if len(found) == size and found[-1][0] == size:  # every cell written, in order: the usual register row
            return [cell for _, cell in found]
        cells = [EMPTY] * size
        for column, cell in found:
            if column <= size:
                cells[column - 1] = cell
        return cells

    def _column(self, ref: str) -> int:
        letters = ref.rstrip("0123456789")
        index = self.columns.get(letters)
        if index is None:
            index = 0
            for letter in letters.upper():
                index = index * 26 + ord(letter) - 64
            self.columns[letters] = index
        return index

    def _cell(self, element) -> Cell:
        style = element.get("s")
        style = int(style) if style else 0
        font = self.fonts[style] if style in self.fonts else self._font(style)
        kind = element.get("t", "n")
        value = inline = None
        formula = False
        for child in element:
            tag = child.tag
            if tag == VALUE_TAG:
                value = child.text
            elif tag == FORMULA_TAG:
                formula = True
            elif tag == INLINE_TAG:
                inline = child
        if kind == "inlineStr":
            if inline is None:
                return Cell("", font)
            text = "".join([inline.findtext(TEXT_TAG) or "", *(run.findtext(TEXT_TAG) or ""
                                                               for run in inline.iterfind(RUN_TAG))])
            return Cell(text.strip(), font)
        if not value:
            return Cell("", font, formula_without_value=True) if formula else Cell("", font)
        if kind == "s":
            try:
                return Cell(_text(self.strings[int(value)]), font)
            except (IndexError, ValueError):
                raise RegisterFileError(gettext("Sổ Excel hỏng: ô %(cell)s trỏ tới chuỗi số %(value)s không có "
                                                "trong tệp.") % {"cell": element.get("r") or "",
                                                                 "value": value}) from None
        if kind == "n":
            return Cell(self._number(value, style), font)
        if kind == "b":
            return Cell(str(value.strip() not in ("0", "false")), font)
        if kind == "d":
            from openpyxl.utils.datetime import from_ISO8601

            try:
                return Cell(_text(from_ISO8601(value)), font)
            except ValueError:
                return Cell(value.strip(), font)
        return Cell(value.strip(), font)  # "str" (a formula's text), "e" (an error such as #N/A)

    def _number(self, value: str, style: int) -> str:
        try:
            number = float(value) if ("." in value or "e" in value or "E" in value) else int(value)
        except ValueError:
            return value.strip()
        if style in self.dates:
            from openpyxl.utils.datetime import from_excel

            try:
                return _text(from_excel(number, self.book.epoch, timedelta=style in self.durations))
            except (OverflowError, ValueError):
                return "#VALUE!"
        return _text(number)

    def _font(self, style: int) -> str | None:
        try:
            name = self.book._fonts[self.book._cell_styles[style].fontId].name
        except (IndexError, AttributeError):
            name = None
        self.fonts[style] = name
        return name


_SIZES_LOCK = threading.Lock()


@contextmanager
def _sizes_from_sheet_heads() -> Iterator[None]:
    """While openpyxl opens a workbook read-only here, each sheet's size is read from the head of its XML.

    openpyxl reads a sheet's `<dimension>` at opening by parsing its XML up to that element or, when there is
    none before the cells (as in files written by programs, openpyxl's own write-only mode among them), to the
    end of the cells: the whole sheet once more before a row is read, a third of the reading time of a big
    register. `_size_from_head` gives the same answer from the elements before the cells (where the schema puts
    `<dimension>`) and stops where the cells start."""
    from openpyxl.worksheet._read_only import ReadOnlyWorksheet

    with _SIZES_LOCK:
        original = ReadOnlyWorksheet._get_size
        ReadOnlyWorksheet._get_size = _size_from_head
        try:
            yield
        finally:
            ReadOnlyWorksheet._get_size = original


def _size_from_head(sheet) -> None:
    from openpyxl.worksheet._reader import DATA_TAG, DIMENSION_TAG
    from openpyxl.worksheet.dimensions import SheetDimension
    from openpyxl.xml.functions import iterparse

    source = sheet._get_source()
    try:
        for _, element in iterparse(source, events=("start",)):
            if element.tag == DIMENSION_TAG:
                sheet._min_column, sheet._min_row, sheet._max_column, sheet._max_row = SheetDimension.from_tree(
                    element).boundaries
                return
            if element.tag == DATA_TAG:  # the cells start: no dimension given
                break
        else:
            return
    finally:
        source.close()
    _check_cells_xml(sheet)


SHEET_DATA_END = re.compile(rb"</(?:[A-Za-z_][\w.-]*:)?sheetData\s*>")


def _check_cells_xml(sheet) -> None:
    """Raise what openpyxl's read of a sheet without a dimension raises at opening, for a damaged file: the XML
    up to the end of the cells is read in the same chunks (a damaged archive member fails the same way) and
    parsed by expat in C, with the same refusals of entity declarations (defusedxml), without making elements."""
    import xml.parsers.expat

    from openpyxl.xml import DEFUSEDXML

    parser = xml.parsers.expat.ParserCreate(None, "}")  # as ElementTree's parser: namespaces on
    if DEFUSEDXML:
        from defusedxml.common import EntitiesForbidden, ExternalReferenceForbidden

        def entity(name, is_parameter_entity, value, base, sysid, pubid, notation_name):
            raise EntitiesForbidden(name, value, base, sysid, pubid, notation_name)

        def unparsed_entity(name, base, sysid, pubid, notation_name):
            raise EntitiesForbidden(name, None, base, sysid, pubid, notation_name)

        def external(context, base, sysid, pubid):
            raise ExternalReferenceForbidden(context, base, sysid, pubid)

        parser.EntityDeclHandler = entity
        parser.UnparsedEntityDeclHandler = unparsed_entity
        parser.ExternalEntityRefHandler = external
    tail = b""
    with sheet._get_source() as source:
        while chunk := source.read(16 * 1024):  # iterparse's reads
            end = SHEET_DATA_END.search(tail + chunk)
            if end is not None:
                parser.Parse(chunk[:max(0, end.end() - len(tail))], False)
                return
            parser.Parse(chunk, False)
            tail = chunk[-64:]
    parser.Parse(b"", True)


def delimiter(text: str) -> str:
    """",", ";" or tab: the one that splits the most of the first lines into the same number (≥ 2) of fields
    (title lines above the header have one field; commas inside quoted places do not count)."""
    sample = text[:16384].splitlines()[:60]
    best, best_score = ",", 0
    for candidate in (",", ";", "\t"):
        widths = Counter(len(row) for row in csv.reader(sample, delimiter=candidate) if len(row) > 1)
        score = widths.most_common(1)[0][1] if widths else 0
        if score > best_score:
            best, best_score = candidate, score
    return best


def _rich_cell(text: str, font: str | None, runs: list[tuple[int, str | None]]) -> Cell:
    """An .xls cell typed in several fonts: the text before the first run is in the cell's own font."""
    starts = [(0, font), *runs]
    pieces = [(text[start:end], run_font)
              for (start, run_font), (end, _) in zip(starts, [*starts[1:], (len(text), None)], strict=True)]
    return cell_from_runs(pieces)


def decode_csv(data: bytes) -> str:
    """The text of a CSV file: UTF-8 (with or without BOM) or UTF-16 (with BOM, or without one when every other
    byte is zero); anything else is legacy 8-bit text (TCVN3, VNI, VISCII, CP1258 …), kept as the characters
    Excel would show so that each cell's encoding is detected like a spreadsheet cell's."""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return _decode(data, "utf-16")
    sample = data[:4096]
    # Without a BOM, zero bytes at odd (even) places: UTF-16LE (BE); 8-bit text has no zero bytes at all.
    if len(sample) >= 4 and sample[1::2].count(0) > len(sample) // 8:
        return _decode(data, "utf-16-le")
    if len(sample) >= 4 and sample[0::2].count(0) > len(sample) // 8:
        return _decode(data, "utf-16-be")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return from_bytes(data)


def _decode(data: bytes, encoding: str) -> str:
    try:
        return data.decode(encoding).lstrip("\ufeff")
    except UnicodeDecodeError as exc:
        raise RegisterFileError(gettext("Tệp CSV ghi bằng UTF-16 nhưng bị hỏng (không đọc được hết).")) from exc
