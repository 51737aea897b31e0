"""Monthly allowances as of a date, read from the spells kept beside the records (reports/benefits.py): equal, on
generated decisions of every kind and precision, to the rule applied the slow way — for each dossier and
beneficiary, the newest decision started by the date (start as written, then order of entry), counted when it is not
a stop and has not ended — kept on every write, through the visibility rule."""

import datetime as dt
import random
from collections import Counter, defaultdict

import pytest

from hoso.access.permissions import Role
from hoso.records import services
from hoso.records.models import BenefitDecision
from hoso.reports import benefits, facts
from hoso.reports.models import BenefitSpell

KINDS = ["hang_thang", "tuat", "dieu_chinh", "dinh_chi", "tho_cung", "mot_lan", "cong_nhan"]
DAYS = [dt.date(2019, 12, 31), dt.date(2020, 1, 1), dt.date(2020, 6, 15), dt.date(2020, 6, 30), dt.date(2021, 1, 1),
        dt.date(2021, 3, 31), dt.date(2022, 12, 31), dt.date(2023, 1, 1), dt.date(2024, 7, 1), dt.date(2026, 1, 1)]


def a_date(rng: random.Random) -> str:
    year = rng.choice([2020, 2021, 2022])
    shape = rng.random()
    if shape < 0.3:
        text = f"{year}"
    elif shape < 0.6:
        text = f"{year}-{rng.randint(1, 12):02d}"
    else:
        text = f"{year}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
    return rng.choice(["~", "<", ">", "?"]) + text[:4] if rng.random() < 0.05 else text


def slow_way(actor_dossiers: set[int], day: dt.date) -> Counter:
    """(category, people, amount) by the rule as written, on the stored text of each decision."""
    iso = day.isoformat()
    chains = defaultdict(list)
    for d in BenefitDecision.objects.filter(dossier_id__in=actor_dossiers).select_related("dossier__category"):
        starts = d.starts_on.iso() if d.starts_on else None
        if d.kind in ("hang_thang", "tuat", "dieu_chinh", "dinh_chi") and starts and starts <= iso:
            chains[(d.dossier_id, d.beneficiary_id or 0)].append((starts, d.id, d))
    found = Counter()
    for chain in chains.values():
        _, _, newest = max(chain, key=lambda item: (item[0], item[1]))
        ends = newest.ends_on.iso() if newest.ends_on else None
        if newest.kind != "dinh_chi" and (ends is None or ends >= iso[:len(ends)]):
            found[(newest.dossier.category.code, "people")] += 1
            found[(newest.dossier.category.code, "amount")] += newest.monthly_amount or 0
    return found


def fast_way(actor, day: dt.date) -> Counter:
    found = Counter()
    for row in benefits.benefits(actor=actor, at=day):
        found[(row.category.code, "people")] += row.beneficiaries
        found[(row.category.code, "amount")] += row.monthly_total
    return +found


@pytest.fixture
def decisions(actor, make_dossier):
    rng = random.Random(15)
    dossiers = [make_dossier(f"Người {i}", category=rng.choice(["AQ", "BB", "TT"]),
                             confidentiality="mat" if i % 9 == 0 else "thuong") for i in range(36)]
    for dossier in dossiers:
        relative = services.create_person(actor=actor, full_name=f"Thân nhân {dossier.pk}")
        for _ in range(rng.randint(0, 6)):
            kind = rng.choice(KINDS)
            services.add_decision(actor=actor, dossier=dossier, kind=kind, number=str(rng.randint(1, 999)),
                                  starts_on=a_date(rng) if rng.random() < 0.95 else None,
                                  ends_on=a_date(rng) if rng.random() < 0.3 else None,
                                  beneficiary=relative if rng.random() < 0.3 else None,
                                  monthly_amount=rng.randrange(1_000_000, 5_000_000, 1000) if rng.random() < 0.9
                                  else None)
    return dossiers


def test_spells_give_what_the_rule_gives_on_every_date(decisions, make_user):
    cleared = make_user(Role.LEADER, username="lanhdao-mat", clearance=True)
    leader = make_user(Role.LEADER, username="lanhdao")
    every = {d.pk for d in decisions}
    plain = {d.pk for d in decisions if d.confidentiality != "mat"}
    assert BenefitSpell.objects.exists()
    seen = []
    for day in DAYS:
        assert fast_way(cleared, day) == +slow_way(every, day), day
        assert fast_way(leader, day) == +slow_way(plain, day), day
        seen.append(sum(n for (code, what), n in fast_way(cleared, day).items() if what == "people"))
    assert seen[0] == 0 and min(seen[2:]) > 5 and len(set(seen)) > 4  # the dates tell different stories
    assert fast_way(leader, DAYS[4]) != fast_way(cleared, DAYS[4])  # "mật" dossiers count for the cleared only


def test_spells_follow_writes_and_can_be_rebuilt(decisions, actor, make_user):
    leader = make_user(Role.LEADER, username="lanhdao", clearance=True)
    day = dt.date(2026, 1, 1)
    before = fast_way(leader, day)
    dossier = decisions[1]
    services.add_decision(actor=actor, dossier=dossier, kind="hang_thang", number="X1", starts_on="2025-01",
                          monthly_amount=1_234_000)
    after = fast_way(leader, day)
    assert after != before and after == +slow_way({d.pk for d in decisions}, day)
    spells = list(BenefitSpell.objects.order_by("id").values_list("dossier_id", "valid_from", "valid_until",
                                                                  "monthly_amount"))
    facts.rebuild_facts()
    assert sorted(BenefitSpell.objects.values_list("dossier_id", "valid_from", "valid_until",
                                                   "monthly_amount")) == sorted(spells)


def test_a_commune_officer_counts_the_allowances_of_their_commune(actor, communes, make_user):
    def dossier(number, unit):
        person = services.create_person(actor=actor, full_name=f"Người {number}", residence_unit=unit)
        made = services.register_dossier(actor=actor, number=number, category_code="AQ", subject=person)
        services.add_decision(actor=actor, dossier=made, kind="hang_thang", number="1", starts_on="2024-07",
                              monthly_amount=2_000_000)
        return made, person

    _, mover = dossier("QTI/AQ-00001/CM", communes["a"])
    dossier("QTI/AQ-00002/CM", communes["b"])
    officer = make_user(Role.POLICY_OFFICER, username="canbo-a", scope=communes["a"])
    day = dt.date(2025, 1, 1)
    assert [(r.category.code, r.beneficiaries, r.monthly_total) for r in benefits.benefits(actor=officer, at=day)] \
        == [("AQ", 1, 2_000_000)]
    services.update_person(actor=actor, person=mover, residence_unit=communes["b"])  # moved away: the copy follows
    assert benefits.benefits(actor=officer, at=day) == []


def test_spells_of_a_chain(db):
    """One beneficiary: monthly from 2020, changed from March 2021, stopped in 2023; a survivor allowance for a
    relative from 15/6/2020 until 2022; an approximate start never counts, an approximate end never ends."""
    D, rows = dt.date, [
        benefits.Decision(1, 7, None, "hang_thang", "2020", None, 100),
        benefits.Decision(2, 7, None, "dieu_chinh", "2021-03", None, 150),
        benefits.Decision(3, 7, None, "dinh_chi", "2023", None, None),
        benefits.Decision(4, 7, 9, "tuat", "2020-06-15", "2022", 80),
        benefits.Decision(5, 8, None, "hang_thang", "~2020", None, 50),
        benefits.Decision(6, 8, 9, "hang_thang", "2020-01", "~2021", 60),
        benefits.Decision(7, 8, 10, "tho_cung", "2020", None, 70)]
    assert sorted(benefits.spells(rows), key=lambda s: (s.dossier_id, s.valid_from)) == [
        benefits.Spell(7, D(2020, 1, 1), D(2021, 2, 28), 100), benefits.Spell(7, D(2020, 6, 15), D(2022, 12, 31), 80),
        benefits.Spell(7, D(2021, 3, 1), D(2022, 12, 31), 150), benefits.Spell(8, D(2020, 1, 1), None, 60)]
