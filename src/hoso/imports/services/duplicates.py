"""Finding people who may have been entered twice, and deciding about them (merge or dismiss)."""

import re
from collections import defaultdict
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from hoso.access.models import User
from hoso.access.permissions import EDIT_DOSSIER
from hoso.access.rules import require
from hoso.core.audit import record_event
from hoso.core.events import AuditAction
from hoso.imports.models import DuplicateCandidate
from hoso.records import services as records
from hoso.records.models import Alias, Person

MIN_SCORE = 60
# Why a pair looks alike: kept with the pair in Vietnamese (DuplicateCandidate.reasons), worded again for the reader
# by `reasons_for_reader` (a reason with a year is recognised by its pattern).
SAME_ALIAS = gettext_noop("Trùng tên theo bí danh")
SAME_NAME = gettext_noop("Trùng họ tên (không tính dấu)")
SAME_MARKS = gettext_noop("Giống hệt cả dấu")
BIRTH_YEAR, BIRTH_GAP = gettext_noop("Cùng năm sinh %(year)s"), gettext_noop("Năm sinh lệch 1 năm")
DEATH_YEAR, SAME_HOMETOWN = gettext_noop("Cùng năm mất %(year)s"), gettext_noop("Cùng nguyên quán")
WITH_YEAR = [(re.compile(re.escape(template).replace(re.escape("%(year)s"), r"(?P<year>\d{1,4})") + "$"), template)
             for template in (BIRTH_YEAR, DEATH_YEAR)]


def reasons_for_reader(reasons: list[str]) -> list[str]:
    """The stored reasons of a pair in the reader's language (a reason not recognised stays as stored)."""
    out = []
    for reason in reasons:
        if reason in (SAME_ALIAS, SAME_NAME, SAME_MARKS, BIRTH_GAP, SAME_HOMETOWN):
            out.append(_(reason))
            continue
        match = next((m for m in ((pattern.match(reason), template) for pattern, template in WITH_YEAR) if m[0]),
                     None)
        out.append(_(match[1]) % {"year": match[0]["year"]} if match else reason)
    return out


def _score(a: Person, b: Person, via_alias: bool) -> tuple[int, list[str]]:
    reasons = [SAME_ALIAS if via_alias else SAME_NAME]
    score = 50
    if a.full_name == b.full_name:
        score += 10
        reasons.append(SAME_MARKS)
    if a.birth_date and b.birth_date:
        gap = abs(a.birth_date.year - b.birth_date.year)
        if gap == 0:
            score += 25
            reasons.append(BIRTH_YEAR % {"year": a.birth_date.year})
        elif gap == 1:
            score += 10
            reasons.append(BIRTH_GAP)
        else:
            return 0, reasons
    if a.death_date and b.death_date and a.death_date.year == b.death_date.year:
        score += 10
        reasons.append(DEATH_YEAR % {"year": a.death_date.year})
    if a.hometown_unit_id and a.hometown_unit_id == b.hometown_unit_id:
        score += 10
        reasons.append(SAME_HOMETOWN)
    return min(score, 100), reasons


def find_candidates(*, actor: User | None) -> int:
    """Queue pairs of dossier subjects that look like one person (same folded name or a name equal to the
    other's alias, birth years at most one apart). Pairs already decided are not queued again."""
    people = Person.objects.filter(dossiers__isnull=False, merged_into__isnull=True).distinct()
    by_name: dict[str, list[Person]] = defaultdict(list)
    for person in people.only("id", "full_name", "name_folded", "birth_date", "death_date", "hometown_unit_id"):
        by_name[person.name_folded].append(person)
    pairs: dict[tuple[int, int], tuple[int, list[str]]] = {}
    for group in by_name.values():
        for i, a in enumerate(group):
            for b in group[i + 1:]:
                pairs[(min(a.pk, b.pk), max(a.pk, b.pk))] = _score(a, b, via_alias=False)
    for alias in Alias.objects.filter(person__in=people).select_related("person"):
        for other in by_name.get(alias.name_folded, []):
            if other.pk != alias.person_id:
                key = (min(other.pk, alias.person_id), max(other.pk, alias.person_id))
                pairs.setdefault(key, _score(alias.person, other, via_alias=True))
    known = set(DuplicateCandidate.objects.values_list("first_id", "second_id"))
    new = [DuplicateCandidate(first_id=a, second_id=b, score=s, reasons=r)
           for (a, b), (s, r) in pairs.items() if s >= MIN_SCORE and (a, b) not in known]
    with transaction.atomic():
        DuplicateCandidate.objects.bulk_create(new)
        if new:
            record_event(actor=actor, action=AuditAction.FIND_DUPLICATES, object_type="person",
                         summary=f"{len(new)} cặp")
    return len(new)


@dataclass(frozen=True)
class Fact:
    """One fact of the pair side by side; `conflict` when both records hold it and they disagree."""

    label: str
    first: str
    second: str
    conflict: bool


def _categories(person: Person) -> str:
    return ", ".join(sorted(person.categories.values_list("code", flat=True)))


def _place(person: Person, kind: str) -> tuple[str, int | None]:
    unit = getattr(person, f"{kind}_unit")
    return (unit.label if unit else getattr(person, f"{kind}_text") or ""), getattr(person, f"{kind}_unit_id")


def facts(first: Person, second: Person) -> list[Fact]:
    """The facts a clerk compares before merging, conflicts flagged: different death dates, sexes, categories or
    communes, and birth dates further apart than a year (or at the same precision and different)."""
    rows = []

    def add(label: str, a: str, b: str, conflict: bool) -> None:
        rows.append(Fact(label, a or "—", b or "—", bool(a and b and conflict)))

    add(_("Họ và tên"), first.full_name, second.full_name, False)
    a, b = first.birth_date, second.birth_date
    add(_("Ngày sinh"), a.display() if a else "", b.display() if b else "",
        bool(a and b and (abs(a.year - b.year) > 1 or (not a.qualifier and not b.qualifier and a.month and b.month
                                                          and (a.month, a.day) != (b.month, b.day)))))
    a, b = first.death_date, second.death_date
    add(_("Ngày mất / hy sinh"), a.display() if a else "", b.display() if b else "", bool(a and b and a != b))
    add(_("Giới tính"), first.get_sex_display() if first.sex else "", second.get_sex_display() if second.sex else "",
        first.sex != second.sex)
    for kind, label in (("hometown", _("Nguyên quán")), ("residence", _("Trú quán"))):
        (ta, ua), (tb, ub) = _place(first, kind), _place(second, kind)
        add(label, ta, tb, bool(ua and ub and ua != ub))
    add(_("Diện"), _categories(first), _categories(second), _categories(first) != _categories(second))
    return rows


def decide(*, actor: User, candidate: DuplicateCandidate, merge: bool, keep_first: bool = True,
           reason: str = "") -> None:
    """Merge the pair (the kept record gets the other's dossiers, links and aliases) or mark it not a duplicate.
    A merge needs a reason (it goes to the trail, and the merge can be undone: `undo`)."""
    require(actor, EDIT_DOSSIER)
    if merge and not reason.strip():
        raise ValidationError(_("Hãy ghi lý do gộp (ví dụ: cùng số Bằng Tổ quốc ghi công, cùng tên cha mẹ)."))
    with transaction.atomic():
        if merge:
            keep, other = (candidate.first, candidate.second) if keep_first else (candidate.second, candidate.first)
            records.merge_people(actor=actor, keep=keep, duplicate=other, reason=reason)
        candidate.status = DuplicateCandidate.Status.MERGED if merge else DuplicateCandidate.Status.DISMISSED
        candidate.decided_by = actor
        candidate.decided_at = timezone.now()
        candidate.save(update_fields=["status", "decided_by", "decided_at"])
        record_event(actor=actor, action="duplicate_" + candidate.status, object_type="duplicatecandidate",
                     object_id=str(candidate.pk), summary=f"{candidate.first.full_name} / {candidate.second.full_name}",
                     after={"reason": reason.strip()[:300]} if reason.strip() else None)


def undo(*, actor: User, candidate: DuplicateCandidate, reason: str = "") -> None:
    """Take back a decision: a merge is undone (records.unmerge_people), a "not the same person" reopened."""
    require(actor, EDIT_DOSSIER)
    if candidate.status == DuplicateCandidate.Status.OPEN:
        raise ValidationError(_("Cặp này chưa được quyết định, không có gì để hoàn tác."))
    with transaction.atomic():
        if candidate.status == DuplicateCandidate.Status.MERGED:
            merged = next((p for p in (candidate.first, candidate.second) if p.merged_into_id), None)
            if merged is None:
                raise ValidationError(_("Không thấy bản ghi đã bị gộp của cặp này."))
            records.unmerge_people(actor=actor, duplicate=merged, reason=reason)
        before = candidate.status
        candidate.status, candidate.decided_by, candidate.decided_at = DuplicateCandidate.Status.OPEN, None, None
        candidate.save(update_fields=["status", "decided_by", "decided_at"])
        record_event(actor=actor, action=AuditAction.DUPLICATE_UNDONE, object_type="duplicatecandidate",
                     object_id=str(candidate.pk), summary=f"{candidate.first.full_name} / {candidate.second.full_name}",
                     before={"status": before}, after={"status": candidate.status})
