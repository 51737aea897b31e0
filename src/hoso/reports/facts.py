"""Keeping the statistics' facts (reports/models.py `DossierFact`, and the monthly-allowance spells `BenefitSpell`)
equal to the records.

`refresh_facts` runs in the transaction of every records write (the `dossiers_changed` signal, see receivers.py):
the facts commit or roll back with the change. A dossier's fact goes with it (on delete CASCADE). `ensure_facts`
fills in what is missing after `migrate` (an install that had dossiers before the statistics existed) and
`rebuild_facts` makes them all again.
"""

import datetime as dt
from collections.abc import Iterable
from functools import lru_cache
from typing import NamedTuple

from django.db import connection, transaction
from django.db.models import CharField, Min
from django.db.models.functions import Cast
from django.utils import timezone

from hoso.records.bulk import ids_q, upsert_rows
from hoso.records.models import BenefitDecision, Dossier
from hoso.records.signals import hold_dossiers
from hoso.vntext.dates import PartialDate

from . import benefits
from .models import BenefitSpell, DossierFact

CHUNK = 1000
FIELDS = ["category", "residence_unit", "hometown_unit", "sex", "decade", "death_year", "status", "confidentiality",
          "managed_from"]


class Fact(NamedTuple):
    """A dossier's row of `DossierFact`, as plain values (making model instances cost more than the query)."""

    dossier_id: int
    category_id: str
    residence_unit_id: int | None
    hometown_unit_id: int | None
    sex: str
    decade: int | None
    death_year: int | None
    status: str
    confidentiality: str
    managed_from: dt.date


@lru_cache(maxsize=4096)  # stored partial dates repeat (years, above all)
def _year(iso: str | None) -> int | None:
    return PartialDate.from_iso(iso).year if iso else None


@lru_cache(maxsize=4096)
def _first_day(iso: str) -> dt.date:
    """The first day a partial date can mean ("1995" → 1 January 1995)."""
    return PartialDate.from_iso(iso).earliest()


@lru_cache(maxsize=1024)  # a bulk load stamps every dossier of a batch with one time
def _local_day(created: dt.datetime) -> dt.date:
    return timezone.localdate(created)


def facts_for(dossier_ids: Iterable[int]) -> list[Fact]:
    """The facts of these dossiers as the records hold them now (two queries per thousand dossiers). Partial
    dates are read as their stored ISO text (`Cast`), without making a PartialDate of every one."""
    found = []
    ids = sorted(set(dossier_ids))
    for start in range(0, len(ids), CHUNK):
        chunk = ids[start:start + CHUNK]
        recognised = dict(BenefitDecision.objects.filter(ids_q("dossier_id", chunk),
                                                         kind=BenefitDecision.Kind.RECOGNITION)
                          .exclude(signed_on=None).order_by().values("dossier_id")
                          .annotate(first=Min(Cast("signed_on", CharField()))).values_list("dossier_id", "first"))
        rows = Dossier.objects.filter(ids_q("pk", chunk)).order_by().values_list(
            "pk", "category_id", "subject__residence_unit_id", "subject__hometown_unit_id", "subject__sex",
            Cast("subject__birth_date", CharField()), Cast("subject__death_date", CharField()), "status",
            "confidentiality", "created_at")
        for pk, category, residence, hometown, sex, born, died, status, level, created in rows:
            managed = _local_day(created)
            if pk in recognised:
                managed = min(managed, _first_day(recognised[pk]))
            birth_year = _year(born)
            found.append(Fact(pk, category, residence, hometown, sex or "",
                              None if birth_year is None else birth_year // 10 * 10, _year(died), status, level,
                              managed))
    return found


def spells_for(facts: list[Fact]) -> list[BenefitSpell]:
    """The monthly-allowance spells of the dossiers of these facts (reports/benefits.py), with the facts' copies of
    category, confidentiality and places."""
    by_id = {f.dossier_id: f for f in facts}
    ids = sorted(by_id)
    made = []
    for start in range(0, len(ids), CHUNK):
        for spell in benefits.spells(benefits.decision_rows(ids[start:start + CHUNK])):
            fact = by_id[spell.dossier_id]
            made.append(BenefitSpell(dossier_id=spell.dossier_id, category_id=fact.category_id,
                                     confidentiality=fact.confidentiality, residence_unit_id=fact.residence_unit_id,
                                     hometown_unit_id=fact.hometown_unit_id, valid_from=spell.valid_from,
                                     valid_until=spell.valid_until, monthly_amount=spell.monthly_amount))
    return made


def refresh_facts(dossier_ids: Iterable[int]) -> int:
    """Write the facts (and the allowance spells) of these dossiers as they are now, in the caller's transaction;
    returns how many facts."""
    ids = sorted(set(dossier_ids))
    facts = facts_for(ids)
    # Plain multi-row upserts (records/bulk.py), as bulk_create(update_conflicts=True) writes them: compiling every
    # value of every row through the ORM cost more than the database's work when a big register is imported.
    date = connection.ops.adapt_datefield_value
    upsert_rows(DossierFact, ["dossier", *FIELDS], [(*f[:-1], date(f.managed_from)) for f in facts],
                unique=["dossier"], update=FIELDS)
    for start in range(0, len(ids), CHUNK):
        BenefitSpell.objects.filter(ids_q("dossier_id", ids[start:start + CHUNK])).delete()
    spells = spells_for(facts)
    for start in range(0, len(spells), CHUNK):
        BenefitSpell.objects.bulk_create(spells[start:start + CHUNK])
    return len(facts)


def ensure_facts() -> int:
    """Make the facts of dossiers that have none (after `migrate` on an install with dossiers); returns how many."""
    missing = list(Dossier.objects.filter(fact__isnull=True).values_list("pk", flat=True))
    done = 0
    for start in range(0, len(missing), 20 * CHUNK):
        with transaction.atomic():
            hold_dossiers(missing[start:start + 20 * CHUNK])  # as every records write does (records/signals.py)
            done += refresh_facts(missing[start:start + 20 * CHUNK])
    return done


def rebuild_facts() -> int:
    """Make every fact again from the records."""
    with transaction.atomic():
        BenefitSpell.objects.all().delete()
        DossierFact.objects.all().delete()
    return ensure_facts()
