"""Counts of dossiers through the one visibility rule: by category, today's commune, sex, decade of birth, status
of digitisation and living/deceased, as of a date.

Counts are read from the statistics' facts (reports/models.py), filtered by the visibility rule written for them
(records/visibility.py `dossier_copy_q`) and grouped by the database along the columns of one index; what is left
(the commune a place counts in, reports/places.py; living or deceased as of the date) is folded here. `Cube` reads
once and gives every table a page shows; `slice_q` is the filter on dossiers that lists exactly the dossiers behind
a number (the dossier list's drill-down).

As of a date (`at`): dossiers managed by then (`DossierFact.managed_from`: the earliest recorded recognition
decision, or the day the dossier was registered in hoso), counted with their places and status as they are now
(the history of those is not kept); a person died by then when the year of death is at most the date's year.
"""

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, fields
from typing import Any

from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from hoso.access.models import User
from hoso.records.models import Category, Dossier
from hoso.records.visibility import dossier_copy_q
from hoso.vntext import collation_key

from .models import DossierFact
from .places import UNKNOWN, Places

LIVING, DECEASED = "con_song", "da_mat"
# Labels in the reader's language (a file is written under core.i18n.in_vietnamese: in Vietnamese).
DIMENSIONS: dict[str, Any] = {
    "category": _("Diện đối tượng"), "commune": _("Xã, phường, đặc khu (hiện nay)"), "sex": _("Giới tính"),
    "status": _("Tình trạng số hóa"), "decade": _("Thập niên sinh"), "alive": _("Còn sống / đã mất"),
}
CLI_DIMENSIONS = ("category", "commune", "sex", "status", "decade")  # `hoso stats --by` (issue #15's contract)
# The columns a count groups by, in the order of the facts' index (any count groups by a prefix of them and reads
# the index in order); living or deceased is a second sum, not a column (the year of death has a hundred values).
GROUP_ORDER = ("category", "residence_unit", "hometown_unit", "sex", "decade", "status")
COLUMNS = {"category": ("category",), "commune": ("residence_unit", "hometown_unit"), "sex": ("sex",),
           "decade": ("decade",), "status": ("status",), "alive": ()}
SEX_LABELS = {"nam": _("Nam"), "nu": _("Nữ"), UNKNOWN: _("Không rõ")}
ALIVE_LABELS = {LIVING: _("Còn sống"), DECEASED: _("Đã mất, hy sinh")}
STATUS_ORDER = [code for code, _ in Dossier.Status.choices]
FIRST_YEAR = 1945  # the first year a figure may be asked for (the first year of the Republic's records)


class BadQuestion(ValueError):
    """A question the statistics cannot answer (an unknown dimension, a date out of range …), in the reader's
    language."""


@dataclass(frozen=True)
class Slice:
    """The dossiers a number is about; None: any. `commune`: a unit id of today's commune, or UNKNOWN; `sex`:
    "nam", "nu" or UNKNOWN; `decade`: 1940 for 1940–1949, or UNKNOWN; `alive`: LIVING or DECEASED."""

    category: str | None = None
    commune: int | str | None = None
    sex: str | None = None
    status: str | None = None
    decade: int | str | None = None
    alive: str | None = None

    def given(self) -> dict[str, Any]:
        return {f.name: getattr(self, f.name) for f in fields(self) if getattr(self, f.name) is not None}

    def narrowed(self, **values: Any) -> "Slice":
        return Slice(**{**self.given(), **values})


def check_date(at: dt.date | None, *, today: dt.date | None = None) -> None:
    """A date the statistics can be asked about: not before 1945, not after today."""
    if at is None:
        return
    today = today or timezone.localdate()
    if at.year < FIRST_YEAR:
        raise BadQuestion(gettext("Không có số liệu trước năm %(year)s: hãy chọn một ngày từ 01/01/%(year)s.")
                          % {"year": FIRST_YEAR})
    if at > today:
        raise BadQuestion(gettext("Ngày %(date)s chưa đến: số liệu chỉ tính được đến hôm nay (%(today)s).")
                          % {"date": f"{at:%d/%m/%Y}", "today": f"{today:%d/%m/%Y}"})


def _category_codes() -> dict[int, str]:
    return dict(Category.objects.values_list("id", "code"))


class Labels:
    """Names of dimension values, for tables, charts and exports, in the reader's language (exports are made in
    Vietnamese, under core.i18n.in_vietnamese)."""

    def __init__(self, places: Places) -> None:
        self.places = places
        self.categories = {c.code: c for c in Category.objects.all()}

    def of(self, dimension: str, value: Any) -> str:
        if dimension == "category":
            category = self.categories.get(value)
            return category.label if category else str(value)  # the stored name stays Vietnamese; files: in_vietnamese
        if dimension == "commune":
            return self.places.label(value)
        if dimension == "sex":
            return str(SEX_LABELS.get(value, value))
        if dimension == "status":
            return str(Dossier.Status(value).label) if value in STATUS_ORDER else str(value)
        if dimension == "decade":
            return gettext("Không rõ năm sinh") if value == UNKNOWN else f"{value}–{value + 9}"
        if dimension == "alive":
            return str(ALIVE_LABELS.get(value, value))
        raise BadQuestion(gettext("Không có chiều thống kê «%(dimension)s».") % {"dimension": dimension})

    def order(self, dimension: str, value: Any) -> tuple:
        """Rows in a sensible order: the Ordinance's categories, communes by name, decades in time."""
        if dimension == "category":
            category = self.categories.get(value)
            return (0, category.sort_order if category else 999, str(value))
        if dimension == "commune":
            return (1, "") if value == UNKNOWN else (0, collation_key(self.places.label(value)))
        if dimension == "status":
            return (STATUS_ORDER.index(value) if value in STATUS_ORDER else 99,)
        if dimension in ("decade", "sex", "alive"):
            return (1, 0) if value == UNKNOWN else (0, value if dimension == "decade" else str(value))
        return (0, str(value))

    def json_value(self, dimension: str, value: Any) -> Any:
        """What `hoso stats --json` writes: the type code, the commune's name, the status code, the decade's year."""
        if dimension == "commune":
            return self.places.label(value)
        if dimension == "decade":
            return None if value == UNKNOWN else value
        return value


@dataclass
class CountTable:
    """Counts of dossiers by some dimensions: `rows` of (values in the order of `by`, count), in display order."""

    by: tuple[str, ...]
    rows: list[tuple[tuple, int]]
    total: int
    labels: Labels
    at: dt.date | None = None
    where: Slice = Slice()

    def as_json(self) -> dict[str, Any]:
        return {"total": self.total, "rows": [
            {**{d: self.labels.json_value(d, v) for d, v in zip(self.by, values, strict=True)}, "count": n}
            for values, n in self.rows]}

    def labelled(self) -> list[tuple[list[str], int, Slice]]:
        """Each row as (labels of its values, count, the slice it counts: for its drill-down link)."""
        return [([self.labels.of(d, v) for d, v in zip(self.by, values, strict=True)], n,
                 self.where.narrowed(**dict(zip(self.by, values, strict=True)))) for values, n in self.rows]

    @property
    def headers(self) -> list[str]:
        return [str(DIMENSIONS[d]) for d in self.by]


class Cube:
    """The visible dossiers counted once at the grain every table asked for needs; `table(by)` folds them."""

    def __init__(self, actor: User | None, *, dimensions: Iterable[str], at: dt.date | None = None,
                 where: Slice = Slice()) -> None:
        dims = list(dict.fromkeys(dimensions))
        unknown = [d for d in dims if d not in DIMENSIONS]
        if unknown:
            raise BadQuestion(gettext("Không có chiều thống kê «%(dimension)s» (có: %(known)s).") % {
                "dimension": unknown[0], "known": ", ".join(DIMENSIONS)})
        self.actor, self.at, self.where, self.dimensions = actor, at, where, tuple(dims)
        self.places = Places(actor)
        self.labels = Labels(self.places)
        self._cells: dict[tuple, int] = self._read()

    def _read(self) -> dict[tuple, int]:
        """Counts by the values of `dimensions` (in that order), from one grouped read of the facts."""
        cells: dict[tuple, int] = defaultdict(int)
        q = dossier_copy_q(actor=self.actor, confidentiality="confidentiality", residence="residence_unit_id",
                           hometown="hometown_unit_id")
        if q is None:
            return cells
        facts = DossierFact.objects.filter(q).filter(_fact_filter(self.where, self.at, self.labels))
        needed = {c for d in self.dimensions for c in COLUMNS[d]}
        if self.where.commune is not None:
            needed |= set(COLUMNS["commune"])
        group = GROUP_ORDER[:max((GROUP_ORDER.index(c) for c in needed), default=-1) + 1]
        died = Q(death_year__isnull=False) & (Q(death_year__lte=self.at.year) if self.at else Q())
        sums = {"n": Count("*")}
        if "alive" in self.dimensions:
            sums["dead"] = Count("pk", filter=died)
        if group:  # a prefix of the index's columns: read in index order, no sort
            rows = facts.order_by().values_list(*group).annotate(**sums)
        else:
            rows = [tuple(facts.aggregate(**sums)[k] for k in sums)]
        at = {c: i for i, c in enumerate(group)}
        codes = _category_codes()
        commune_of, wanted = self.places.commune_of, self.where.commune
        fields = []
        for d in self.dimensions:  # how each dimension's value is read from a row
            if d == "category":
                fields.append(lambda r, i=at["category"]: codes.get(r[i], str(r[i])))
            elif d == "commune":
                fields.append(lambda r, i=at["residence_unit"], j=at["hometown_unit"]: commune_of(r[i], r[j]))
            elif d == "sex":
                fields.append(lambda r, i=at["sex"]: r[i] or UNKNOWN)
            elif d == "decade":
                fields.append(lambda r, i=at["decade"]: UNKNOWN if r[i] is None else r[i])
            elif d == "status":
                fields.append(lambda r, i=at["status"]: r[i])
            else:
                fields.append(None)
        alive = self.dimensions.index("alive") if "alive" in self.dimensions else None
        n_at = len(group)
        for row in rows:
            if wanted is not None and commune_of(row[at["residence_unit"]], row[at["hometown_unit"]]) != wanted:
                continue
            n = row[n_at]
            if not n:
                continue
            key = [f(row) if f else None for f in fields]
            if alive is None:
                cells[tuple(key)] += n
                continue
            dead = row[n_at + 1]
            if dead:
                key[alive] = DECEASED
                cells[tuple(key)] += dead
            if n - dead:
                key[alive] = LIVING
                cells[tuple(key)] += n - dead
        return cells

    @property
    def total(self) -> int:
        return sum(self._cells.values())

    def table(self, by: Sequence[str]) -> CountTable:
        missing = [d for d in by if d not in self.dimensions]
        if missing:
            raise BadQuestion(gettext("Chiều «%(dimension)s» chưa được đếm.") % {"dimension": missing[0]})
        positions = [self.dimensions.index(d) for d in by]
        sums: dict[tuple, int] = defaultdict(int)
        for key, n in self._cells.items():
            sums[tuple(key[i] for i in positions)] += n
        rows = sorted(sums.items(), key=lambda item: [self.labels.order(d, v) for d, v in zip(by, item[0],
                                                                                                strict=True)])
        return CountTable(by=tuple(by), rows=rows, total=sum(sums.values()), labels=self.labels, at=self.at,
                          where=self.where)


def dossier_counts(*, actor: User | None, by: Sequence[str], at: dt.date | None = None,
                   where: Slice = Slice()) -> CountTable:
    """Visible dossiers counted by the dimensions `by` (none: the total only), as of `at` (None: now), within
    `where`. One row per combination present. Not audited: the page or command that shows it decides."""
    check_date(at)
    return Cube(actor, dimensions=by, at=at, where=where).table(list(by))


def _fact_filter(where: Slice, at: dt.date | None, labels: Labels, prefix: str = "") -> Q:
    """`where` (but the commune) and `at` as a filter on facts reached through `prefix` (e.g. "fact__")."""
    q = Q()
    if where.category is not None:
        category = labels.categories.get(where.category)
        if category is None:
            raise BadQuestion(gettext("Không có diện đối tượng mã «%(code)s».") % {"code": where.category})
        q &= Q(**{f"{prefix}category_id": category.pk})
    if where.sex is not None:
        q &= Q(**{f"{prefix}sex": "" if where.sex == UNKNOWN else where.sex})
    if where.status is not None:
        q &= Q(**{f"{prefix}status": where.status})
    if where.decade is not None:
        q &= (Q(**{f"{prefix}decade__isnull": True}) if where.decade == UNKNOWN
              else Q(**{f"{prefix}decade": where.decade}))
    if where.alive is not None:
        died = Q(**{f"{prefix}death_year__isnull": False})
        if at is not None:
            died &= Q(**{f"{prefix}death_year__lte": at.year})
        q &= died if where.alive == DECEASED else ~died
    if at is not None:
        q &= Q(**{f"{prefix}managed_from__lte": at})
    return q


def slice_q(*, actor: User | None, where: Slice, at: dt.date | None = None) -> Q:
    """A filter on Dossier giving exactly the dossiers the statistics count in `where` as of `at` for this actor
    (to be applied to a list the visibility rule already made: the dossier list's drill-down)."""
    check_date(at)
    places = Places(actor)
    q = Q(fact__isnull=False) & _fact_filter(where, at, Labels(places), prefix="fact__")
    if where.commune is not None:
        q &= places.q_for(where.commune, residence="fact__residence_unit_id", hometown="fact__hometown_unit_id")
    return q

