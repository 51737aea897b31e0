"""Finding the candidates of a desk query in the index, stage by stage (ranking is `_rank.py`'s).

The first stage that finds anything gives the candidates: the required words as typed (with i/y variants, a
number's padded form, initials as the start of a name word); then with typo corrections of words the index does not
know; then with the last word also as the start of a longer word ("lo" for Lợi); then with one word left out; then
with typo corrections of every word. A year filters the person's own years; in the first two stages it also finds a
dossier through a relative of that name born or dead that year (`_query.year_words`), unless a page of people whose
own names and years match is there already.

When the first stage finds the words only spread over fields (a name word in a place: "lo" in Cam Lộ) and no one whose
own name holds them all, and the last word is short (a given name cut short or mistyped: short words get no typo
correction), people whose name holds them with the last word completed join the candidates: the ranking then puts a
whole-name match first ("pham xuan lo 1943" for Phạm Xuân Lợi, not Phạm Xuân Tư of Cam Lộ).
"""

from collections.abc import Sequence
from dataclasses import dataclass

from django.db import connection
from django.db.models import Count, Max, Q, QuerySet

from ._backend import Group, backend, with_ids
from ._fuzzy import FuzzyIndex
from ._query import Query, Term, i_y_variants, query_own_year_groups, query_year_words
from .models import IndexState, SearchEntry, SearchTerm, SearchWord

CANDIDATE_CAP = 400  # per retrieval pass: ranking happens in Python over at most twice this many
COUNT_CAP = 1000  # beyond this the count shows as "1.000+" (counting every match of "nguyen van" costs more)
# Names beginning with the words typed (retrieve, name_start) all match them alike: ranking more of them only
# reorders near-ties, and reading and ranking them is most of the time of a search as you type.
NAME_START_CANDIDATES = 100
VARIANT_QUALITY = 0.95
TYPO_QUALITY = {1: 0.6, 2: 0.4}
# A year in the query also looks for relatives of that name and year, unless a page of people whose own names and
# years match is there already: they rank above any relative, so that pass would only add to the count.
RELATIVES_BELOW = 25
NARROWING_WORDS = 4  # a query word with at most this many forms narrows the relatives' match (_match)
COMPLETIONS = 40  # a word typed as the start of a longer one: at most this many known words it completes to (_names)
MAX_WORD = 40  # _backend.SAFE_WORD
SERIAL_WIDTH = 5  # dossier serials are written padded to five digits: "358" is the word "00358" of QTI/KC-00358/CM
OWN_YEARS_SINCE = 8  # the SCHEMA_VERSION (_documents) from which entries hold their own years as words
SHORT_WORD = 3  # a last word this short, matched only outside names, may be a given name cut short ("lo" for Lợi)

_fuzzy_cache: dict[str, tuple[tuple, FuzzyIndex]] = {}
_own_years_seen: set[str] = set()  # databases whose index holds the entries' own years (_index_has_own_years)


@dataclass(frozen=True)
class Retrieved:
    ids: list[int]
    expansions: dict[str, dict[str, float]]
    total: int
    approximate: bool  # found only by a later stage: not every word matched as typed


@dataclass(frozen=True)
class _Stage:
    terms: list[Term]
    typos: str  # "none", "unknown" or "all" (see _expansions)
    complete_last: bool = False  # the last word also as the start of a longer word


def _fuzzy() -> FuzzyIndex:
    """The typo index over the vocabulary, rebuilt when new words were indexed: known by the highest id and the count
    (the id alone missed a word whose transaction took its id first but committed after another's higher one)."""
    marker = tuple(SearchTerm.objects.aggregate(m=Max("id"), n=Count("id")).values())
    cached = _fuzzy_cache.get(connection.settings_dict["NAME"])
    if cached is None or cached[0] != marker:
        cached = (marker, FuzzyIndex(SearchTerm.objects.values_list("term", flat=True).iterator(chunk_size=5000)))
        _fuzzy_cache[connection.settings_dict["NAME"]] = cached
    return cached[1]


def _index_has_own_years() -> bool:
    """Whether every entry holds its own years as words (`_query.own_year_words`): the index was built with a
    SCHEMA_VERSION that writes them (`hoso migrate` rebuilds an older one; until it has, they are not relied on).
    Once it does, it always will (a rebuild only ever writes the code's own SCHEMA_VERSION, never an older one): the
    answer is then kept by the process, which saves a query on every search with a year."""
    database = connection.settings_dict["NAME"]
    if database in _own_years_seen:
        return True
    state = IndexState.objects.filter(key="schema_version").values_list("value", flat=True).first()
    if state is not None and state.isdigit() and int(state) >= OWN_YEARS_SINCE:
        _own_years_seen.add(database)
        return True
    return False


def _overlaps(kind: str, span: tuple[int, int]) -> Q:
    """A birth or death year in `span`: written exactly, or approximate («khoảng 1948», «trước 1950») with a range
    of years that overlaps it."""
    low, high = span
    return (Q(**{f"{kind}_year__range": span, f"{kind}_from__isnull": True})
            | Q(**{f"{kind}_from__lte": high, f"{kind}_to__gte": low}))


def years(qs: QuerySet[SearchEntry], query: Query) -> QuerySet[SearchEntry]:
    if query.birth_years:
        qs = qs.filter(_overlaps("birth", query.birth_years))
    if query.death_years:
        qs = qs.filter(_overlaps("death", query.death_years))
    if query.any_years:
        qs = qs.filter(_overlaps("birth", query.any_years) | _overlaps("death", query.any_years))
    return qs


def _expansions(query: Query, typos: str) -> dict[str, dict[str, float]]:
    """Each term's accepted words with a quality: itself, its i/y spelling variants, a number's padded form, and
    typo corrections — none (typos="none"), only for words the index does not know ("unknown"), or for every word
    ("all")."""
    index = _fuzzy() if typos != "none" else None
    out: dict[str, dict[str, float]] = {}
    for term in query.terms:
        words = {v: VARIANT_QUALITY for v in i_y_variants(term.folded)}
        if term.folded.isdigit():
            words[str(int(term.folded)).zfill(SERIAL_WIDTH)] = 1.0
        elif index is not None and not term.abbreviation and (typos == "all" or term.folded not in index.words):
            for word, d in index.near(term.folded).items():
                words.setdefault(word, TYPO_QUALITY[d])
        words[term.folded] = 1.0
        out[term.folded] = words
    return out


def _can_complete(term: Term | None) -> bool:
    return term is not None and not term.abbreviation and len(term.folded) >= 2 and term.folded.isalpha()


def _groups(stage: _Stage, expansions: dict[str, dict[str, float]], prefix_last: bool,
            last: Term | None) -> tuple[list[Group], list[Group]]:
    """(word groups, initials: groups to match in the person's names)."""
    groups, initials = [], []
    for term in stage.terms:
        if term.abbreviation:
            initials.append([(term.folded, True)])
            continue
        group = [(w, False) for w in expansions[term.folded]]
        if term is last and len(term.folded) >= 2 and (prefix_last or stage.complete_last):
            group.append((term.folded, True))
        groups.append(group)
    return groups, initials


def retrieve(qs: QuerySet[SearchEntry], query: Query, prefix_last: bool, restricted: tuple[str, ...],
             name_start: bool = False) -> Retrieved:
    """Candidates from the first stage that finds any (module docstring). `restricted`: the restricted fields the
    actor may match. `name_start` (words typed as you type, no year, no filter, the whole province): when at least
    COUNT_CAP names begin with the words as typed ("ngu", "nguyen van"), the first of those are the candidates
    and the count shows COUNT_CAP+ — every one of them a match of the first stage, read through an ordered index in
    a few milliseconds, where the full-text match of such common words gathered hundreds of thousands of entries
    (~30 ms of PostgreSQL at 1.2 M people, for the first requests of every search typed)."""
    years_given = query.birth_years or query.death_years or query.any_years
    if name_start and prefix_last and query.terms and not years_given and all(
            t.required and not t.abbreviation for t in query.terms):
        started = backend().name_start(qs, " ".join(t.folded for t in query.terms), COUNT_CAP)
        if started is not None and len(started) >= COUNT_CAP:
            return Retrieved(started[:min(NAME_START_CANDIDATES, CANDIDATE_CAP)], _expansions(query, "none"),
                             len(started), False)
    last = query.terms[-1] if query.terms else None
    required = query.required or query.terms
    completing = not prefix_last and last in required and _can_complete(last)
    stages = [_Stage(required, "none"), _Stage(required, "unknown")]
    if completing:
        stages.append(_Stage(required, "unknown", complete_last=True))
    if len(required) >= 3:
        stages += [_Stage([t for t in required if t is not skip], "unknown") for skip in required]
    stages.append(_Stage(required, "all"))
    scoped = years(qs, query)
    year_words = query_year_words(query)
    # The years as index words too, for the all-fields pass (_match): the same entries, found through the full-text
    # index in a fraction of the time where the words are common ones (only once the index holds those words).
    own_years = [[(w, False) for w in group] for group in query_own_year_groups(query)] if (
        years_given and _index_has_own_years()) else []
    computed: dict[str, dict[str, dict[str, float]]] = {}
    tried: set[str] = set()
    for number, stage in enumerate(stages):
        if stage.typos not in computed:
            computed[stage.typos] = _expansions(query, stage.typos)
        expansions = computed[stage.typos]
        groups, initials = _groups(stage, expansions, prefix_last, last)
        signature = repr((groups, initials))
        if signature in tried:  # e.g. every word known: "unknown" adds nothing to "none"
            continue
        tried.add(signature)
        # Through a relative: the year bound to a word of the query, one of them the relative's given name
        # ("hiepns1949"; optional words too: "Trọng" before a year is also "trong năm"). Initials alone: not looked for.
        bound = [f"{w}{y}" for t in query.terms if not t.abbreviation for w in expansions[t.folded] for y in year_words
                 if len(w) + len(y) <= MAX_WORD] if year_words and number <= 1 else []
        ids, total, in_names = _match(scoped, groups, initials, restricted, qs if bound else None, bound, year_words,
                                      own_years)
        if ids and number == 0 and not in_names and completing and len(last.folded) <= SHORT_WORD:
            completed, _ = _groups(_Stage(required, "none", complete_last=True), expansions, prefix_last, last)
            more = list(backend().match(scoped, completed, names_only=True, name_groups=initials)
                        .values_list("id", flat=True)[:CANDIDATE_CAP])
            ids = list(dict.fromkeys([*ids, *more]))
            total = max(total, len(ids))
        if ids:
            return Retrieved(ids, expansions, total, number > 0)
    return Retrieved([], computed.get("none", {}), 0, False)


def _completed(groups: list[Group], every_field: bool = False) -> list[Group]:
    """A word typed as the start of a longer one ("nguyen" in "ong nguyen" as you type) as the known words it begins:
    for the names pass, from the names' vocabulary (SearchTerm, held by the process as the typo index); for the
    all-fields pass (`every_field`), from every word the index holds (SearchWord, through its ordered index). Both
    hold every such word longer than two letters; a shorter one that begins with it is the word itself, which the
    group holds. The full-text index then skips through their lists beside the other words' instead of gathering
    every entry of every word with that start (PostgreSQL's prefix match: the 220,000 entries of "nguyen" at 1.2 M
    people, 15–20 ms). Words with digits are not in either vocabulary (a relative's "giangns1950" comes with
    "giang"). More than COMPLETIONS words: left as a prefix."""
    if not any(prefix for group in groups for _, prefix in group):
        return groups
    out = []
    for group in groups:
        words = dict.fromkeys(w for w, prefix in group if not prefix)
        for word, prefix in group:
            if prefix:  # the vocabularies hold words of letters only
                known = (_words_starting_with(word) if every_field else _fuzzy().starting_with(word, COMPLETIONS)
                         ) if word.isalpha() else None
                if known is None:
                    out.append(group)
                    break
                words.update(dict.fromkeys(known))
        else:
            out.append([(w, False) for w in words])
    return out


def _words_starting_with(prefix: str) -> list[str] | None:
    """The indexed words that begin with `prefix`, or None when there are more than COMPLETIONS."""
    found = list(SearchWord.objects.filter(word__startswith=prefix).values_list("word", flat=True)[:COMPLETIONS + 1])
    return None if len(found) > COMPLETIONS else found


def _one_relative(relatives: str, groups: list[Group], year_words: frozenset[str]) -> bool:
    """One relative (a name of the folded `relatives` field, with their years) holds a year and every group."""
    for segment in relatives.split("|"):
        words = segment.split()
        if not year_words.isdisjoint(words) and all(
                any(w == word or (prefix and w.startswith(word)) for word, prefix in group for w in words)
                for group in groups):
            return True
    return False


def _match(qs: QuerySet[SearchEntry], groups: list[Group], initials: list[Group], restricted: tuple[str, ...],
           relatives_qs: QuerySet[SearchEntry] | None = None, bound: Sequence[str] = (),
           year_words: Sequence[str] = (), own_years: Sequence[Group] = ()) -> tuple[list[int], int, bool]:
    """(ids matching every group, their count up to COUNT_CAP, whether some matched in the person's own names).

    The person's own name (and aliases) first: when they alone fill the candidates, matches in relatives or places
    could only rank below them and are not looked for (for "Nguyễn Văn …" that second full-text pass was a third of
    the time); otherwise every field. With `relatives_qs` (the dossiers before the year filter) and fewer than
    RELATIVES_BELOW people whose own names hold the words, also the entries with one relative whose name holds the
    words and whose years are `year_words` (the full-text match finds them by a `bound` word, the given name with
    the year; then one relative must hold every word). `own_years`: groups that every entry of `qs` holds, added to
    the all-fields pass to narrow it inside the full-text index ("tran van trang" with a year: 33 ms → 7 ms of
    PostgreSQL at 1.2 M people)."""
    engine = backend()
    names = list(engine.match(qs, _completed(groups), names_only=True, name_groups=initials)
                 .values_list("id", flat=True)[:COUNT_CAP])
    if len(names) >= CANDIDATE_CAP:
        return names[:CANDIDATE_CAP], len(names), True
    counted = list(engine.match(qs, [*_completed(groups, every_field=True), *own_years], names_only=False,
                                restricted=restricted,
                                name_groups=initials)
                   .values_list("id", flat=True)[:COUNT_CAP])
    related: list[int] = []
    if relatives_qs is not None and bound and len(names) < RELATIVES_BELOW:
        # The query's words narrow that match inside the index, but not a group of many typo corrections: the
        # index would merge the long lists of all those common words ("tuoong": duong, huong, truong…) for nothing.
        narrowing = [g for g in [*groups, *initials] if len(g) <= NARROWING_WORDS]
        found = engine.match_relatives(bound, COUNT_CAP, narrowing)
        if found:  # the access rule, in the query that reads them; then one relative must hold every word
            rows = with_ids(relatives_qs, found).values_list("id", "relatives")[:CANDIDATE_CAP]
            related = [i for i, text in rows if _one_relative(text, [*groups, *initials], frozenset(year_words))]
    merged = list(dict.fromkeys([*names, *counted[:CANDIDATE_CAP], *related]))
    return merged, max(len(merged), len(counted) + len(set(related) - set(counted))), bool(names)
