"""People (người có công and relatives): create, update, merge two records of one person."""

from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from hoso.access.models import User
from hoso.core.audit import record_event
from hoso.core.events import AuditAction
from hoso.core.models import AuditEvent
from hoso.records.models import (
    Alias,
    BenefitDecision,
    Dossier,
    DossierRelative,
    Person,
)
from hoso.records.services._common import (
    PERSON_FIELDS,
    _changed,
    _check_fields,
    _clean_text,
    _fill_person,
    _notify,
    _person_dossier_ids,
    _set_aliases,
    _set_categories,
    snapshot,
)
from hoso.records.visibility import check_person_change
from hoso.vntext import (
    fold,
)


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
        check_person_change(actor, person=person, residence_unit_id=person.residence_unit_id,
                            hometown_unit_id=person.hometown_unit_id)
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


def merge_people(*, actor: User | None, keep: Person, duplicate: Person, reason: str = "") -> Person:
    """Two records of the same person: `duplicate`'s dossiers, relative links, aliases and decisions move to
    `keep`; `duplicate` stays in the database marked as merged into `keep`, so both histories remain."""
    if keep.pk == duplicate.pk:
        raise ValidationError(_("Không thể gộp một người với chính họ."))
    if duplicate.merged_into_id or keep.merged_into_id:
        raise ValidationError(_("Một trong hai bản ghi đã được gộp trước đó."))
    # The duplicate's dossiers move to `keep`, so they must be reachable with its places as well as their own.
    check_person_change(actor, person=duplicate, residence_unit_id=keep.residence_unit_id,
                        hometown_unit_id=keep.hometown_unit_id)
    check_person_change(actor, person=keep, residence_unit_id=keep.residence_unit_id,
                        hometown_unit_id=keep.hometown_unit_id)
    with transaction.atomic():
        moved_dossiers = list(Dossier.objects.filter(subject=duplicate).values_list("id", flat=True))
        links = DossierRelative.objects.filter(person=duplicate)
        clashes = set(links.filter(dossier__relative_links__person=keep).values_list("dossier_id", flat=True))
        if clashes or Dossier.objects.filter(subject=keep, relative_links__person=duplicate).exists():
            raise ValidationError(_("Hai người này cùng có mặt trong một hồ sơ (người có công và thân nhân): "
                                    "hãy sửa hồ sơ trước khi gộp."))
        relative_dossiers = list(links.values_list("dossier_id", flat=True))
        Dossier.objects.filter(subject=duplicate).update(subject=keep)
        links.update(person=keep)
        decisions = list(BenefitDecision.objects.filter(beneficiary=duplicate).values_list("id", flat=True))
        BenefitDecision.objects.filter(pk__in=decisions).update(beneficiary=keep)
        names = {a.name for a in keep.aliases.all()} | {keep.full_name}
        extra = [n for n in [duplicate.full_name, *duplicate.aliases.values_list("name", flat=True)] if n not in names]
        Alias.objects.bulk_create(Alias(person=keep, name=n, name_folded=fold(n)) for n in dict.fromkeys(extra))
        keep.categories.add(*duplicate.categories.all())
        duplicate.merged_into = keep
        duplicate.save(update_fields=["merged_into", "updated_at"])
        record_event(actor=actor, action=AuditAction.MERGE, obj=keep,
                     summary=f"{duplicate.full_name} → {keep.full_name}",
                     before={"duplicate": snapshot(duplicate)},
                     after={"keep": keep.pk, "duplicate": duplicate.pk, "dossiers": moved_dossiers,
                            "relative_in": relative_dossiers, "decisions": decisions, "aliases_added": extra,
                            "reason": reason.strip()[:300] or None})
        _notify([*moved_dossiers, *relative_dossiers, *_person_dossier_ids(keep)])
    return keep


def unmerge_people(*, actor: User | None, duplicate: Person, reason: str = "") -> Person:
    """Undo a merge: what `merge_people` moved to the kept record (dossiers, relative links, benefit decisions, the
    aliases it added) goes back to `duplicate`, read from the merge's audit event; both histories stay."""
    keep = duplicate.merged_into
    if keep is None:
        raise ValidationError(_("Bản ghi này chưa được gộp vào ai, không có gì để hoàn tác."))
    merged = (AuditEvent.objects.filter(action=AuditAction.MERGE, object_type="person", object_id=str(keep.pk),
                                        after__duplicate=duplicate.pk).order_by("-id").first())
    if merged is None:
        raise ValidationError(_("Không tìm thấy lần gộp trong nhật ký (gộp từ trước khi có hoàn tác): hãy sửa tay."))
    done = merged.after or {}
    for person in (keep, duplicate):
        check_person_change(actor, person=person, residence_unit_id=person.residence_unit_id,
                            hometown_unit_id=person.hometown_unit_id)
    with transaction.atomic():
        dossiers = list(Dossier.objects.filter(pk__in=done.get("dossiers", []), subject=keep)
                        .values_list("id", flat=True))
        Dossier.objects.filter(pk__in=dossiers).update(subject=duplicate)
        DossierRelative.objects.filter(dossier_id__in=done.get("relative_in", []), person=keep).update(person=duplicate)
        BenefitDecision.objects.filter(pk__in=done.get("decisions", []), beneficiary=keep).update(beneficiary=duplicate)
        Alias.objects.filter(person=keep, name__in=done.get("aliases_added", [])).delete()
        duplicate.merged_into = None
        duplicate.save(update_fields=["merged_into", "updated_at"])
        record_event(actor=actor, action=AuditAction.UNMERGE, obj=keep,
                     summary=f"{keep.full_name} ↛ {duplicate.full_name}",
                     after={"duplicate": duplicate.pk, "dossiers": dossiers, "merge_event": merged.pk,
                            "reason": reason.strip()[:300] or None})
        _notify([*dossiers, *done.get("relative_in", []), *_person_dossier_ids(keep), *_person_dossier_ids(duplicate)])
    return duplicate
