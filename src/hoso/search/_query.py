"""Understanding a desk query: years, dossier numbers, quoted phrases, filler words, spelling variants.

Pure Python (vntext only). `parse_query("ong Nguyen Van Duc, sinh khoang 1950, que Trieu Phong")` gives
the name/place terms, a birth-year range 1948–1952 and the filler words that must not be required.
"""

import re
from dataclasses import dataclass, field
from functools import lru_cache

from hoso.vntext import PartialDate, fold, nfc, normalize_tones

MAX_QUERY_LENGTH = 300
YEAR_MIN, YEAR_MAX = 1800, 2100
# Words a person says at the desk that are not part of a name or place: optional in the search.
# Words that frame a desk query rather than name anyone. They are context-bound, because most are also name
# syllables (Tâm, Nam, Quế, Tài, Phương…): honorifics only as the first word, year words only just before a year,
# place markers only before a word that is not a year, the pairs only as pairs. Fillers are never required (unless
# the query has nothing else); they still count where they match the person's name.
HONORIFICS = frozenset({"ong", "ba", "cu", "anh", "chi", "me", "bac", "chu", "co", "di", "em"})
PLACE_MARKERS = frozenset({"que", "o", "tai", "xa", "huyen", "tinh", "thon", "lang", "xom", "ap", "phuong", "tp",
                           "nguyen quan", "tru quan"})
# Abbreviated place levels ("TX Quảng Trị", "H. Hải Lăng", "X. Triệu Long"): optional before a place, like the place
# markers. They are also initials of names (X for Xuân, H for Hữu), so, like every optional word, they still count
# where they begin a word of the person's name.
PLACE_ABBREVIATIONS = frozenset({"tp", "tx", "tt", "x", "h", "p", "q"})
VOWELS = frozenset("aeiouy")
FILLER_PAIRS = frozenset({("liet", "si"), ("thuong", "binh"), ("benh", "binh"), ("ho", "so"), ("thi", "tran"),
                          ("thanh", "pho"), ("thi", "xa"), ("nguyen", "quan"), ("tru", "quan"), ("me", "vnah")})
YEAR_WORDS = frozenset({"sinh", "nam", "hy", "hi", "mat", "chet", "tu", "tran", "khoang", "tam", "chung", "ca",
                        "vao", "luc", "trong"})
APPROX = frozenset({"khoang", "tam", "chung", "~", "ca", "c"})
YEAR_SLACK = 2


@dataclass(frozen=True)
class Term:
    """One query word: its folded form, what was typed (accents kept), and whether it is required."""

    folded: str
    typed: str
    required: bool = True
    phrase: int | None = None  # index of the quoted phrase it belongs to

    @property
    def accented(self) -> bool:
        return self.typed != self.folded

    @property
    def abbreviation(self) -> bool:
        """An initial or abbreviated syllable ("Ng." for Nguyễn, "V." for Văn, "Th" for Thị): letters without a vowel,
        which no Vietnamese syllable is; it matches the name words it begins."""
        return is_abbreviation(self.folded)


@dataclass
class Query:
    text: str
    terms: list[Term] = field(default_factory=list)
    birth_years: tuple[int, int] | None = None
    death_years: tuple[int, int] | None = None
    any_years: tuple[int, int] | None = None  # a bare year: birth or death
    number_text: str | None = None
    phrases: list[list[str]] = field(default_factory=list)

    @property
    def required(self) -> list[Term]:
        return [t for t in self.terms if t.required]

    @property
    def empty(self) -> bool:
        return not self.terms and not (self.birth_years or self.death_years or self.any_years)


# A relative's years, as words of the index's `relatives` field right after their name: "pham van hiep ns1949" (năm
# sinh), "… nm1972" (năm mất), and the same bound to the given name, "hiepns1949": a query's year then finds a
# dossier through a relative born or dead that year (the entry's own years are columns, filtered in SQL), and the
# bound word, rare, leads the full-text match to the few such relatives fast. Letters and digits together: no name,
# place or typed word is one.
BIRTH_MARK, DEATH_MARK = "ns", "nm"


def year_words(birth: int | None, death: int | None, given: str = "") -> list[str]:
    """The words of a person's known years; with `given` (a folded word), also those bound to it."""
    words = [f"{mark}{year}" for mark, year in ((BIRTH_MARK, birth), (DEATH_MARK, death)) if year]
    return [*words, *(f"{given}{w}" for w in words)] if given else words


def query_year_words(query: Query) -> list[str]:
    """The year words a relative must hold to match the query's years ([] for a query without years)."""
    words: dict[str, None] = {}
    for span, marks in ((query.birth_years, (BIRTH_MARK,)), (query.death_years, (DEATH_MARK,)),
                        (query.any_years, (BIRTH_MARK, DEATH_MARK))):
        if span:
            for year in range(span[0], span[1] + 1):
                words.update((f"{mark}{year}", None) for mark in marks)
    return list(words)


# The person's own years in the index (in "other", _documents.own_year_words): a narrowing word the full-text
# index can intersect with common name words, where the year columns alone cannot (retrieve's all-fields pass).
OWN_BIRTH_MARK, OWN_DEATH_MARK = "yb", "yd"
WIDE = "x"  # an approximate year wider than WIDE_SPAN years: one word, looked for with every year
WIDE_SPAN = 12
LONG_QUERY_SPAN = 30  # a query's span of years wider than this is not narrowed by words (too many of them)


def own_year_words(birth: PartialDate | None, death: PartialDate | None) -> list[str]:
    """The index words of a person's own birth and death years: one per year the date can mean (an approximate date
    over at most WIDE_SPAN years), or the WIDE word."""
    words = []
    for mark, value in ((OWN_BIRTH_MARK, birth), (OWN_DEATH_MARK, death)):
        if value is None:
            continue
        low, high = value.year_range()
        words += [f"{mark}{WIDE}"] if high - low > WIDE_SPAN else [f"{mark}{y}" for y in range(low, high + 1)]
    return words


def query_own_year_groups(query: Query) -> list[list[str]]:
    """Word groups (any word of each) that every entry the query's years admit holds (`own_year_words`), one per
    span of years in the query; [] when it has none, or a span too wide to be worth it."""
    groups = []
    for span, marks in ((query.birth_years, (OWN_BIRTH_MARK,)), (query.death_years, (OWN_DEATH_MARK,)),
                        (query.any_years, (OWN_BIRTH_MARK, OWN_DEATH_MARK))):
        if span:
            if span[1] - span[0] > LONG_QUERY_SPAN:
                continue
            groups.append([f"{mark}{y}" for mark in marks for y in [*range(span[0], span[1] + 1)]]
                          + [f"{mark}{WIDE}" for mark in marks])
    return groups


_TOKEN = re.compile(r'"[^"]*"?|~|[^\s,;.:!?()\[\]{}<>/\\|"~]+')
_YEAR = re.compile(r"^(1[89]\d\d|20\d\d)$")


def is_abbreviation(word: str) -> bool:
    return 0 < len(word) <= 3 and word.isascii() and word.isalpha() and not VOWELS & set(word)


def i_y_variants(word: str) -> set[str]:
    """Spelling variants with i/y at the end of a syllable after a consonant (Quý/Quí, Mỹ/Mĩ, Kỳ/Kì).

    Only on folded words; "thuy" is not "thui" (the y belongs to the vowel "uy").
    """
    out = {word}
    if len(word) >= 2 and word[-1] in "iy":
        before = word[:-1]
        consonant_before = before[-1] not in "aeiouy" or before.endswith("qu") or before == "gi"
        if consonant_before:
            out.add(before + ("y" if word[-1] == "i" else "i"))
    return out


def parse_query(text: str) -> Query:
    """Split a query into terms and year constraints. Never raises on odd input; may return empty."""
    text = nfc(text)[:MAX_QUERY_LENGTH]
    query = Query(text=text)
    tokens: list[tuple[str, int | None]] = []
    for piece in _TOKEN.findall(text):
        if piece.startswith('"'):
            words = [w for w in re.split(r"[\s,;.]+", piece.strip('"')) if fold(w)]
            if words:
                query.phrases.append([fold(w) for w in words])
                tokens += [(w, len(query.phrases) - 1) for w in words]
        else:
            tokens.append((piece, None))
    # One folded word per position (a token like "Thị-trấn" folds to two words).
    words: list[tuple[str, str, int | None]] = []
    for typed, phrase in tokens:
        if typed == "~":
            words.append(("~", "~", None))
            continue
        parts = fold(typed).split()
        for part in parts:
            shown = normalize_tones(typed.lower()) if len(parts) == 1 else part
            words.append((part, shown, phrase))
    folded = [w for w, _, _ in words]
    fillers = _fillers(folded, [p for _, _, p in words])
    for i, (word, typed, phrase) in enumerate(words):
        if _YEAR.match(word):
            _add_year(query, int(word), folded[:i])
        elif word == "~":
            continue
        elif len(word) <= 40 and not (word.isdigit() and len(word) > 8):
            # "sinh khoảng năm 1950": words framing a year are optional — they may also be a name ("Lê Văn Nam
            # 1958"), so they still count when they match the person's name.
            optional = i in fillers or (word in YEAR_WORDS and _before_year(folded, i))
            query.terms.append(Term(folded=word, typed=typed, required=not optional, phrase=phrase))
    return query


@lru_cache(maxsize=1)
def _home() -> list[str]:
    """The province's own name, folded ("quang tri"): every record is in it, so in a query it only ranks."""
    from django.conf import settings

    return fold(getattr(settings, "HOSO_PROVINCE_NAME", "") or "").split()


def _before_year(folded: list[str], i: int) -> bool:
    """The word at i is followed by a year, with only year words between ("sinh khoảng năm 1950")."""
    for word in folded[i + 1:i + 4]:
        if _YEAR.match(word):
            return True
        if word not in YEAR_WORDS and word != "~":
            return False
    return False


def _fillers(folded: list[str], phrases: list[int | None]) -> set[int]:
    found: set[int] = set()
    for i, word in enumerate(folded):
        if phrases[i] is not None:
            continue
        # A place marker introduces a place: with no word after it, or only a year, it is a name ("Võ Thị Huyền
        # 1962", "Nguyễn Văn Tài", "Lê Thị Phương") and stays required.
        introduces = i + 1 < len(folded) and not _YEAR.match(folded[i + 1])
        if i == 0 and word in HONORIFICS and len(folded) > 2 or (
                introduces and (word in PLACE_MARKERS or word in PLACE_ABBREVIATIONS)):
            found.add(i)
        if i + 1 < len(folded) and ((word, folded[i + 1]) in FILLER_PAIRS or [word, folded[i + 1]] == _home()):
            found |= {i, i + 1}
    return found


def _add_year(query: Query, year: int, before: list[str]) -> None:
    """Attach a year to birth ("sinh 1950"), death ("hy sinh 1972", "mất 1980") or either (a bare year);
    "khoảng"/"~" before it widens it by YEAR_SLACK."""
    if not YEAR_MIN <= year <= YEAR_MAX:
        return
    context = [w for w in before[-4:] if w]
    approx = False
    while context and (context[-1] in APPROX or context[-1] == "nam"):
        approx |= context[-1] in APPROX
        context.pop()
    keyword = context[-1] if context else ""
    previous = context[-2] if len(context) > 1 else ""
    slack = YEAR_SLACK if approx else 0
    span = (year - slack, year + slack)
    if (keyword == "sinh" and previous in {"hy", "hi"}) or keyword in {"mat", "chet"} or (
            keyword == "tran" and previous == "tu"):
        query.death_years = span
    elif keyword == "sinh":
        query.birth_years = span
    else:
        query.any_years = span
