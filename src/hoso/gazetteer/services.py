"""The one write path for administrative units (đơn vị hành chính) and their old→new mapping.

A unit is identified by (level, code, validity): the commune 18859 until 2025-06-30 and the commune
18859 from 2025-07-01 are two rows. Loading a file twice changes nothing the second time.
"""

from __future__ import annotations

import datetime
from dataclasses import asdict, dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from django.contrib.auth.base_user import AbstractBaseUser
from django.db import transaction
from django.db.models import Q, QuerySet

from hoso.core.audit import record_event
from hoso.core.events import AuditAction
from hoso.vntext import fold

from .importers import LAYOUT_LABELS, CommuneListRow, Layout, MappingRow, UnitName, read_unit_file
from .models import AdminUnit, UnitMapping

Level = AdminUnit.Level


@dataclass
class LoadReport:
    """What one file did. created/updated/unchanged count units and old→new links together;
    `mappings` is the number of distinct old→new links the file gives."""

    file: str
    layout: str
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    mappings: int = 0
    warnings: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)

    @property
    def summary(self) -> str:
        text = (f"{Path(self.file).name} ({LAYOUT_LABELS[Layout(self.layout)]}): thêm mới {self.created}, "
                f"cập nhật {self.updated}, không đổi {self.unchanged}")
        return text + (f"; {self.mappings} cặp chuyển đổi cũ→mới" if self.layout == Layout.MAPPING else "")


def load_unit_file(*, actor: AbstractBaseUser | None, path: str | Path, layout: str = "auto",
                   valid_to_old: datetime.date = datetime.date(2025, 6, 30),
                   valid_from_new: datetime.date = datetime.date(2025, 7, 1)) -> LoadReport:
    """Load an official communes list or old→new mapping file (see `importers`) in one transaction.

    A communes list describes units valid until `valid_to_old` (start unknown). A mapping file gives the
    new province and communes valid from `valid_from_new`, creates the old units it names when missing
    (the communes list stays authoritative for them) and links old → new with the file's note.
    Raises `UnitFileError` (nothing written) when the file cannot be read.
    """
    if valid_to_old >= valid_from_new:
        raise ValueError("valid_to_old must be before valid_from_new")
    parsed = read_unit_file(path, layout=layout)
    report = LoadReport(file=str(path), layout=str(parsed.layout), warnings=list(parsed.warnings))
    loader = _Loader(report=report, source=Path(path).name[:120], valid_to_old=valid_to_old,
                     valid_from_new=valid_from_new)
    with transaction.atomic():
        for row in parsed.rows:
            if isinstance(row, CommuneListRow):
                loader.communes_row(row)
            else:
                loader.mapping_row(row)
        report.mappings = len(loader.links)
        record_event(actor=actor, action=AuditAction.LOAD_ADMIN_UNITS, object_type="admin_unit_file",
                     object_id=Path(path).name[:64], summary=report.summary, after=report.as_dict())
    return report


class _Loader:
    """Upserts for one file; each unit and link is counted once however many rows name it."""

    def __init__(self, *, report: LoadReport, source: str, valid_to_old: datetime.date,
                 valid_from_new: datetime.date) -> None:
        self.report, self.source = report, source
        self.valid_to_old, self.valid_from_new = valid_to_old, valid_from_new
        self.units: dict[tuple[str, str, str], AdminUnit] = {}  # ("old"|"new", level, code) → unit
        self.links: set[tuple[int, int]] = set()

    def communes_row(self, row: CommuneListRow) -> None:
        province = self.old_unit(Level.PROVINCE, row.province, None, authoritative=True)
        district = self.old_unit(Level.DISTRICT, row.district, province, authoritative=True)
        if row.commune is not None:
            self.old_unit(Level.COMMUNE, row.commune, district, authoritative=True)

    def mapping_row(self, row: MappingRow) -> None:
        new_province = self.new_unit(Level.PROVINCE, row.new_province, None)
        new = self.new_unit(Level.COMMUNE, row.new_commune, new_province)
        old = self.old_unit(Level.PROVINCE, row.old_province, None, authoritative=False)
        if row.old_district is not None:
            old = self.old_unit(Level.DISTRICT, row.old_district, old, authoritative=False,
                                closing=row.old_commune is None)
        if row.old_commune is not None:
            old = self.old_unit(Level.COMMUNE, row.old_commune, old, authoritative=False, closing=True)
        self.link(old, new, row.note)

    def old_unit(self, level: str, ref: UnitName, parent: AdminUnit | None, *,
                 authoritative: bool, closing: bool = False) -> AdminUnit:
        """The unit valid on `valid_to_old`: created when missing; updated from a communes list only,
        except that a unit a mapping replaces (`closing`) and still open gets `valid_to_old` as its end."""
        key = ("old", level, ref.code)
        unit = self.units.get(key)
        if unit is not None:
            if closing and unit.valid_to is None:
                self.report.unchanged -= 1
                self._update(unit, {"valid_to": self.valid_to_old})
            return unit
        on = self.valid_to_old
        unit = (AdminUnit.objects.filter(level=level, code=ref.code)
                .filter(Q(valid_from__isnull=True) | Q(valid_from__lte=on))
                .filter(Q(valid_to__isnull=True) | Q(valid_to__gte=on)).order_by("id").first())
        values = _values(ref, parent)
        values["valid_to"] = on
        if unit is None:
            unit = AdminUnit.objects.create(level=level, code=ref.code, valid_from=None, source=self.source,
                                            **values)
            self.report.created += 1
        elif authoritative:
            self._update(unit, values)
        elif closing and unit.valid_to is None:
            self._update(unit, {"valid_to": on})
        else:
            self.report.unchanged += 1
        self.units[key] = unit
        return unit

    def new_unit(self, level: str, ref: UnitName, parent: AdminUnit | None) -> AdminUnit:
        """The unit from `valid_from_new` with this code, created or brought up to date."""
        key = ("new", level, ref.code)
        if key in self.units:
            return self.units[key]
        values = _values(ref, parent)
        unit = AdminUnit.objects.filter(level=level, code=ref.code, valid_from=self.valid_from_new).first()
        if unit is None:
            unit = AdminUnit.objects.create(level=level, code=ref.code, valid_from=self.valid_from_new,
                                            valid_to=None, source=self.source, **values)
            self.report.created += 1
        else:
            self._update(unit, values)
        self.units[key] = unit
        return unit

    def link(self, old: AdminUnit, new: AdminUnit, note: str) -> None:
        if (old.pk, new.pk) in self.links:
            return
        self.links.add((old.pk, new.pk))
        values = {"effective": self.valid_from_new, "note": note[:200]}
        mapping = UnitMapping.objects.filter(old=old, new=new).first()
        if mapping is None:
            UnitMapping.objects.create(old=old, new=new, **values)
            self.report.created += 1
        elif any(getattr(mapping, k) != v for k, v in values.items()):
            UnitMapping.objects.filter(pk=mapping.pk).update(**values)
            self.report.updated += 1
        else:
            self.report.unchanged += 1

    def _update(self, unit: AdminUnit, values: dict[str, Any]) -> None:
        changed = [k for k, v in values.items() if getattr(unit, k) != v]
        if not changed:
            self.report.unchanged += 1
            return
        for k in changed:
            setattr(unit, k, values[k])
        unit.source = self.source
        unit.save(update_fields=[*changed, "source"])
        self.report.updated += 1


def _values(ref: UnitName, parent: AdminUnit | None) -> dict[str, Any]:
    return {"name": ref.name, "name_folded": fold(ref.name), "kind": ref.kind,
            "parent_id": parent.pk if parent else None}


def current_units(on: datetime.date | None = None, *, level: str | None = None) -> QuerySet[AdminUnit]:
    """Units in force on `on` (default today), optionally of one level."""
    on = on or datetime.date.today()
    units = (AdminUnit.objects.filter(Q(valid_from__isnull=True) | Q(valid_from__lte=on))
             .filter(Q(valid_to__isnull=True) | Q(valid_to__gte=on)))
    return units.filter(level=level) if level else units


def successors(unit: AdminUnit, *, on: datetime.date | None = None) -> list[AdminUnit]:
    """The units in force on `on` (default today) that `unit` became, following chains of mappings.

    A unit still in force is its own answer; an old unit split in two gives both; a unit that ended
    without a recorded successor (very old names) gives nothing.
    """
    on = on or datetime.date.today()
    if unit.is_current(on):
        return [unit]
    found: dict[int, AdminUnit] = {}
    seen, frontier = {unit.pk}, [unit]
    while frontier:
        links = UnitMapping.objects.filter(old__in=frontier).select_related("new")
        frontier = []
        for link in links:
            new = link.new
            if new.pk in seen or (new.valid_from is not None and new.valid_from > on):
                continue
            seen.add(new.pk)
            if new.is_current(on):
                found[new.pk] = new
            else:
                frontier.append(new)
    return sorted(found.values(), key=lambda u: (u.name_folded, u.code))


def expand_units(unit_ids: frozenset[int]) -> frozenset[int]:
    """These units with every unit inside them (a district's communes) and every unit they replaced (the communes
    merged into them in 2025 and earlier), at any depth: what a place chosen today covers in old records."""
    return _expand(frozenset(unit_ids), (AdminUnit.objects.count(), UnitMapping.objects.count()))


@lru_cache(maxsize=256)
def _expand(unit_ids: frozenset[int], _version: tuple[int, int]) -> frozenset[int]:
    found = set(unit_ids)
    frontier = set(unit_ids)
    while frontier:  # children and predecessors, until nothing new
        children = set(AdminUnit.objects.filter(parent_id__in=frontier).values_list("id", flat=True))
        older = set(UnitMapping.objects.filter(new_id__in=frontier).values_list("old_id", flat=True))
        frontier = (children | older) - found
        found |= frontier
    return frozenset(found)


def present_names(unit: AdminUnit | None) -> str:
    """What a recorded unit is called today: its own label while in force, else the labels of the units it became
    («» when it ended without a recorded successor)."""
    if unit is None:
        return ""
    return "; ".join(u.label for u in successors(unit))
