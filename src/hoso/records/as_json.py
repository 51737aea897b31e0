"""A dossier as a JSON-ready dict: used by `hoso show --json` and, later, transfer packages."""

from typing import Any

from hoso.access.models import User
from hoso.vntext.dates import PartialDate

from .models import Dossier, Person
from .visibility import document_visible, page_text_visible, sees_health, withheld_page_count


def _date(value: PartialDate | None) -> str | None:
    return value.iso() if value else None


def _unit(unit) -> dict[str, Any] | None:
    if unit is None:
        return None
    return {"code": unit.code, "name": unit.name, "level": unit.level,
            "valid_from": unit.valid_from.isoformat() if unit.valid_from else None,
            "valid_to": unit.valid_to.isoformat() if unit.valid_to else None}


def person_to_dict(person: Person) -> dict[str, Any]:
    return {
        "full_name": person.full_name, "family_name": person.family_name, "middle_name": person.middle_name,
        "given_name": person.given_name, "aliases": [a.name for a in person.aliases.all()],
        "sex": person.sex or None, "birth_date": _date(person.birth_date), "death_date": _date(person.death_date),
        "ethnicity": person.ethnicity, "hometown": person.hometown_text, "hometown_unit": _unit(person.hometown_unit),
        "residence": person.residence_text, "residence_unit": _unit(person.residence_unit),
        "national_id": person.national_id or None, "categories": sorted(c.code for c in person.categories.all()),
        "notes": person.notes,
    }


def _fields(obj, exclude: set[str]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for field in obj._meta.concrete_fields:
        if field.name in exclude:
            continue
        value = getattr(obj, field.attname)
        out[field.name] = _date(value) if isinstance(value, PartialDate) else value
    return out


def dossier_to_dict(dossier: Dossier, *, actor: User | None = None) -> dict[str, Any]:
    """Everything about one dossier: person, category facts, relatives, documents, pages with OCR text.
    For an `actor`, what they may not see (health data, "mật" documents, page text) is left out
    (records/visibility.py)."""
    martyr = getattr(dossier, "martyr", None) if hasattr(dossier, "martyr") else None
    health = sees_health(actor)
    return {
        "dossier_number": dossier.number,
        "category": {"code": dossier.category.code, "name": dossier.category.name},
        "metadata": _fields(dossier, {"id", "number", "category", "subject", "created_at", "updated_at"}),
        "person": person_to_dict(dossier.subject),
        "martyr": _fields(martyr, {"id", "dossier"}) if martyr else None,
        "assessments": [_fields(a, {"id", "dossier"}) for a in dossier.assessments.all()] if health else None,
        "decisions": [_fields(d, {"id", "dossier"} if health else {"id", "dossier", "monthly_amount"})
                      for d in dossier.decisions.all()],
        "relatives": [
            {"relationship": link.relationship, "receives_benefit": link.receives_benefit,
             "keeps_worship": link.keeps_worship, "person": person_to_dict(link.person)}
            for link in dossier.relative_links.select_related("person").all()
        ],
        "documents": [_fields(d, {"id", "dossier"}) for d in dossier.documents.all() if document_visible(actor, d)],
        "pages": [
            {"sequence": p.sequence, "state": p.state, "error": p.error or None,
             "document_sequence": p.document.sequence if p.document_id else None,
             "master_sha256": p.master_sha256 or None, "ocr_text": p.ocr_text if page_text_visible(actor, p) else None}
            for p in dossier.pages.select_related("document").all() if document_visible(actor, p.document)
        ],
        "withheld_pages": withheld_page_count(actor=actor, dossier=dossier),
    }
