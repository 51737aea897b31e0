"""Reads of the paper archive as the acting user may see them: every dossier, placement and loan is filtered
through `records.selectors.visible_dossiers` (role, area scope, "mật" clearance)."""

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Count, Q, QuerySet
from django.urls import reverse
from django.utils import timezone

from hoso.access.models import User
from hoso.access.permissions import MANAGE_ARCHIVE
from hoso.access.rules import user_can
from hoso.core.calendar import add_working_days
from hoso.records.models import Category, Dossier
from hoso.records.selectors import dossier_access_q, visible_dossiers
from hoso.vntext import TYPE_CODES

from .models import InventoryCheck, Loan, Location, Placement
from .scan import Scan, read_scan


def today() -> dt.date:
    return timezone.localdate()


def default_due_date(start: dt.date | None = None) -> dt.date:
    """Hạn trả mặc định: HOSO_LOAN_WORKING_DAYS working days after `start` (today)."""
    return add_working_days(start or today(), settings.HOSO_LOAN_WORKING_DAYS)


def dossier_link(number: str) -> str:
    """The absolute address of a dossier's page, as printed in label QR codes."""
    return settings.HOSO_BASE_URL.rstrip("/") + reverse("dossier_detail", args=[number])


def location_link(location: Location) -> str:
    return settings.HOSO_BASE_URL.rstrip("/") + reverse("archive_location", args=[location.pk])


def _detail_prefix() -> str:
    return reverse("dossier_detail", args=["x"])[:-2]


def is_digitised(dossier: Dossier) -> bool:
    """A dossier with a digital copy: its status moved past "chưa số hóa", or it has pages."""
    return dossier.status != Dossier.Status.NOT_STARTED or dossier.pages.exists()


# --- locations -----------------------------------------------------------------------------------------


def descendants(location: Location, *, include_self: bool = True) -> QuerySet[Location]:
    q = Q(code__startswith=f"{location.code}-")
    if include_self:
        q |= Q(pk=location.pk)
    return Location.objects.filter(q)


def boxes_under(location: Location) -> QuerySet[Location]:
    return descendants(location).filter(kind=Location.Kind.BOX)


def location_tree() -> list[Location]:
    """Every location in tree order (by code), each with `depth`, `used` (dossiers in a box, or child
    locations) and `dossier_total` (all dossiers placed under it, boxes' totals summed)."""
    locations = list(Location.objects.annotate(n_children=Count("children", distinct=True),
                                               n_placed=Count("placements", distinct=True)))
    totals: dict[str, int] = {}
    for loc in locations:
        if loc.is_box:
            parts = loc.code.split("-")
            for i in range(1, len(parts) + 1):
                key = "-".join(parts[:i])
                totals[key] = totals.get(key, 0) + loc.n_placed
    for loc in locations:
        loc.depth = loc.code.count("-")
        loc.used = loc.n_placed if loc.is_box else loc.n_children
        loc.dossier_total = totals.get(loc.code, 0)
    return locations


def ancestors(location: Location) -> list[Location]:
    """From the store down to `location` itself (its breadcrumb)."""
    parts = location.code.split("-")
    codes = ["-".join(parts[:i]) for i in range(1, len(parts) + 1)]
    found = {loc.code: loc for loc in Location.objects.filter(code__in=codes)}
    return [found[c] for c in codes if c in found]


def path_label(location: Location) -> str:
    return " › ".join(a.label for a in ancestors(location))


def box_choices() -> QuerySet[Location]:
    return Location.objects.filter(kind=Location.Kind.BOX).annotate(used=Count("placements")).order_by("code")


def placed_dossiers(*, actor: User, location: Location) -> QuerySet[Dossier]:
    """Visible dossiers whose box is `location` or under it, in box then number order."""
    return (visible_dossiers(actor=actor).filter(placement__box__in=boxes_under(location))
            .select_related("subject", "category", "placement__box").order_by("placement__box__code", "number"))


def hidden_count(*, actor: User, location: Location) -> int:
    """How many dossiers under `location` the actor may not see (so a count never silently disagrees)."""
    total = Placement.objects.filter(box__in=boxes_under(location)).count()
    return total - placed_dossiers(actor=actor, location=location).count()


def inventory_checks(*, location: Location | None = None, limit: int = 20) -> list[InventoryCheck]:
    qs = InventoryCheck.objects.select_related("location", "checked_by")
    if location is not None:
        qs = qs.filter(location__in=descendants(location))
    return list(qs[:limit])


@dataclass(frozen=True)
class DossierArchive:
    """What the dossier page says about the paper original: its box (with the path) and its open loan."""

    box: Location | None
    path: str
    placed_at: dt.datetime | None
    loan: Loan | None


def dossier_archive(*, dossier: Dossier) -> DossierArchive:
    """For a dossier already read through the access rule (the dossier page)."""
    placement = Placement.objects.filter(dossier=dossier).select_related("box").first()
    box = placement.box if placement else None
    return DossierArchive(box=box, path=path_label(box) if box else "",
                          placed_at=placement.placed_at if placement else None, loan=open_loan(dossier=dossier))


# --- scanning ------------------------------------------------------------------------------------------


def _type_codes() -> frozenset[str]:
    return frozenset(TYPE_CODES) | frozenset(Category.objects.values_list("code", flat=True))


def read_scans(texts: Iterable[str], *, strict: bool = False) -> list[Scan]:
    codes = _type_codes() if strict else None
    return [read_scan(t, detail_prefix=_detail_prefix(), default_province=settings.HOSO_PROVINCE_CODE,
                      known_type_codes=codes) for t in texts]


def match_numbers(*, actor: User, numbers: Iterable[str]) -> dict[str, Dossier]:
    """Canonical numbers → visible dossiers. A number scanned without its period code (QTI/LS-07956) matches
    the one visible dossier that has it with a period (QTI/LS-07956/CM), if there is exactly one."""
    wanted = list(dict.fromkeys(numbers))
    seen = visible_dossiers(actor=actor).select_related("subject", "category")
    found = {d.number: d for d in seen.filter(number__in=wanted)}
    for number in wanted:
        if number not in found and number.count("/") == 1:
            candidates = list(seen.filter(number__startswith=number + "/")[:2])
            if len(candidates) == 1:
                found[number] = candidates[0]
    return found


def scanned_dossier(*, actor: User, text: str) -> Dossier | None:
    """The one visible dossier a search box entry names exactly (a scanned number or hoso link), else None."""
    if not text or len(text) > 300 or not any(ch.isdigit() for ch in text):
        return None  # every number, link and code has digits: names cost nothing here
    (scan,) = read_scans([text], strict=True)
    if scan.kind != "dossier":
        return None
    return match_numbers(actor=actor, numbers=[scan.value]).get(scan.value)


# --- loans ---------------------------------------------------------------------------------------------


def _loans(actor: User) -> QuerySet[Loan]:
    # The access rule as a join on the loan's dossier: "dossier IN (visible dossiers)" made SQLite list every
    # visible dossier (580,000 at 1.2 M people) for each search page's "đang mượn" badges.
    q = dossier_access_q(actor=actor, path="dossier__")
    loans = Loan.objects.none() if q is None else Loan.objects.filter(q)
    return loans.select_related("dossier", "dossier__subject", "dossier__category", "borrower", "decided_by")


def loan_for(*, actor: User, pk: int) -> Loan | None:
    """A loan the actor may open: the archivist's, or the borrower's own — of a dossier they may see."""
    qs = _loans(actor)
    if not user_can(actor, MANAGE_ARCHIVE):
        qs = qs.filter(borrower=actor)
    return qs.filter(pk=pk).first()


def open_loan(*, dossier: Dossier) -> Loan | None:
    """The open loan of a dossier already read through the access rule."""
    return (Loan.objects.filter(dossier=dossier, state__in=Loan.OPEN_STATES).select_related("borrower").first())


def checked_out_by_number(*, actor: User, numbers: Iterable[str]) -> dict[str, Loan]:
    """Dossier number → its checked-out loan, for the "đang mượn" badge of a list page (one query)."""
    numbers = [n for n in numbers if n]
    # Most pages of hits have no dossier on loan: a bare look first (every search as you type asks), the loans with
    # their people only when there are some.
    if not numbers or not Loan.objects.filter(state=Loan.State.CHECKED_OUT, dossier__number__in=numbers).exists():
        return {}
    loans = _loans(actor).filter(state=Loan.State.CHECKED_OUT, dossier__number__in=numbers)
    return {loan.dossier.number: loan for loan in loans}


@dataclass(frozen=True)
class LoanFilter:
    state: str = ""  # a Loan.State value, "open", "overdue" or "" (all)
    mine: bool = False


def loan_list(*, actor: User, filters: LoanFilter = LoanFilter()) -> QuerySet[Loan]:
    """Loans of visible dossiers; someone who does not manage the archive sees only their own."""
    qs = _loans(actor)
    if filters.mine or not user_can(actor, MANAGE_ARCHIVE):
        qs = qs.filter(borrower=actor)
    if filters.state == "open":
        qs = qs.filter(state__in=Loan.OPEN_STATES)
    elif filters.state == "overdue":
        qs = qs.filter(state=Loan.State.CHECKED_OUT, due_on__lt=today()).order_by("due_on", "id")
    elif filters.state:
        qs = qs.filter(state=filters.state)
    return qs


def overdue_loans(*, actor: User) -> QuerySet[Loan]:
    return loan_list(actor=actor, filters=LoanFilter(state="overdue"))


@dataclass
class Reminders:
    """What the home page tells an archivist (the queue) and anyone (their own loans)."""

    overdue: list[Loan]
    due_soon: list[Loan]
    waiting_approval: int
    waiting_checkout: int
    mine: list[Loan]

    @property
    def empty(self) -> bool:
        return not (self.overdue or self.due_soon or self.waiting_approval or self.waiting_checkout or self.mine)


def reminders(*, actor: User, limit: int = 10) -> Reminders:
    now = today()
    soon = add_working_days(now, settings.HOSO_LOAN_DUE_SOON_DAYS)
    mine = list(_loans(actor).filter(borrower=actor, state__in=Loan.OPEN_STATES).order_by("due_on", "id")[:limit])
    if not user_can(actor, MANAGE_ARCHIVE):
        return Reminders([], [], 0, 0, mine)
    out = _loans(actor).filter(state=Loan.State.CHECKED_OUT)
    counts = _loans(actor).aggregate(req=Count("id", filter=Q(state=Loan.State.REQUESTED)),
                                     appr=Count("id", filter=Q(state=Loan.State.APPROVED)))
    return Reminders(
        overdue=list(out.filter(due_on__lt=now).order_by("due_on", "id")[:limit]),
        due_soon=list(out.filter(due_on__gte=now, due_on__lte=soon).order_by("due_on", "id")[:limit]),
        waiting_approval=counts["req"], waiting_checkout=counts["appr"], mine=mine)
