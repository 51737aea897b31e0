"""Reading registers (.xlsx, .xls, .csv) row by row, with each cell's font name (the encoding's best clue).

Large .xlsx files stream in openpyxl's read-only mode; memory stays flat with the number of rows.
"""

import csv
import datetime
import io
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
# A cell element with a formula; cells without a cached <v> value read as empty in data-only mode.
CELL_XML = re.compile(rb'<c r="([A-Z]{1,3})(\d+)"[^>]*?(?<!/)>(.*?)</c>', re.DOTALL)
ROW_XML = re.compile(rb'<row r="(\d+)"')
FORMULA_SCAN_LIMIT = 200 * 2**20  # bytes of sheet XML scanned for formulas without a value


class RegisterFileError(ValueError):
    """The file cannot be read as a register; the message is Vietnamese and says why."""


@dataclass(frozen=True)
class Cell:
    text: str
    font: str | None = None
    formula_without_value: bool = False


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
    """"xlsx", "xls" or "csv"; raises RegisterFileError for what is not a register."""
    try:
        head = path.read_bytes()[:8] if path.stat().st_size < 8 else path.open("rb").read(8)
    except OSError as exc:
        raise RegisterFileError(f"Không đọc được tệp {path.name}: {exc.strerror}.") from exc
    if path.stat().st_size == 0:
        raise RegisterFileError(f"Tệp {path.name} rỗng (0 byte).")
    if head.startswith(b"PK"):
        try:
            with zipfile.ZipFile(path) as archive:
                names = set(archive.namelist())
        except zipfile.BadZipFile as exc:
            raise RegisterFileError(f"Tệp {path.name} bị hỏng (không mở được như tệp Excel).") from exc
        if "xl/workbook.xml" in names:
            return "xlsx"
        if "word/document.xml" in names:
            raise RegisterFileError(f"Tệp {path.name} là văn bản Word, không phải sổ Excel.")
        raise RegisterFileError(f"Tệp {path.name} là tệp nén nhưng không phải sổ Excel.")
    if head == OLE_MAGIC:
        data = path.read_bytes()
        if "EncryptionInfo".encode("utf-16-le") in data or b"EncryptedPackage" in data.replace(b"\x00", b""):
            raise RegisterFileError(f"Tệp {path.name} có mật khẩu. Hãy mở bằng Excel, bỏ mật khẩu rồi nhập lại.")
        return "xls"
    return "csv"


class Register:
    """One sheet of a register file, read lazily."""

    def __init__(self, path: Path, sheet: str | None = None) -> None:
        self.path = Path(path)
        self.kind = sniff(self.path)
        self.sheet_name = sheet
        self._book = None
        if self.kind == "xlsx":
            import openpyxl

            try:
                self._book = openpyxl.load_workbook(self.path, read_only=True, data_only=True)
            except Exception as exc:  # openpyxl raises many types for broken files
                raise RegisterFileError(f"Không mở được sổ Excel {self.path.name}: {exc}") from exc
            self.sheet_names = list(self._book.sheetnames)
        elif self.kind == "xls":
            import xlrd

            try:
                self._book = xlrd.open_workbook(str(self.path), formatting_info=True, on_demand=True)
            except Exception as exc:
                raise RegisterFileError(f"Không mở được sổ Excel 97–2003 {self.path.name}: {exc}") from exc
            self.sheet_names = self._book.sheet_names()
        else:
            self.sheet_names = [self.path.stem]
        if sheet is not None and sheet not in self.sheet_names:
            raise RegisterFileError(f"Không có trang «{sheet}» trong tệp. Các trang: {', '.join(self.sheet_names)}.")
        self.sheet_name = sheet or self.sheet_names[0]

    def rows(self) -> Iterator[tuple[int, list[Cell]]]:
        """(row number as Excel shows it, cells) for every row, empty rows included."""
        if self.kind == "xlsx":
            yield from self._xlsx_rows()
        elif self.kind == "xls":
            yield from self._xls_rows()
        else:
            yield from self._csv_rows()

    def row_count_hint(self) -> int:
        """How many rows the sheet has, as the file says (for a progress bar; 0 when it does not say)."""
        if self.kind == "xlsx":
            sheet = self._book[self.sheet_name]
            return sheet.max_row or self._count_xlsx_rows(sheet)
        if self.kind == "xls":
            return self._book.sheet_by_name(self.sheet_name).nrows
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

    def _xlsx_rows(self) -> Iterator[tuple[int, list[Cell]]]:
        sheet = self._book[self.sheet_name]
        unset = self._formulas_without_value(sheet)
        fonts: dict[int, str | None] = {}  # style id → font name: a register uses a handful of styles
        for number, row in enumerate(sheet.iter_rows(), start=1):
            cells = []
            for cell in row:
                style = getattr(cell, "_style_id", None)
                if style is None:  # a filler for a missing cell
                    cells.append(Cell(""))
                    continue
                if style not in fonts:
                    fonts[style] = getattr(getattr(cell, "font", None), "name", None)
                cells.append(Cell(_text(cell.value), fonts[style]))
            if unset and number in unset:
                for column in unset[number]:
                    while len(cells) <= column:
                        cells.append(Cell(""))
                    cells[column] = Cell("", cells[column].font, formula_without_value=True)
            yield number, cells

    def _formulas_without_value(self, sheet) -> dict[int, set[int]]:
        """{row: {column index}} of formula cells saved without their computed value (a file written by a
        program, never opened in Excel): read as values they would be silently empty."""
        try:
            with self._book._archive.open(sheet._worksheet_path) as source:
                tail = b""
                while chunk := source.read(1 << 22):  # streamed: most registers have no formula at all
                    if b"<f" in tail + chunk[:1] or b"<f" in chunk:
                        break
                    tail = chunk[-1:]
                else:
                    return {}
            with self._book._archive.open(sheet._worksheet_path) as source:
                data = source.read(FORMULA_SCAN_LIMIT)
        except (AttributeError, KeyError, OSError):
            return {}
        found: dict[int, set[int]] = {}
        for match in CELL_XML.finditer(data):
            body = match.group(3)
            if b"<f" in body and not re.search(rb"<v>[^<]", body):
                column = 0
                for letter in match.group(1).decode():
                    column = column * 26 + ord(letter) - 64
                found.setdefault(int(match.group(2)), set()).add(column - 1)
        return found

    def _xls_rows(self) -> Iterator[tuple[int, list[Cell]]]:
        import xlrd

        sheet = self._book.sheet_by_name(self.sheet_name)
        fonts = self._book.font_list
        for r in range(sheet.nrows):
            cells = []
            for c in range(sheet.ncols):
                cell = sheet.cell(r, c)
                value = cell.value
                if cell.ctype == xlrd.XL_CELL_DATE:
                    value = xlrd.xldate_as_datetime(value, self._book.datemode)
                xf = self._book.xf_list[sheet.cell_xf_index(r, c)]
                cells.append(Cell(_text(value), fonts[xf.font_index].name if xf.font_index < len(fonts) else None))
            yield r + 1, cells

    def _csv_rows(self) -> Iterator[tuple[int, list[Cell]]]:
        data = self.path.read_bytes()
        for encoding in ("utf-8-sig", "utf-16", "cp1258"):
            try:
                text = data.decode(encoding)
                break
            except UnicodeDecodeError:
                continue
        else:  # pragma: no cover - cp1258 decodes nearly everything
            raise RegisterFileError(f"Không nhận ra bảng mã của tệp {self.path.name}.")
        if "\x00" in text:
            raise RegisterFileError(f"Tệp {self.path.name} không phải văn bản CSV.")
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t") if text.strip() else csv.excel
        for number, row in enumerate(csv.reader(io.StringIO(text), dialect), start=1):
            yield number, [Cell(value.strip()) for value in row]
