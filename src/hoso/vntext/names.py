"""Vietnamese personal names: splitting into họ / chữ đệm / tên, and collation keys.

Lists of people are sorted by **tên** (given name), then **họ** (family name), then **chữ đệm**
(middle), in Vietnamese alphabet order with tones as a secondary difference, as CLDR/ICU ``vi`` does.
Plain ``sorted()`` on the names is wrong (it puts ``Đ`` after ``Z`` and ``Ă`` after ``Y``), so the
functions here build a *key string* that sorts correctly as plain text.

Key format (stable: stored in the database; change it only with a data migration):

* every letter or digit is one primary unit written as two base-32 characters (``0-9a-v``), its rank
  in :data:`COLLATION_ALPHABET` plus one: ``0`` → ``01``, ``a`` → ``0b``, ``đ`` → ``0i``, ``z`` → ``1b``;
* every word ends with ``00`` and every part (a whole text, or each of tên / họ / đệm) ends with
  another ``00``, so ``An`` < ``Anh`` and ``An`` < ``An Bình``;
* after all primaries comes one tone digit per word (``0`` ngang, ``1`` huyền, ``2`` hỏi, ``3`` ngã,
  ``4`` sắc, ``5`` nặng), in the same word order.

Only ``[0-9a-v]`` is used, so byte order (SQLite ``BINARY``, PostgreSQL ``"C"``) and locale orders that
ignore punctuation or case (PostgreSQL ``en_US.UTF-8``) all agree. Case is ignored; the tone of a word
is the first tone mark in it, so ``Hoà`` and ``Hòa`` get the same key.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

from .normalize import TONE_MARKS, fold, nfc

__all__ = [
    "COLLATION_ALPHABET",
    "COMPOUND_FAMILY_NAMES",
    "PersonName",
    "collation_key",
    "name_collation_key",
    "split_name",
]

#: Primary order: digits, then the Vietnamese alphabet with f, j, w, z in their Latin places.
COLLATION_ALPHABET = "0123456789aăâbcdđeêfghijklmnoôơpqrstuưvwxyz"

#: Folded two-word family names (họ kép) kept together by :func:`split_name` when a name has at least
#: three words. Only well-known ones: "Nguyễn Phúc" is also an ordinary họ + chữ đệm, so a few
#: "Nguyễn Phúc X" names of ordinary families are split as royal ones; sorting by tên is unaffected.
COMPOUND_FAMILY_NAMES: frozenset[str] = frozenset({"ton that", "ton nu", "au duong", "nguyen phuc"})

_BASE32 = "0123456789abcdefghijklmnopqrstuv"
_CODES = {ch: _BASE32[(i + 1) // 32] + _BASE32[(i + 1) % 32] for i, ch in enumerate(COLLATION_ALPHABET)}
_TERMINATOR = "00"
# (base letter, quality mark) → Vietnamese letter; the quality marks are breve, circumflex and horn.
_QUALITY = {
    ("a", "\u0306"): "ă", ("a", "\u0302"): "â", ("e", "\u0302"): "ê",
    ("o", "\u0302"): "ô", ("o", "\u031b"): "ơ", ("u", "\u031b"): "ư",
}
_D_LIKE = {"ð": "đ"}  # eth, produced for Đ by some legacy converters
_BASE_UNITS = frozenset("0123456789abcdefghijklmnopqrstuvwxyzđ")


@dataclass(frozen=True)
class PersonName:
    """A name split into họ (``family``), chữ đệm (``middle``, may be several words) and tên (``given``)."""

    family: str
    middle: str
    given: str

    @property
    def full(self) -> str:
        """The name in Vietnamese order, "họ đệm tên", skipping empty parts."""
        return " ".join(part for part in (self.family, self.middle, self.given) if part)


def _title(word: str) -> str:
    """Vietnamese title case of one word: first letter upper, the rest lower (``đỗ`` → ``Đỗ``)."""
    for i, ch in enumerate(word):
        if ch.isalpha():
            return word[:i].lower() + ch.upper() + word[i + 1:].lower()
    return word


def split_name(full_name: str) -> PersonName:
    """Split a full name into họ, chữ đệm and tên, in Vietnamese title case.

    The first word is the họ, the last is the tên, the words between are the chữ đệm; a single word is a
    tên only. A two-word họ from :data:`COMPOUND_FAMILY_NAMES` (Tôn Thất, Tôn Nữ, Âu Dương, Nguyễn Phúc)
    is kept whole when the name has at least three words. The input is normalised with :func:`nfc`, so
    NFD input and stray spaces are fine: ``split_name(" nguyễn  văn đức ")`` is
    ``PersonName("Nguyễn", "Văn", "Đức")``.
    """
    words = [_title(word) for word in nfc(full_name).split(" ") if word]
    if not words:
        return PersonName("", "", "")
    if len(words) == 1:
        return PersonName("", "", words[0])
    family_size = 2 if len(words) >= 3 and fold(" ".join(words[:2])) in COMPOUND_FAMILY_NAMES else 1
    return PersonName(
        family=" ".join(words[:family_size]),
        middle=" ".join(words[family_size:-1]),
        given=words[-1],
    )


def _words(text: str) -> list[tuple[str, int]]:
    """Split text into collation words: (primary codes, tone rank of the word).

    A word is a maximal run of letters and digits; every other character separates words. Letters
    outside the Latin/Vietnamese alphabet are treated as separators too.
    """
    decomposed = unicodedata.normalize("NFD", unicodedata.normalize("NFD", text).lower())
    words: list[tuple[str, int]] = []
    codes: list[str] = []
    base = ""  # the base letter of the last unit, to combine it with a breve, circumflex or horn
    tone = 0
    for ch in decomposed:
        if unicodedata.combining(ch):
            if not codes:
                continue
            if ch in TONE_MARKS:
                tone = tone or TONE_MARKS[ch]
            elif (base, ch) in _QUALITY and codes[-1] == _CODES[base]:
                codes[-1] = _CODES[_QUALITY[base, ch]]
            continue
        base = _D_LIKE.get(ch, ch)
        if base in _BASE_UNITS:
            codes.append(_CODES[base])
            continue
        if codes:
            words.append(("".join(codes), tone))
        codes, tone = [], 0
    if codes:
        words.append(("".join(codes), tone))
    return words


def _encode(words: list[tuple[str, int]]) -> tuple[str, str]:
    """The primary part (words and the part terminated) and the tone digits of a list of words."""
    primary = "".join(codes + _TERMINATOR for codes, _ in words) + _TERMINATOR
    return primary, "".join(str(tone) for _, tone in words)


def collation_key(text: str) -> str:
    """Return a sort key for ``text`` in Vietnamese alphabetical order (see the module docstring).

    Digits sort before letters (digit by digit, not numerically); ``a < ă < â``, ``d < đ``, ``e < ê``,
    ``o < ô < ơ``, ``u < ư``; tones (ngang < huyền < hỏi < ngã < sắc < nặng) decide only between texts
    whose letters are all equal; case is ignored. ``collation_key("Anh") < collation_key("Ăn")``.
    """
    primary, tones = _encode(_words(text))
    return primary + tones


def name_collation_key(name: PersonName) -> str:
    """Return a sort key for a person: by tên, then họ, then chữ đệm, as Vietnamese lists are sorted.

    Primaries of the three parts come first, then the tone digits in the same order, so
    "Nguyễn Văn An" < "Trần Thị An" < "Lê Bình".
    """
    encoded = [_encode(_words(part)) for part in (name.given, name.family, name.middle)]
    return "".join(primary for primary, _ in encoded) + "".join(tones for _, tones in encoded)
