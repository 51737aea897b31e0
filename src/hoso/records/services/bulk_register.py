"""Registering many dossiers at once (demo data, big registers) with plain multi-row inserts."""

from collections.abc import Callable, Iterable

from django.core.exceptions import ValidationError
from django.db import models, transaction

from hoso.access.models import User
from hoso.core.audit import record_event
from hoso.core.events import AuditAction
from hoso.records.bulk import insert_objects, insert_rows
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
    _clean_text,
    _fill_person,
    _notify,
    _validate,
    canonical_dossier_number,
)
from hoso.records.services.dossiers import _default_title
from hoso.vntext import (
    fold,
    nfc,
)


def _person_from_seed(seed: PersonSeed) -> Person:
    person = Person()
    _fill_person(person, _clean_text({"full_name": seed.full_name, **seed.values}), check_relations=False)
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
    people: list[Person] = []
    person_seeds: list[PersonSeed] = []
    for seed in seeds:
        for p in (seed.subject, *(r.person for r in seed.relatives)):
            people.append(_person_from_seed(p))
            person_seeds.append(p)
    insert_objects(people)
    by_seed = {id(s): p for s, p in zip(person_seeds, people, strict=True)}
    aliases = [Alias(person=by_seed[id(s)], name=nfc(a), name_folded=fold(a)) for s in person_seeds for a in s.aliases]
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
            raise ValidationError({"category": f"Diện đối tượng không có trong danh mục: {seed.category}"})
        subject = by_seed[id(seed.subject)]
        dossier = Dossier(number=canonical_dossier_number(seed.number), category=category, subject=subject,
                          **_clean_text(seed.values))
        dossier.title = dossier.title or _default_title(category, subject)
        # Category and subject were set just above from rows already loaded; the fields not given hold their
        # defaults: only what the seed sets is checked.
        _validate(dossier, exclude=[n for n in _DOSSIER_FIELD_NAMES if n not in seed.values and n not in {
            "number", "title"}])
        dossiers.append(dossier)
    numbers = [d.number for d in dossiers]
    clash = list(Dossier.objects.filter(number__in=numbers).values_list("number", flat=True)[:5])
    if clash or len(set(numbers)) != len(numbers):
        raise ValidationError({"number": f"Số hồ sơ đã có trong hệ thống: {', '.join(clash) or 'trùng trong lô'}"})
    insert_objects(dossiers)

    children: dict[type[models.Model], list[models.Model]] = {
        MartyrRecord: [], InjuryAssessment: [], BenefitDecision: [], DossierRelative: []}
    for seed, dossier in zip(seeds, dossiers, strict=True):
        if seed.martyr:
            children[MartyrRecord].append(MartyrRecord(dossier=dossier, **_clean_text(seed.martyr)))
        children[InjuryAssessment] += [InjuryAssessment(dossier=dossier, **a) for a in seed.assessments]
        children[BenefitDecision] += [BenefitDecision(dossier=dossier, **d) for d in seed.decisions]
        children[DossierRelative] += [
            DossierRelative(dossier=dossier, person=by_seed[id(r.person)], relationship=r.relationship,
                            receives_benefit=r.receives_benefit, keeps_worship=r.keeps_worship)
            for r in seed.relatives]
    for objs in children.values():
        for obj in objs:
            _validate(obj, exclude=["dossier", "person", "beneficiary"])
        insert_objects(objs)
    _cache_written(people, aliases, dossiers, children[MartyrRecord], children[DossierRelative])
    return dossiers


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
