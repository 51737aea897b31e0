"""What the lists of the web UI share: sortable columns (a whitelist of sort keys, never the user's text in
`order_by`) and the query string a saved view keeps."""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Case, F, IntegerField, OrderBy, QuerySet, Value, When
from django.http import QueryDict
from django.utils.translation import gettext

SORT_PARAM = "sap_xep"


@dataclass(frozen=True)
class Column:
    """A column a list can be sorted by: its header, the fields that order it (the first one in the chosen direction,
    the rest — ending with a unique one, so the order is stable across pages — always ascending), and annotations
    those fields need."""

    label: str
    fields: tuple[str, ...]
    annotate: Mapping[str, Any] = field(default_factory=dict)

    def ordering(self, descending: bool) -> list[OrderBy]:
        first, *rest = self.fields
        lead = F(first).desc(nulls_last=True) if descending else F(first).asc(nulls_last=True)
        return [lead, *(F(name).asc(nulls_last=True) for name in rest)]


@dataclass(frozen=True)
class Header:
    """One header cell as the template shows it: a sort link (`query`) or plain text."""

    label: str
    query: str = ""
    aria_sort: str = ""  # "ascending" / "descending" on the column the list is sorted by
    hint: str = ""
    css: str = ""


@dataclass(frozen=True)
class Sorting:
    """The sort keys a list accepts (`columns`, by the key that appears in its query string) and the default ("":
    the order the list's selector gives, no header marked)."""

    columns: Mapping[str, Column]
    default: str

    def chosen(self, query: Mapping[str, str]) -> tuple[str, bool]:
        """(key, descending) asked for by `query`; an unknown key is the default order."""
        raw = (query.get(SORT_PARAM) or "").strip()
        key, descending = raw.removeprefix("-"), raw.startswith("-")
        if key not in self.columns:
            return self.default, False
        return key, descending

    def apply(self, queryset: QuerySet, query: Mapping[str, str]) -> QuerySet:
        key, descending = self.chosen(query)
        if key not in self.columns:
            return queryset
        column = self.columns[key]
        if column.annotate:
            queryset = queryset.annotate(**column.annotate)
        return queryset.order_by(*column.ordering(descending))

    def headers(self, request_get: QueryDict, cells: Iterable[tuple[str, str | None]]) -> list[Header]:
        """Header cells for (label, sort key or None) in table order: a sort key becomes a link that sorts by it
        (ascending first, then the other way), keeping the filters and going back to the first page."""
        key, descending = self.chosen(request_get)
        base = request_get.copy()
        for name in ("page", SORT_PARAM):
            base.pop(name, None)
        out = []
        for label, sort_key in cells:
            if sort_key is None:
                out.append(Header(label))
                continue
            current = sort_key == key
            flip = current and not descending
            query = base.copy()
            query[SORT_PARAM] = f"-{sort_key}" if flip else sort_key
            hint = (gettext("Sắp xếp theo %(column)s, giảm dần") if flip
                    else gettext("Sắp xếp theo %(column)s, tăng dần")) % {"column": label.lower()}
            out.append(Header(label, query=query.urlencode(),
                              aria_sort=("descending" if descending else "ascending") if current else "",
                              hint=hint, css="sorted" if current else "sortable"))
        return out


def status_rank(statuses: Iterable[str], field_name: str = "status") -> Case:
    """The position of a status in its workflow, for sorting by the workflow's order instead of by its code."""
    statuses = tuple(statuses)
    return Case(*(When(**{field_name: s}, then=Value(i)) for i, s in enumerate(statuses)),
                default=Value(len(statuses)), output_field=IntegerField())


def saved_query(request_get: QueryDict, allowed: Iterable[str]) -> str:
    """The part of a list's query string a saved view keeps: the known filters and the sort, without the page and
    without empty values."""
    keep = QueryDict(mutable=True)
    for name in allowed:
        values = [v for v in request_get.getlist(name) if v.strip()][:20]
        if values:
            keep.setlist(name, [v[:300] for v in values])
    return keep.urlencode()
