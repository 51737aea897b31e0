"""Code tables for the legacy Vietnamese encodings, and the syllable rules used to recognise Vietnamese.

Private to :mod:`hoso.vntext.legacy`. The first part holds the tables as written down; the second derives
the encoding and decoding maps from them (so both directions always agree); the last checks whether a
word is shaped like a Vietnamese syllable. Every table is laid out in one canonical order so that it can be
read against the others: the twelve vowels ``a ă â e ê i o ô ơ u ư y`` (:data:`VOWEL_BASES`), each with
its six tones in the order ngang, huyền (grave), hỏi (hook above), ngã (tilde), sắc (acute), nặng (dot
below) — the order of :data:`TONE_COMBINING`. Byte tables are written as hexadecimal, one row per vowel.

Legacy text reaches us as a ``str`` whose characters are the byte values read as Latin-1 (or, for bytes
0x80–0x9F, as Windows-1252): byte 0xD4 is ``"Ô"``.
"""

from __future__ import annotations

import unicodedata
from functools import lru_cache

#: The twelve Vietnamese vowel letters, the rows of every table below.
VOWEL_BASES = "aăâeêioôơuưy"

#: Combining marks for the six tones, in table column order (ngang has none).
TONE_COMBINING = ("", "\u0300", "\u0309", "\u0303", "\u0301", "\u0323")

#: Tone indexes used throughout: 0 ngang, 1 huyền, 2 hỏi, 3 ngã, 4 sắc, 5 nặng.
TONE_ACUTE = 4
TONE_DOT = 5


def _rows(base: str) -> list[str]:
    return [unicodedata.normalize("NFC", base + mark) for mark in TONE_COMBINING]


#: VIETNAMESE_VOWELS[i][t]: lower-case vowel ``VOWEL_BASES[i]`` with tone ``t``.
VIETNAMESE_VOWELS: tuple[tuple[str, ...], ...] = tuple(tuple(_rows(base)) for base in VOWEL_BASES)


def _hex_rows(table: str) -> list[list[int]]:
    return [[int(code, 16) for code in line.split()] for line in table.strip().splitlines()]


# --- TCVN3 (TCVN 5712:1993 "VN3", the ABC fonts .VnTime, .VnArial ...) -----------------------------------
# Lower-case letters only: the normal fonts have no capitals with a tone mark. The capital (H) fonts
# (.VnTimeH ...) draw capitals at the lower-case codes; 0xA1-0xA7 are capitals in both kinds of font.
TCVN3_LOWER = _hex_rows("""
    61 B5 B6 B7 B8 B9
    A8 BB BC BD BE C6
    A9 C7 C8 C9 CA CB
    65 CC CE CF D0 D1
    AA D2 D3 D4 D5 D6
    69 D7 D8 DC DD DE
    6F DF E1 E2 E3 E4
    AB E5 E6 E7 E8 E9
    AC EA EB EC ED EE
    75 EF F1 F2 F3 F4
    AD F5 F6 F7 F8 F9
    79 FA FB FC FD FE
""")
TCVN3_SMALL_D = 0xAE
#: The seven capitals every TCVN3 font has.
TCVN3_CAPITALS = {"Ă": 0xA1, "Â": 0xA2, "Ê": 0xA3, "Ô": 0xA4, "Ơ": 0xA5, "Ư": 0xA6, "Đ": 0xA7}

# --- VISCII 1.1 (RFC 1456) ----------------------------------------------------------------------------------
# All 134 letters; six capitals sit on C0 control codes (0x02 0x05 0x06 0x14 0x19 0x1E).
VISCII_LOWER = _hex_rows("""
    61 E0 E4 E3 E1 D5
    E5 A2 C6 C7 A1 A3
    E2 A5 A6 E7 A4 A7
    65 E8 EB A8 E9 A9
    EA AB AC AD AA AE
    69 EC EF EE ED B8
    6F F2 F6 F5 F3 F7
    F4 B0 B1 B2 AF B5
    BD B6 B7 DE BE FE
    75 F9 FC FB FA F8
    DF D7 D8 E6 D1 F1
    79 CF D6 DB FD DC
""")
VISCII_UPPER = _hex_rows("""
    41 C0 C4 C3 C1 80
    C5 82 02 05 81 83
    C2 85 86 06 84 87
    45 C8 CB 88 C9 89
    CA 8B 8C 8D 8A 8E
    49 CC 9B CE CD 98
    4F D2 99 A0 D3 9A
    D4 90 91 92 8F 93
    B4 96 97 B3 95 94
    55 D9 9C 9D DA 9E
    BF BB BC FF BA B9
    59 9F 14 19 DD 1E
""")
VISCII_SMALL_D = 0xF0
VISCII_CAPITAL_D = 0xD0

# --- VNI-Windows (VNI-Times, VNI-Helve ...) -----------------------------------------------------------------
# A base letter followed by one mark code; a few letters are a single code. Columns: the six tones.
# Capitals use the upper-case forms of the same codes ("AÙ" is "Á").
VNI_TONE = "\0øûõùï"  # after a e o u y and the ơ / ư codes
VNI_CIRCUMFLEX = "âàåãáä"  # â ê ô with each tone
VNI_BREVE = "êèúüéë"  # ă with each tone
VNI_I = "iìæóíò"  # i with each tone: single codes
VNI_SMALL_Y_DOT = "î"  # ỵ: a single code
VNI_HORN = {"o": "ô", "u": "ö"}  # ơ and ư: single codes that may take a tone code after them
VNI_SMALL_D = "ñ"

# --- VIQR (RFC 1456): ASCII mnemonics written after the vowel -------------------------------------------------
VIQR_QUALITY = {"\u0306": "(", "\u0302": "^", "\u031b": "+"}
VIQR_TONE = ("", "`", "?", "~", "'", ".")

# --- Vietnamese syllable structure (lower case, without tone marks) ---------------------------------------------
ONSETS = frozenset(
    "b c ch d đ g gh gi h k kh l m n ng ngh nh p ph qu r s t th tr v x".split()
) | {""}
CODAS = frozenset("c ch m n ng nh p t".split()) | {""}
STOP_CODAS = frozenset("c ch p t".split())
#: Vowel nuclei that end a syllable (no final consonant).
OPEN_NUCLEI = frozenset(
    "a e ê i o ô ơ u ư y oa oe uê uy ai ao au ay âu ây eo êu ia iu oi ôi ơi ua ui ưa ưi ưu uơ "
    "iêu yêu oai oay oao oeo uây uôi ươi ươu uya uyu".split()
)
#: Vowel nuclei followed by a final consonant.
CLOSED_NUCLEI = frozenset("a ă â e ê i o ô ơ u ư y oa oă oe uâ uê uy iê yê uô ươ uyê oo".split())
#: Finals allowed after the nuclei that take only a few (other closed nuclei take any final, within the
#: two rules below).
NUCLEUS_FINALS = {
    "oe": frozenset("n t".split()),
    "uê": frozenset("nh ch".split()),
    "uy": frozenset("n t nh ch".split()),
    "uyê": frozenset("n t".split()),
    "uâ": frozenset("n t ng".split()),
    "oo": frozenset("ng c".split()),
}
#: Only these nuclei take the finals -nh and -ch (anh, ênh, inh, oanh, uênh, uynh; ach ...).
PALATAL_FINAL_NUCLEI = frozenset("a ê i y oa uê uy".split())
#: These nuclei never take the finals -ng and -c.
NO_VELAR_FINAL_NUCLEI = frozenset("i ê y uy uê ơ".split())

#: Common syllables of names, places and register vocabulary: a tie-breaker between two decodings that
#: both look Vietnamese. Tone placement is normalised before the lookup.
COMMON_SYLLABLES = frozenset("""
    nguyễn trần lê phạm hoàng huỳnh phan vũ võ đặng bùi đỗ hồ ngô dương lý đào đoàn vương trịnh trương
    lâm mai lưu cao tôn tạ châu quách thái hà la kiều đinh chu mạc lương tăng triệu phùng khổng từ hứa
    văn thị hữu đức công quang minh ngọc thanh xuân hồng kim đình bá duy tiến trọng quốc như diệu
    an anh ân bảo bích bình cầm chi chiến cúc cường dân diệp dũng dung đạt điệp đông giang giáp hải hạnh
    hằng hiền hiếu hiệp hoa hòa hoài hội huệ hùng hưng hương hường huy khải khánh khoa lan liên liễu
    linh loan long lộc luân lực mạnh mến my mỹ nam nga nghĩa ngân nhân nhung oanh phát phong phú phúc
    phụng phương phượng quân quế quý quyên quyền quỳnh sáu sinh sơn sương tài tâm tân tấn thạch thắm
    thắng thành thảo thiện thịnh thơ thu thuận thủy thúy thư thương tiên toàn toản trâm trang trí trung
    tú tuấn tùng tuyển tuyết tư tường uyên vân việt vinh vĩnh xuyến yến ý gấm sửu tý dần mão tỵ
    quảng trị phong lăng gio linh đông hướng hóa đa krông cam lộ cồn cỏ huế nội sài gòn bắc trung nam
    xã huyện tỉnh thôn làng phường ấp thành phố thị trấn khu phố đội tổ bản
    liệt sĩ thương binh bệnh người có công hồ sơ năm tháng ngày sinh chết hy sinh mẹ cha con vợ chồng
    ông bà anh chị em cháu quê quán trú tại nhập ngũ đơn vị cấp bậc chức vụ trận mộ nghĩa trang
    họ và tên số mã ghi chú bí danh giới tính dân tộc nguyên nơi ở hiện nay loại đối tượng diện tỷ lệ tật
    quyết định bằng tổ quốc đệm chữ khác gốc danh sách sổ theo dõi sở nội vụ lao động xã hội ủy ban
""".split())


# === derived maps ===========================================================================================
# --- the cell view of bytes --------------------------------------------------------------------------------
# A legacy byte b reaches us as chr(b) (Latin-1) or, for 0x80-0x9F, as its Windows-1252 character.

def cell_chars(byte: int) -> tuple[str, ...]:
    """The characters a legacy byte may appear as in a cell: Windows-1252 first, then Latin-1."""
    try:
        windows = bytes([byte]).decode("cp1252")
    except UnicodeDecodeError:
        return (chr(byte),)
    return (windows, chr(byte)) if windows != chr(byte) else (windows,)


BYTE_OF: dict[str, int] = {ch: byte for byte in range(256) for ch in cell_chars(byte)}


def cell_char(byte: int) -> str:
    """How ``legacy.from_unicode`` writes a legacy byte: as Excel shows it (Windows-1252, else Latin-1)."""
    return cell_chars(byte)[0]


# --- letters ------------------------------------------------------------------------------------------------
# VOWEL[letter] = (row in the tables, tone) for the 72 lower-case toned vowels.
VOWEL: dict[str, tuple[int, int]] = {
    letter: (row, tone)
    for row, letters in enumerate(VIETNAMESE_VOWELS)
    for tone, letter in enumerate(letters)
}
_LOWER_LETTERS = tuple(VOWEL) + tuple("bcdđfghjklmnpqrstvwxz")
#: Every Vietnamese letter, both cases (134 accented ones plus the ASCII letters and đ/Đ).
VIETNAMESE_LETTERS = frozenset(_LOWER_LETTERS) | frozenset(ch.upper() for ch in _LOWER_LETTERS)
_ACCENTED = tuple(sorted(ch for ch in VIETNAMESE_LETTERS if not ch.isascii()))
# Base letter (lower case, tone removed) and tone of every lower-case letter, for the syllable parser.
_BASE_AND_TONE: dict[str, tuple[str, int]] = {ch: (ch, 0) for ch in "bcdđfghjklmnpqrstvwxz"}
_BASE_AND_TONE.update({ch: (VOWEL_BASES[row], tone) for ch, (row, tone) in VOWEL.items()})


def _invert(table: dict[str, str]) -> dict[str, str]:
    """Decoding table: every legacy code (in each of its cell forms) → letter; identities dropped."""
    inverse: dict[str, str] = {}
    for letter, code in table.items():
        if code == letter:
            continue
        forms = [code] if len(code) > 1 else list(cell_chars(BYTE_OF[code]))
        for form in forms:
            inverse[form] = letter
    return inverse


# TCVN3: lower-case letters and the seven capitals Ă Â Ê Ô Ơ Ư Đ.
TCVN3_ENCODE: dict[str, str] = {
    letter: cell_char(TCVN3_LOWER[row][tone]) for letter, (row, tone) in VOWEL.items()
}
TCVN3_ENCODE["đ"] = cell_char(TCVN3_SMALL_D)
TCVN3_ENCODE.update({letter: cell_char(byte) for letter, byte in TCVN3_CAPITALS.items()})
TCVN3_DECODE = _invert(TCVN3_ENCODE)

# VISCII: all letters.
VISCII_ENCODE: dict[str, str] = {
    letter: cell_char(VISCII_LOWER[row][tone]) for letter, (row, tone) in VOWEL.items()
}
VISCII_ENCODE.update(
    {letter.upper(): cell_char(VISCII_UPPER[row][tone]) for letter, (row, tone) in VOWEL.items()}
)
VISCII_ENCODE["đ"] = cell_char(VISCII_SMALL_D)
VISCII_ENCODE["Đ"] = cell_char(VISCII_CAPITAL_D)
VISCII_DECODE = _invert(VISCII_ENCODE)
# Control characters that VISCII uses for capitals: a text containing them cannot be written in VISCII.
VISCII_CONTROLS = frozenset(code for code in VISCII_ENCODE.values() if ord(code) < 0x20)


def _vni_code(letter: str) -> str:
    """The VNI-Windows code of one Vietnamese letter (one or two characters)."""
    lower = letter.lower()
    if lower == "đ":
        code = VNI_SMALL_D
    else:
        row, tone = VOWEL[lower]
        base = VOWEL_BASES[row]
        plain = unicodedata.normalize("NFD", base)[0]
        tone_code = VNI_TONE[tone] if tone else ""
        if base == "i":
            code = VNI_I[tone]
        elif base == "y" and tone == TONE_DOT:
            code = VNI_SMALL_Y_DOT
        elif base in "ơư":
            code = VNI_HORN[plain] + tone_code
        elif base in "âêô":
            code = plain + VNI_CIRCUMFLEX[tone]
        elif base == "ă":
            code = plain + VNI_BREVE[tone]
        else:
            code = base + tone_code
    return code.upper() if letter != lower else code


VNI_ENCODE = {letter: _vni_code(letter) for letter in _ACCENTED}
VNI_DECODE = _invert(VNI_ENCODE)  # two-character codes and single codes in one table


def _viqr_code(letter: str) -> str:
    """The VIQR spelling of one letter: ASCII base, quality mark, tone mark (``ấ`` → ``a^'``)."""
    if letter in "đĐ":
        return "dd" if letter == "đ" else "DD"
    decomposed = unicodedata.normalize("NFD", letter)
    marks = decomposed[1:]
    quality = "".join(VIQR_QUALITY[mark] for mark in marks if mark in VIQR_QUALITY)
    tone = "".join(VIQR_TONE[TONE_COMBINING.index(mark)] for mark in marks
                   if mark in TONE_COMBINING[1:])
    return decomposed[0] + quality + tone


VIQR_ENCODE = {letter: _viqr_code(letter) for letter in _ACCENTED}


def _cp1258_table() -> dict[int, str]:
    """Characters of the cell view whose byte means something else in Windows-1258 → that meaning."""
    table: dict[int, str] = {}
    for char, byte in BYTE_OF.items():
        try:
            decoded = bytes([byte]).decode("cp1258")
        except UnicodeDecodeError:
            continue
        if decoded != char:
            table[ord(char)] = decoded
    return table


CP1258_DECODE = _cp1258_table()


# --- syllables -------------------------------------------------------------------------------------------------------

@lru_cache(maxsize=65536)
def is_syllable(word: str) -> bool:
    """True if ``word`` (letters only, NFC) is shaped like one Vietnamese syllable.

    Checks case (lower, upper or title), at most one tone mark, an initial from the Vietnamese set, a
    vowel nucleus and final that go together (``-nh``/``-ch`` only after a ê i y oa uê uy; ``-ng``/``-c``
    never after i ê y uy uê ơ; ă â iê uô ươ ... need a final; ai ao ưu ... take none) and, after ``-p -t
    -c -ch``, only the sắc or nặng tone. Both tone placements (``hoà``/``hòa``) pass.
    """
    if not (word.islower() or word.isupper() or word.istitle()):
        return False
    bases: list[str] = []
    tone = 0
    for ch in word.lower():
        info = _BASE_AND_TONE.get(ch)
        if info is None:
            return False
        bases.append(info[0])
        if info[1]:
            if tone:
                return False
            tone = info[1]
    letters = "".join(bases)
    return any(
        _rime_ok(letters[len(onset) :], tone, onset)
        for onset in _ONSETS_BY_LENGTH
        if letters.startswith(onset)
    )


_ONSETS_BY_LENGTH = sorted(ONSETS, key=len, reverse=True)
_VOWEL_BASES = frozenset(VOWEL_BASES)


def _rime_ok(rime: str, tone: int, onset: str) -> bool:
    end = 0
    while end < len(rime) and rime[end] in _VOWEL_BASES:
        end += 1
    nucleus, coda = rime[:end], rime[end:]
    if not nucleus or coda not in CODAS:
        return False
    if onset in ("qu", "gi") and nucleus[0] == onset[1]:
        return False
    if not coda:
        return nucleus in OPEN_NUCLEI
    if nucleus not in CLOSED_NUCLEI:
        return False
    if coda in ("nh", "ch") and nucleus not in PALATAL_FINAL_NUCLEI:
        return False
    if coda in ("ng", "c") and nucleus in NO_VELAR_FINAL_NUCLEI:
        return False
    allowed = NUCLEUS_FINALS.get(nucleus)
    if allowed is not None and coda not in allowed:
        return False
    return coda not in STOP_CODAS or tone in (TONE_ACUTE, TONE_DOT)
