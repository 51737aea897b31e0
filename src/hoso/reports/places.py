"""Where the statistics count a dossier: in today's commune (xã, phường, đặc khu) of its person.

A person's places are recorded with the units in force when the papers were written (records keep the address as
written and, where known, the unit). Today's commune of a unit follows the gazetteer's old→new mapping
(gazetteer/models.py `UnitMapping`), chains included. The place counted is, in this order, the one the viewer may
see that maps to a commune today: where the person lives (trú quán), else where they come from (nguyên quán);
a dossier with neither is counted as «chưa xác định». An old unit split between several communes (a part to each)
is counted in the first of them (by name) that the viewer may see, else the first. So a commune officer's figures hold
only their commune, and the list behind any figure (`Places.q_for`) is exactly the dossiers counted in it.

"The viewer may see" asks the visibility rule (records/visibility.py `reaches`); nothing here reads a scope.
"""

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from functools import lru_cache

from django.db.models import Count, Max, Q, Sum
from django.db.models.functions import Length
from django.utils import timezone
from django.utils.translation import gettext_lazy

from hoso.access.models import User
from hoso.gazetteer.models import AdminUnit, UnitMapping
from hoso.records.models import Confidentiality
from hoso.records.visibility import reaches
from hoso.vntext import collation_key

UNKNOWN = "khong_ro"  # the key of «chưa xác định» / «không rõ» in every dimension of the statistics
UNKNOWN_PLACE = gettext_lazy("chưa xác định")  # in the reader's language (files: made under in_vietnamese)


@dataclass(frozen=True)
class Gazetteer:
    """Every unit's name and the communes in force today that it became (empty: none; several: it was split)."""

    names: dict[int, str]
    communes: dict[int, tuple[int, ...]]
    current: tuple[int, ...]  # today's communes, by name

    def label(self, commune: int | str | None) -> str:
        return str(UNKNOWN_PLACE) if commune in (None, UNKNOWN) else self.names.get(commune, str(commune))


def _version() -> tuple:
    """Changes when units or mappings are added, removed, renamed or re-dated (cheap aggregates, no rows read)."""
    units = AdminUnit.objects.aggregate(n=Count("id"), m=Max("id"), s=Sum(Length("name")), f=Max("valid_from"),
                                        t=Max("valid_to"), p=Sum("parent_id"))
    links = UnitMapping.objects.aggregate(n=Count("id"), m=Max("id"), s=Sum("new_id"), o=Sum("old_id"))
    return (*units.values(), *links.values(), timezone.localdate())


def gazetteer() -> Gazetteer:
    """Today's communes of every unit (cached while units, mappings and the day stay the same)."""
    return _build(_version())


@lru_cache(maxsize=4)
def _build(version: tuple) -> Gazetteer:
    today: dt.date = version[-1]
    units = {u["id"]: u for u in AdminUnit.objects.values("id", "name", "name_folded", "code", "level", "valid_from",
                                                          "valid_to")}
    successors: dict[int, list[int]] = defaultdict(list)
    for old, new in UnitMapping.objects.values_list("old_id", "new_id"):
        successors[old].append(new)

    def in_force(unit: dict) -> bool:
        return ((unit["valid_from"] is None or unit["valid_from"] <= today)
                and (unit["valid_to"] is None or today <= unit["valid_to"]))

    def current_of(start: int) -> tuple[int, ...]:  # as gazetteer.services.successors, for every unit at once
        if in_force(units[start]):
            return (start,) if units[start]["level"] == AdminUnit.Level.COMMUNE else ()
        found, seen, frontier = set(), {start}, [start]
        while frontier:
            nxt = []
            for old in frontier:
                for new in successors.get(old, ()):
                    unit = units[new]
                    if new in seen or (unit["valid_from"] is not None and unit["valid_from"] > today):
                        continue
                    seen.add(new)
                    if in_force(unit):
                        if unit["level"] == AdminUnit.Level.COMMUNE:
                            found.add(new)
                    else:
                        nxt.append(new)
            frontier = nxt
        return tuple(sorted(found, key=lambda i: (units[i]["name_folded"], units[i]["code"])))  # as successors()

    communes = {uid: current_of(uid) for uid in units}
    current = sorted((uid for uid, unit in units.items()
                      if unit["level"] == AdminUnit.Level.COMMUNE and in_force(unit)),
                     key=lambda i: (collation_key(units[i]["name"]), units[i]["code"]))
    names = {uid: u["name"] for uid, u in units.items()}
    seen_names: dict[str, int] = defaultdict(int)
    for uid in current:
        seen_names[names[uid]] += 1
    for uid in current:  # two communes of one name (in two provinces): tell them apart by their code
        if seen_names[names[uid]] > 1:
            names[uid] = f"{names[uid]} ({units[uid]['code']})"
    return Gazetteer(names=names, communes=communes, current=tuple(current))


class Places:
    """The commune a viewer's statistics count each dossier in (see the module's docstring)."""

    def __init__(self, actor: User | None) -> None:
        self.actor = actor
        self.gazetteer = gazetteer()
        self._reached: dict[int, bool] = {}
        self._unit_commune: dict[int, int | None] = {}
        self._pairs: dict[tuple[int | None, int | None], int | str] = {}

    def reached(self, unit: int) -> bool:
        """Would a dossier of a person of this unit be inside the viewer's scope (records/visibility.py)?"""
        if unit not in self._reached:
            self._reached[unit] = reaches(self.actor, confidentiality=Confidentiality.NORMAL, residence_unit_id=unit,
                                          hometown_unit_id=None)
        return self._reached[unit]

    def unit_commune(self, unit: int | None) -> int | None:
        """Today's commune a place recorded with this unit counts in for the viewer, or None (not placed by it)."""
        if unit is None:
            return None
        if unit not in self._unit_commune:
            found = None
            if self.reached(unit):
                communes = self.gazetteer.communes.get(unit, ())
                found = next((c for c in communes if self.reached(c)), communes[0] if communes else None)
            self._unit_commune[unit] = found
        return self._unit_commune[unit]

    def commune_of(self, residence: int | None, hometown: int | None) -> int | str:
        """The commune (its unit id) a dossier whose person has these units counts in, or UNKNOWN."""
        key = (residence, hometown)
        if key not in self._pairs:
            commune = self.unit_commune(residence)
            if commune is None:
                commune = self.unit_commune(hometown)
            self._pairs[key] = UNKNOWN if commune is None else commune
        return self._pairs[key]

    def label(self, commune: int | str | None) -> str:
        return self.gazetteer.label(commune)

    def q_for(self, commune: int | str, *, residence: str, hometown: str) -> Q:
        """Dossiers counted in `commune` (a unit id, or UNKNOWN), as a filter on the fields holding the person's
        units (e.g. "fact__residence_unit_id")."""
        universe = list(self.gazetteer.communes)
        placed = [u for u in universe if self.unit_commune(u) is not None]  # places that count somewhere
        if commune == UNKNOWN:
            return ~_among(residence, placed, universe) & ~_among(hometown, placed, universe)
        here = [u for u in placed if self.unit_commune(u) == commune]
        return _among(residence, here, universe) | (~_among(residence, placed, universe) & _among(hometown, here,
                                                                                                 universe))


def _among(field: str, units: list[int], universe: list[int]) -> Q:
    """`field` is one of `units` (never NULL): written as the shorter of "in these" and "in none of the others"."""
    if len(units) * 2 <= len(universe):
        return Q(**{f"{field}__in": units})
    chosen = set(units)
    others = [u for u in universe if u not in chosen]
    return Q(**{f"{field}__isnull": False}) & ~Q(**{f"{field}__in": others})
