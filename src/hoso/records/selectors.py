"""Reads of records that enforce access. Every view, API endpoint and command reads through here.

The rule (access/permissions.py): a user sees a dossier when their role holds VIEW_DOSSIER, the dossier's
person lives in or comes from a unit inside their area scope (or their scope is the whole province), and,
for a "mật" dossier, they hold an explicit clearance.
"""

from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet

from hoso.access.models import User
from hoso.access.permissions import VIEW_DOSSIER, VIEW_FILES
from hoso.access.rules import scope_unit_ids, user_can
from hoso.vntext import fold

from .models import Category, Confidentiality, Dossier, Page


def dossier_access_q(*, actor: User, path: str = "") -> Q | None:
    """The access rule as a filter on dossiers reached through `path` (e.g. "dossier__"), or None for
    "nothing". Every read of dossiers — lists, search, API, counts — filters with this one rule."""
    if not user_can(actor, VIEW_DOSSIER):
        return None
    q = Q()
    if not actor.secret_clearance:
        q &= ~Q(**{f"{path}confidentiality": Confidentiality.SECRET})
    units = scope_unit_ids(actor)
    if units is not None:
        q &= Q(**{f"{path}subject__residence_unit_id__in": units}) | Q(
            **{f"{path}subject__hometown_unit_id__in": units})
    return q


def visible_dossiers(*, actor: User) -> QuerySet[Dossier]:
    """All dossiers the actor may see (the single access rule for dossiers)."""
    q = dossier_access_q(actor=actor)
    return Dossier.objects.none() if q is None else Dossier.objects.filter(q)


def visible_pages(*, actor: User) -> QuerySet[Page]:
    """Page images the actor may open: VIEW_FILES, a visible dossier, and for a page of a "mật" document a
    clearance. Every page image, thumbnail and PDF download reads through here."""
    q = dossier_access_q(actor=actor, path="dossier__")
    if q is None or not user_can(actor, VIEW_FILES):
        return Page.objects.none()
    pages = Page.objects.filter(q)
    if not actor.secret_clearance:
        pages = pages.exclude(document__confidentiality=Confidentiality.SECRET)
    return pages


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
        qs = qs.filter(category__code=filters.category)
    if filters.status:
        qs = qs.filter(status=filters.status)
    if filters.unit_id:
        unit = Q(subject__hometown_unit_id=filters.unit_id) | Q(subject__residence_unit_id=filters.unit_id)
        unit |= Q(subject__hometown_unit__parent_id=filters.unit_id)
        unit |= Q(subject__residence_unit__parent_id=filters.unit_id)
        qs = qs.filter(unit)
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


def category_counts(*, actor: User) -> list[tuple[Category, int]]:
    """Number of visible dossiers per category, in the Ordinance's order, zero counts included."""
    counts = dict(
        visible_dossiers(actor=actor).values_list("category_id").annotate(n=Count("id")).values_list("category_id", "n")
    )
    return [(c, counts.get(c.id, 0)) for c in Category.objects.all()]
