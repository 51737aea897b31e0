"""Typed cells for every Excel file hoso writes: numbers as numbers, dates as dates, text through the one cell rule
(core/cells.py).

A clerk sorts, sums and filters what they export: a count stored as text does not add up, a date stored as text
sorts by its day. So:
* whole numbers (STT, counts, amounts) are numbers shown with a thousands separator (`#,##0`: «1.234.567» in
  Vietnamese Excel, which uses its own separators), other numbers with two decimals;
* dates are dates shown `dd/mm/yyyy`, date-times `dd/mm/yyyy hh:mm:ss` (in local time: Excel has no time zones);
* `Formatted(value, number_format)` writes a value with a format of its own (a year: `0`, no separator);
* anything else is text, made safe by `safe_cell`.
"""

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from django.utils import timezone
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

from .cells import safe_cell

INTEGER_FORMAT = "#,##0"
DECIMAL_FORMAT = "#,##0.00"
DATE_FORMAT = "dd/mm/yyyy"
DATETIME_FORMAT = "dd/mm/yyyy hh:mm:ss"
YEAR_FORMAT = "0"


@dataclass(frozen=True)
class Formatted:
    """A number or date written with its own number format."""

    value: int | float | Decimal | dt.date
    number_format: str


def typed_value(value: object) -> tuple[object, str | None]:
    """(value as the cell holds it, its number format or None for the default)."""
    if isinstance(value, Formatted):
        inner, _ = typed_value(value.value)
        return inner, value.number_format
    if isinstance(value, bool):
        return ("Có" if value else "Không"), None
    if isinstance(value, int):
        return value, INTEGER_FORMAT
    if isinstance(value, (float, Decimal)):
        return value, DECIMAL_FORMAT
    if isinstance(value, dt.datetime):
        if timezone.is_aware(value):
            value = timezone.localtime(value)
        return value.replace(tzinfo=None), DATETIME_FORMAT
    if isinstance(value, dt.date):
        return value, DATE_FORMAT
    return safe_cell(value), None


def append_row(sheet, values: Iterable[object], *, bold: bool = False) -> None:
    """Append one row of typed cells to `sheet` (a write-only sheet or an ordinary one)."""
    typed = [typed_value(v) for v in values]
    if sheet.parent.write_only:
        cells = []
        for value, number_format in typed:
            cell = WriteOnlyCell(sheet, value=value)
            if number_format:
                cell.number_format = number_format
            if bold:
                cell.font = Font(bold=True)
            cells.append(cell)
        sheet.append(cells)
        return
    sheet.append([value for value, _ in typed])
    row = sheet.max_row
    for column, (_, number_format) in enumerate(typed, start=1):
        cell = sheet.cell(row=row, column=column)
        if number_format:
            cell.number_format = number_format
        if bold:
            cell.font = Font(bold=True)
