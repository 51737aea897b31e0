"""Registering many dossiers at once (demo data, big registers) with plain multi-row inserts."""

import re
from collections.abc import Callable, Iterable
from functools import lru_cache
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils.translation import gettext as _

from hoso.access.models import User
from hoso.core.audit import record_event
from hoso.core.events import AuditAction
from hoso.records.bulk import NewInstances, insert_objects, insert_rows, validate_fields
from hoso.records.models import (
    Alias,
    BenefitDecision,
    Category,
    Dossier,
    DossierRelative,
    InjuryAssessment,
    MartyrRecord,
    Person,
)
from hoso.records.seeds import DossierSeed, PersonSeed
from hoso.records.services._common import (
    _DOSSIER_FIELD_NAMES,
    _fill_person,
    _notify,
    canonical_dossier_number,
)
from hoso.records.services.dossiers import _default_title
from hoso.vntext import (
    PERIOD_CODES,
    fold,
    nfc,
)

# A number already in the canonical form (what str() of a parsed number gives, as registers are imported): parsing
# it again gives it back unchanged, so it is kept as it is. Any other text is parsed.
CANONICAL_NUMBER = re.compile(r"(?:CA-)?[A-Z]{3}/[A-Z]{2,3}-[0-9]{5,8}(?:/(?:" + "|".join(PERIOD_CODES) + "))?")

# NFC of the texts of a bulk load, cached: registers repeat the same places, notes and years thousands of times.
_nfc = lru_cache(maxsize=65_536)(nfc)


def _clean(values: dict[str, Any]) -> dict[str, Any]:
    """`_clean_text`, through the cache."""
    return {k: (_nfc(v) if type(v) is str else nfc(v) if isinstance(v, str) else v) for k, v in values.items()}


def _canonical_number(text: str) -> str:
    return text if CANONICAL_NUMBER.fullmatch(text) else canonical_dossier_number(text)


def _person_from_seed(seed: PersonSeed, new: Callable[..., Person] = Person) -> Person:
    person = new()
    _fill_person(person, _clean({"full_name": seed.full_name, **seed.values}), check_relations=False)
    return person


def bulk_register_dossiers(*, actor: User | None, seeds: Iterable[DossierSeed], source: str,
                           batch_size: int = 1000, progress: Callable[[int], None] | None = None) -> int:
    """Register many dossiers fast: validated like `register_dossier`, written in batches with bulk inserts,
    one audit event per batch naming the source and the dossier numbers. Returns the number registered.

    A batch is all or nothing; a duplicate number or invalid row raises ValidationError for that batch.
    """
    categories = {c.code: c for c in Category.objects.all()}
    total = 0
    batch: list[DossierSeed] = []

    def flush() -> None:
        nonlocal total
        if batch:
            with transaction.atomic():
                dossiers = _write_batch(batch, categories)
                record_event(actor=actor, action=AuditAction.BULK_CREATE, object_type="dossier",
                             summary=f"{source}: {len(dossiers)} hồ sơ",
                             after={"numbers": [d.number for d in dossiers]})
                _notify((d.pk for d in dossiers), loaded=dossiers)
            total += len(batch)
            if progress:
                progress(len(batch))
            batch.clear()

    for seed in seeds:
        batch.append(seed)
        if len(batch) >= batch_size:
            flush()
    flush()
    return total


def _write_batch(seeds: list[DossierSeed], categories: dict[str, Category]) -> list[Dossier]:
    new_person, new_alias, new_dossier = NewInstances(Person), NewInstances(Alias), NewInstances(Dossier)
    people: list[Person] = []
    person_seeds: list[PersonSeed] = []
    for seed in seeds:
        for p in (seed.subject, *(r.person for r in seed.relatives)):
            people.append(_person_from_seed(p, new_person))
            person_seeds.append(p)
    insert_objects(people)
    by_seed = {id(s): p for s, p in zip(person_seeds, people, strict=True)}
    aliases = [new_alias(person=by_seed[id(s)], name=nfc(a), name_folded=fold(a))
               for s in person_seeds for a in s.aliases]
    insert_objects(aliases)
    through = Person.categories.through
    links = {(by_seed[id(s)].pk, categories[c].pk) for s in person_seeds for c in s.categories}
    links |= {(by_seed[id(d.subject)].pk, categories[d.category].pk) for d in seeds}
    links |= {(by_seed[id(r.person)].pk, categories["TN"].pk) for d in seeds for r in d.relatives}
    insert_rows(through, ["person", "category"], sorted(links), returning=False)

    dossiers = []
    for seed in seeds:
        category = categories.get(seed.category)
        if category is None:
            raise ValidationError({"category": _("Diện đối tượng không có trong danh mục: %(codes)s") % {
                "codes": seed.category}})
        subject = by_seed[id(seed.subject)]
        dossier = new_dossier(number=_canonical_number(seed.number), category=category, subject=subject,
                              **_clean(seed.values))
        dossier.title = dossier.title or _default_title(category, subject)
        # Category and subject were set just above from rows already loaded; the fields not given hold their
        # defaults: only what the seed sets is checked.
        validate_fields(dossier, _dossier_checked(frozenset(seed.values)))
        dossiers.append(dossier)
    numbers = [d.number for d in dossiers]
    clash = list(Dossier.objects.filter(number__in=numbers).values_list("number", flat=True)[:5])
    if clash or len(set(numbers)) != len(numbers):
        if clash:
            raise ValidationError({"number": _("Số hồ sơ đã có trong hệ thống: %(numbers)s") % {
                "numbers": ", ".join(clash)}})
        raise ValidationError({"number": _("Số hồ sơ trùng nhau trong lô.")})
    insert_objects(dossiers)

    children: dict[type[models.Model], list[models.Model]] = {
        MartyrRecord: [], InjuryAssessment: [], BenefitDecision: [], DossierRelative: []}
    new_martyr = NewInstances(MartyrRecord)
    for seed, dossier in zip(seeds, dossiers, strict=True):
        if seed.martyr:
            children[MartyrRecord].append(new_martyr(dossier=dossier, **_clean(seed.martyr)))
        children[InjuryAssessment] += [InjuryAssessment(dossier=dossier, **a) for a in seed.assessments]
        children[BenefitDecision] += [BenefitDecision(dossier=dossier, **d) for d in seed.decisions]
        children[DossierRelative] += [
            DossierRelative(dossier=dossier, person=by_seed[id(r.person)], relationship=r.relationship,
                            receives_benefit=r.receives_benefit, keeps_worship=r.keeps_worship)
            for r in seed.relatives]
    for model, objs in children.items():
        checked = _children_checked(model)
        for obj in objs:
            validate_fields(obj, checked)
        insert_objects(objs)
    _cache_written(people, aliases, dossiers, children[MartyrRecord], children[DossierRelative])
    return dossiers


@lru_cache(maxsize=256)
def _dossier_checked(given: frozenset[str]) -> frozenset[str]:
    """The fields checked on a new dossier given these values: those the seed sets, and number and title."""
    return frozenset(n for n in _DOSSIER_FIELD_NAMES if n in given or n in {"number", "title"})


@lru_cache(maxsize=16)
def _children_checked(model: type[models.Model]) -> frozenset[str]:
    """Every field of a dossier's record but the links to the dossier and people (set from rows just written)."""
    return frozenset(f.name for f in model._meta.fields if f.name not in {"dossier", "person", "beneficiary"})


def _cache_written(people: list[Person], aliases: list[Alias], dossiers: list[Dossier],
                   martyrs: list[MartyrRecord], links: list[DossierRelative]) -> None:
    """Mark the relations of just-written objects as loaded, as prefetch_related would (with lists: these
    objects are only read, by the receivers of `dossiers_changed`), so that nothing is read back."""
    by_person: dict[int, list[Alias]] = {id(p): [] for p in people}
    for alias in aliases:
        by_person[id(alias.person)].append(alias)
    for person in people:
        person._prefetched_objects_cache = {"aliases": by_person[id(person)]}
    martyr_of = {id(m.dossier): m for m in martyrs}
    links_of: dict[int, list[DossierRelative]] = {id(d): [] for d in dossiers}
    for link in links:
        links_of[id(link.dossier)].append(link)
    for dossier in dossiers:
        dossier._prefetched_objects_cache = {"relative_links": links_of[id(dossier)], "documents": []}
        dossier._state.fields_cache["martyr"] = martyr_of.get(id(dossier))
