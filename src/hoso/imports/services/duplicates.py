"""Finding people who may have been entered twice, and deciding about them (merge or dismiss)."""

from collections import defaultdict

from django.db import transaction
from django.utils import timezone

from hoso.access.models import User
from hoso.access.permissions import EDIT_DOSSIER
from hoso.access.rules import require
from hoso.core.audit import record_event
from hoso.core.events import AuditAction
from hoso.imports.models import DuplicateCandidate
from hoso.records import services as records
from hoso.records.models import Alias, Person

MIN_SCORE = 60


def _score(a: Person, b: Person, via_alias: bool) -> tuple[int, list[str]]:
    reasons = ["Trùng tên theo bí danh" if via_alias else "Trùng họ tên (không tính dấu)"]
    score = 50
    if a.full_name == b.full_name:
        score += 10
        reasons.append("Giống hệt cả dấu")
    if a.birth_date and b.birth_date:
        gap = abs(a.birth_date.year - b.birth_date.year)
        if gap == 0:
            score += 25
            reasons.append(f"Cùng năm sinh {a.birth_date.year}")
        elif gap == 1:
            score += 10
            reasons.append("Năm sinh lệch 1 năm")
        else:
            return 0, reasons
    if a.death_date and b.death_date and a.death_date.year == b.death_date.year:
        score += 10
        reasons.append(f"Cùng năm mất {a.death_date.year}")
    if a.hometown_unit_id and a.hometown_unit_id == b.hometown_unit_id:
        score += 10
        reasons.append("Cùng nguyên quán")
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


def decide(*, actor: User, candidate: DuplicateCandidate, merge: bool, keep_first: bool = True) -> None:
    """Merge the pair (the kept record gets the other's dossiers, links and aliases) or mark it not a duplicate."""
    require(actor, EDIT_DOSSIER)
    with transaction.atomic():
        if merge:
            keep, other = (candidate.first, candidate.second) if keep_first else (candidate.second, candidate.first)
            records.merge_people(actor=actor, keep=keep, duplicate=other)
        candidate.status = DuplicateCandidate.Status.MERGED if merge else DuplicateCandidate.Status.DISMISSED
        candidate.decided_by = actor
        candidate.decided_at = timezone.now()
        candidate.save(update_fields=["status", "decided_by", "decided_at"])
        record_event(actor=actor, action="duplicate_" + candidate.status, object_type="duplicatecandidate",
                     object_id=str(candidate.pk), summary=f"{candidate.first.full_name} / {candidate.second.full_name}")
