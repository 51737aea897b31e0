"""Legacy Vietnamese encodings in old registers: detect them and convert cell text to NFC Unicode.

Excel registers of the 1990s–2000s hold Vietnamese in 8-bit *font encodings*: the cell shows Vietnamese
only because its font is a legacy font. openpyxl hands us a ``str`` whose characters are the bytes read
as Latin-1 / Windows-1252, so TCVN3 ``"NguyÔn"`` is "Nguyễn" and VNI ``"Nguyeãn"`` is "Nguyễn" too.

* :class:`Encoding` — the forms we meet: Unicode, TCVN3 (ABC, ``.VnTime``), VNI-Windows (``VNI-Times``),
  VISCII, VIQR (``Nguye^~n``), Windows-1258 (decomposed tones) and NFD Unicode.
* :func:`to_unicode` / :func:`from_unicode` — convert one cell's text; ``from_unicode`` is the exact
  inverse for Vietnamese letters, ASCII and whitespace (round trips are tested).
* :func:`detect` / :func:`convert` — decide the encoding from the cell's font name (the strongest
  signal) or, without one, from the text: each candidate decoding is scored by how much it looks like
  Vietnamese syllables, and genuine Unicode wins every tie.

The code tables are in :mod:`._legacy_tables`. Traps handled here: VNI mark codes are ordinary Latin-1
letters (``oà`` is ``ồ``), so VNI is decoded in one left-to-right pass over the longest codes (a chain of
``str.replace`` turns "Hoàng" into "Hồng"); the TCVN3 capital fonts (``.VnTimeH``) draw capitals at the
lower-case codes; VISCII puts six capitals on C0 control codes and ``ễ`` on the soft hyphen (0xAD).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

from . import _legacy_tables as tables
from .normalize import nfc, normalize_tones

__all__ = ["Detection", "Encoding", "convert", "detect", "from_bytes", "from_unicode", "prevailing", "to_unicode"]


class Encoding(StrEnum):
    """How the text of a cell is encoded (a ``str`` enum: ``Encoding("vni")`` works)."""

    UNICODE = "unicode"  #: precomposed Unicode (or plain ASCII): nothing to convert but NFC
    TCVN3 = "tcvn3"  #: TCVN 5712:1993 VN3, the "ABC" fonts .VnTime, .VnArial (capitals: .VnTimeH)
    VNI = "vni"  #: VNI-Windows fonts (VNI-Times ...): base letter + mark code
    VISCII = "viscii"  #: VISCII 1.1 (RFC 1456)
    VIQR = "viqr"  #: ASCII mnemonics after the vowel (RFC 1456): ``Nguye^~n``, ``DDu+'c``
    CP1258 = "cp1258"  #: Windows-1258: ă â ê ô ơ ư đ precomposed, tones as combining marks
    NFD = "nfd"  #: Unicode, but decomposed (macOS, some Excel files)


@dataclass(frozen=True)
class Detection:
    """The encoding :func:`detect` settled on.

    ``confidence`` is in 0..1: 1.0 when the font name decides, or when there is nothing to decide (ASCII
    text, characters that no legacy encoding produces); about 0.5 when two readings look equally
    Vietnamese (VNI ``Hoà`` is ``Hồ``). ``capitals`` is True for TCVN3 capital fonts (``.VnTimeH``), whose
    text must be converted with ``to_unicode(..., capitals=True)``.
    """

    encoding: Encoding
    confidence: float
    capitals: bool = False


# --- VIQR --------------------------------------------------------------------------------------------------
_VIQR_MARKS = frozenset("^(+`?~'.")
_VIQR_QUALITY_COMBINING = {mark: combining for combining, mark in tables.VIQR_QUALITY.items()}
_VIQR_QUALITY_VOWELS = {"^": "aeo", "(": "a", "+": "ou"}
_VIQR_TONE_INDEX = {mark: tone for tone, mark in enumerate(tables.VIQR_TONE) if mark}
_CONSONANT = "b-df-hj-np-tv-xz"  # ASCII consonants (y is a vowel)
_VIQR_TOKEN = re.compile(
    rf"""
    \\(?P<escaped>[\\^(+`?~'.dD])           # backslash keeps the next mark (or d, or backslash) literal
    | (?<![^\W\d_])                          # a word starts here: no letter before
      (?P<onset>[{_CONSONANT}]*+)
      (?P<nucleus>(?:[aeiouy][(^+]?+[`?~'.]?+)++)
      (?P<coda>[{_CONSONANT}]*+)
      (?![^\W\d_])                           # and ends here: no letter after
    """,
    re.VERBOSE | re.IGNORECASE,
)
_VIQR_GROUP = re.compile(r"([aeiouy])([(^+]?)([`?~'.]?)", re.IGNORECASE)


# --- conversion --------------------------------------------------------------------------------------------

def to_unicode(text: str, encoding: Encoding | str, *, capitals: bool = False) -> str:
    """Convert one cell's text from ``encoding`` to NFC Unicode (cleaned with :func:`~.normalize.nfc`).

    ``text`` is the cell as openpyxl/pandas read it: the legacy bytes as Latin-1 or Windows-1252
    characters. Characters that are not codes of the encoding pass through unchanged, so Unicode text
    survives being "converted" twice only where it holds no codes (use :func:`detect` first).

    * ``TCVN3``: ``"NguyÔn V¨n §øc"`` → ``"Nguyễn Văn Đức"``. With ``capitals=True`` (the ``…H`` fonts,
      ``.VnTimeH``, which draw every letter as a capital) the whole result is upper case:
      ``"NGUYÔN V¡N §øC"`` → ``"NGUYỄN VĂN ĐỨC"``.
    * ``VNI``: one left-to-right pass that takes a base letter and its mark code together (``"aø"`` → à,
      ``"oà"`` → ồ, ``"Ñöùc"`` → Đức), so ``"Hoaøng"`` is "Hoàng", never "Hồng".
    * ``VISCII``: one code per letter (including the C0 codes 0x02 0x05 0x06 0x14 0x19 0x1E).
    * ``VIQR``: see :func:`_decode_viqr` for the rules that keep ordinary punctuation.
    * ``CP1258``: either the bytes as Latin-1/Windows-1252 characters (``"NguyêÞn"``) or text already
      decoded with combining tone marks (``"Nguyê\\u0303n"``); both come back composed.
    * ``UNICODE`` and ``NFD``: only normalised.
    """
    return nfc(_decode(text, Encoding(encoding), capitals))


def _decode(text: str, encoding: Encoding, capitals: bool = False) -> str:
    """Decode without the clean-up of :func:`~.normalize.nfc` (which drops soft hyphens, VISCII's ``ễ``)."""
    if encoding is Encoding.TCVN3:
        decoded = "".join(tables.TCVN3_DECODE.get(ch, ch) for ch in text)
        if capitals:
            decoded = decoded.upper()
    elif encoding is Encoding.VNI:
        decoded = _decode_vni(text)
    elif encoding is Encoding.VISCII:
        decoded = "".join(tables.VISCII_DECODE.get(ch, ch) for ch in text)
    elif encoding is Encoding.VIQR:
        decoded = _decode_viqr(text)[0]
    elif encoding is Encoding.CP1258:
        decoded = text.translate(tables.CP1258_DECODE)
    else:
        decoded = text
    return decoded


def from_unicode(text: str, encoding: Encoding | str, *, capitals: bool = False) -> str:
    """Write Unicode ``text`` in a legacy ``encoding``, as a cell would hold it (the inverse of :func:`to_unicode`).

    Bytes are written as Excel shows them (Windows-1252 characters where defined, else Latin-1), which
    :func:`to_unicode` reads back along with the plain Latin-1 form. Whitespace is kept as it is.

    * ``TCVN3``: the normal fonts have no toned capitals (``Á``, ``Ễ`` ...) — a ``ValueError`` is raised for
      them. ``capitals=True`` writes for a capital font (``.VnTimeH``): toned capitals take the lower-case
      codes, and the text must not contain lower-case letters (they would show as capitals).
    * ``VNI``, ``VISCII``: every Vietnamese letter.
    * ``VIQR``: marks after the vowel, ``dd``/``DD`` for đ/Đ; a literal mark character that follows a letter
      or another mark, a backslash, and a ``d`` that would start ``dd`` are escaped with a backslash.
      The result reads back exactly for Vietnamese syllables (see :func:`_decode_viqr`).
    * ``CP1258``: precomposed where Windows-1258 has the letter, else base letter + combining tone code.
    * ``UNICODE``/``NFD``: NFC/NFD.

    Characters the encoding cannot hold (anything but ASCII and Vietnamese letters, for the 8-bit ones
    and VIQR) raise ``ValueError``.
    """
    encoding = Encoding(encoding)
    text = unicodedata.normalize("NFC", text)
    if encoding is Encoding.UNICODE:
        return text
    if encoding is Encoding.NFD:
        return unicodedata.normalize("NFD", text)
    if encoding is Encoding.VIQR:
        return _encode_viqr(text)
    if encoding is Encoding.CP1258:
        return "".join(_encode_cp1258(ch) for ch in text)
    if encoding is Encoding.TCVN3:
        return _encode_table(text, tables.TCVN3_ENCODE, encoding) if not capitals else _encode_tcvn3_capitals(text)
    if encoding is Encoding.VISCII and any(ch in tables.VISCII_CONTROLS for ch in text):
        raise ValueError("VISCII uses the control characters 0x02 0x05 0x06 0x14 0x19 0x1E for letters")
    return _encode_table(text, tables.VISCII_ENCODE if encoding is Encoding.VISCII else tables.VNI_ENCODE, encoding)


_CELL_CHARS = {byte: tables.cell_char(byte) for byte in range(256)}


def from_bytes(data: bytes) -> str:
    """Legacy 8-bit bytes (a CSV or text file in TCVN3, VNI, VISCII, CP1258 …) as the characters a spreadsheet
    cell holds for them (Windows-1252 where defined, else Latin-1): the form :func:`detect` and
    :func:`to_unicode` read. ``to_unicode(from_bytes(b), Encoding.CP1258)`` is ``b`` decoded as Windows-1258."""
    return data.decode("latin-1").translate(_CELL_CHARS)


def _unencodable(ch: str, encoding: Encoding) -> ValueError:
    return ValueError(f"{ch!r} (U+{ord(ch):04X}) cannot be written in {encoding.value}")


def _encode_table(text: str, table: dict[str, str], encoding: Encoding) -> str:
    out: list[str] = []
    for ch in text:
        if ch.isascii():
            out.append(ch)
        elif ch in table:
            out.append(table[ch])
        else:
            raise _unencodable(ch, encoding)
    return "".join(out)


def _encode_tcvn3_capitals(text: str) -> str:
    out: list[str] = []
    for ch in text:
        if ch != ch.upper():
            raise ValueError(f"{ch!r} is lower case: a TCVN3 capital font (.VnTimeH) shows only capitals")
        if ch.isascii():
            out.append(ch)
        elif ch in tables.TCVN3_CAPITALS:
            out.append(tables.cell_char(tables.TCVN3_CAPITALS[ch]))
        elif ch.lower() in tables.TCVN3_ENCODE:
            out.append(tables.TCVN3_ENCODE[ch.lower()])
        else:
            raise _unencodable(ch, Encoding.TCVN3)
    return "".join(out)


def _encode_cp1258(ch: str) -> str:
    candidates = [ch]
    decomposed = unicodedata.normalize("NFD", ch)
    tones = [mark for mark in decomposed if mark in tables.TONE_COMBINING[1:]]
    if tones:
        bare = unicodedata.normalize("NFC", "".join(mark for mark in decomposed if mark not in tones))
        candidates.append(bare + "".join(tones))
    for candidate in candidates:
        try:
            return "".join(tables.cell_char(byte) for byte in candidate.encode("cp1258"))
        except UnicodeEncodeError:
            continue
    raise _unencodable(ch, Encoding.CP1258)


def _decode_vni(text: str) -> str:
    """Decode VNI-Windows in one pass: at each position the two-character code if there is one, else one."""
    out: list[str] = []
    i, n = 0, len(text)
    while i < n:
        pair = text[i : i + 2]
        if len(pair) == 2 and pair in tables.VNI_DECODE:
            out.append(tables.VNI_DECODE[pair])
            i += 2
        else:
            out.append(tables.VNI_DECODE.get(text[i], text[i]))
            i += 1
    return "".join(out)


def _encode_viqr(text: str) -> str:
    out: list[str] = []
    prev = ""  # the last character written
    for i, ch in enumerate(text):
        if ch == "\\":
            piece = "\\\\"
        elif ch in _VIQR_MARKS:
            piece = "\\" + ch if prev in _VIQR_MARKS or (prev.isascii() and prev.isalpha()) else ch
        elif ch in "dD" and not prev.isalpha() and text[i + 1 : i + 2] in ("d", "D"):
            piece = "\\" + ch
        elif ch.isascii():
            piece = ch
        elif ch in tables.VIQR_ENCODE:
            piece = tables.VIQR_ENCODE[ch]
        else:
            raise _unencodable(ch, Encoding.VIQR)
        out.append(piece)
        prev = piece[-1]
    return "".join(out)


def _decode_viqr(text: str) -> tuple[str, int]:
    """Decode VIQR; return the text and the number of words decoded on strong evidence.

    Rules, applied word by word in one left-to-right pass (a word is a run of ASCII letters and marks
    between non-letters, shaped like consonants + vowels with marks + consonants):

    1. ``\\`` before a mark character, ``d``, ``D`` or ``\\`` yields that character literally.
    2. Marks count only directly after a vowel: the quality mark first (``^`` after a/e/o, ``(`` after a,
       ``+`` after o/u), then a tone mark: backtick (huyền), ``?`` (hỏi), ``~`` (ngã), ``'`` (sắc),
       ``.`` (nặng); one tone mark a word.
    3. ``dd``, ``DD``, ``Dd`` become đ/Đ only as a word's whole initial (word start, then a vowel).
    4. A word with a quality mark, a backtick or ``~``, or ``dd`` is always decoded ("Kro^ng" → "Krông").
       A word whose only mark is ``'``, ``?`` or ``.`` — the marks that double as punctuation — is decoded
       only if the result is a well-formed Vietnamese syllable: "Thi." → "Thị", "tha'ng" → "tháng", but
       "Cty." stays "Cty." and "e.g." stays "e.g.". A sentence's full stop after a vowel ("... ha.") is
       read as a dot below — write ``\\.`` for a literal one (the usual VIQR escape).
    """
    strong_words = 0

    def replace(match: re.Match[str]) -> str:
        nonlocal strong_words
        escaped = match.group("escaped")
        if escaped is not None:
            return escaped
        word, onset, coda = match.group(0), match.group("onset"), match.group("coda")
        groups = _VIQR_GROUP.findall(match.group("nucleus"))
        if sum(1 for _, _, tone in groups if tone) > 1:
            return word
        strong = False
        if onset.lower() == "dd":
            onset, strong = ("Đ" if onset[0] == "D" else "đ"), True
        vowels: list[str] = []
        mid_word_tone = False
        for position, (vowel, quality, tone) in enumerate(groups):
            if quality and vowel.lower() not in _VIQR_QUALITY_VOWELS[quality]:
                return word
            strong = strong or bool(quality) or tone in ("`", "~")
            mid_word_tone = mid_word_tone or bool(tone and (coda or position < len(groups) - 1))
            combining = _VIQR_QUALITY_COMBINING.get(quality, "")
            combining += tables.TONE_COMBINING[_VIQR_TONE_INDEX[tone]] if tone else ""
            vowels.append(unicodedata.normalize("NFC", vowel + combining))
        decoded = onset + "".join(vowels) + coda
        if decoded == word or not (strong or tables.is_syllable(decoded)):
            return word
        if strong or mid_word_tone:
            strong_words += 1
        return decoded

    return _VIQR_TOKEN.sub(replace, text), strong_words


# --- recognising Vietnamese --------------------------------------------------------------------------------

_WORD = re.compile(r"[^\W\d_]+")
_COMMON = frozenset(normalize_tones(syllable) for syllable in tables.COMMON_SYLLABLES)
# Non-letters at home in Vietnamese text: typographic punctuation and signs, the no-break space. Latin-1
# signs that are letters in TCVN3 (§ « » · ...) are not among them.
_NEUTRAL = frozenset("\u00a0°–—‘’“”…•€₫№")
_COMBINING_TONES = frozenset(tables.TONE_COMBINING[1:])
_COMBINING_QUALITY = frozenset(tables.VIQR_QUALITY)
_PRECOMPOSED_QUALITY = frozenset("ăâêôơưđĂÂÊÔƠƯĐ")


def _is_junk(ch: str) -> bool:
    """A character that Vietnamese text should not contain (leftovers of a wrong decoding)."""
    if ch.isascii():
        return ch < " " and ch not in "\t\n\r"
    return ch not in tables.VIETNAMESE_LETTERS and ch not in _NEUTRAL


@dataclass(frozen=True)
class _Reading:
    """One candidate decoding of a text, scored."""

    encoding: Encoding
    capitals: bool
    text: str
    validity: float  # (valid words − 2·invalid − 2·junk characters) / words
    common: float  # share of words that are common syllables
    share: float  # share of words that are well-formed syllables
    words: int


def _read(text: str, encoding: Encoding, capitals: bool = False) -> _Reading:
    decoded = unicodedata.normalize("NFC", _decode(text, encoding, capitals))
    words = _WORD.findall(decoded)
    valid = sum(1 for word in words if tables.is_syllable(word))
    junk = sum(1 for ch in decoded if _is_junk(ch))
    n = len(words)
    common = sum(1 for word in words if normalize_tones(word.lower()) in _COMMON)
    validity = (valid - 2 * (n - valid) - 2 * junk) / max(n, 1)
    return _Reading(encoding, capitals, nfc(decoded), validity, common / max(n, 1), valid / n if n else 1.0, n)


# Among legacy readings that score alike, the more widespread encoding wins.
_PRIORITY = {Encoding.TCVN3: 0, Encoding.VNI: 2, Encoding.VISCII: 3, Encoding.CP1258: 4, Encoding.VIQR: 5}


def _choose(text: str, candidates: Iterable[tuple[Encoding, bool]], *, evidence: int = 0,
            prefer: Encoding | None = None) -> Detection:
    """Pick the best reading; Unicode (the text as it is) wins unless a decoding is strictly better.

    ``evidence`` counts words that only the candidates explain (VIQR words with strong marks): with it, the
    candidates also win ties, and it adds to the confidence. A reading in the ``prefer`` encoding wins ties
    too, with Unicode and with the other readings.
    """
    unicode = _read(text, Encoding.UNICODE)
    readings = [reading for reading in (_read(text, enc, caps) for enc, caps in candidates)
                if reading.text != unicode.text]
    if not readings:
        return Detection(Encoding.UNICODE, 1.0)

    def rank(reading: _Reading) -> tuple[float, bool, float, float]:
        return (round(reading.validity, 9), reading.encoding is prefer, reading.common,
                -(_PRIORITY[reading.encoding] + reading.capitals))

    best = max(readings, key=rank)
    lead = best.validity - unicode.validity
    winner = best if lead > 1e-9 or ((evidence or best.encoding is prefer) and lead > -1e-9) else unicode
    rivals = [reading for reading in (unicode, *readings) if reading.text != winner.text]
    flipped_words = evidence if winner is best else 0.0
    if rivals:
        margin = winner.validity - max(reading.validity for reading in rivals)
        flipped_words += max(margin, 0.0) * max(winner.words, 1) / 3  # one word valid ↔ invalid moves 3/n
        certainty = 1 - 0.5 ** (1 + 2 * flipped_words)
    else:
        certainty = 1.0
    confidence = certainty * (0.5 + 0.5 * winner.share)
    return Detection(winner.encoding, round(min(confidence, 1.0), 3), winner.capitals)


def _detect_by_font(font: str, text: str) -> Detection | None:
    name = font.strip()
    lower = name.lower()
    if any(ch not in tables.BYTE_OF for ch in text):
        return None  # characters no 8-bit font encoding produces: Unicode text in a legacy font
    if lower.startswith(".vn"):
        return Detection(Encoding.TCVN3, 1.0, capitals=name.endswith("H"))
    if re.match(r"vni[-_ ]", lower):
        return Detection(Encoding.VNI, 1.0)
    if "viscii" in lower:
        return Detection(Encoding.VISCII, 1.0)
    if lower.startswith("vps"):
        # VPS fonts use the VPS encoding, close to VISCII but not the same: decode as VISCII, doubtfully.
        return Detection(Encoding.VISCII, 0.5)
    return None


def detect(text: str, *, font: str | None = None, prefer: Encoding | None = None) -> Detection:
    """Detect the encoding of one cell's text, using the cell's font name when there is one.

    Font names decide with confidence 1.0: ``.Vn…`` → TCVN3 (a name ending in ``H``, like ``.VnTimeH``,
    is a capital font: ``capitals=True``), ``VNI-…`` → VNI, ``…VISCII…`` → VISCII; ``VPS…`` → VISCII with
    confidence 0.5. Other fonts (Times New Roman, Arial …), no font, or text that cannot come from an
    8-bit font (characters beyond Latin-1/Windows-1252) → decided from the text:

    * empty or ASCII text → ``UNICODE`` 1.0, unless it holds VIQR marks on strong evidence (a quality mark,
      a backtick or ``~``, ``dd``, or a tone mark inside a word) and reads at least as well as VIQR;
    * combining marks → ``NFD`` (``CP1258`` when the marks follow precomposed ă â ê ô ơ ư), 1.0;
    * other characters beyond Latin-1/Windows-1252 (ơ ư đ ă ĩ ũ, U+1EA0–U+1EF9 …) → ``UNICODE`` 1.0;
    * otherwise every decoding is scored by the share of words that are well-formed Vietnamese syllables,
      minus leftover junk characters; genuine Unicode (``Hoàng``, ``à á``) keeps every tie, so a legacy
      encoding must read strictly better. Confidence falls to about 0.5 when another reading is as good
      (VNI ``Hoà`` is ``Hồ``; VNI ``Thò`` is ``Thị``): short cells are the ambiguous ones.

    ``prefer`` is the encoding the rest of the sheet is in (see :func:`prevailing`): a reading in it wins the
    ties that Unicode would otherwise keep, so short cells follow their sheet. ASCII text with VIQR marks is
    then read as VIQR on weak evidence too (``Ba' Nghi.`` → "Bá Nghị"). Fonts and certain cases still decide.
    """
    if font:
        by_font = _detect_by_font(font, text)
        if by_font is not None:
            return by_font
    if text.isascii():
        viqr, strong_words = _decode_viqr(text)
        if viqr == text or not (strong_words or prefer is Encoding.VIQR):
            return Detection(Encoding.UNICODE, 1.0)
        return _choose(text, [(Encoding.VIQR, False)], evidence=strong_words, prefer=prefer)
    if any(ch in _COMBINING_TONES or ch in _COMBINING_QUALITY for ch in text):
        return Detection(_decomposed_kind(text), 1.0)
    if any(ch not in tables.BYTE_OF for ch in text):
        return Detection(Encoding.UNICODE, 1.0)
    candidates = [(Encoding.TCVN3, False), (Encoding.VNI, False), (Encoding.VISCII, False), (Encoding.CP1258, False)]
    if not any(ch.isalpha() and not ch.isascii() for ch in text):
        candidates.append((Encoding.VIQR, False))  # VIQR letters are ASCII; punctuation may not be
    if not any("a" <= ch <= "z" for ch in text) and any(ch in tables.TCVN3_DECODE for ch in text):
        candidates.insert(1, (Encoding.TCVN3, True))  # all-capital text: maybe a .VnTimeH cell
    return _choose(text, candidates, prefer=prefer)


def _decomposed_kind(text: str) -> Encoding:
    """NFD, or CP1258 when tones are combined with precomposed ă â ê ô ơ ư (NFD would decompose those)."""
    if any(ch in _COMBINING_QUALITY for ch in text):
        return Encoding.NFD
    for prev, ch in zip(text, text[1:], strict=False):
        if ch in _COMBINING_TONES and prev in _PRECOMPOSED_QUALITY:
            return Encoding.CP1258
    return Encoding.NFD


def convert(text: str, *, font: str | None = None, prefer: Encoding | None = None) -> tuple[str, Detection]:
    """Detect the encoding of one cell (see :func:`detect`) and return its NFC Unicode text with the detection.

    ``convert("Nguyeãn Vaên Ñöùc")`` → ``("Nguyễn Văn Đức", Detection(VNI, …))``;
    ``convert("NGUYÔN V¡N §øC", font=".VnTimeH")`` → ``("NGUYỄN VĂN ĐỨC", Detection(TCVN3, 1.0, True))``.
    Unicode text comes back as :func:`~.normalize.nfc` made it. ``prefer``: see :func:`detect`.
    """
    detection = detect(text, font=font, prefer=prefer)
    return to_unicode(text, detection.encoding, capitals=detection.capitals), detection



def prevailing(cells: Iterable[tuple[str, str | None]]) -> Encoding | None:
    """The legacy encoding a sheet is typed in, from its cells as ``(text, font name)``; None when Unicode
    prevails or nothing tells. Pass it as ``prefer`` to :func:`detect` for the sheet's cells.

    Cells whose font decides their encoding do not take part (the other cells of a sheet that uses legacy fonts
    were typed otherwise, usually in Unicode). Of the rest, those that only Unicode explains (letters no 8-bit
    font encodes, NFD) count for Unicode; those that a legacy encoding may explain (Latin-1 letters, ASCII with
    VIQR marks, CP1258's combining tones) are read together as one text, which gives :func:`detect` the
    evidence a short cell lacks ("Hä vµ tªn" alone is as good TCVN3 as VISCII). A legacy encoding prevails when
    that text reads best in it and such cells outnumber the Unicode ones.
    """
    texts: list[str] = []
    unicode = 0
    for text, font in cells:
        if not text or (font and _detect_by_font(font, text) is not None):
            continue
        if any(ch in _COMBINING_TONES or ch in _COMBINING_QUALITY for ch in text):
            if _decomposed_kind(text) is Encoding.NFD:
                unicode += 1
            else:
                texts.append(text)
        elif any(ch not in tables.BYTE_OF for ch in text):
            unicode += 1
        elif not text.isascii() or _decode_viqr(text)[0] != text:
            texts.append(text)
    if len(texts) <= unicode:
        return None
    encoding = detect("\n".join(texts)).encoding
    return None if encoding in (Encoding.UNICODE, Encoding.NFD) else encoding
