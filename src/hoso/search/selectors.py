"""Search as the acting user sees it. Access is applied inside the index query, so a user's search never
returns, counts or hints at dossiers outside what they may see — nor at text inside a visible dossier they may not
read: the restricted index fields (page words of "mật" and health documents, "mật" documents' numbers) are matched,
counted and ranked only for an actor allowed to read them (records/visibility.py), and never shown."""

from collections import Counter
from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from hoso.access.models import User
from hoso.gazetteer.models import AdminUnit
from hoso.gazetteer.services import expand_units
from hoso.records.categories import category_label
from hoso.records.models import Category, Dossier, DossierRelative
from hoso.records.visibility import cleared_for_secret, dossier_copy_q, sees_health, visible_dossiers, whole_province
from hoso.vntext import (
    TYPE_CODES,
    DossierNumber,
    InvalidDossierNumber,
    looks_like_dossier_number,
    parse_dossier_number,
)

from ._backend import with_ids
from ._categories import named_categories, soften
from ._documents import HEALTH, SECRET, SECRET_HEALTH, number_key
from ._query import MAX_QUERY_LENGTH, Query, parse_query
from ._rank import Assessment, Candidate, Ranker
from ._retrieval import CANDIDATE_CAP, COUNT_CAP, Retrieved, retrieve, years
from .models import SearchEntry


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
    approximate: bool = False  # found through a typo correction, a word cut short, other accents, a word left out
    relative: str = ""  # the words matched this relative, not the person: "Phạm Văn Hiệp (con đẻ)"


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


def readable_fields(actor: User | None) -> tuple[str, ...]:
    """The restricted index fields this actor may match: "mật" documents' text with a clearance, health documents'
    page words with the health permission, and those of a document that is both with both."""
    secret, health = cleared_for_secret(actor), sees_health(actor)
    return tuple(f for f, allowed in ((SECRET, secret), (HEALTH, health), (SECRET_HEALTH, secret and health))
                 if allowed)


def _base(actor: User, filters: Filters) -> QuerySet[SearchEntry] | None:
    # The rule on the entry's own copies of the dossier's confidentiality and places (models.SearchEntry)
    access = dossier_copy_q(actor=actor, confidentiality="confidentiality", residence="residence_unit_id",
                            hometown="hometown_unit_id")
    if access is None:
        return None
    qs = SearchEntry.objects.filter(access)
    if filters.category:
        qs = qs.filter(category_code=filters.category)
    if filters.unit_id:  # the place as it is today, with the units inside it and those it replaced
        units = expand_units(frozenset({filters.unit_id}))
        qs = qs.filter(Q(unit_id__in=units) | Q(hometown_unit_id__in=units) | Q(residence_unit_id__in=units))
    if filters.status:
        qs = qs.filter(dossier__status=filters.status)
    if filters.decade:
        qs = qs.filter(birth_year__gte=filters.decade, birth_year__lt=filters.decade + 10)
    return qs


def _number_lookup(qs: QuerySet[SearchEntry], text: str,
                   categories: dict[str, str]) -> tuple[list[int], DossierNumber | None]:
    """(entries of the dossier number the text is, that number) — ([], None) when the text is not a number."""
    if not looks_like_dossier_number(text, known_type_codes=frozenset(TYPE_CODES) | frozenset(categories)):
        return [], None
    try:
        parsed = parse_dossier_number(text, default_province=settings.HOSO_PROVINCE_CODE)
    except InvalidDossierNumber:
        return [], None
    exact = list(qs.filter(number=str(parsed)).values_list("id", flat=True))
    return exact or list(qs.filter(number_key=number_key(str(parsed))).values_list("id", flat=True)[:50]), parsed


@dataclass
class _Ranking:
    candidates: list[Candidate]
    ranked: list[tuple[Assessment, Candidate]]
    total: int
    approximate: bool = False


def _rank(qs: QuerySet[SearchEntry], query: Query, prefix_last: bool, restricted: tuple[str, ...],
          name_start: bool = False) -> _Ranking:
    """The candidates of the query's words (or, with none, of its years and filters alone), ranked. `name_start`:
    names that begin with the words typed may stand for them all (_retrieval.retrieve)."""
    if not query.terms:
        scoped = years(qs, query)
        ids = list(scoped.values_list("id", flat=True)[:COUNT_CAP])  # counted as read: one pass, not two
        found = Retrieved(ids[:CANDIDATE_CAP], {}, len(ids), False)
    else:
        found = retrieve(qs, query, prefix_last, restricted, name_start=name_start)
    candidates = _candidates(found.ids, restricted)
    ranker = Ranker(query, found.expansions, prefix_last)
    return _Ranking(candidates, [(ranker.assess(c), c) for c in candidates], found.total, found.approximate)


def find(*, actor: User, text: str, limit: int = 20, offset: int = 0, filters: Filters = Filters(),
         prefix_last: bool = False) -> SearchResult:
    """Find dossiers for a desk query (a read only: `services.search` is the audited entry point).
    Never raises on odd input: returns a result with a message.

    A category the query names («liệt sĩ», «thương binh loại B», «LS») filters the dossiers (its words are not
    looked for in names); when nothing in that category matches, the words are searched as ordinary optional words."""
    text = text or ""
    result = SearchResult(query=text[:MAX_QUERY_LENGTH])
    if len(text) > MAX_QUERY_LENGTH:
        result.message = _("Câu tìm dài quá %(limit)s ký tự: chỉ dùng %(limit)s ký tự đầu.") % {
            "limit": MAX_QUERY_LENGTH}
    qs = _base(actor, filters)
    query = parse_query(text)
    if qs is None or (query.empty and not text.strip()):
        result.message = result.message or _("Nhập họ tên, năm sinh, quê quán hoặc số hồ sơ để tìm.")
        return result
    limit = max(1, min(limit, 200))
    restricted = readable_fields(actor)
    categories = dict(Category.objects.values_list("code", "name"))
    ids, number = _number_lookup(qs, result.query, categories)
    slip = bool(number and not ids)
    if slip:  # the same words whether the number exists out of scope or not at all
        result.message = result.message or (_("Không có hồ sơ số %(number)s trong phạm vi bạn được xem; dưới đây "
                                              "là các hồ sơ có cùng số thứ tự.") % {"number": number})
        query = parse_query(number.serial.zfill(5))  # a slip in the type or period code: same serial
    if ids:
        candidates = _candidates(ids, restricted)
        ranking = _Ranking(candidates, [(Assessment(100.0), c) for c in candidates], len(candidates))
    else:
        narrowed, codes = named_categories(query, categories)
        ranking = None
        if codes:
            ranking = _rank(qs.filter(category_code__in=codes), narrowed, prefix_last, restricted)
            named = ", ".join(category_label(categories[code]) for code in sorted(codes))
            if ranking.ranked:
                result.message = result.message or _("Chỉ tìm trong diện: %(categories)s.") % {"categories": named}
            else:
                ranking, query = None, soften(query, categories)
        if ranking is None:
            if query.empty:
                result.message = result.message or _("Không nhận ra tên, năm hay số hồ sơ trong câu tìm.")
                return result
            # Typed into the desk box by someone who sees the whole province, with no filter: names beginning with
            # the words may stand for every match when they are many ("ngu", "nguyen van"; see _retrieval).
            ranking = _rank(qs, query, prefix_last, restricted,
                            name_start=prefix_last and filters == Filters() and whole_province(actor))
            if codes and ranking.ranked:
                result.message = result.message or (_("Không có hồ sơ diện %(categories)s khớp câu tìm; dưới đây "
                                                      "là hồ sơ các diện khác.") % {"categories": named})
            elif ranking.approximate:
                result.message = result.message or _("Không có hồ sơ khớp đủ mọi từ đã gõ; dưới đây là các hồ sơ "
                                                     "gần đúng nhất (có thể sai chính tả hoặc thiếu một từ).")
    ranked = sorted(ranking.ranked, key=lambda pair: (-pair[0].score, pair[1].sort_key, pair[1].number))
    result.total = ranking.total
    result.total_capped = ranking.total >= COUNT_CAP
    result.facets = _facets(ranking.candidates, categories)
    result.hits = _hits(ranked[offset:offset + limit], actor, approximate=slip)
    if not ranked and number:
        result.message = _("Không có hồ sơ số %(number)s trong phạm vi bạn được xem.") % {"number": number}
    if not ranked:
        result.message = result.message or _("Không tìm thấy hồ sơ nào. Thử bớt từ, bỏ năm sinh, "
                                             "hoặc chỉ gõ tên và họ (không cần dấu).")
    return result


def _candidates(ids: list[int], restricted: tuple[str, ...] = ()) -> list[Candidate]:
    """The entries to rank. The restricted fields the actor may match rank like `other` (their words join it);
    the others are not even read."""
    fields = list(Candidate._fields)
    rows = with_ids(SearchEntry.objects.all(), ids).values_list(*fields, *restricted)
    if not restricted:
        return list(map(Candidate._make, rows))
    other = fields.index("other")
    out = []
    for row in rows:
        values = list(row[:len(fields)])
        values[other] = " ".join(text for text in (values[other], *row[len(fields):]) if text)
        out.append(Candidate(*values))
    return out


def _facets(candidates: list[Candidate], categories: dict[str, str]) -> dict[str, list[tuple[str, str, int]]]:
    """Counts by category, current commune and decade of birth, over the candidates (up to the cap)."""
    unit_counts = Counter(c.unit_id for c in candidates if c.unit_id)
    units = dict(AdminUnit.objects.filter(id__in=list(unit_counts)).values_list("id", "name"))
    decades = Counter((c.birth_year // 10) * 10 for c in candidates if c.birth_year)
    return {
        "category": [(code, category_label(categories[code]) if code in categories else code, n)
                     for code, n in Counter(c.category_code for c in candidates).most_common()],
        "unit": [(str(u), units.get(u, "?"), n) for u, n in unit_counts.most_common(15)],
        "decade": [(str(d), f"{d}–{d + 9}", n) for d, n in sorted(decades.items())],
    }


def _hits(ranked: list[tuple[Assessment, Candidate]], actor: User, approximate: bool = False) -> list[Hit]:
    """The page's hits; `approximate`: every one of them (a number not found: dossiers of the same serial). What a
    hit shows is read as plain values: model instances, and Django's get_status_display per hit, were most of the
    time of making a page of hits. The dossiers are read through the rule on the records themselves: the entries'
    copies it filtered on (models.SearchEntry) are written in the transaction of every records write, but one that
    raced a concurrent edit of the same dossier could lag, and what a hit shows never follows a copy."""
    numbers = [c.number for _assessment, c in ranked]
    dossiers = {row[0]: row for row in visible_dossiers(actor=actor).filter(number__in=numbers).values_list(
        "number", "pk", "status", "subject__full_name", "subject__birth_date", "subject__hometown_text",
        "category__code", "category__name")}
    relatives = _relatives([dossiers[c.number][1] for a, c in ranked if a.relative and c.number in dossiers])
    hits = []
    for assessment, c in ranked:
        row = dossiers.get(c.number)
        if row is None:
            continue
        number, pk, status, full_name, birth, hometown, code, category_name = row
        hits.append(Hit(dossier_number=number, full_name=full_name, birth_year=birth.year if birth else None,
                        hometown=hometown, category=code, category_name=category_name, score=assessment.score,
                        status=str(_STATUSES.get(status, status)), birth=birth.display() if birth else "",
                        approximate=approximate or assessment.approximate,
                        relative=_relative_label(relatives.get(pk, []), assessment.relative)))
    return hits


_STATUSES = dict(Dossier.Status.choices)
_RELATIONSHIPS = dict(DossierRelative.Relationship.choices)


def _relatives(dossier_ids: list[int]) -> dict[int, list[tuple[str, str, set[str]]]]:
    """The relatives of these dossiers: (full name, relationship, folded names: the full name and the aliases)."""
    links: dict[int, tuple[int, str, str, set[str]]] = {}
    if dossier_ids:
        for link_id, dossier_id, full_name, folded, alias, relationship in (
                DossierRelative.objects.filter(dossier_id__in=dossier_ids)
                .values_list("id", "dossier_id", "person__full_name", "person__name_folded",
                             "person__aliases__name_folded", "relationship")):  # a row per alias
            link = links.setdefault(link_id, (dossier_id, full_name, relationship, {folded}))
            if alias:
                link[3].add(alias)
    out: dict[int, list[tuple[str, str, set[str]]]] = {}
    for _key, (dossier_id, full_name, relationship, names) in sorted(links.items()):
        out.setdefault(dossier_id, []).append((full_name, relationship, names))
    return out


def _relative_label(links: list[tuple[str, str, set[str]]], matched: str) -> str:
    """"Phạm Văn Hiệp (con đẻ)" for the relative whose name (or alias) is `matched` (folded, with year words)."""
    if not matched:
        return ""
    name = " ".join(w for w in matched.split() if w.isalpha())
    for full_name, relationship, names in links:
        if name in names:
            return f"{full_name} ({_RELATIONSHIPS.get(relationship, relationship).lower()})"
    return ""
