"""Ranking candidates the same way on every backend (pure Python over the stored folded fields).

A candidate's score sums, for each query word, the best place it matched (own name > alias > relative's
name > place > other) times how well (exact > i/y variant > prefix > typo); then bonuses for matching
the whole name, the accents as typed, the year, and quoted phrases. Ties fall back to Vietnamese
collation order of the person's name, then the dossier number.
"""

from dataclasses import dataclass

from ._query import Query, Term

FIELD_WEIGHT = {"name": 10.0, "aliases": 8.0, "relatives": 4.0, "places": 3.0, "other": 2.0}
FILLER_FACTOR = 0.3
FULL_NAME_BONUS = 15.0
FULL_ALIAS_BONUS = 10.0
NAME_ORDER_BONUS = 2.0
ACCENT_BONUS = 3.0
YEAR_BONUS = 4.0
PHRASE_BONUS = 5.0


@dataclass(frozen=True)
class Candidate:
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


def _best(term_words: dict[str, float], words: list[str], prefix: str | None,
          taken: frozenset[int] = frozenset()) -> tuple[float, int]:
    """(quality, position) of the best matching word in `words`, preferring positions not `taken` by an
    earlier query word (so "Văn Vạn" needs two words to match both); (0, -1) when none matches."""
    best, where, free = 0.0, -1, False
    for i, word in enumerate(words):
        quality = term_words.get(word, 0.0)
        if quality == 0.0 and prefix and len(prefix) >= 2 and word.startswith(prefix):
            quality = 0.7
        is_free = i not in taken
        if quality > 0 and ((is_free and not free) or (is_free == free and quality > best)):
            best, where, free = quality, i, is_free
            if quality == 1.0 and is_free:
                break  # nothing beats an exact match at a free position
    return best, where


def score(query: Query, c: Candidate, expansions: dict[str, dict[str, float]], prefix_last: bool) -> float:
    name_words = c.name.split()
    name_exact = c.name_exact.split()
    fields = {
        "name": name_words,
        "aliases": c.aliases.replace("|", " ").split(),
        "relatives": c.relatives.replace("|", " ").split(),
        "places": c.places.split(),
        "other": c.other.split(),
    }
    total = 0.0
    name_hits: list[int] = []
    last = len(query.terms) - 1
    for index, term in enumerate(query.terms):
        words = expansions.get(term.folded, {term.folded: 1.0})
        prefix = term.folded if prefix_last and index == last else None
        best, in_name = 0.0, False
        for field, weight in FIELD_WEIGHT.items():  # weights descending: a field that cannot beat `best` is skipped
            if field != "name" and best >= weight:
                break
            taken = frozenset(name_hits) if field == "name" else frozenset()
            quality, where = _best(words, fields[field], prefix, taken)
            if quality * weight > best:
                best = quality * weight
            if field == "name" and quality > 0:
                in_name = True
                name_hits.append(where)
                total += _accent(term, name_exact, where, quality)
        total += best * (1.0 if term.required or in_name else FILLER_FACTOR)
    if name_words and set(range(len(name_words))) <= set(name_hits):
        total += FULL_NAME_BONUS
        if name_hits[: len(name_words)] == sorted(name_hits[: len(name_words)]):
            total += NAME_ORDER_BONUS
    total += _alias_bonus(query, c)
    total += _year_bonus(query, c)
    for phrase in query.phrases:
        if phrase and f" {' '.join(phrase)} " in f" {c.name} ":
            total += PHRASE_BONUS
    return round(total, 3)


def _accent(term: Term, name_exact: list[str], where: int, quality: float) -> float:
    """Typed with accents: reward the same accents, penalise others ("Đường" is not "Dương")."""
    if not term.accented or quality < 1.0 or not 0 <= where < len(name_exact):
        return 0.0
    return ACCENT_BONUS if name_exact[where] == term.typed else -ACCENT_BONUS


def _alias_bonus(query: Query, c: Candidate) -> float:
    if not c.aliases:
        return 0.0
    typed = {t.folded for t in query.terms}
    for alias in c.aliases.split("|"):
        words = alias.split()
        if words and set(words) <= typed:
            return FULL_ALIAS_BONUS
    return 0.0


def _year_bonus(query: Query, c: Candidate) -> float:
    def near(span: tuple[int, int] | None, year: int | None) -> float:
        if span is None or year is None:
            return 0.0
        low, high = span
        if low <= year <= high:
            middle = (low + high) / 2
            return YEAR_BONUS - abs(year - middle) * 0.5
        return 0.0

    return max(near(query.birth_years, c.birth_year), near(query.death_years, c.death_year),
               near(query.any_years, c.birth_year), near(query.any_years, c.death_year))
