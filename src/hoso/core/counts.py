"""Counts of large lists, kept for a minute.

At 1.2 M people, counting the 580,000 dossiers a province-wide officer sees costs PostgreSQL about 60 ms each time
(the list's header and pager, the home page's counts by category), whatever the index. A count of at least LARGE is
therefore kept for KEPT_SECONDS in the cache, under the exact SQL and parameters of the query counted: the access
rule is part of that query, so nobody is shown a count made for another scope. Smaller counts — the work waiting,
a filtered list — are made every time, so that they are exact after each change; a large one may be up to a minute
old, which at that size changes a figure nobody reads to the unit.
"""

import hashlib

from django.core.cache import cache
from django.core.exceptions import EmptyResultSet
from django.core.paginator import Paginator
from django.db import connections
from django.db.models import QuerySet
from django.utils.functional import cached_property

LARGE = 10_000
KEPT_SECONDS = 60


def _key(queryset: QuerySet, kind: str) -> str:
    sql, params = queryset.query.sql_with_params()
    database = connections[queryset.db].settings_dict["NAME"]
    return "hoso:count:" + hashlib.sha256(repr((kind, str(database), sql, params)).encode()).hexdigest()


def count(queryset: QuerySet) -> int:
    """queryset.count(), kept a minute when it is LARGE or more."""
    queryset = queryset.order_by()
    try:
        key = _key(queryset, "count")
    except EmptyResultSet:  # e.g. a role that sees no dossier, a scope of no place
        return 0
    kept = cache.get(key)
    if kept is not None:
        return kept
    number = queryset.count()
    if number >= LARGE:
        cache.set(key, number, KEPT_SECONDS)
    return number


def grouped(queryset: QuerySet) -> dict:
    """{group: count} of a `values_list(field).annotate(n=Count(...))` query, kept a minute when the counts add up
    to LARGE or more."""
    queryset = queryset.order_by()
    try:
        key = _key(queryset, "grouped")
    except EmptyResultSet:
        return {}
    kept = cache.get(key)
    if kept is not None:
        return kept
    counts = dict(queryset)
    if sum(counts.values()) >= LARGE:
        cache.set(key, counts, KEPT_SECONDS)
    return counts


class KeptCountPaginator(Paginator):
    """A paginator whose count is `count` above: exact for small lists, kept a minute for large ones."""

    @cached_property
    def count(self) -> int:
        if isinstance(self.object_list, QuerySet):
            return count(self.object_list)
        return super().count
