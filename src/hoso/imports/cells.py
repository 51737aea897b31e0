"""What every register reader hands on: cells with their font, and the one error a file that is not a register
raises."""

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

from hoso.vntext import legacy


class RegisterFileError(ValueError):
    """The file cannot be read as a register; the message is Vietnamese and says why."""


@dataclass(frozen=True)
class Cell:
    """One cell as read: its text (legacy bytes as the characters Excel shows), its font name (the encoding's
    best clue), and `encoding` when the reader has already converted the text to Unicode (Word cells whose
    runs mix fonts), naming the encoding for the report."""

    text: str
    font: str | None = None
    formula_without_value: bool = False
    encoding: str | None = None


def cell_from_runs(runs: Iterable[tuple[str, str | None]]) -> Cell:
    """One cell from its runs of text, each with its font name (a Word cell, an .xls rich-text cell). Runs in one
    font make an ordinary cell; runs in several fonts (a TCVN3 name whose toned capital was typed in .VnTimeH,
    "Lª ThÞ " + "¸" + "nh") are converted run by run here and the cell is handed on in Unicode, `encoding`
    naming the encoding of most of its letters."""
    runs = [(text, font) for text, font in runs if text]
    fonts = {font for text, font in runs if text.strip()}
    if len(fonts) <= 1:
        return Cell("".join(text for text, _ in runs).strip(), next(iter(fonts), None))
    encodings: Counter[str] = Counter()
    pieces = []
    for text, font in runs:
        core = text.strip()
        if core:
            unicode, detection = legacy.convert(core, font=font)
            encodings[detection.encoding.name] += len(core)
            start = text.index(core)
            text = text[:start] + unicode + text[start + len(core):]  # the spaces between runs stay
        pieces.append(text)
    return Cell("".join(pieces).strip(), None, encoding=encodings.most_common(1)[0][0])
