"""Ranking candidates the same way on every backend (pure Python over the stored folded fields).

A candidate's score sums, for each query word, the best place it matched (own name > alias > relative's
name > place > other) times how well (exact > i/y variant > initial > prefix > typo); then bonuses for matching
the whole name, one relative holding every required word, the accents as typed, the year (the person's, or less, a
relative's), a dossier serial, and quoted phrases. Ties fall back to Vietnamese collation order of the person's
name, then the dossier number.

The same pass tells whether the hit is only approximate (a word matched through a typo correction or as the start of
a longer word, a word not matched at all, other accents than typed) and whether the words matched a relative's name
rather than the person's own (`Assessment`).
"""

import re
from collections.abc import Collection
from dataclasses import dataclass
from typing import NamedTuple

from ._query import Query, Term, query_year_words

FIELD_WEIGHT = {"name": 10.0, "aliases": 8.0, "relatives": 4.0, "places": 3.0, "other": 2.0}
_FIELD_WEIGHTS = tuple(FIELD_WEIGHT.items())
NAME_FIELDS = frozenset({"name", "aliases"})
PEOPLE_FIELDS = frozenset({"name", "aliases", "relatives"})  # where a word cut short may be a name
FILLER_FACTOR = 0.3
FULL_NAME_BONUS = 15.0
FULL_ALIAS_BONUS = 10.0
NAME_ORDER_BONUS = 2.0
ACCENT_BONUS = 3.0
YEAR_BONUS = 4.0
APPROXIMATE_YEAR_BONUS = 2.0  # a year within an approximate date's range («khoảng 1948» for 1947)
RELATIVE_NAME_BONUS = 8.0
RELATIVE_YEAR_BONUS = 2.0
SERIAL_BONUS = 20.0
PHRASE_BONUS = 5.0
# How well a word matched by its start: an initial ("ng" for Nguyễn, "v" for Văn); the word being typed; the last
# word of a query sent as it is ("lo" for Lợi: cut short, or a typo in a short name).
INITIAL_QUALITY = 0.8
TYPING_QUALITY = 0.7
COMPLETION_QUALITY = 0.5
APPROXIMATE_BELOW = 0.7  # a word matched less well than this (typo correction, completion) makes the hit approximate
_SERIAL = re.compile(r"-0*(\d+)")
_NONE: tuple[int, ...] = ()


class Candidate(NamedTuple):  # a tuple: made from a database row in one step (hundreds per query)
    id: int
    name: str
    aliases: str
    relatives: str
    places: str
    other: str
    name_exact: str
    aliases_exact: str
    birth_year: int | None
    death_year: int | None
    sort_key: str
    number: str
    category_code: str
    unit_id: int | None
    birth_from: int | None = None  # an approximate date's years (SearchEntry.birth_from …)
    birth_to: int | None = None
    death_from: int | None = None
    death_to: int | None = None


@dataclass(frozen=True)
class Assessment:
    score: float
    approximate: bool = False
    relative: str = ""  # the folded name of the relative the words matched, when they matched a relative's name


def _best(term_words: dict[str, float], words: list[str], prefix: str | None, prefix_quality: float,
          taken: Collection[int] = (), text: str = "") -> tuple[float, int]:
    """(quality, position) of the best matching word in `words`, preferring positions not `taken` by an
    earlier query word (so "Văn Vạn" needs two words to match both); (0, -1) when none matches. `text`: the words
    as one string, when the caller has it (a prefix that is not in it begins none of them)."""
    if term_words.keys().isdisjoint(words) and not (prefix and (prefix in text if text else True)):
        return 0.0, -1  # most fields hold none of a word's forms: answered without looking at each word
    best, where, free = 0.0, -1, False
    for i, word in enumerate(words):
        quality = term_words.get(word, 0.0)
        if quality == 0.0 and prefix and word.startswith(prefix):
            quality = prefix_quality
        is_free = i not in taken
        if quality > 0 and ((is_free and not free) or (is_free == free and quality > best)):
            best, where, free = quality, i, is_free
            if quality == 1.0 and is_free:
                break  # nothing beats an exact match at a free position
    return best, where


def _prefix(term: Term, is_last: bool, prefix_last: bool) -> tuple[str | None, float, frozenset[str]]:
    """The start of words this term may match, how well that counts, and in which fields: an initial, the start of
    a name word; the last word while typing (two characters at least), of any word; the last word sent as it is
    (two letters or more: "lo" for Lợi), of a name word, the person's or a relative's."""
    if term.abbreviation:
        return term.folded, INITIAL_QUALITY, NAME_FIELDS
    if is_last and len(term.folded) >= 2:
        if prefix_last:
            return term.folded, TYPING_QUALITY, frozenset(FIELD_WEIGHT)
        if term.folded.isalpha():
            return term.folded, COMPLETION_QUALITY, PEOPLE_FIELDS
    return None, 0.0, frozenset()


def score(query: Query, c: Candidate, expansions: dict[str, dict[str, float]], prefix_last: bool) -> float:
    return Ranker(query, expansions, prefix_last).assess(c).score


class Ranker:
    """Scores candidates for one query: what can be worked out from the query alone is, once."""

    def __init__(self, query: Query, expansions: dict[str, dict[str, float]], prefix_last: bool) -> None:
        self.query, self.expansions = query, expansions
        last = len(query.terms) - 1
        self.words = [(term, expansions.get(term.folded, {term.folded: 1.0}),
                       *_prefix(term, index == last, prefix_last)) for index, term in enumerate(query.terms)]
        self.typed = frozenset(t.folded for t in query.terms)
        self.year_words = frozenset(query_year_words(query))
        self.serials = frozenset(int(t.folded) for t in query.terms if t.folded.isdigit())
        self.phrases = [f" {' '.join(phrase)} " for phrase in query.phrases if phrase]
        self.required = [(words, prefix) for term, words, prefix, _, _ in self.words if term.required]
        self.accented = any(term.accented for term in query.terms)

    def assess(self, c: Candidate) -> Assessment:
        """The candidate's score, whether it is approximate, and the relative the words matched if they did."""
        name_words = c.name.split()
        name_exact = c.name_exact.split() if self.accented else []
        texts = {"name": c.name, "aliases": c.aliases, "relatives": c.relatives, "places": c.places, "other": c.other}
        fields = {"name": name_words}  # the other fields are split into words when a query word first looks at them
        total = 0.0
        approximate = False
        name_hits: list[int] = []
        in_names = in_relatives = 0
        optional_in_relatives: list[tuple[float, dict[str, float], str | None]] = []
        for term, words, prefix, prefix_quality, prefix_fields in self.words:
            best, best_quality, best_field, in_name = 0.0, 0.0, "", False
            forms = words.keys()
            for field, weight in _FIELD_WEIGHTS:  # weights descending: a field that cannot beat `best` is skipped
                if best >= weight and field != "name":
                    break
                text = texts[field]
                if not text:
                    continue
                field_words = fields.get(field)
                if field_words is None:
                    field_words = fields[field] = text.replace("|", " ").split()
                start = prefix if field in prefix_fields else None
                if forms.isdisjoint(field_words) and not (start and start in text):
                    continue  # most fields hold none of a word's forms (what _best would answer first, without a call)
                quality, where = _best(words, field_words, start, prefix_quality,
                                       name_hits if field == "name" else _NONE, text)
                if quality * weight > best:
                    best, best_quality, best_field = quality * weight, quality, field
                if field == "name" and quality > 0:
                    in_name = True
                    name_hits.append(where)
                    if term.accented:
                        accent = _accent(term, name_exact, where, quality)
                        total += accent
                        approximate |= accent < 0
            total += best * (1.0 if term.required or in_name else FILLER_FACTOR)
            if term.required or in_name:
                approximate |= best_quality < APPROXIMATE_BELOW
                in_names += in_name or best_field == "aliases"
                in_relatives += best_field == "relatives"
            elif best_field == "relatives":
                optional_in_relatives.append((best, words, prefix))
        if name_words and len(set(name_hits)) >= len(name_words):  # every word of the name (hits are positions in it)
            total += FULL_NAME_BONUS
            if name_hits[: len(name_words)] == sorted(name_hits[: len(name_words)]):
                total += NAME_ORDER_BONUS
        total += _alias_bonus(self.typed, c)
        own_year = _year_bonus(self.query, c)
        total += own_year
        relative = self._relative(c, more_than=in_names) if in_relatives and in_names < len(self.words) else ""
        if relative:
            words = relative.split()
            # A filler word that is a word of that relative's name counts in full, as in the person's own name.
            for best, accepted, prefix in optional_in_relatives:
                if _holds(words, accepted, prefix):
                    total += best * (1.0 - FILLER_FACTOR)
            if self.required and all(_holds(words, accepted, prefix) for accepted, prefix in self.required):
                total += RELATIVE_NAME_BONUS  # one relative holds every required word
            if not own_year and not self.year_words.isdisjoint(words):
                total += RELATIVE_YEAR_BONUS
        if self.serials and (found := _SERIAL.search(c.number)) and int(found.group(1)) in self.serials:
            total += SERIAL_BONUS  # a number typed alone ("358") that is the dossier's serial (QTI/KC-00358/CM)
        for phrase in self.phrases:
            if phrase in f" {c.name} ":
                total += PHRASE_BONUS
        return Assessment(round(total, 3), approximate, relative)

    def _relative(self, c: Candidate, more_than: int) -> str:
        """The relative (one name of the `relatives` field, with their year words) most of the query's words
        matched, if more than `more_than` (those the person's own names matched)."""
        best, best_count = "", more_than
        for segment in c.relatives.split("|"):
            words = segment.split()
            count = sum(_holds(words, accepted, prefix, segment) for _, accepted, prefix, _, _ in self.words)
            if count > best_count:
                best, best_count = segment.strip(), count
        return best


def _holds(words: list[str], accepted: dict[str, float], prefix: str | None, text: str | None = None) -> bool:
    """One of `words` is an accepted word, or begins with the prefix (a year word "ns1949" begins no name).
    `text`: the words as one string, if the caller has it (a prefix not in it begins none of them)."""
    if not accepted.keys().isdisjoint(words):
        return True
    return bool(prefix) and (text is None or prefix in text) and any(
        w.startswith(prefix) and not w[-1].isdigit() for w in words)


def _accent(term: Term, name_exact: list[str], where: int, quality: float) -> float:
    """Typed with accents: reward the same accents, penalise others ("Đường" is not "Dương")."""
    if not term.accented or quality < 1.0 or not 0 <= where < len(name_exact):
        return 0.0
    return ACCENT_BONUS if name_exact[where] == term.typed else -ACCENT_BONUS


def _alias_bonus(typed: frozenset[str], c: Candidate) -> float:
    if not c.aliases:
        return 0.0
    for alias in c.aliases.split("|"):
        words = alias.split()
        if words and set(words) <= typed:
            return FULL_ALIAS_BONUS
    return 0.0


def _near(span: tuple[int, int] | None, year: int | None) -> float:
    if span is None or year is None:
        return 0.0
    low, high = span
    if low <= year <= high:
        middle = (low + high) / 2
        return YEAR_BONUS - abs(year - middle) * 0.5
    return 0.0


def _within(span: tuple[int, int] | None, low: int | None, high: int | None) -> float:
    """An approximate date whose years overlap the query's: it may be the year asked for, so it is found, but it
    ranks below a date written exactly in that year."""
    if span is None or low is None or high is None or high < span[0] or low > span[1]:
        return 0.0
    return APPROXIMATE_YEAR_BONUS


def _year_bonus(query: Query, c: Candidate) -> float:
    if query.birth_years is None and query.death_years is None and query.any_years is None:
        return 0.0
    near, within = _near, _within
    birth = c.birth_year if c.birth_from is None else None  # an approximate date counts by its range alone
    death = c.death_year if c.death_from is None else None
    return max(near(query.birth_years, birth), near(query.death_years, death),
               near(query.any_years, birth), near(query.any_years, death),
               within(query.birth_years, c.birth_from, c.birth_to), within(query.death_years, c.death_from, c.death_to),
               within(query.any_years, c.birth_from, c.birth_to), within(query.any_years, c.death_from, c.death_to))
