"""The one write path for records. Every function validates, writes and audits in one transaction.

Views, the API, commands and tasks call these functions; they never save records models themselves.
Messages raised to users are Vietnamese (`django.core.exceptions.ValidationError`).
"""

import re
from collections.abc import Callable, Iterable
from functools import lru_cache
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction

from hoso.access.models import User
from hoso.core.audit import record_event
from hoso.core.events import AuditAction
from hoso.vntext import (
    InvalidDossierNumber,
    PersonName,
    fold,
    name_collation_key,
    nfc,
    parse_dossier_number,
    split_name,
)
from hoso.vntext.dates import PartialDate

from .bulk import insert_objects, insert_rows
from .models import (
    Alias,
    BenefitDecision,
    Category,
    Confidentiality,
    Document,
    Dossier,
    DossierRelative,
    InjuryAssessment,
    MartyrRecord,
    Person,
)
from .seeds import DossierSeed, PersonSeed
from .selectors import dossier_detail
from .signals import dossiers_changed, dossiers_deleting

PERSON_FIELDS = frozenset({
    "full_name", "family_name", "middle_name", "given_name", "sex", "birth_date", "death_date", "ethnicity",
    "hometown_text", "hometown_unit", "residence_text", "residence_unit", "national_id", "notes",
})
DOSSIER_FIELDS = frozenset({
    "archive_code", "agency_code", "fonds_code", "catalogue", "file_notation", "title", "retention",
    "usage_mode", "language", "start_date", "end_date", "document_total", "annotation", "info_symbol",
    "keywords", "sheet_count", "page_total", "physical_condition", "confidentiality", "status",
})
MARTYR_FIELDS = frozenset(f.name for f in MartyrRecord._meta.concrete_fields) - {"id", "dossier"}
DOCUMENT_FIELDS = frozenset(f.name for f in Document._meta.concrete_fields) - {"id", "dossier"}
ASSESSMENT_FIELDS = frozenset(f.name for f in InjuryAssessment._meta.concrete_fields) - {"id", "dossier"}
DECISION_FIELDS = frozenset(f.name for f in BenefitDecision._meta.concrete_fields) - {"id", "dossier"}
NATIONAL_ID = re.compile(r"^(\d{9}|\d{12})$")


def snapshot(obj: models.Model) -> dict[str, Any]:
    """A JSON-ready dict of a record's own fields, for the audit trail's before/after."""
    data: dict[str, Any] = {}
    for field in obj._meta.concrete_fields:
        value = getattr(obj, field.attname)
        if isinstance(value, PartialDate):
            value = value.iso()
        data[field.attname] = value
    return data


def _changed(before: dict[str, Any], after: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    keys = [k for k in after if before.get(k) != after.get(k) and k != "updated_at"]
    return {k: before.get(k) for k in keys}, {k: after[k] for k in keys}


def _clean_text(values: dict[str, Any]) -> dict[str, Any]:
    """NFC-normalise every text value on the way in (NFD arrives from macOS and some Excel files)."""
    return {k: (nfc(v) if isinstance(v, str) else v) for k, v in values.items()}


def _check_fields(values: dict[str, Any], allowed: frozenset[str], what: str) -> None:
    unknown = set(values) - allowed
    if unknown:
        raise TypeError(f"{what}: unknown fields {sorted(unknown)}")


def _notify(dossier_ids: Iterable[int], loaded: list[Dossier] | None = None) -> None:
    """`loaded`: the dossiers just written, in memory with their relations cached (bulk loads), so that
    receivers such as the search index need not read them back."""
    ids = sorted(set(dossier_ids))
    if ids:
        dossiers_changed.send(sender=Dossier, dossier_ids=ids, loaded=loaded or [])


def _person_dossier_ids(person: Person) -> list[int]:
    subject = Dossier.objects.filter(subject=person).values_list("id", flat=True)
    relative = DossierRelative.objects.filter(person=person).values_list("dossier_id", flat=True)
    return [*subject, *relative]


def _validate(obj: models.Model, *, exclude: Iterable[str] = ()) -> None:
    obj.full_clean(exclude=list(exclude), validate_unique=False)


def _check_confidentiality(actor: User | None, level: str) -> None:
    """Only someone cleared for "mật" dossiers may make one (else they would lose it at once)."""
    if level == Confidentiality.SECRET and actor is not None and not actor.secret_clearance:
        raise ValidationError({"confidentiality": "Bạn không có quyền với hồ sơ Mật nên không thể đặt độ mật này."})


def canonical_dossier_number(text: str) -> str:
    """Parse a dossier number leniently and return its canonical form, or raise ValidationError."""
    try:
        return str(parse_dossier_number(text, default_province=settings.HOSO_PROVINCE_CODE))
    except InvalidDossierNumber as exc:
        raise ValidationError({"number": str(exc)}) from exc


def _fill_person(person: Person, values: dict[str, Any], *, check_relations: bool = True) -> None:
    for key, value in values.items():
        setattr(person, key, value)
    person.full_name = nfc(person.full_name or "")
    if not person.full_name:
        raise ValidationError({"full_name": "Cần nhập họ và tên."})
    parts_given = {"family_name", "middle_name", "given_name"} & set(values)
    if not parts_given and ("full_name" in values or not person.given_name):
        parts = _split_name(person.full_name)
        person.family_name, person.middle_name, person.given_name = parts.family, parts.middle, parts.given
    person.name_folded = _fold_name(person.full_name)
    person.sort_key = _sort_key(person.family_name, person.middle_name, person.given_name)
    if person.national_id and not NATIONAL_ID.match(person.national_id):
        raise ValidationError({"national_id": "Số định danh cá nhân phải gồm 12 chữ số (CMND cũ: 9 chữ số)."})
    # Also turns typed dates into PartialDate. Bulk loads pass unit objects read from the database, so the
    # per-object "does this unit exist" queries are skipped there, and they check only the fields they set
    # (a new person's other fields hold their defaults, valid by definition).
    if check_relations:
        exclude = ["name_folded", "sort_key"]
    else:
        exclude = [name for name in _PERSON_FIELD_NAMES
                   if name in _PERSON_RELATIONS or (name not in values and name not in _NAME_PARTS)]
    _validate(person, exclude=exclude)
    if person.birth_date and person.death_date and person.death_date.latest() < person.birth_date.earliest():
        raise ValidationError({"death_date": "Ngày mất không thể trước ngày sinh."})


_PERSON_FIELD_NAMES = tuple(f.name for f in Person._meta.fields)
_NAME_PARTS = frozenset({"full_name", "family_name", "middle_name", "given_name"})
_PERSON_RELATIONS = frozenset({"hometown_unit", "residence_unit", "merged_into"})
_DOSSIER_FIELD_NAMES = tuple(f.name for f in Dossier._meta.fields)

# Pure functions of a name, cached: a register or a province repeats the same names thousands of times.
_split_name = lru_cache(maxsize=65_536)(split_name)
_fold_name = lru_cache(maxsize=65_536)(fold)


@lru_cache(maxsize=65_536)
def _sort_key(family: str, middle: str, given: str) -> str:
    return name_collation_key(PersonName(family, middle, given))


def _set_aliases(person: Person, aliases: Iterable[str]) -> list[str]:
    names = []
    for raw in aliases:
        name = nfc(raw)
        if name and name not in names:
            names.append(name)
    person.aliases.all().delete()
    Alias.objects.bulk_create(Alias(person=person, name=n, name_folded=fold(n)) for n in names)
    return names


def _set_categories(person: Person, codes: Iterable[str]) -> list[str]:
    codes = sorted({c.strip().upper() for c in codes if c and c.strip()})
    found = list(Category.objects.filter(code__in=codes))
    missing = set(codes) - {c.code for c in found}
    if missing:
        raise ValidationError({"categories": f"Diện đối tượng không có trong danh mục: {', '.join(sorted(missing))}"})
    person.categories.set(found)
    return codes


def create_person(*, actor: User | None, full_name: str, aliases: Iterable[str] = (),
                  category_codes: Iterable[str] = (), **fields: Any) -> Person:
    """Register a person (người có công or a relative). Name parts are derived when not given."""
    _check_fields(fields, PERSON_FIELDS, "create_person")
    with transaction.atomic():
        person = Person()
        _fill_person(person, _clean_text({"full_name": full_name, **fields}))
        person.save()
        after = snapshot(person)
        after["aliases"] = _set_aliases(person, aliases)
        after["categories"] = _set_categories(person, category_codes)
        record_event(actor=actor, action=AuditAction.CREATE, obj=person, summary=person.full_name, after=after)
    return person


def update_person(*, actor: User | None, person: Person, aliases: Iterable[str] | None = None,
                  category_codes: Iterable[str] | None = None, **changes: Any) -> Person:
    _check_fields(changes, PERSON_FIELDS, "update_person")
    with transaction.atomic():
        before = snapshot(person)
        before["aliases"] = list(person.aliases.values_list("name", flat=True))
        before["categories"] = sorted(person.categories.values_list("code", flat=True))
        _fill_person(person, _clean_text(changes))
        person.save()
        after = snapshot(person)
        after["aliases"] = _set_aliases(person, aliases) if aliases is not None else before["aliases"]
        after["categories"] = (_set_categories(person, category_codes) if category_codes is not None
                               else before["categories"])
        old, new = _changed(before, after)
        if new:
            record_event(actor=actor, action=AuditAction.UPDATE, obj=person, summary=person.full_name, before=old,
                         after=new)
            _notify(_person_dossier_ids(person))
    return person


def open_dossier(*, actor: User, number: str, purpose: str = AuditAction.VIEW) -> Dossier | None:
    """A visible dossier opened to be read (or edited, lent, moved …): the read goes to the audit trail with
    its purpose (an action of core/events.py). None when it does not exist or the user may not see it."""
    dossier = dossier_detail(actor=actor, number=number)
    if dossier is not None:
        record_event(actor=actor, action=purpose, obj=dossier, summary=dossier.number)
    return dossier


def _default_title(category: Category, subject: Person) -> str:
    return f"Hồ sơ {category.name.lower() if category.code != 'BM' else category.name} {subject.full_name}"


def register_dossier(*, actor: User | None, number: str, category_code: str, subject: Person,
                     **fields: Any) -> Dossier:
    """Register a paper dossier: canonical unique number, category, subject person, archival fields."""
    _check_fields(fields, DOSSIER_FIELDS, "register_dossier")
    canonical = canonical_dossier_number(number)
    _check_confidentiality(actor, fields.get("confidentiality", ""))
    category = Category.objects.filter(code=category_code.strip().upper()).first()
    if category is None:
        raise ValidationError({"category": f"Diện đối tượng không có trong danh mục: {category_code}"})
    with transaction.atomic():
        if Dossier.objects.filter(number=canonical).exists():
            raise ValidationError({"number": f"Số hồ sơ {canonical} đã có trong hệ thống."})
        dossier = Dossier(number=canonical, category=category, subject=subject, **_clean_text(fields))
        if not dossier.title:
            dossier.title = _default_title(category, subject)
        _validate(dossier)
        try:
            with transaction.atomic():
                dossier.save()
        except IntegrityError as exc:  # a concurrent registration of the same number
            raise ValidationError({"number": f"Số hồ sơ {canonical} đã có trong hệ thống."}) from exc
        subject.categories.add(category)
        record_event(actor=actor, action=AuditAction.CREATE, obj=dossier, summary=canonical, after=snapshot(dossier))
        _notify([dossier.pk])
    return dossier


def update_dossier(*, actor: User | None, dossier: Dossier, number: str | None = None,
                   category_code: str | None = None, **changes: Any) -> Dossier:
    _check_fields(changes, DOSSIER_FIELDS, "update_dossier")
    if changes.get("confidentiality", dossier.confidentiality) != dossier.confidentiality:
        _check_confidentiality(actor, changes["confidentiality"])
    with transaction.atomic():
        before = snapshot(dossier)
        if number is not None:
            canonical = canonical_dossier_number(number)
            if canonical != dossier.number and Dossier.objects.filter(number=canonical).exists():
                raise ValidationError({"number": f"Số hồ sơ {canonical} đã có trong hệ thống."})
            dossier.number = canonical
        if category_code is not None:
            category = Category.objects.filter(code=category_code.strip().upper()).first()
            if category is None:
                raise ValidationError({"category": f"Diện đối tượng không có trong danh mục: {category_code}"})
            dossier.category = category
            dossier.subject.categories.add(category)
        for key, value in _clean_text(changes).items():
            setattr(dossier, key, value)
        _validate(dossier)
        dossier.save()
        old, new = _changed(before, snapshot(dossier))
        if new:
            record_event(actor=actor, action=AuditAction.UPDATE, obj=dossier, summary=dossier.number, before=old,
                         after=new)
            _notify([dossier.pk])
    return dossier


def delete_dossier(*, actor: User | None, dossier: Dossier) -> None:
    """Delete a dossier record that has no pages (a mistaken registration). Page images are never deleted."""
    if dossier.pages.exists():
        raise ValidationError("Hồ sơ đã có trang số hóa, không thể xóa. Hãy chuyển trạng thái thay vì xóa.")
    with transaction.atomic():
        before = snapshot(dossier)
        record_event(actor=actor, action=AuditAction.DELETE, obj=dossier, summary=dossier.number, before=before)
        dossiers_deleting.send(sender=Dossier, dossier_ids=[dossier.pk])
        dossier.delete()


def link_relative(*, actor: User | None, dossier: Dossier, person: Person, relationship: str,
                  receives_benefit: bool = False, keeps_worship: bool = False, note: str = "") -> DossierRelative:
    if person.pk == dossier.subject_id:
        raise ValidationError({"person": "Người có công không thể là thân nhân của chính hồ sơ mình."})
    with transaction.atomic():
        if dossier.relative_links.filter(person=person).exists():
            raise ValidationError({"person": f"{person.full_name} đã là thân nhân trong hồ sơ này."})
        link = DossierRelative(dossier=dossier, person=person, relationship=relationship,
                               receives_benefit=receives_benefit, keeps_worship=keeps_worship, note=nfc(note))
        _validate(link)
        link.save()
        person.categories.add(*Category.objects.filter(code="TN"))
        record_event(actor=actor, action=AuditAction.LINK_RELATIVE, obj=dossier, summary=person.full_name,
                     after=snapshot(link))
        _notify([dossier.pk])
    return link


def unlink_relative(*, actor: User | None, link: DossierRelative) -> None:
    with transaction.atomic():
        record_event(actor=actor, action=AuditAction.UNLINK_RELATIVE, obj=link.dossier, summary=link.person.full_name,
                     before=snapshot(link))
        link.delete()
        _notify([link.dossier_id])


def set_martyr_facts(*, actor: User | None, dossier: Dossier, **facts: Any) -> MartyrRecord:
    """Create or update the martyr facts of a dossier (nơi hy sinh, đơn vị, Bằng TQGC, mộ)."""
    _check_fields(facts, MARTYR_FIELDS, "set_martyr_facts")
    with transaction.atomic():
        record = MartyrRecord.objects.filter(dossier=dossier).first() or MartyrRecord(dossier=dossier)
        before = snapshot(record) if record.pk else {}
        for key, value in _clean_text(facts).items():
            setattr(record, key, value)
        _validate(record)
        record.save()
        old, new = _changed(before, snapshot(record))
        if new:
            record_event(actor=actor, action=AuditAction.UPDATE if before else AuditAction.CREATE, obj=dossier,
                         object_type="martyrrecord", summary=dossier.number, before=old or None, after=new)
            _notify([dossier.pk])
    return record


def _add_child(model: type[models.Model], allowed: frozenset[str], *, actor: User | None, dossier: Dossier,
               fields: dict[str, Any]) -> models.Model:
    _check_fields(fields, allowed, f"add {model._meta.model_name}")
    with transaction.atomic():
        obj = model(dossier=dossier, **_clean_text(fields))
        _validate(obj)
        obj.save()
        record_event(actor=actor, action=AuditAction.CREATE, obj=obj, summary=dossier.number, after=snapshot(obj))
        _notify([dossier.pk])
    return obj


def add_assessment(*, actor: User | None, dossier: Dossier, **fields: Any) -> InjuryAssessment:
    """Record a medical assessment with its tỷ lệ tổn thương cơ thể (0–100 %)."""
    return _add_child(InjuryAssessment, ASSESSMENT_FIELDS, actor=actor, dossier=dossier, fields=fields)


def add_decision(*, actor: User | None, dossier: Dossier, **fields: Any) -> BenefitDecision:
    return _add_child(BenefitDecision, DECISION_FIELDS, actor=actor, dossier=dossier, fields=fields)


def add_document(*, actor: User | None, dossier: Dossier, **fields: Any) -> Document:
    """Add a document (văn bản) to a dossier; its sequence defaults to the next free number."""
    if not fields.get("sequence"):
        last = dossier.documents.aggregate(m=models.Max("sequence"))["m"] or 0
        fields["sequence"] = last + 1
    elif dossier.documents.filter(sequence=fields["sequence"]).exists():
        raise ValidationError({"sequence": f"Đã có văn bản số thứ tự {fields['sequence']} trong hồ sơ."})
    return _add_child(Document, DOCUMENT_FIELDS, actor=actor, dossier=dossier, fields=fields)


def update_document(*, actor: User | None, document: Document, **changes: Any) -> Document:
    _check_fields(changes, DOCUMENT_FIELDS, "update_document")
    sequence = changes.get("sequence")
    if sequence and sequence != document.sequence and Document.objects.filter(
            dossier_id=document.dossier_id, sequence=sequence).exclude(pk=document.pk).exists():
        raise ValidationError({"sequence": f"Đã có văn bản số thứ tự {sequence} trong hồ sơ."})
    with transaction.atomic():
        before = snapshot(document)
        for key, value in _clean_text(changes).items():
            setattr(document, key, value)
        _validate(document)
        document.save()
        old, new = _changed(before, snapshot(document))
        if new:
            record_event(actor=actor, action=AuditAction.UPDATE, obj=document, summary=document.dossier.number,
                         before=old, after=new)
            _notify([document.dossier_id])
    return document



def merge_people(*, actor: User | None, keep: Person, duplicate: Person) -> Person:
    """Two records of the same person: `duplicate`'s dossiers, relative links, aliases and decisions move to
    `keep`; `duplicate` stays in the database marked as merged into `keep`, so both histories remain."""
    if keep.pk == duplicate.pk:
        raise ValidationError("Không thể gộp một người với chính họ.")
    if duplicate.merged_into_id or keep.merged_into_id:
        raise ValidationError("Một trong hai bản ghi đã được gộp trước đó.")
    with transaction.atomic():
        moved_dossiers = list(Dossier.objects.filter(subject=duplicate).values_list("id", flat=True))
        links = DossierRelative.objects.filter(person=duplicate)
        clashes = set(links.filter(dossier__relative_links__person=keep).values_list("dossier_id", flat=True))
        if clashes or Dossier.objects.filter(subject=keep, relative_links__person=duplicate).exists():
            raise ValidationError("Hai người này cùng có mặt trong một hồ sơ (người có công và thân nhân): "
                                  "hãy sửa hồ sơ trước khi gộp.")
        relative_dossiers = list(links.values_list("dossier_id", flat=True))
        Dossier.objects.filter(subject=duplicate).update(subject=keep)
        links.update(person=keep)
        BenefitDecision.objects.filter(beneficiary=duplicate).update(beneficiary=keep)
        names = {a.name for a in keep.aliases.all()} | {keep.full_name}
        extra = [n for n in [duplicate.full_name, *duplicate.aliases.values_list("name", flat=True)] if n not in names]
        Alias.objects.bulk_create(Alias(person=keep, name=n, name_folded=fold(n)) for n in dict.fromkeys(extra))
        keep.categories.add(*duplicate.categories.all())
        duplicate.merged_into = keep
        duplicate.save(update_fields=["merged_into", "updated_at"])
        record_event(actor=actor, action=AuditAction.MERGE, obj=keep,
                     summary=f"{duplicate.full_name} → {keep.full_name}",
                     before={"duplicate": snapshot(duplicate)},
                     after={"keep": keep.pk, "dossiers": moved_dossiers, "relative_in": relative_dossiers,
                            "aliases_added": extra})
        _notify([*moved_dossiers, *relative_dossiers, *_person_dossier_ids(keep)])
    return keep


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


def delete_document(*, actor: User | None, document: Document) -> None:
    """Delete a document (văn bản) entered by mistake. Its pages stay in the dossier, no longer assigned to a
    document (page images are never deleted); the audit event keeps the document's fields and those pages."""
    with transaction.atomic():
        before = snapshot(document)
        before["pages"] = list(document.pages.order_by("sequence").values_list("sequence", flat=True))
        record_event(actor=actor, action=AuditAction.DELETE, obj=document, summary=document.dossier.number,
                     before=before)
        dossier_id = document.dossier_id
        document.delete()
        _notify([dossier_id])
