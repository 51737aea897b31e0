"""Parsing the statistics office's (GSO) administrative-unit CSV files. Pure: no Django, no database.

Layouts, recognised by their header: the **communes list** (one header row ``Tỉnh Thành Phố,Mã TP,Quận
Huyện,Mã QH,Phường Xã,Mã PX,Cấp,Tên Tiếng Anh``; a district without communes has empty commune cells) and
the **mapping** (two header rows: ``Đơn vị hành chính từ ngày 01/7/2025`` over the new-unit columns, then
``Tỉnh, thành phố,Tên Xã mới,Mã Xã mới,Tên Xã cũ,Mã Xã cũ,Ghi chú,Quận/huyện,Tỉnh cũ`` with codes in
parentheses, ``Tỉnh Quảng Trị (44)``; a whole district turned into a special zone has no old commune).
Quirks handled: UTF-8 with or without BOM (UTF-16, Windows-1258 as fall-backs), NFD text, trailing empty
columns, blank lines, kind capitalisation (``Thành Phố`` → ``Thành phố``), codes that lost leading zeros
in a spreadsheet, and a province written with another one's code in a row (see `UnitFile.warnings`).
"""

from __future__ import annotations

import csv
import datetime
import io
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, replace
from enum import StrEnum
from pathlib import Path

from hoso.vntext import fold, nfc

#: Kinds of unit, longest first so that "Thành phố" wins over a shorter prefix.
KINDS: tuple[str, ...] = ("Thành phố", "Thị trấn", "Thị xã", "Đặc khu", "Phường", "Huyện", "Quận", "Tỉnh",
                          "Xã")
#: Width of each level's code, to restore leading zeros that a spreadsheet dropped ("1" → "01").
CODE_WIDTH = {"province": 2, "district": 3, "commune": 5}

_CODE_IN_NAME = re.compile(r"^(?P<name>.*?)\s*\(\s*(?P<code>\d+)\s*\)$")
_CODE = re.compile(r"^(?P<digits>\d+)(?:\.0+)?$")
_DATE = re.compile(r"(\d{1,2})\s*/\s*(\d{1,2})\s*/\s*(\d{4})")


class Layout(StrEnum):
    COMMUNES = "communes"
    MAPPING = "mapping"


LAYOUT_LABELS = {Layout.COMMUNES: "danh sách đơn vị hành chính", Layout.MAPPING: "bảng chuyển đổi cũ→mới"}

# Header cells as written in the official files, by field name; matched folded (case, accents, punctuation).
COMMUNE_COLUMNS = {"province": "Tỉnh Thành Phố", "province_code": "Mã TP", "district": "Quận Huyện",
                   "district_code": "Mã QH", "commune": "Phường Xã", "commune_code": "Mã PX", "level": "Cấp"}
MAPPING_COLUMNS = {"new_province": "Tỉnh, thành phố", "new_name": "Tên Xã mới", "new_code": "Mã Xã mới",
                   "old_name": "Tên Xã cũ", "old_code": "Mã Xã cũ", "note": "Ghi chú",
                   "old_district": "Quận/huyện", "old_province": "Tỉnh cũ"}


class UnitFileError(ValueError):
    """A file that cannot be read as an administrative-unit list. The message is Vietnamese."""

    def __init__(self, message: str, *, line: int | None = None, source: str = "") -> None:
        self.message, self.line, self.source = message, line, source
        where = ", ".join(p for p in (f"Tệp {source}" if source else "", f"dòng {line}" if line else "") if p)
        super().__init__(f"{where}: {message}" if where else message)


@dataclass(frozen=True)
class UnitName:
    """A unit as written in a file: normalised name (kind first), code ("" if not given), kind."""

    name: str
    code: str
    kind: str

    @property
    def bare(self) -> str:
        """The name without its kind: "Quảng Trị" for "Tỉnh Quảng Trị"."""
        return self.name[len(self.kind):].strip() if self.kind else self.name

    def __str__(self) -> str:
        return f"{self.name} ({self.code})" if self.code else self.name


@dataclass(frozen=True)
class CommuneListRow:
    line: int
    province: UnitName
    district: UnitName
    commune: UnitName | None  # None: a district without communes
    english_name: str = ""


@dataclass(frozen=True)
class MappingRow:
    line: int
    new_province: UnitName
    new_commune: UnitName
    old_commune: UnitName | None  # None: the whole old district became the new unit
    old_district: UnitName | None
    old_province: UnitName
    note: str = ""

    @property
    def partial(self) -> bool:
        """True when the note says only part of the old unit went to the new one ("một phần")."""
        return "mot phan" in fold(self.note)


@dataclass(frozen=True)
class UnitFile:
    source: str
    layout: Layout
    rows: tuple[CommuneListRow, ...] | tuple[MappingRow, ...]
    effective: datetime.date | None = None  # mapping files: the date in the first header row
    warnings: tuple[str, ...] = ()


def decode_bytes(data: bytes, *, source: str = "") -> str:
    """Decode a CSV file: UTF-8 (BOM or not), UTF-16 (BOM, or NUL bytes), else Windows-1258."""
    if not data.strip():
        raise UnitFileError("tệp rỗng, không có dòng nào.", source=source)
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        encodings = ["utf-16"]
    elif b"\x00" in data[:4000]:
        encodings = ["utf-16-le" if data[1:2] == b"\x00" else "utf-16-be"]
    else:
        encodings = ["utf-8-sig", "cp1258"]
    for encoding in encodings:
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        if "\x00" not in text:
            return text.lstrip("\ufeff")  # cells are NFC-normalised when parsed (cp1258 gives NFD)
    raise UnitFileError("không đọc được tệp: không phải văn bản UTF-8, UTF-16 hay Windows-1258 (cp1258).",
                        source=source)


def split_code(text: str) -> tuple[str, str]:
    """Split "Tỉnh Quảng Trị (44)" into ("Tỉnh Quảng Trị", "44"); no parentheses: (text, "")."""
    text = nfc(text)
    match = _CODE_IN_NAME.match(text)
    return (match["name"], match["code"]) if match else (text, "")


def split_kind(name: str) -> tuple[str, str]:
    """Return (name with its kind's capitalisation normalised, kind): "Thành Phố Huế" → ("Thành phố Huế",
    "Thành phố"). A name without a known kind prefix is returned as is with kind ""."""
    name = nfc(name)
    lowered = name.lower()
    for kind in KINDS:
        if lowered == kind.lower() or lowered.startswith(kind.lower() + " "):
            return kind + name[len(kind):], kind
    return name, ""


def normalise_code(text: str, level: str) -> str:
    """Digits only, padded to the level's width; "" for an empty cell. Raises ValueError otherwise."""
    text = nfc(text)
    if not text:
        return ""
    match = _CODE.match(text)
    if not match:
        raise ValueError(text)
    return match["digits"].zfill(CODE_WIDTH[level])


def parse_unit_name(text: str, *, level: str, code: str = "", kind: str = "") -> UnitName | None:
    """A unit from a name cell and (optionally) a code cell; None when both are empty.

    A code in the code cell wins over one in parentheses; `kind` is the fall-back when the name has
    no kind prefix (the communes list's "Cấp" column). Raises ValueError for a non-numeric code.
    """
    name, code_in_name = split_code(text)
    code = normalise_code(code, level) or normalise_code(code_in_name, level)
    if not name and not code:
        return None
    name, found_kind = split_kind(name)
    fallback = split_kind(kind)[1] if kind else ""
    return UnitName(name=name, code=code, kind=found_kind or fallback)


def _missing(header: Sequence[str], wanted: dict[str, str]) -> list[str]:
    keys = {fold(cell) for cell in header}
    return [text for text in wanted.values() if fold(text) not in keys]


def _missing_error(missing: list[str], line: int) -> UnitFileError:
    return UnitFileError("thiếu cột " + ", ".join(f"«{text}»" for text in missing) + ".", line=line)


def detect_layout(header_rows: Sequence[Sequence[str]]) -> Layout:
    """The layout of a file from its first two rows. Raises UnitFileError naming what is missing."""
    first = header_rows[0] if header_rows else []
    second = header_rows[1] if len(header_rows) > 1 else []
    if not _missing(first, COMMUNE_COLUMNS):
        return Layout.COMMUNES
    if not _missing(second, MAPPING_COLUMNS):
        return Layout.MAPPING
    for line, header, wanted in ((1, first, COMMUNE_COLUMNS), (2, second, MAPPING_COLUMNS)):
        missing = _missing(header, wanted)
        if len(missing) <= len(wanted) // 2:  # clearly meant as this layout
            raise _missing_error(missing, line)
    raise UnitFileError(
        "không nhận ra bố cục tệp. Cần dòng tiêu đề «Tỉnh Thành Phố, Mã TP, Quận Huyện, Mã QH, Phường Xã, "
        "Mã PX, Cấp» (danh sách xã) hoặc hai dòng tiêu đề «Đơn vị hành chính từ ngày …» rồi «Tỉnh, thành "
        "phố, Tên Xã mới, Mã Xã mới, Tên Xã cũ, Mã Xã cũ, Ghi chú, Quận/huyện, Tỉnh cũ» (bảng chuyển đổi).",
        line=1)


def _columns(header: Sequence[str], wanted: dict[str, str], line: int) -> dict[str, int]:
    missing = _missing(header, wanted)
    if missing:
        raise _missing_error(missing, line)
    keys = [fold(cell) for cell in header]
    return {field: keys.index(fold(text)) for field, text in wanted.items()}


def parse_unit_text(text: str, *, layout: str = "auto", source: str = "") -> UnitFile:
    """Parse the decoded text of a communes-list or mapping file into typed rows."""
    if layout not in ("auto", *Layout):
        raise UnitFileError(f"bố cục «{layout}» không hợp lệ: chọn auto, communes hoặc mapping.",
                            source=source)
    reader = csv.reader(io.StringIO(text))
    numbered = []
    for row in reader:
        cells = [nfc(cell) for cell in row]
        if any(cells):
            numbered.append((reader.line_num, cells))
    if not numbered:
        raise UnitFileError("tệp rỗng, không có dòng nào.", source=source)
    try:
        found = detect_layout([cells for _, cells in numbered[:2]]) if layout == "auto" else Layout(layout)
        if found is Layout.COMMUNES:
            columns = _columns(numbered[0][1], COMMUNE_COLUMNS, numbered[0][0])
            header = [fold(cell) for cell in numbered[0][1]]
            columns["english"] = header.index("ten tieng anh") if "ten tieng anh" in header else -1
            body, effective = numbered[1:], None
        else:
            if len(numbered) < 2:
                raise UnitFileError("bảng chuyển đổi cần hai dòng tiêu đề.", line=numbered[0][0])
            columns = _columns(numbered[1][1], MAPPING_COLUMNS, numbered[1][0])
            match = _DATE.search(numbered[0][1][0])
            effective = datetime.date(int(match[3]), int(match[2]), int(match[1])) if match else None
            body = numbered[2:]
        if not body:
            raise UnitFileError("tệp chỉ có tiêu đề, không có dòng dữ liệu nào.")
        parse_row = _commune_row if found is Layout.COMMUNES else _mapping_row
        rows = [parse_row(line, cells, columns) for line, cells in body]
    except UnitFileError as exc:
        raise UnitFileError(exc.message, line=exc.line, source=source) from None
    fields = ("province", "district") if found is Layout.COMMUNES else (
        "new_province", "new_commune", "old_district", "old_province")
    warnings: list[str] = []
    for field in fields:
        rows = _reconcile(rows, field, warnings)
    return UnitFile(source=source, layout=found, rows=tuple(rows), effective=effective,
                    warnings=tuple(warnings))


def read_unit_file(path: str | Path, *, layout: str = "auto") -> UnitFile:
    """Read and parse one file. Raises UnitFileError (Vietnamese message naming the file and line)."""
    path = Path(path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise UnitFileError(f"không mở được tệp ({exc.strerror}).", source=path.name) from None
    return parse_unit_text(decode_bytes(data, source=path.name), layout=layout, source=path.name)


def _cell(cells: Sequence[str], index: int) -> str:
    return cells[index] if 0 <= index < len(cells) else ""


def _unit(cells: Sequence[str], columns: dict[str, int], *, level: str, name: str, code: str | None,
          what: str, line: int, kind: str = "", required: bool = True) -> UnitName | None:
    text, code_text = _cell(cells, columns[name]), _cell(cells, columns[code]) if code else ""
    try:
        unit = parse_unit_name(text, level=level, code=code_text, kind=kind)
    except ValueError as exc:
        raise UnitFileError(f"mã {what} «{exc}» không hợp lệ (phải là số).", line=line) from None
    if unit is None:
        if required:
            raise UnitFileError(f"thiếu {what}.", line=line)
        return None
    if not unit.code:
        hint = "" if code else f" (viết dạng «{unit.name} (mã)»)"
        raise UnitFileError(f"thiếu mã {what} «{unit.name}»{hint}.", line=line)
    if not unit.name:
        raise UnitFileError(f"thiếu tên {what} mã {unit.code}.", line=line)
    return unit


def _commune_row(line: int, cells: list[str], columns: dict[str, int]) -> CommuneListRow:
    level_kind = _cell(cells, columns["level"])
    commune = _unit(cells, columns, level="commune", name="commune", code="commune_code", what="xã",
                    line=line, kind=level_kind, required=False)
    district = _unit(cells, columns, level="district", name="district", code="district_code",
                     what="quận/huyện", line=line, kind=level_kind if commune is None else "")
    province = _unit(cells, columns, level="province", name="province", code="province_code",
                     what="tỉnh/thành phố", line=line)
    return CommuneListRow(line=line, province=province, district=district, commune=commune,
                          english_name=_cell(cells, columns["english"]))


def _mapping_row(line: int, cells: list[str], columns: dict[str, int]) -> MappingRow:
    new_commune = _unit(cells, columns, level="commune", name="new_name", code="new_code", what="xã mới",
                        line=line)
    old_commune = _unit(cells, columns, level="commune", name="old_name", code="old_code", what="xã cũ",
                        line=line, required=False)
    old_district = _unit(cells, columns, level="district", name="old_district", code=None,
                         what="quận/huyện cũ", line=line, required=old_commune is None)
    return MappingRow(
        line=line,
        new_province=_unit(cells, columns, level="province", name="new_province", code=None,
                           what="tỉnh/thành phố mới", line=line),
        new_commune=new_commune, old_commune=old_commune, old_district=old_district,
        old_province=_unit(cells, columns, level="province", name="old_province", code=None,
                           what="tỉnh cũ", line=line),
        note=_cell(cells, columns["note"]),
    )


def _reconcile(rows: list, field: str, warnings: list[str]) -> list:
    """Make every row give a code the same name: the name most rows give (first seen on a tie).

    A row whose name is another code's name is moved to that code ("Quảng Trị (44)" in a file where 44
    is Quảng Bình and 45 is Quảng Trị); any other disagreement keeps the code. Both are reported.
    """
    votes: dict[str, Counter[str]] = {}
    first: dict[tuple[str, str], UnitName] = {}
    for row in rows:
        unit = getattr(row, field)
        if unit is not None:
            votes.setdefault(unit.code, Counter())[fold(unit.bare)] += 1
            first.setdefault((unit.code, fold(unit.bare)), unit)
    canonical = {code: first[code, counts.most_common(1)[0][0]] for code, counts in votes.items()}
    named = Counter(fold(unit.bare) for unit in canonical.values())
    by_name = {fold(u.bare): u for u in canonical.values() if named[fold(u.bare)] == 1}  # unambiguous only
    result = []
    for row in rows:
        unit = getattr(row, field)
        if unit is not None and unit != canonical[unit.code]:
            chosen = canonical[unit.code]
            if fold(unit.bare) != fold(chosen.bare):
                other = by_name.get(fold(unit.bare))
                if other is not None:
                    warnings.append(f"Dòng {row.line}: «{unit}» mang mã của {chosen}; đã hiểu là {other}.")
                    chosen = other
                else:
                    warnings.append(f"Dòng {row.line}: «{unit}» khác tên với {chosen} ở các dòng khác; "
                                    f"dùng tên {chosen.name}.")
            row = replace(row, **{field: chosen})
        result.append(row)
    return result
