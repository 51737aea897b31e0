"""Registers kept as Word tables (.docx): every table of the document as rows of cells, each cell with its font.

A cell's font is the font of its runs (the run's own, else its character style's, its paragraph style's, the
document default). Word draws the Latin-1 letters of a legacy encoding with the run's "high ANSI" font
(``w:hAnsi``), so that name is read first. A cell whose runs mix fonts (a TCVN3 name whose toned capital was
typed in ``.VnTimeH``) is converted run by run (cells.cell_from_runs) and handed on already in Unicode.

Merged cells read as in Excel: a cell spanning columns holds its text in the first one; a cell merged down
repeats its text in the rows below (a commune written once for several people applies to each of them).
"""

from dataclasses import dataclass
from pathlib import Path

from django.utils.translation import gettext

from hoso.imports.cells import Cell, RegisterFileError, cell_from_runs

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
PREAMBLE_LINES = 6


@dataclass
class Table:
    rows: list[list[Cell]]  # merged cells resolved
    preamble: list[Cell]  # the paragraphs between the previous table and this one (a register's title)


def read_tables(path: Path) -> list[Table]:
    """The document's top-level tables, in order."""
    import docx

    try:
        document = docx.Document(str(path))
    except Exception as exc:  # python-docx raises many types for broken files
        raise RegisterFileError(gettext("Không mở được văn bản Word %(name)s: tệp bị hỏng hoặc không phải .docx.")
                                % {"name": path.name}) from exc
    fonts = _StyleFonts(document.styles.element)
    tables, paragraphs = [], []
    for element in document.element.body.iterchildren(f"{W}tbl", f"{W}p"):
        if element.tag == f"{W}p":
            cell = _cell(element, fonts)
            if cell.text:
                paragraphs.append(cell)
        else:
            tables.append(Table(_table(element, fonts), paragraphs[-PREAMBLE_LINES:]))
            paragraphs = []
    return tables


class _StyleFonts:
    """Font names of the document's styles (following `basedOn`) and of its defaults."""

    def __init__(self, styles) -> None:
        self._own: dict[str, str | None] = {}
        self._based_on: dict[str, str] = {}
        for style in styles.iterchildren(f"{W}style"):
            style_id = style.get(f"{W}styleId")
            self._own[style_id] = _font_of(style.find(f"{W}rPr"))
            based = style.find(f"{W}basedOn")
            if based is not None:
                self._based_on[style_id] = based.get(f"{W}val")
        self.default = _font_of(styles.find(f"{W}docDefaults/{W}rPrDefault/{W}rPr"))
        self._resolved: dict[str | None, str | None] = {}

    def font(self, style_id: str | None) -> str | None:
        if style_id not in self._resolved:
            seen, current, found = set(), style_id, None
            while current and current not in seen and found is None:
                seen.add(current)
                found = self._own.get(current)
                current = self._based_on.get(current)
            self._resolved[style_id] = found
        return self._resolved[style_id]


def _font_of(rpr) -> str | None:
    if rpr is None:
        return None
    fonts = rpr.find(f"{W}rFonts")
    if fonts is None:
        return None
    return fonts.get(f"{W}hAnsi") or fonts.get(f"{W}ascii") or fonts.get(f"{W}cs")


def _table(table, fonts: _StyleFonts) -> list[list[Cell]]:
    rows: list[list[Cell]] = []
    above: dict[int, Cell] = {}  # grid column → the cell of the row above (for merged-down cells)
    for tr in table.iterchildren(f"{W}tr"):
        row: list[Cell] = []
        for tc in tr.iterchildren(f"{W}tc"):
            props = tc.find(f"{W}tcPr")
            span, merge = 1, None
            if props is not None:
                grid_span = props.find(f"{W}gridSpan")
                span = int(grid_span.get(f"{W}val", "1")) if grid_span is not None else 1
                v_merge = props.find(f"{W}vMerge")
                merge = None if v_merge is None else v_merge.get(f"{W}val", "continue")
            column = len(row)
            cell = above.get(column, Cell("")) if merge == "continue" else _cell(tc, fonts)
            row.append(cell)
            row.extend(Cell("") for _ in range(span - 1))
            above[column] = cell
        rows.append(row)
    return rows


def _cell(tc, fonts: _StyleFonts) -> Cell:
    """A table cell (or one paragraph): its paragraphs joined by line breaks, each run with its font."""
    runs: list[tuple[str, str | None]] = []
    for p in tc.iter(f"{W}p"):
        style = p.find(f"{W}pPr/{W}pStyle")
        paragraph_font = fonts.font(style.get(f"{W}val") if style is not None else None) or fonts.default
        line = []
        for r in p.iter(f"{W}r"):
            rpr = r.find(f"{W}rPr")
            run_style = rpr.find(f"{W}rStyle") if rpr is not None else None
            font = _font_of(rpr) or (fonts.font(run_style.get(f"{W}val")) if run_style is not None else None)
            line.append((r.text or "", font or paragraph_font))
        if any(text.strip() for text, _ in line):
            runs += [("\n", None)] * bool(runs) + line
    return cell_from_runs(runs)
