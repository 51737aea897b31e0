"""From register rows to records: encodings, the title and header found on decoded text, dates, numbers,
categories, places."""

import re
from collections import defaultdict
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from django.utils.translation import gettext_noop

from hoso.core.text_errors import template_of
from hoso.gazetteer.models import AdminUnit
from hoso.imports.cells import Cell
from hoso.imports.columns import FIELD_LABELS, map_headers
from hoso.records.categories import CATEGORIES
from hoso.vntext import (
    InvalidDossierNumber,
    InvalidPartialDate,
    fold,
    is_unknown_date,
    legacy,
    parse_dossier_number,
    parse_partial_date,
)

HEADER_SCAN_ROWS = 30
TITLE_LINES = 6
MAX_CELL = 500
CATEGORY_WORDS = {
    "liet si": "LS", "ls": "LS", "thuong binh": "AQ", "tb": "AQ", "thuong binh loai b": "BQ", "tbb": "BQ",
    "nhu thuong binh": "CK", "huong chinh sach nhu thuong binh": "CK", "benh binh": "BB", "bb": "BB",
    "ba me viet nam anh hung": "BM", "me viet nam anh hung": "BM", "bmvnah": "BM", "mvnah": "BM", "me vnah": "BM",
    "chat doc hoa hoc": "HH", "nhiem chat doc hoa hoc": "HH", "cdhh": "HH", "nhiem cdhh": "HH", "da cam": "HH",
    "bi dich bat tu day": "BT", "tu day": "BT", "hoat dong khang chien": "KC", "khang chien": "KC",
    "giup do cach mang": "CC", "co cong giup do cach mang": "CC", "lao thanh cach mang": "LT",
    "truoc 1945": "LT", "tien khoi nghia": "TKN", "anh hung": "AH", "anh hung llvt": "AH",
    "anh hung lao dong": "AHL", "than nhan": "TN", "tuat": "TT",
}
# Codes of one legal group (thương binh: AQ, BQ, CK) do not contradict each other: "Thương binh" on a BQ number
# is a thương binh loại B.
CATEGORY_GROUPS = {code: group for code, group, _ in CATEGORIES if group}
SEX_WORDS = {"nam": "nam", "nu": "nu", "m": "nam", "f": "nu", "x": ""}
UNIT_PREFIXES = ("xa ", "phuong ", "thi tran ", "tt ", "p ", "x ", "dac khu ")


@dataclass
class Issue:
    """A row's error or warning. `message` is Vietnamese (written down: the report, the run); `template` (its msgid,
    marked with gettext_noop) and `params` let the review page word it again in the reader's language
    (imports/issues.py); vntext's refusals keep theirs (core/text_errors.py); a message from records services has no
    template."""

    row: int
    column: str
    value: str
    message: str
    template: str = ""
    params: dict[str, Any] | None = None

    @classmethod
    def worded(cls, row: int, column: str, value: str, template: str, /, **params: Any) -> "Issue":
        return cls(row, column, value, template % params if params else template, template, params or None)

    def as_dict(self) -> dict[str, Any]:
        return {"row": self.row, "column": self.column, "value": self.value, "message": self.message}

    def stored(self) -> dict[str, Any]:
        """As kept with the run for the review page: `as_dict` and, when it has one, how to word it again."""
        if not self.template:
            return self.as_dict()
        return {**self.as_dict(), "template": self.template, "params": self.params or {}}

    def __reduce__(self) -> tuple:  # a call with the fields: loads six times faster than the default (pipeline.py)
        return Issue, (self.row, self.column, self.value, self.message, self.template, self.params)


@dataclass
class ParsedRow:
    row: int
    values: dict[str, Any] = field(default_factory=dict)
    errors: list[Issue] = field(default_factory=list)
    warnings: list[Issue] = field(default_factory=list)
    encodings: dict[str, int] = field(default_factory=dict)  # a plain dict: cheaper to send between processes
    raw: list[str] = field(default_factory=list)

    def __reduce__(self) -> tuple:
        return ParsedRow, (self.row, self.values, self.errors, self.warnings, self.encodings, self.raw)


Refusal = tuple[str, str, dict[str, Any] | None]  # vntext's Vietnamese text, its msgid ("" if none), parameters


def _refusal(exc: InvalidDossierNumber | InvalidPartialDate) -> Refusal:
    found = template_of(exc)
    return (str(exc), "", None) if found is None else (str(exc), found[0], found[1] or None)


@lru_cache(maxsize=50_000)
def _read_date(text: str) -> tuple[Any, Refusal | None]:
    """(date or None, the refusal or None) of a date as written; cached: registers repeat the same years and dates
    thousands of times (a PartialDate is immutable, so one can serve every row)."""
    if is_unknown_date(text):  # «không rõ», «(?)»: the register says it is not known
        return None, None
    try:
        return parse_partial_date(text), None
    except InvalidPartialDate as exc:
        return None, _refusal(exc)


_fold = lru_cache(maxsize=4096)(fold)  # for the short words of a register (sex, category)


@lru_cache(maxsize=50_000)
def _convert(text: str, font: str | None, prefer: legacy.Encoding | None) -> tuple[str, str]:
    """Cached: registers repeat the same places, years, categories thousands of times."""
    converted, detection = legacy.convert(text, font=font, prefer=prefer)
    return converted, detection.encoding.name


def decode(cell: Cell, prefer: legacy.Encoding | None = None) -> tuple[str, str]:
    """The cell's text in NFC Unicode and the name of the encoding it was in: decided by the font first, then by
    the text, ties going to `prefer` (the encoding the sheet is typed in, see `Layout.encoding`)."""
    if cell.encoding:
        return cell.text, cell.encoding
    return _convert(cell.text, cell.font, prefer)


@dataclass(frozen=True)
class Layout:
    """Where a register's header is and which column holds what (column index → field), found on decoded text."""

    header_index: int  # index of the header row among the rows read (0-based, empty rows counted)
    span: int  # rows the header spans (2 under merged cells)
    columns: dict[int, str]
    header: list[str]  # the header row's cells, in Unicode
    labels: list[str]  # each column's header in Unicode, the rows of a merged header joined by " / "
    title: list[str]  # the lines above the header (the register's title), in Unicode
    encoding: legacy.Encoding | None = None  # the legacy encoding the sheet is typed in, when one prevails

    @property
    def header_row(self) -> int:
        """The header row as Excel numbers it."""
        return self.header_index + 1

    @property
    def first_data_index(self) -> int:
        return self.header_index + self.span


def find_layout(head: list[tuple[int, list[Cell]]], mapping: dict[str, str] | None = None,
                preamble: list[Cell] = ()) -> Layout | None:
    """The layout of a sheet from its first rows (and the `preamble` above them: the paragraphs before a Word
    table), or None when no header row is found. Every cell, title and header included, is decoded as data is
    (font, then text, then the sheet's prevailing encoding) before it is read, so the header is found whatever
    encoding the sheet was typed in."""
    every = [*preamble, *(c for _, row in head for c in row)]
    encoding = legacy.prevailing((c.text, c.font) for c in every if c.text and not c.encoding)
    decoded = [[decode(c, encoding)[0] if c.text else "" for c in row] for _, row in head]
    found = find_header(decoded, mapping)
    if found is None:
        return None
    index, columns, span = found
    width = max((len(texts) for texts in decoded[index:index + span]), default=0)
    labels = [" / ".join(texts[i] for texts in decoded[index:index + span] if i < len(texts) and texts[i])
              for i in range(width)]
    above = [decode(c, encoding)[0] for c in preamble] + [" ".join(t for t in texts if t) for texts in decoded[:index]]
    title = [line for line in above if line][-TITLE_LINES:]
    return Layout(header_index=index, span=span, columns=columns, header=decoded[index], labels=labels, title=title,
                  encoding=encoding)


def find_header(rows: list[list[str]], mapping: dict[str, str] | None = None):
    """(index in `rows` (decoded texts) of the header row, column → field, rows the header spans). None when no
    header."""
    best = None
    for i, texts in enumerate(rows[:HEADER_SCAN_ROWS]):
        columns = map_headers(texts, mapping)
        fields = set(columns.values())
        has_name = "full_name" in fields or {"family_name", "given_name"} <= fields
        if has_name and len(columns) >= 2 and (best is None or len(columns) > len(best[1])):
            best = (i, columns, 1)
    if best is None:
        return None
    i, columns, span = best
    if i + 1 < len(rows):  # a second header row under merged cells ("Ngày sinh" over "Ngày | Tháng | Năm")
        below = map_headers(rows[i + 1], mapping)
        extra = {k: v for k, v in below.items() if k not in columns and v not in columns.values()}
        if extra and not any(_looks_like_data(text) for text in rows[i + 1]):
            columns = {**columns, **extra}
            span = 2
    return i, columns, span


def _looks_like_data(text: str) -> bool:
    return bool(re.fullmatch(r"\d{3,}.*|.*\d{4}", text.strip()))


class UnitIndex:
    """Administrative units by folded name without their kind ("trieu long"), old and new."""

    def __init__(self) -> None:
        self.by_name: dict[str, list[AdminUnit]] = defaultdict(list)
        self._matched: dict[str, AdminUnit | None] = {}  # registers repeat the same places thousands of times
        self.by_pk: dict[int, AdminUnit] = {}
        for unit in AdminUnit.objects.filter(level=AdminUnit.Level.COMMUNE).select_related("parent"):
            self.by_name[_strip_kind(unit.name_folded)].append(unit)
            self.by_pk[unit.pk] = unit

    def match(self, text: str) -> AdminUnit | None:
        if text not in self._matched:
            if len(self._matched) > 50_000:
                self._matched.clear()
            self._matched[text] = self._match(text)
        return self._matched[text]

    def _match(self, text: str) -> AdminUnit | None:
        """The commune a place text names ("thôn X, xã Triệu Long, huyện Triệu Phong"), or None when unknown
        or ambiguous. Same-name communes are told apart by the district written after them."""
        parts = [_strip_kind(p) for p in (fold(piece) for piece in text.split(",")) if p]  # fold drops commas
        for i, part in enumerate(parts):
            candidates = self.by_name.get(part, [])
            if len(candidates) == 1:
                return candidates[0]
            if candidates:
                rest = " ".join(parts[i + 1:])
                narrowed = [u for u in candidates if u.parent and _strip_kind(fold(u.parent.name)) in rest]
                pool = narrowed or candidates
                if len(pool) == 1:
                    return pool[0]
                old = [u for u in pool if u.valid_to is not None]
                return old[0] if len(old) == 1 else None  # registers were written before the 2025 merger
        return None


def _strip_kind(name: str) -> str:
    for prefix in (*UNIT_PREFIXES, "huyen ", "thi xa ", "thanh pho ", "quan "):
        if name.startswith(prefix):
            return name[len(prefix):]
    return name


class RowParser:
    def __init__(self, *, columns: dict[int, str], categories: set[str], province: str,
                 encoding: legacy.Encoding | None = None, units: UnitIndex | None = None) -> None:
        self.columns = columns
        self.categories = categories
        self.codes = ", ".join(sorted(categories))
        self.province = province
        self.encoding = encoding  # the sheet's prevailing legacy encoding (ties in detection go to it)
        self.units = units if units is not None else UnitIndex()

    def parse(self, number: int, cells: list[Cell]) -> ParsedRow | None:
        row = ParsedRow(row=number)
        decoded = [decode(c, self.encoding) if c.text else ("", "") for c in cells]
        row.raw = [text for text, _ in decoded]  # the report shows the row as it reads, in Unicode
        texts: dict[str, str] = {}
        for index, name in self.columns.items():
            cell = cells[index] if index < len(cells) else Cell("")
            if cell.formula_without_value:
                row.errors.append(Issue.worded(number, FIELD_LABELS[name], "(công thức)", gettext_noop(
                    "Ô là công thức chưa có giá trị đã tính: mở tệp bằng Excel, lưu lại rồi nhập lại (hoặc chép rồi "
                    "dán dạng giá trị).")))
                continue
            if not cell.text:
                continue
            if len(cell.text) > MAX_CELL:
                row.errors.append(Issue.worded(number, FIELD_LABELS[name], cell.text[:60] + "…",
                                               gettext_noop("Ô dài quá %(count)s ký tự."), count=MAX_CELL))
                continue
            text, encoding = decoded[index]
            row.encodings[encoding] = row.encodings.get(encoding, 0) + 1
            texts[name] = text
        if not row.errors and not any(v for k, v in texts.items() if k != "order"):
            return None  # an empty line
        self._person(row, texts)
        self._dossier(row, texts)
        self._facts(row, texts)
        return row

    def _error(self, row: ParsedRow, name: str, value: str, message: str, /, **params: Any) -> None:
        """An error of the row: `message` a template marked gettext_noop (worded with `params`), or ready words."""
        row.errors.append(Issue.worded(row.row, FIELD_LABELS[name], value, message, **params))

    def _refused(self, row: ParsedRow, name: str, value: str, refusal: Refusal) -> None:
        """vntext's refusal: its Vietnamese text written down, with its msgid and parameters to word it again."""
        message, template, params = refusal
        row.errors.append(Issue(row.row, FIELD_LABELS[name], value, message, template,
                                dict(params) if params else None))

    def _person(self, row: ParsedRow, t: dict[str, str]) -> None:
        v = row.values
        name = t.get("full_name") or " ".join(x for x in (t.get("family_name"), t.get("middle_name"),
                                                          t.get("given_name")) if x)
        if not name:
            self._error(row, "full_name", "", gettext_noop("Thiếu họ và tên."))
        v["full_name"] = name
        v["aliases"] = [a.strip() for a in re.split(r"[;,/]", t.get("aliases", "")) if a.strip()]
        for key, target in (("birth_date", "birth_date"), ("birth_year", "birth_date"), ("death_date", "death_date"),
                            ("enlisted", "enlisted_on"), ("decision_date", "decision_date")):
            if key in t and target not in v:
                v[target] = self._date(row, key, t[key])
        if "sex" in t:
            sex = SEX_WORDS.get(_fold(t["sex"]))
            if sex is None:
                row.warnings.append(Issue.worded(row.row, FIELD_LABELS["sex"], t["sex"],
                                                 gettext_noop("Không hiểu giới tính; để trống.")))
            v["sex"] = sex or ""
        for key in ("ethnicity", "notes", "national_id"):
            if key in t:
                v[key] = t[key]
        if v.get("national_id") and not re.fullmatch(r"\d{9}|\d{12}", v["national_id"]):
            self._error(row, "national_id", v["national_id"],
                        gettext_noop("Số định danh phải gồm 12 chữ số (CMND cũ: 9)."))
        for key in ("hometown", "residence"):
            if key in t:
                v[f"{key}_text"] = t[key]
                unit = self.units.match(t[key])
                v[f"{key}_unit"] = unit
                if unit is None:
                    row.warnings.append(Issue.worded(row.row, FIELD_LABELS[key], t[key],
                                                     gettext_noop("Chưa xác định được xã/phường: giữ nguyên như ghi.")))

    def _date(self, row: ParsedRow, key: str, text: str):
        if len(text) > 40:
            self._error(row, key, text[:40] + "…", gettext_noop("Ngày tháng quá dài, không hiểu được."))
            return None
        value, refusal = _read_date(text)
        if refusal is not None:
            self._refused(row, key, text, refusal)
        return value

    def _dossier(self, row: ParsedRow, t: dict[str, str]) -> None:
        v = row.values
        raw = t.get("number", "")
        if not raw:
            self._error(row, "number", "", gettext_noop("Thiếu số hồ sơ."))
            return
        try:
            parsed = parse_dossier_number(raw, default_province=self.province)
        except InvalidDossierNumber as exc:
            self._refused(row, "number", raw, _refusal(exc))
            return
        v["number"] = str(parsed)
        code = parsed.type_code
        written = t.get("category", "")
        named = self._category(written) if written else ""
        if code in self.categories:  # the number's code decides (records refuse a dossier whose code says otherwise)
            v["category"] = code
            if named and named not in self.categories:
                row.warnings.append(Issue.worded(
                    row.row, FIELD_LABELS["category"], written,
                    gettext_noop("Không nhận ra loại đối tượng «%(written)s»: đã nhập theo mã loại %(code)s trong số "
                                 "hồ sơ %(number)s."), written=written, code=code, number=v["number"]))
            elif named and named != code and (CATEGORY_GROUPS.get(named) is None
                                              or CATEGORY_GROUPS.get(named) != CATEGORY_GROUPS.get(code)):
                row.warnings.append(Issue.worded(
                    row.row, FIELD_LABELS["category"], written,
                    gettext_noop("Loại đối tượng «%(written)s» (%(named)s) trái với mã loại %(code)s trong số hồ sơ "
                                 "%(number)s: đã nhập theo mã trong số hồ sơ (%(code)s), hãy kiểm tra lại."),
                    written=written, named=named, code=code, number=v["number"]))
        elif named in self.categories:
            v["category"] = named
            row.warnings.append(Issue.worded(
                row.row, FIELD_LABELS["number"], raw,
                gettext_noop("Mã loại «%(code)s» trong số hồ sơ không có trong danh mục (các mã có: %(codes)s); đã "
                             "nhập theo loại đối tượng «%(written)s» (%(named)s)."), code=code, codes=self.codes,
                written=written,
                named=named))
        else:
            v["category"] = named or code
            if written:
                self._error(row, "category", written, gettext_noop(
                    "Không xác định được loại đối tượng: không nhận ra loại đối tượng «%(written)s». Ghi loại đối "
                    "tượng (ví dụ: Liệt sĩ, Thương binh, Bà mẹ VNAH) hoặc dùng một mã có trong danh mục: %(codes)s."),
                    written=written, codes=self.codes)
            else:
                self._error(row, "category", code, gettext_noop(
                    "Không xác định được loại đối tượng: mã loại «%(code)s» trong số hồ sơ không có trong danh mục. "
                    "Ghi loại đối tượng (ví dụ: Liệt sĩ, Thương binh, Bà mẹ VNAH) hoặc dùng một mã có trong danh "
                    "mục: %(codes)s."), code=code, codes=self.codes)

    def _category(self, text: str) -> str:
        key = _fold(text)
        if key.upper() in self.categories:
            return key.upper()
        if key in CATEGORY_WORDS:
            return CATEGORY_WORDS[key]
        for words, code in sorted(CATEGORY_WORDS.items(), key=lambda kv: -len(kv[0])):
            if len(words) > 3 and words in key:
                return code
        return key.upper()[:3]

    def _facts(self, row: ParsedRow, t: dict[str, str]) -> None:
        v = row.values
        v["martyr"] = {k: t[k] for k in ("place_of_sacrifice", "unit", "rank", "position", "certificate_number",
                                         "cemetery") if k in t}
        if v.get("enlisted_on"):
            v["martyr"]["enlisted_on"] = v.pop("enlisted_on")
        v.pop("enlisted_on", None)
        if "rate" in t:
            match = re.fullmatch(r"(\d{1,3})(?:[.,]\d+)?\s*%?", t["rate"])
            if not match or int(match.group(1)) > 100:
                self._error(row, "rate", t["rate"], gettext_noop("Tỷ lệ thương tật phải là số từ 0 đến 100 (%)."))
            else:
                v["rate"] = int(match.group(1))
        if "decision_number" in t:
            v["decision"] = {"number": t["decision_number"][:40], "signed_on": v.pop("decision_date", None)}
        v.pop("decision_date", None)
