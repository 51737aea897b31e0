"""Unicode normalisation, search folding and tone-mark placement for Vietnamese text.

Three traps drive this module (see docs "Vietnamese text: the traps"):

* text arrives as NFC or NFD (macOS, some Excel files), so everything is normalised to NFC on the way in;
* ``đ``/``Đ`` have no Unicode decomposition, so stripping combining marks leaves them: fold them explicitly;
* the tone mark of ``oa``/``oe``/``uy`` syllables is written in two places (``hoà`` and ``hòa``,
  ``thuỵ`` and ``thụy``); both spellings must match while the written form is kept.
"""

from __future__ import annotations

import re
import unicodedata

__all__ = ["TONE_MARKS", "fold", "nfc", "normalize_tones"]

#: The five Vietnamese tone marks as combining characters (NFD), mapped to their collation rank:
#: huyền (grave) 1, hỏi (hook above) 2, ngã (tilde) 3, sắc (acute) 4, nặng (dot below) 5.
#: Ngang (no mark) is rank 0.
TONE_MARKS: dict[str, int] = {"\u0300": 1, "\u0309": 2, "\u0303": 3, "\u0301": 4, "\u0323": 5}

# Invisible characters that sneak in from Word, web forms and OCR: zero-width space / non-joiner /
# joiner, word joiner, BOM, soft hyphen, Mongolian vowel separator.
_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad\u180e"))
_WHITESPACE = re.compile(r"\s+")
_NOT_ASCII_ALNUM = re.compile(r"[^a-z0-9]+")
# Letters that look like đ but are not U+0111 (Icelandic eth, as produced by some legacy converters).
_D_LIKE = str.maketrans({"đ": "d", "ð": "d"})

_VOWELS = frozenset("aăâeêioôơuưy")
_CONSONANTS = frozenset("bcdđghklmnpqrstvxfjwz")
_MARKED_VOWELS = frozenset("ăâêôơư")


def nfc(text: str) -> str:
    """Return ``text`` in NFC with invisible characters removed and whitespace collapsed.

    Zero-width characters, the BOM and soft hyphens are dropped; any run of whitespace (including
    non-breaking spaces, tabs and newlines) becomes one space; the ends are stripped. Use this on
    every piece of text that enters the system: ``nfc("Nguye\\u0302\\u0303n")`` equals ``"Nguyễn"``.
    """
    text = unicodedata.normalize("NFC", text.translate(_INVISIBLE))
    return _WHITESPACE.sub(" ", text).strip()


def fold(text: str) -> str:
    """Return the search form of ``text``: lower-case ASCII letters, digits and single spaces.

    Accents and tone marks are removed (``ệ`` → ``e``), ``đ``/``Đ`` become ``d`` (they have no Unicode
    decomposition), compatibility forms are unified (NFKD: full-width digits, ligatures), and every other
    character (punctuation, symbols, letters outside the Latin alphabet) becomes a word break.
    ``fold("Đường Thị Thuỵ")`` is ``"duong thi thuy"``; ``fold("Thúy") != fold("Thúi")``.
    """
    text = unicodedata.normalize("NFKD", text.translate(_INVISIBLE)).casefold()
    text = unicodedata.normalize("NFKD", text)
    text = "".join(ch for ch in text if unicodedata.category(ch) != "Mn").translate(_D_LIKE)
    return _NOT_ASCII_ALNUM.sub(" ", text).strip()


def normalize_tones(text: str) -> str:
    """Return ``text`` in NFC with each syllable's tone mark on one canonical vowel.

    The two spellings found in registers (``hoà``/``hòa``, ``thuỵ``/``thụy``, ``qũy``/``quỹ``,
    ``khoẻ``/``khỏe``, ``uý``/``úy``) become one: ``hòa``, ``thụy``, ``quỹ``, ``khỏe``, ``úy``. Sources
    disagree about which of the two is "old" and which is "new" style; this module follows the examples
    above. Letters, case and every other character are kept, so ``fold(normalize_tones(x)) == fold(x)``
    and the function is idempotent. Use it to compare words while keeping their accents.

    Rule for a syllable (initial consonants, vowel nucleus, final consonants; ``qu`` and ``gi`` before
    a vowel are initials):

    1. the tone goes on a vowel carrying a quality mark (ă â ê ô ơ ư), the last one if two (``ươ``);
    2. otherwise, when the syllable ends in a consonant, on the last vowel (``hoàng``, ``huỳnh``);
    3. otherwise on the penultimate vowel (``hòa``, ``mùa``, ``ngoài``, ``khuỷu``), or the only one.

    Words that are not one Vietnamese syllable (foreign words, several tone marks, a tone mark on a
    consonant) are returned unchanged apart from NFC.
    """
    clusters = _clusters(unicodedata.normalize("NFD", text))
    out: list[str] = []
    word: list[str] = []
    for cluster in clusters:
        if cluster[0].isalpha():
            word.append(cluster)
            continue
        if word:
            out.append(_retone_word(word))
            word = []
        out.append(cluster)
    if word:
        out.append(_retone_word(word))
    return unicodedata.normalize("NFC", "".join(out))


def _clusters(nfd: str) -> list[str]:
    """Split decomposed text into clusters: one starter followed by its combining marks."""
    clusters: list[str] = []
    for ch in nfd:
        if clusters and unicodedata.combining(ch):
            clusters[-1] += ch
        else:
            clusters.append(ch)
    return clusters


def _retone_word(clusters: list[str]) -> str:
    """Move the single tone mark of a word (a list of NFD clusters) to its canonical vowel."""
    unchanged = "".join(clusters)
    tones = [(i, mark) for i, cluster in enumerate(clusters) for mark in cluster[1:] if mark in TONE_MARKS]
    if len(tones) != 1:
        return unchanged
    position, mark = tones[0]
    bare = list(clusters)
    bare[position] = bare[position][0] + bare[position][1:].replace(mark, "")
    letters = [unicodedata.normalize("NFC", cluster).lower() for cluster in bare]
    if any(letter not in _VOWELS and letter not in _CONSONANTS for letter in letters):
        return unchanged
    if letters[position] not in _VOWELS:
        return unchanged
    target = _tone_position(letters)
    if target is None:
        return unchanged
    bare[target] += mark
    return "".join(bare)


def _tone_position(letters: list[str]) -> int | None:
    """Index of the vowel that carries the tone in a syllable of lower-case letters, or None.

    None means the letters are not shaped like one syllable (consonants, vowels, consonants).
    """
    n = len(letters)
    start = 0
    while start < n and letters[start] in _CONSONANTS:
        start += 1
    # "qu" + vowel and "gi" + vowel: the u / i belongs to the initial consonant.
    if start == 1 and n > 2 and letters[2] in _VOWELS and letters[:2] in (["q", "u"], ["g", "i"]):
        start = 2
    end = start
    while end < n and letters[end] in _VOWELS:
        end += 1
    if end == start or any(letter not in _CONSONANTS for letter in letters[end:]):
        return None
    marked = [i for i in range(start, end) if letters[i] in _MARKED_VOWELS]
    if marked:
        return marked[-1]
    if end < n or end - start == 1:
        return end - 1
    return end - 2
