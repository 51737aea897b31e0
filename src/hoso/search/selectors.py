"""Search as the acting user sees it. Access is applied inside the index query, so a user's search never
returns, counts or hints at dossiers outside what they may see — nor at text inside a visible dossier they may not
read: the restricted index fields (page words of "mật" and health documents, "mật" documents' numbers) are matched,
counted and ranked only for an actor allowed to read them (records/visibility.py), and never shown."""

from collections import Counter
from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import Max, Q, QuerySet

from hoso.access.models import User
from hoso.gazetteer.models import AdminUnit
from hoso.gazetteer.services import expand_units
from hoso.records.models import Category, Dossier
from hoso.records.selectors import dossier_access_q
from hoso.records.visibility import cleared_for_secret, sees_health
from hoso.vntext import (
    TYPE_CODES,
    DossierNumber,
    InvalidDossierNumber,
    looks_like_dossier_number,
    parse_dossier_number,
)

from ._backend import backend
from ._documents import HEALTH, SECRET, SECRET_HEALTH, number_key
from ._fuzzy import FuzzyIndex
from ._query import MAX_QUERY_LENGTH, Query, Term, i_y_variants, parse_query
from ._rank import Candidate, score
from .models import SearchEntry, SearchTerm

CANDIDATE_CAP = 400  # per retrieval pass: ranking happens in Python over at most twice this many
COUNT_CAP = 1000  # beyond this the count shows as "1.000+" (counting every match of "nguyen van" costs more)
VARIANT_QUALITY = 0.95
TYPO_QUALITY = {1: 0.6, 2: 0.4}


@dataclass(frozen=True)
class Hit:
    dossier_number: str
    full_name: str
    birth_year: int | None
    hometown: str
    category: str
    category_name: str
    score: float
    status: str = ""
    birth: str = ""  # as much of the date as is known, dd/mm/yyyy


@dataclass
class SearchResult:
    query: str
    total: int = 0
    total_capped: bool = False
    hits: list[Hit] = field(default_factory=list)
    facets: dict[str, list[tuple[str, str, int]]] = field(
        default_factory=lambda: {"category": [], "unit": [], "decade": []})
    message: str = ""

    def as_dict(self) -> dict:
        return {"total": self.total, "total_capped": self.total_capped, "results": [
            {"dossier_number": h.dossier_number, "full_name": h.full_name, "birth_year": h.birth_year,
             "hometown": h.hometown, "category": h.category, "score": h.score} for h in self.hits]}


@dataclass(frozen=True)
class Filters:
    category: str = ""
    unit_id: int | None = None  # a unit of any level and period: matches hometown or residence in it
    decade: int | None = None
    status: str = ""


_fuzzy_cache: dict[str, tuple[int, FuzzyIndex]] = {}


def _fuzzy() -> FuzzyIndex:
    """The typo index over the vocabulary, rebuilt when new words were indexed."""
    from django.db import connection

    marker = SearchTerm.objects.aggregate(m=Max("id"))["m"] or 0
    cached = _fuzzy_cache.get(connection.settings_dict["NAME"])
    if cached is None or cached[0] != marker:
        cached = (marker, FuzzyIndex(SearchTerm.objects.values_list("term", flat=True).iterator(chunk_size=5000)))
        _fuzzy_cache[connection.settings_dict["NAME"]] = cached
    return cached[1]


def readable_fields(actor: User | None) -> tuple[str, ...]:
    """The restricted index fields this actor may match: "mật" documents' text with a clearance, health documents'
    page words with the health permission, and those of a document that is both with both."""
    secret, health = cleared_for_secret(actor), sees_health(actor)
    return tuple(f for f, allowed in ((SECRET, secret), (HEALTH, health), (SECRET_HEALTH, secret and health))
                 if allowed)


def _base(actor: User, filters: Filters) -> QuerySet[SearchEntry] | None:
    access = dossier_access_q(actor=actor, path="dossier__")
    if access is None:
        return None
    qs = SearchEntry.objects.filter(access)
    if filters.category:
        qs = qs.filter(category_code=filters.category)
    if filters.unit_id:  # the place as it is today, with the units inside it and those it replaced
        units = expand_units(frozenset({filters.unit_id}))
        qs = qs.filter(Q(unit_id__in=units) | Q(dossier__subject__hometown_unit_id__in=units)
                       | Q(dossier__subject__residence_unit_id__in=units))
    if filters.status:
        qs = qs.filter(dossier__status=filters.status)
    if filters.decade:
        qs = qs.filter(birth_year__gte=filters.decade, birth_year__lt=filters.decade + 10)
    return qs


def _years(qs: QuerySet[SearchEntry], query: Query) -> QuerySet[SearchEntry]:
    if query.birth_years:
        qs = qs.filter(birth_year__range=query.birth_years)
    if query.death_years:
        qs = qs.filter(death_year__range=query.death_years)
    if query.any_years:
        qs = qs.filter(Q(birth_year__range=query.any_years) | Q(death_year__range=query.any_years))
    return qs


def _expansions(query: Query, typos: str) -> dict[str, dict[str, float]]:
    """Each term's accepted words with a quality: itself, its i/y spelling variants, and typo corrections —
    none (typos="none"), only for words the index does not know ("unknown"), or for every word ("all")."""
    index = _fuzzy() if typos != "none" else None
    out: dict[str, dict[str, float]] = {}
    for term in query.terms:
        words = {v: VARIANT_QUALITY for v in i_y_variants(term.folded)}
        if index is not None and not term.folded.isdigit() and (typos == "all" or term.folded not in index.words):
            for word, d in index.near(term.folded).items():
                words.setdefault(word, TYPO_QUALITY[d])
        words[term.folded] = 1.0
        out[term.folded] = words
    return out


def _groups(terms: list[Term], expansions: dict[str, dict[str, float]], prefix_last: bool, last: Term | None):
    groups = []
    for term in terms:
        group = [(w, False) for w in expansions[term.folded]]
        if prefix_last and term is last and len(term.folded) >= 2:
            group.append((term.folded, True))
        groups.append(group)
    return groups


def _retrieve(qs: QuerySet[SearchEntry], query: Query, prefix_last: bool,
              restricted: tuple[str, ...]) -> tuple[list[int], dict, int, bool]:
    """Candidates from the first stage that finds any: the required words as typed (with i/y variants); then
    with typo corrections of words the index does not know; then with one word left out; then with typo
    corrections of every word. A year is always a filter. `restricted`: the restricted fields the actor may match.
    Returns (ids, the words accepted, total count, whether the match is only approximate)."""
    last = query.terms[-1] if query.terms else None
    required = query.required or query.terms
    stages: list[tuple[list[Term], str]] = [(required, "none"), (required, "unknown")]
    if len(required) >= 3:
        stages += [([t for t in required if t is not skip], "unknown") for skip in required]
    stages.append((required, "all"))
    scoped = _years(qs, query)
    computed: dict[str, dict[str, dict[str, float]]] = {}
    tried: set[str] = set()
    for number, (terms, mode) in enumerate(stages):
        if mode not in computed:
            computed[mode] = _expansions(query, mode)
        expansions = computed[mode]
        groups = _groups(terms, expansions, prefix_last, last)
        signature = repr(groups)
        if signature in tried:  # e.g. every word known: "unknown" adds nothing to "none"
            continue
        tried.add(signature)
        ids, total = _match(scoped, groups, restricted)
        if ids:
            return ids, expansions, total, number > 0
    return [], computed.get("none", {}), 0, False


def _match(qs: QuerySet[SearchEntry], groups, restricted: tuple[str, ...] = ()) -> tuple[list[int], int]:
    """Ids matching every group, and their count up to COUNT_CAP. The person's own name (and aliases) first:
    when they alone fill the candidates, matches in relatives or places could only rank below them and are not
    looked for (for "Nguyễn Văn …" that second full-text pass was a third of the time); otherwise every field."""
    engine = backend()
    names = list(engine.match(qs, groups, names_only=True).values_list("id", flat=True)[:COUNT_CAP])
    if len(names) >= CANDIDATE_CAP:
        return names[:CANDIDATE_CAP], len(names)
    counted = list(engine.match(qs, groups, names_only=False, restricted=restricted)
                   .values_list("id", flat=True)[:COUNT_CAP])
    merged = list(dict.fromkeys([*names, *counted[:CANDIDATE_CAP]]))
    return merged, max(len(merged), len(counted))


def _number_lookup(qs: QuerySet[SearchEntry], text: str) -> tuple[list[int], DossierNumber | None]:
    """(entries of the dossier number the text is, that number) — ([], None) when the text is not a number."""
    codes = frozenset(TYPE_CODES) | frozenset(Category.objects.values_list("code", flat=True))
    if not looks_like_dossier_number(text, known_type_codes=codes):
        return [], None
    try:
        parsed = parse_dossier_number(text, default_province=settings.HOSO_PROVINCE_CODE)
    except InvalidDossierNumber:
        return [], None
    exact = list(qs.filter(number=str(parsed)).values_list("id", flat=True))
    return exact or list(qs.filter(number_key=number_key(str(parsed))).values_list("id", flat=True)[:50]), parsed


def find(*, actor: User, text: str, limit: int = 20, offset: int = 0, filters: Filters = Filters(),
         prefix_last: bool = False) -> SearchResult:
    """Find dossiers for a desk query (a read only: `services.search` is the audited entry point).
    Never raises on odd input: returns a result with a message."""
    text = text or ""
    result = SearchResult(query=text[:MAX_QUERY_LENGTH])
    if len(text) > MAX_QUERY_LENGTH:
        result.message = f"Câu tìm dài quá {MAX_QUERY_LENGTH} ký tự: chỉ dùng {MAX_QUERY_LENGTH} ký tự đầu."
    qs = _base(actor, filters)
    query = parse_query(text)
    if qs is None or (query.empty and not text.strip()):
        result.message = result.message or "Nhập họ tên, năm sinh, quê quán hoặc số hồ sơ để tìm."
        return result
    limit = max(1, min(limit, 200))
    restricted = readable_fields(actor)
    ids, number = _number_lookup(qs, result.query)
    if number and not ids:  # the same words whether the number exists out of scope or not at all
        result.message = result.message or (f"Không có hồ sơ số {number} trong phạm vi bạn được xem; "
                                            "dưới đây là các hồ sơ có cùng số thứ tự.")
        query = parse_query(number.serial.zfill(5))  # a slip in the type or period code: same serial
    expansions: dict[str, dict[str, float]] = {}
    if ids:
        candidates = _candidates(ids, restricted)
        ranked = [(100.0, c) for c in candidates]
        total = len(ranked)
    else:
        if query.empty:
            result.message = result.message or "Không nhận ra tên, năm hay số hồ sơ trong câu tìm."
            return result
        if not query.terms:
            years = _years(qs, query)
            ids = list(years.values_list("id", flat=True)[:CANDIDATE_CAP])
            total = years[:COUNT_CAP].count() if len(ids) == CANDIDATE_CAP else len(ids)
        else:
            ids, expansions, total, approximate = _retrieve(qs, query, prefix_last, restricted)
            if approximate:
                result.message = result.message or ("Không có hồ sơ khớp đủ mọi từ đã gõ; dưới đây là các hồ sơ "
                                                    "gần đúng nhất (có thể sai chính tả hoặc thiếu một từ).")
        candidates = _candidates(ids, restricted)
        ranked = [(score(query, c, expansions, prefix_last), c) for c in candidates]
    ranked.sort(key=lambda pair: (-pair[0], pair[1].sort_key, pair[1].number))
    result.total = total
    result.total_capped = total >= COUNT_CAP
    result.facets = _facets(candidates)
    result.hits = _hits(ranked[offset:offset + limit])
    if not ranked and number:
        result.message = f"Không có hồ sơ số {number} trong phạm vi bạn được xem."
    if not ranked:
        result.message = result.message or ("Không tìm thấy hồ sơ nào. Thử bớt từ, bỏ năm sinh, "
                                            "hoặc chỉ gõ tên và họ (không cần dấu).")
    return result


def _candidates(ids: list[int], restricted: tuple[str, ...] = ()) -> list[Candidate]:
    """The entries to rank. The restricted fields the actor may match rank like `other` (their words join it);
    the others are not even read."""
    fields = [f for f in Candidate.__dataclass_fields__]
    rows = SearchEntry.objects.filter(id__in=ids).values_list(*fields, *restricted)
    if not restricted:
        return [Candidate(*row) for row in rows]
    other = fields.index("other")
    out = []
    for row in rows:
        values = list(row[:len(fields)])
        values[other] = " ".join(text for text in (values[other], *row[len(fields):]) if text)
        out.append(Candidate(*values))
    return out


def _facets(candidates: list[Candidate]) -> dict[str, list[tuple[str, str, int]]]:
    """Counts by category, current commune and decade of birth, over the candidates (up to the cap)."""
    categories = dict(Category.objects.values_list("code", "name"))
    unit_counts = Counter(c.unit_id for c in candidates if c.unit_id)
    units = dict(AdminUnit.objects.filter(id__in=list(unit_counts)).values_list("id", "name"))
    decades = Counter((c.birth_year // 10) * 10 for c in candidates if c.birth_year)
    return {
        "category": [(code, categories.get(code, code), n)
                     for code, n in Counter(c.category_code for c in candidates).most_common()],
        "unit": [(str(u), units.get(u, "?"), n) for u, n in unit_counts.most_common(15)],
        "decade": [(str(d), f"{d}–{d + 9}", n) for d, n in sorted(decades.items())],
    }


def _hits(ranked: list[tuple[float, Candidate]]) -> list[Hit]:
    numbers = [c.number for _, c in ranked]
    dossiers = {d.number: d for d in Dossier.objects.filter(number__in=numbers).select_related("subject", "category")}
    hits = []
    for points, c in ranked:
        d = dossiers.get(c.number)
        if d is None:
            continue
        birth = d.subject.birth_date
        hits.append(Hit(dossier_number=d.number, full_name=d.subject.full_name,
                        birth_year=birth.year if birth else None,
                        hometown=d.subject.hometown_text, category=d.category.code, category_name=d.category.name,
                        score=points, status=d.get_status_display(), birth=birth.display() if birth else ""))
    return hits
