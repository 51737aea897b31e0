"""Helpers shared by the records services: field lists, snapshots, validation, name keys."""

import re
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from functools import lru_cache
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext as _

from hoso.core.text_errors import dossier_number_message_lazy
from hoso.records.bulk import validate_fields
from hoso.records.models import (
    Alias,
    BenefitDecision,
    Category,
    Document,
    Dossier,
    DossierRelative,
    InjuryAssessment,
    MartyrRecord,
    Person,
)
from hoso.records.signals import tell_dossiers_changed
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


_deferred: ContextVar[set[int] | None] = ContextVar("hoso_deferred_notifications", default=None)


@contextmanager
def notifications_deferred() -> Iterator[None]:
    """Within this block (inside the caller's transaction), the dossiers changed one by one are told to the
    receivers (search index, statistics facts) once, all together, at its end: a register import updating 2,000
    people in one transaction then rebuilds their entries in one pass, not 2,000 (at 1.2 M people the per-row
    rebuilds were most of an import's time). On an error nothing is sent: the transaction is rolled back anyway."""
    if _deferred.get() is not None:  # already deferred by an outer block, which sends
        yield
        return
    token = _deferred.set(set())
    try:
        yield
        ids = _deferred.get()
    finally:
        _deferred.reset(token)
    if ids:
        tell_dossiers_changed(ids)


def _notify(dossier_ids: Iterable[int], loaded: list[Dossier] | None = None) -> None:
    """`loaded`: the dossiers just written, in memory with their relations cached (bulk loads), so that
    receivers such as the search index need not read them back."""
    ids = sorted(set(dossier_ids))
    deferred = _deferred.get()
    if ids and deferred is not None and not loaded:
        deferred.update(ids)
    elif ids:
        tell_dossiers_changed(ids, loaded=loaded or [])


def _person_dossier_ids(person: Person) -> list[int]:
    subject = Dossier.objects.filter(subject=person).values_list("id", flat=True)
    relative = DossierRelative.objects.filter(person=person).values_list("dossier_id", flat=True)
    return [*subject, *relative]


def _validate(obj: models.Model, *, exclude: Iterable[str] = ()) -> None:
    obj.full_clean(exclude=list(exclude), validate_unique=False)


def canonical_dossier_number(text: str) -> str:
    """Parse a dossier number leniently and return its canonical form, or raise ValidationError."""
    try:
        return str(parse_dossier_number(text, default_province=settings.HOSO_PROVINCE_CODE))
    except InvalidDossierNumber as exc:
        raise ValidationError({"number": dossier_number_message_lazy(exc)}) from exc


def _fill_person(person: Person, values: dict[str, Any], *, check_relations: bool = True) -> None:
    for key, value in values.items():
        setattr(person, key, value)
    person.full_name = nfc(person.full_name or "")
    if not person.full_name:
        raise ValidationError({"full_name": _("Cần nhập họ và tên.")})
    parts_given = {"family_name", "middle_name", "given_name"} & set(values)
    if not parts_given and ("full_name" in values or not person.given_name):
        parts = _split_name(person.full_name)
        person.family_name, person.middle_name, person.given_name = parts.family, parts.middle, parts.given
    person.name_folded = _fold_name(person.full_name)
    person.sort_key = _sort_key(person.family_name, person.middle_name, person.given_name)
    if person.national_id and not NATIONAL_ID.match(person.national_id):
        raise ValidationError({"national_id": _("Số định danh cá nhân phải gồm 12 chữ số (CMND cũ: 9 chữ số).")})
    # Also turns typed dates into PartialDate. Bulk loads pass unit objects read from the database, so the
    # per-object "does this unit exist" queries are skipped there, and they check only the fields they set
    # (a new person's other fields hold their defaults, valid by definition).
    if check_relations:
        _validate(person, exclude=["name_folded", "sort_key"])
    else:
        validate_fields(person, _bulk_person_checked(frozenset(values)))
    if person.birth_date and person.death_date and person.death_date.latest() < person.birth_date.earliest():
        raise ValidationError({"death_date": _("Ngày mất không thể trước ngày sinh.")})


_PERSON_FIELD_NAMES = tuple(f.name for f in Person._meta.fields)


@lru_cache(maxsize=256)
def _bulk_person_checked(given: frozenset[str]) -> frozenset[str]:
    """The fields a bulk load checks on a new person given these values: those it sets, and the name parts."""
    return frozenset(name for name in _PERSON_FIELD_NAMES
                     if name not in _PERSON_RELATIONS and (name in given or name in _NAME_PARTS))


_NAME_PARTS = frozenset({"full_name", "family_name", "middle_name", "given_name"})


_PERSON_RELATIONS = frozenset({"hometown_unit", "residence_unit", "merged_into"})


_DOSSIER_FIELD_NAMES = tuple(f.name for f in Dossier._meta.fields)


_split_name = lru_cache(maxsize=65_536)(split_name)


_fold_word = lru_cache(maxsize=65_536)(fold)


def _fold_name(text: str) -> str:
    """`fold(text)`, word by word through a cache (the two are equal: fold maps characters and breaks words at
    whitespace); a province's names share a few thousand words, while whole names mostly differ."""
    return " ".join(folded for folded in map(_fold_word, text.split()) if folded)


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
        raise ValidationError({"categories": _("Diện đối tượng không có trong danh mục: %(codes)s") % {
            "codes": ", ".join(sorted(missing))}})
    person.categories.set(found)
    return codes
