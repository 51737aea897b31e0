"""What goes into the index for one dossier: every name form, places as written and as mapped, numbers, and the
words of its pages — those only some may read kept apart, in restricted fields.

Restricted text (records/visibility.py decides who reads what; the index only sorts text by who may read it):
- `secret`: the number and symbol of a "mật" document, and the OCR words of its pages — for a cleared user;
- `health`: the OCR words of a health document's pages (giám định y khoa, tỷ lệ tổn thương …) — for a user with
  the health permission;
- `secret_health`: the OCR words of a document that is both — for a user who holds both.
Each restricted field is matched, and ranked like `other`, only for an actor allowed to read it (selectors).
"""

import re
from collections.abc import Iterable
from functools import lru_cache
from typing import Any

from django.db.models import Prefetch, QuerySet

from hoso.gazetteer.models import AdminUnit
from hoso.gazetteer.services import successors
from hoso.records.models import Alias, Document, Dossier, DossierRelative, Page
from hoso.records.visibility import is_health_document, needs_clearance
from hoso.vntext import (
    PERIOD_CODES,
    InvalidDossierNumber,
    PartialDate,
    fold,
    nfc,
    normalize_tones,
    parse_dossier_number,
)

from ._query import own_year_words, year_words

SCHEMA_VERSION = 8  # bump when what is indexed changes: `hoso migrate` then rebuilds the index
# OCR text of a dossier's pages goes into "other" (or a restricted field) as its distinct folded words, at most
# this many characters per field: enough to find a dossier by a word on its pages, bounded for ranking and size.
OCR_TEXT_CAP = 4000
SECRET, HEALTH, SECRET_HEALTH = "secret", "health", "secret_health"
RESTRICTED_FIELDS = (SECRET, HEALTH, SECRET_HEALTH)


def exact_form(text: str) -> str:
    """As written, for accent-aware ranking: NFC, lower case, one tone placement (word by word, cached: a
    province's names share a few thousand words, and a reindex meets each of them a million times)."""
    return " ".join(_exact_word(word) for word in nfc(text).lower().split(" "))


@lru_cache(maxsize=65536)
def _exact_word(word: str) -> str:
    return normalize_tones(word)


@lru_cache(maxsize=65536)
def _fold_word(word: str) -> str:
    return fold(word)


_NOT_ALNUM = re.compile(r"[^a-z0-9]+")


def _fold_ascii(word: str) -> str:
    """`fold` of ASCII text (which has no accents, compatibility forms nor invisible characters to drop): lower
    case, every other character a word break."""
    return _NOT_ALNUM.sub(" ", word.lower()).strip()


def fold_words(text: str) -> str:
    """`fold(text)`, word by word through a cache (fold maps characters and breaks words at whitespace, so the
    two are equal; names and places repeat the same few thousand words). ASCII words (numbers, codes: one of a
    kind, they would only push the names' words out of the cache) are folded directly."""
    return " ".join(folded for folded in (_fold_ascii(w) if w.isascii() else _fold_word(w) for w in text.split())
                    if folded)


# Level words that open a place name ("xã Triệu Long", "huyện Triệu Phong"). Every record's places hold them, so
# indexed they made a name word such as Huyền or Trí match the whole province; they are dropped from the places
# (a query's "xã", "huyện" … are optional words anyway), as is the province's own name (it is everyone's; a query's
# "Quảng Trị" is optional too). "Thị trấn" stays: "trấn Khe Sanh" is how people say it, and thi/tran are common
# name words whatever the places hold.
PLACE_LEVELS = ("thanh pho", "thi xa", "to dan pho", "khu pho", "tinh", "tp", "tx", "tt", "huyen",
                "quan", "xa", "phuong", "thon", "xom", "ap", "ban", "khom", "to")


@lru_cache(maxsize=1)
def _home_province() -> str:
    from django.conf import settings

    return fold_words(getattr(settings, "HOSO_PROVINCE_NAME", "") or "")


@lru_cache(maxsize=65536)  # registers repeat the same few thousand place texts
def place_words(text: str) -> str:
    """Folded words of a place as written, part by part (split at commas), without the level word opening each
    part and without a part that is just the province's own name."""
    out = []
    for part in text.split(","):
        words = fold_words(part)
        for level in PLACE_LEVELS:
            rest = words[len(level) + 1:]
            if words.startswith(level + " ") and not rest.replace(" ", "").isdigit():  # keep "phuong 5"
                words = rest
                break
        if words and words != _home_province():
            out.append(words)
    return " ".join(out)


# The canonical form of a dossier number (str() of a parsed one, as every stored number is): its type code and
# serial read straight off it, as parsing it again would give them.
_CANONICAL_NUMBER = re.compile(r"(?:CA-)?[A-Z]{3}/([A-Z]{2,3})-([0-9]{1,8})(?:/(?:" + "|".join(PERIOD_CODES) + "))?")


def number_key(number: str) -> str:
    """"QTI/LS-07956/CM" → "ls7956": type code and serial without leading zeros."""
    canonical = _CANONICAL_NUMBER.fullmatch(number)
    if canonical is not None:
        return f"{canonical[1].lower()}{int(canonical[2])}"
    try:
        parsed = parse_dossier_number(number, default_province="XXX")
    except InvalidDossierNumber:
        return ""
    return f"{parsed.type_code.lower()}{int(parsed.serial)}"


def dossiers_for_indexing(ids: Iterable[int]) -> QuerySet[Dossier]:
    return (Dossier.objects.filter(id__in=list(ids))
            .select_related("category", "subject", "martyr")
            .prefetch_related(Prefetch("subject__aliases", queryset=Alias.objects.order_by("id")),
                              Prefetch("relative_links", queryset=DossierRelative.objects.select_related("person")),
                              "relative_links__person__aliases", "documents",
                              Prefetch("pages", to_attr="ocr_pages",
                                       queryset=Page.objects.filter(state=Page.State.DONE).exclude(ocr_text="")
                                       .order_by("sequence")
                                       .only("id", "dossier_id", "sequence", "ocr_text", "document_id"))))


class UnitNames:
    """Folded names of a unit and of every unit it relates to (parent, successors, predecessors), cached."""

    def __init__(self) -> None:
        self._cache: dict[int, tuple[str, int | None]] = {}

    def __call__(self, unit_id: int | None) -> tuple[str, int | None]:
        """(folded names, id of the current commune it maps to) for a unit id."""
        if unit_id is None:
            return "", None
        if unit_id not in self._cache:
            self._cache[unit_id] = self._compute(unit_id)
        return self._cache[unit_id]

    @staticmethod
    def _compute(unit_id: int) -> tuple[str, int | None]:
        unit = AdminUnit.objects.select_related("parent").filter(pk=unit_id).first()
        if unit is None:
            return "", None
        related = [unit, *successors(unit)]
        related += [link.old for link in unit.predecessor_links.select_related("old__parent")]
        names: list[str] = []
        for u in related:
            names.append(u.name)
            if u.parent_id:
                names.append(u.parent.name)
        current = next((u.pk for u in related if u.level == AdminUnit.Level.COMMUNE and u.valid_to is None), None)
        return place_words(", ".join(dict.fromkeys(names))), current


def ocr_words(pages: Iterable[Page], cap: int = OCR_TEXT_CAP, known: frozenset[str] = frozenset()) -> list[str]:
    """Distinct folded words of the pages' OCR text, in page order, within `cap` characters; words in `known`
    (already indexed where every reader of these pages reads them) are left out."""
    words: dict[str, None] = {}
    size = 0
    for page in pages:
        for word in fold(page.ocr_text).split():
            if len(word) < 2 or word in words or word in known:
                continue
            size += len(word) + 1
            if size > cap:
                return list(words)
            words[word] = None
    return list(words)


def text_field(document: Document | None) -> str:
    """The index field for the page text of this document: "other" when everyone who sees the dossier may read
    it, else the restricted field of those who may."""
    secret, health = needs_clearance(document), is_health_document(document)
    return SECRET_HEALTH if secret and health else SECRET if secret else HEALTH if health else "other"


def page_words(dossier: Dossier) -> dict[str, list[str]]:
    """The OCR words of a dossier's pages (prefetched as `ocr_pages`) by index field. A restricted field leaves
    out words its readers find elsewhere already (in "other"; for `secret_health`, also in `secret` and `health`,
    which anyone reading it reads too); never the words of another restricted field they might not read."""
    read = getattr(dossier, "ocr_pages", ())
    if not read:  # most dossiers (every one a register has just loaded)
        return {"other": [], SECRET: [], HEALTH: [], SECRET_HEALTH: []}
    pages: dict[str, list[Page]] = {"other": [], SECRET: [], HEALTH: [], SECRET_HEALTH: []}
    documents = {d.pk: d for d in _related(dossier, "documents")}
    for page in read:
        pages[text_field(documents.get(page.document_id))].append(page)
    out = {"other": ocr_words(pages["other"])}
    public = frozenset(out["other"])
    out[SECRET] = ocr_words(pages[SECRET], known=public)
    out[HEALTH] = ocr_words(pages[HEALTH], known=public)
    out[SECRET_HEALTH] = ocr_words(pages[SECRET_HEALTH], known=public | set(out[SECRET]) | set(out[HEALTH]))
    return out


def _related(obj: Any, name: str) -> Any:
    """`getattr(obj, name).all()` of a to-many relation: its prefetched objects when there are (what `.all()` would
    return, without making a related manager each time), else the query."""
    cache = getattr(obj, "_prefetched_objects_cache", None)
    if cache is not None and name in cache:
        return cache[name]
    return getattr(obj, name).all()


def entry_values(dossier: Dossier, unit_names: UnitNames) -> dict[str, Any]:
    """The SearchEntry field values for one dossier (prefetched as in `dossiers_for_indexing`)."""
    person = dossier.subject
    aliases = [a.name for a in _related(person, "aliases")]
    relatives = []  # folded: each relative's name, then each of their aliases, each with the relative's years
    for link in _related(dossier, "relative_links"):
        relative = link.person
        birth = relative.birth_date.year if relative.birth_date else None
        death = relative.death_date.year if relative.death_date else None
        for name in (relative.full_name, *(a.name for a in _related(relative, "aliases"))):
            words = fold_words(name)
            relatives.append(" ".join([words, *year_words(birth, death, words.rpartition(" ")[2])]))
    home_names, home_unit = unit_names(person.hometown_unit_id)
    residence_names, _ = unit_names(person.residence_unit_id)
    places = " ".join(dict.fromkeys(  # each distinct place text once
        p for p in (place_words(person.hometown_text), home_names, place_words(person.residence_text),
                    residence_names) if p))
    key = number_key(dossier.number)
    # Not the category's code or name: their words are name syllables («bảo vệ Tổ quốc» made "bao" match every KC
    # dossier); a category is searched as a filter (_categories.py).
    other = [dossier.number, key]
    secret = []
    for document in _related(dossier, "documents"):
        if document.number or document.symbol:
            (secret if needs_clearance(document) else other).append(f"{document.number} {document.symbol}")
    martyr = getattr(dossier, "martyr", None) if hasattr(dossier, "martyr") else None
    if martyr is not None:
        other += [martyr.unit, martyr.place_of_sacrifice, martyr.cemetery]
    words = page_words(dossier)
    return {
        "name": fold_words(person.full_name),
        "aliases": " | ".join(fold_words(a) for a in aliases),
        "relatives": " | ".join(relatives),
        "places": " ".join(places.split()),
        "other": " ".join([*fold_words(" ".join(other)).split(), *own_year_words(person.birth_date, person.death_date),
                           *words["other"]]),
        SECRET: " ".join([*fold_words(" ".join(secret)).split(), *words[SECRET]]),
        HEALTH: " ".join(words[HEALTH]),
        SECRET_HEALTH: " ".join(words[SECRET_HEALTH]),
        "name_exact": exact_form(person.full_name),
        "aliases_exact": " | ".join(exact_form(a) for a in aliases),
        "birth_year": person.birth_date.year if person.birth_date else None,
        "death_year": person.death_date.year if person.death_date else None,
        **_span("birth", person.birth_date),
        **_span("death", person.death_date),
        "number_key": key,
        "number": dossier.number,
        "category_code": dossier.category.code,
        "unit_id": home_unit,
        "sort_key": person.sort_key,
        "confidentiality": dossier.confidentiality,
        "residence_unit_id": person.residence_unit_id,
        "hometown_unit_id": person.hometown_unit_id,
    }


def _span(prefix: str, value: PartialDate | None) -> dict[str, int | None]:
    """`birth_from`/`birth_to` (or death_…): the years an approximate date can mean; none for an exact date."""
    low, high = value.year_range() if value is not None and value.approximate else (None, None)
    return {f"{prefix}_from": low, f"{prefix}_to": high}
