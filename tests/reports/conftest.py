"""A generated province for the statistics: the gazetteer's demo units (old communes merged in 2025, one split
between two new communes), ~600 dossiers from the demo generator (3 % "mật", 8 % with no known place), a few
statuses moved on, a person living in one commune and coming from another; and the figures counted the slow
way (`brute_force`), independently of hoso.reports, to compare with."""

import datetime as dt
from collections import Counter
from pathlib import Path

import pytest
from django.utils import timezone

import hoso
from hoso.access.permissions import Role
from hoso.gazetteer.models import AdminUnit
from hoso.gazetteer.services import load_unit_file, successors
from hoso.records import services
from hoso.records.demo import ProvinceGenerator
from hoso.records.models import BenefitDecision, Dossier
from hoso.records.visibility import reaches, visible_dossiers
from hoso.reports import places

FIXTURES = Path(hoso.__file__).parent / "gazetteer" / "fixtures"


@pytest.fixture(autouse=True)
def _fresh_gazetteer_cache():
    places._build.cache_clear()
    yield
    places._build.cache_clear()


@pytest.fixture
def gazetteer_units(db):
    for name in ("communes-demo.csv", "mapping-demo.csv"):
        load_unit_file(actor=None, path=FIXTURES / name)


def today_unit(name: str) -> AdminUnit:
    return AdminUnit.objects.get(name=name, level="commune", valid_to__isnull=True)


def old_unit(name: str) -> AdminUnit:
    return AdminUnit.objects.filter(name=name, level="commune", valid_to__isnull=False).order_by("id").first()


@pytest.fixture
def province(actor, gazetteer_units):
    services.bulk_register_dossiers(actor=actor, seeds=ProvinceGenerator(people=1300, seed=15), source="thử")
    dossiers = list(Dossier.objects.order_by("id"))
    for dossier, status in zip(dossiers[::37], ["da_quet", "da_nhap", "da_kiem_tra", "da_luu_tru"] * 10,
                               strict=False):
        services.update_dossier(actor=actor, dossier=dossier, status=status)
    # Lives in Xã Hải Phú (old, now Xã Hải Lăng), comes from Thị trấn Cam Lộ (now Xã Cam Lộ).
    mover = services.create_person(actor=actor, full_name="Hồ Văn Dời", sex="nam", birth_date="1931",
                                   residence_unit=old_unit("Xã Hải Phú"), hometown_unit=old_unit("Thị trấn Cam Lộ"))
    services.register_dossier(actor=actor, number="QTI/KC-90001/CM", category_code="KC", subject=mover)
    return dossiers


@pytest.fixture
def leader_all(make_user, province):
    return make_user(Role.LEADER, username="lanhdao")


@pytest.fixture
def leader_cleared(make_user, province):
    return make_user(Role.LEADER, username="lanhdao-mat", clearance=True)


@pytest.fixture
def commune_officer(make_user, province):
    """A policy officer of Xã Triệu Phong (it took in part of the split Xã Triệu Độ) — statistics allowed."""
    return make_user(Role.POLICY_OFFICER, username="canbo-trieuphong", scope=today_unit("Xã Triệu Phong"))


# --------------------------------------------------------------------------------------------- the slow way
def brute_commune(actor, person) -> int | str:
    """The commune a dossier counts in, re-derived with the gazetteer's own `successors`: residence, else hometown,
    whichever the actor reaches and maps to a commune today; a split unit goes to the first successor reached."""
    for unit in (person.residence_unit, person.hometown_unit):
        if unit is None or not reaches(actor, confidentiality="thuong", residence_unit_id=unit.pk,
                                        hometown_unit_id=None):
            continue
        found = [u for u in successors(unit) if u.level == "commune"]
        if found:
            reached = [u for u in found if reaches(actor, confidentiality="thuong", residence_unit_id=u.pk,
                                                  hometown_unit_id=None)]
            return (reached or found)[0].pk
    return places.UNKNOWN


def managed_from(dossier: Dossier) -> dt.date:
    day = timezone.localdate(dossier.created_at)
    for decision in BenefitDecision.objects.filter(dossier=dossier, kind="cong_nhan").exclude(signed_on=None):
        day = min(day, decision.signed_on.earliest())
    return day


def brute_force(actor, by: list[str], at: dt.date | None = None, **where) -> Counter:
    """Counts of visible dossiers by `by`, reading every dossier and its person."""
    counts: Counter = Counter()
    for d in visible_dossiers(actor=actor).select_related("category", "subject__residence_unit",
                                                         "subject__hometown_unit"):
        if at is not None and managed_from(d) > at:
            continue
        p = d.subject
        died = p.death_date is not None and (at is None or p.death_date.year <= at.year)
        values = {"category": d.category.code, "commune": brute_commune(actor, p), "sex": p.sex or places.UNKNOWN,
                  "status": d.status, "decade": p.birth_date.year // 10 * 10 if p.birth_date else places.UNKNOWN,
                  "alive": "da_mat" if died else "con_song"}
        if all(values[k] == v for k, v in where.items()):
            counts[tuple(values[b] for b in by)] += 1
    return counts
