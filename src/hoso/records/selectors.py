"""Reads of records through the one visibility rule (records/visibility.py). Views, the API and commands read
dossiers, people, documents and pages here or in visibility itself; nothing else filters by scope or clearance.
"""

from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet

from hoso.access.models import User
from hoso.core import counts as kept_counts
from hoso.gazetteer.services import expand_units
from hoso.vntext import fold

from .models import Category, Dossier, Page
from .visibility import dossier_q, visible_documents, visible_dossiers, visible_pages, visible_people

# The names other apps have used for the rule; all of them are the visibility module's.
dossier_access_q = dossier_q

__all__ = ["DossierFilters", "category_counts", "dossier_access_q", "dossier_detail", "dossier_list",
           "visible_documents", "visible_dossiers", "visible_pages", "visible_people"]


@dataclass(frozen=True)
class DossierFilters:
    category: str = ""
    unit_id: int | None = None
    status: str = ""
    q: str = ""


def dossier_list(*, actor: User, filters: DossierFilters) -> QuerySet[Dossier]:
    """Visible dossiers with filters applied, in Vietnamese name order (tên, họ, đệm)."""
    qs = visible_dossiers(actor=actor).select_related("subject", "category")
    if filters.category:
        # By the category's id, not by a join on its code: PostgreSQL then knows how many dossiers the category
        # holds (its statistics) and reads a small one through its index (at 1.2 M people, 564 dossiers: 10 ms)
        # instead of walking every person in name order (4.6 s).
        qs = qs.filter(category_id=Category.objects.filter(code=filters.category).values_list("id", flat=True)
                       .first())
    if filters.status:
        qs = qs.filter(status=filters.status)
    if filters.unit_id:  # the place as it is today, with the units inside it and those it replaced
        units = expand_units(frozenset({filters.unit_id}))
        qs = qs.filter(Q(subject__hometown_unit_id__in=units) | Q(subject__residence_unit_id__in=units))
    if filters.q:
        folded = fold(filters.q)
        if folded:
            qs = qs.filter(Q(subject__name_folded__contains=folded) | Q(number__icontains=filters.q.strip()))
    return qs.order_by("subject__sort_key", "number")


def dossier_detail(*, actor: User, number: str) -> Dossier | None:
    """One visible dossier with everything a detail page shows (a read only: `services.open_dossier` is the
    audited entry point)."""
    return (
        visible_dossiers(actor=actor)
        .select_related("subject", "category", "subject__hometown_unit", "subject__residence_unit")
        .prefetch_related("subject__aliases", "relative_links__person", "documents", "pages",
                          "assessments", "decisions", "subject__categories")
        .filter(number=number)
        .first()
    )


def status_counts(*, actor: User, statuses: Iterable[str]) -> dict[str, int]:
    """Number of visible dossiers at these steps of digitisation (one query through the status index: the work
    waiting is a few among many dossiers not yet digitised, counted exactly every time)."""
    statuses = list(statuses)
    if not statuses:
        return {}
    return dict(visible_dossiers(actor=actor).filter(status__in=statuses).order_by().values_list("status")
                .annotate(n=Count("id")))


def page_state_counts(*, actor: User, states: Iterable[str]) -> dict[str, int]:
    """Number of the page images the actor may open in these processing states, none of them "done" (one query
    through the index of pages not done)."""
    states = [state for state in states if state != Page.State.DONE]
    if not states:
        return {}
    return dict(visible_pages(actor=actor).filter(state__in=states).exclude(state=Page.State.DONE).order_by()
                .values_list("state").annotate(n=Count("id")))


def category_counts(*, actor: User) -> list[tuple[Category, int]]:
    """Number of visible dossiers per category, in the Ordinance's order, zero counts included (kept a minute when
    they are many: core.counts)."""
    counts = kept_counts.grouped(
        visible_dossiers(actor=actor).values_list("category_id").annotate(n=Count("id")).values_list("category_id", "n")
    )
    return [(c, counts.get(c.id, 0)) for c in Category.objects.all()]
