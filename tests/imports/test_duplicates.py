import re

import pytest
from django.core.exceptions import ValidationError

from hoso.core.models import AuditEvent
from hoso.imports.models import DuplicateCandidate
from hoso.imports.services.duplicates import decide, find_candidates
from hoso.records import services
from hoso.records.models import Dossier, Person
from hoso.search.services import search
from hoso.vntext import PartialDate


@pytest.fixture
def twice(actor):
    """The same martyr registered twice: once with accents and an alias, once typed without accents."""
    first = services.create_person(actor=actor, full_name="Nguyễn Văn Đức", birth_date="1950", aliases=["Ba Đức"])
    d1 = services.register_dossier(actor=actor, number="QTI/LS-00001/CM", category_code="LS", subject=first)
    second = services.create_person(actor=actor, full_name="Nguyen Van Duc", birth_date="1950")
    d2 = services.register_dossier(actor=actor, number="QTI/TT-00002/CM", category_code="TT", subject=second)
    other = services.create_person(actor=actor, full_name="Nguyễn Văn Đức", birth_date="1930")
    services.register_dossier(actor=actor, number="QTI/LS-00003/CM", category_code="LS", subject=other)
    by_alias = services.create_person(actor=actor, full_name="Ba Đức", birth_date="1951")
    services.register_dossier(actor=actor, number="QTI/KC-00004/CM", category_code="KC", subject=by_alias)
    return first, second, d1, d2


def test_possible_duplicates_are_queued_with_evidence(twice, actor):
    first, second, *_ = twice
    assert find_candidates(actor=actor) == 2
    pair = DuplicateCandidate.objects.get(first=first, second=second)
    assert pair.score >= 75 and "Cùng năm sinh 1950" in pair.reasons
    assert any("Trùng tên theo bí danh" in c.reasons for c in DuplicateCandidate.objects.all())
    assert find_candidates(actor=actor) == 0  # nothing queued twice


def test_merging_keeps_both_histories(twice, actor):
    first, second, d1, d2 = twice
    find_candidates(actor=actor)
    pair = DuplicateCandidate.objects.get(first=first, second=second)
    with pytest.raises(ValidationError, match="lý do gộp"):
        decide(actor=actor, candidate=pair, merge=True)
    decide(actor=actor, candidate=pair, merge=True, reason="Cùng số Bằng Tổ quốc ghi công")
    assert set(Dossier.objects.filter(subject=first).values_list("number", flat=True)) == {d1.number, d2.number}
    second.refresh_from_db()
    assert second.merged_into == first and Person.objects.filter(pk=second.pk).exists()
    assert "Nguyen Van Duc" in set(first.aliases.values_list("name", flat=True))
    assert AuditEvent.objects.filter(action="merge", object_id=str(first.pk)).exists()
    found = search(actor=actor, text="nguyen van duc 1950", audit=False)
    assert {h.dossier_number for h in found.hits} == {d1.number, d2.number}
    pair.refresh_from_db()
    assert pair.status == "merged"
    with pytest.raises(ValidationError):
        services.merge_people(actor=actor, keep=first, duplicate=second)


def test_dismissing_a_pair(twice, actor):
    find_candidates(actor=actor)
    pair = DuplicateCandidate.objects.first()
    decide(actor=actor, candidate=pair, merge=False)
    assert DuplicateCandidate.objects.get(pk=pair.pk).status == "dismissed"
    assert Person.objects.filter(merged_into__isnull=False).count() == 0


def test_review_page_shows_pairs_side_by_side_and_merges(twice, actor, officer, client):
    first, second, d1, d2 = twice
    client.force_login(officer)
    client.post("/trung-lap/tim/")
    page = client.get("/trung-lap/").content.decode()
    assert "Nguyen Van Duc" in page and d2.number in page and "Cùng năm sinh 1950" in page
    pair = DuplicateCandidate.objects.get(first=first, second=second)
    confirm = client.post(f"/trung-lap/{pair.pk}/", {"action": "keep_first"}).content.decode()
    assert "Xác nhận gộp" in confirm and d2.number in confirm  # asks first, saying what moves
    assert Dossier.objects.get(number=d2.number).subject_id == second.pk
    client.post(f"/trung-lap/{pair.pk}/", {"action": "keep_first", "confirm": "1"})  # no reason: refused
    assert Dossier.objects.get(number=d2.number).subject_id == second.pk
    client.post(f"/trung-lap/{pair.pk}/", {"action": "keep_first", "confirm": "1", "reason": "Cùng tên cha mẹ"})
    assert Dossier.objects.get(number=d2.number).subject_id == first.pk
    assert client.post(f"/trung-lap/{pair.pk}/", {"action": "dismiss"}).status_code == 404  # already decided
    event = AuditEvent.objects.filter(action="merge", object_id=str(first.pk)).latest("id")
    assert event.actor == officer and event.after["reason"] == "Cùng tên cha mẹ"

    # Undo: everything the merge moved goes back, and the pair waits again.
    assert "Hoàn tác" in client.get("/trung-lap/").content.decode()
    client.post(f"/trung-lap/{pair.pk}/hoan-tac/")
    second.refresh_from_db()
    assert second.merged_into is None and Dossier.objects.get(number=d2.number).subject_id == second.pk
    assert "Nguyen Van Duc" not in set(first.aliases.values_list("name", flat=True))
    assert DuplicateCandidate.objects.get(pk=pair.pk).status == "open"
    assert AuditEvent.objects.filter(action="unmerge", actor=officer).exists()


def test_conflicting_facts_are_flagged_side_by_side(twice, actor, officer, client):
    first, second, d1, d2 = twice
    services.update_person(actor=actor, person=second, death_date=PartialDate(1972), sex="nu")
    services.update_person(actor=actor, person=first, death_date=PartialDate(1968), sex="nam")
    client.force_login(officer)
    client.post("/trung-lap/tim/")
    page = client.get("/trung-lap/").content.decode()
    conflicts = re.findall(r'<tr class="conflict"><th scope="row">([^<]+)<', page)
    assert [c.strip() for c in conflicts][:3] == ["Ngày mất / hy sinh", "Giới tính", "Diện"]  # LS and TT
