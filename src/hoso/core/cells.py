"""One rule for every value written into a spreadsheet cell, Excel or CSV (pure Python).

User text goes into exports (lists of dossiers, the audit trail, import reports). Two things can go wrong:

* text that a spreadsheet reads as a formula or a DDE call (``=HYPERLINK(...)``, ``=cmd|' /C calc'!A0``, ``+1``,
  ``-1+1``, ``@SUM(1)``), even after leading spaces, or starting with a tab or carriage return, runs when the
  file is opened (CSV/formula injection): such text is kept as text by putting an apostrophe before it;
* a CSV opened where ";" separates cells (Excel in Vietnamese and many European locales) splits ``a;=1+1`` into a
  second cell that is a formula: after a ";" a formula start gets the apostrophe too (and CSV files are written
  with every field quoted);
* control characters that are not allowed in the XML of an .xlsx (the ones openpyxl refuses with
  ``IllegalCharacterError``) would make the export fail: vertical tab and form feed become a space, the others
  are dropped.

Numbers, dates and times are written as they are; None is an empty cell.
"""

import datetime as dt
import re
from decimal import Decimal

# The characters openpyxl refuses (openpyxl.cell.cell.ILLEGAL_CHARACTERS_RE), kept here so core needs no openpyxl.
ILLEGAL_CHARACTERS_RE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
FORMULA_STARTS = ("=", "+", "-", "@")
_AFTER_SEMICOLON = re.compile(r"(;[ \t\r]*)([=+\-@])")
EXCEL_MAX_CHARS = 32_767  # what one Excel cell holds; longer text is cut (Excel would refuse the file)

Cell = str | int | float | Decimal | dt.date | dt.datetime | dt.time | dt.timedelta

_PASS_THROUGH = (int, float, Decimal, dt.date, dt.time, dt.timedelta)  # bool is an int; datetime is a date


def _clean(match: re.Match) -> str:
    return " " if match.group() in "\x0b\x0c" else ""


def safe_cell(value: object) -> Cell:
    """`value` as a cell that opens as data: numbers and dates unchanged, None as "", anything else as text with
    no formula and no character an .xlsx cannot hold."""
    if value is None:
        return ""
    if isinstance(value, _PASS_THROUGH):
        return value
    text = ILLEGAL_CHARACTERS_RE.sub(_clean, str(value))
    if ";" in text:
        text = _AFTER_SEMICOLON.sub(r"\1'\2", text)
    if text[:1] in ("\t", "\r") or text.lstrip()[:1] in FORMULA_STARTS:
        text = "'" + text
    return text[:EXCEL_MAX_CHARS]
