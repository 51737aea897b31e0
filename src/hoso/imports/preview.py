"""What the web shows before an import: the header row found, each column's detected field and encoding, and
the first rows as they will be converted — read from the stored file, nothing written."""

from collections import Counter
from dataclasses import dataclass
from itertools import islice
from pathlib import Path

from django.utils.translation import gettext

from hoso.imports.columns import FIELD_LABELS
from hoso.imports.parse import decode
from hoso.imports.services.registers import column_letter, open_register

PREVIEW_ROWS = 20
SAMPLE_ROWS = 200  # rows looked at for each column's encoding
NOT_CONVERTED = {"UNICODE"}


@dataclass
class Column:
    index: int
    letter: str
    header: str
    field: str  # "" when the column is not imported
    encoding: str  # the commonest encoding of its sampled cells ("" for empty columns)

    @property
    def field_label(self) -> str:
        return gettext(FIELD_LABELS[self.field]) if self.field in FIELD_LABELS else ""


@dataclass
class Preview:
    sheet: str
    sheets: list[str]
    header_row: int
    header_rows: int
    columns: list[Column]
    rows: list[tuple[int, list[str]]]
    rows_total: int
    title: list[str]
    encoding: str  # the legacy encoding the sheet is typed in ("" when none prevails)


def preview_register(path: Path, *, sheet: str | None = None, columns: dict[int, str] | None = None) -> Preview:
    """The preview of a register file; `columns` (index → field) overrides the detected mapping.
    Raises RegisterFileError (a Vietnamese message) when the file is not a register."""
    register, layout, rows = open_register(Path(path), sheet)
    try:
        mapping = layout.columns if columns is None else columns
        data = [r for r in islice(rows, SAMPLE_ROWS * 2) if any(c.text for c in r[1])][:SAMPLE_ROWS]
        width = max([len(layout.labels), *(len(cells) for _, cells in data[:PREVIEW_ROWS]),
                     *(i + 1 for i in mapping)], default=0)
        encodings: list[Counter] = [Counter() for _ in range(width)]
        converted: list[tuple[int, list[str]]] = []
        for n, (number, cells) in enumerate(data):
            out = []
            for i in range(width):
                cell = cells[i] if i < len(cells) else None
                text = ""
                if cell is not None and cell.text:
                    text, encoding = decode(cell, layout.encoding)
                    encodings[i][encoding] += 1
                out.append(text)
            if n < PREVIEW_ROWS:
                converted.append((number, out))
        described = []
        for i in range(width):
            found = [e for e, _ in encodings[i].most_common() if e not in NOT_CONVERTED]
            encoding = found[0] if found else ("UNICODE" if encodings[i] else "")
            label = layout.labels[i] if i < len(layout.labels) else ""
            described.append(Column(index=i, letter=column_letter(i), header=label, field=mapping.get(i, ""),
                                    encoding=encoding))
        return Preview(sheet=register.sheet_name, sheets=list(register.sheet_names), header_row=layout.header_row,
                       header_rows=layout.span, columns=described, rows=converted,
                       rows_total=register.row_count_hint(), title=layout.title,
                       encoding=layout.encoding.name if layout.encoding else "")
    finally:
        register.close()
