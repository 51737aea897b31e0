"""The two index backends behind one interface: SQLite FTS5 and PostgreSQL full-text (tsvector, GIN).

Both index the same folded words, so a word matches on both or on neither. Query words are folded
to [a-z0-9] before they get here, and are quoted besides: no user text reaches the query syntax.
"""

import re
from collections.abc import Sequence

from django.contrib.postgres.search import SearchQuery
from django.db import connection
from django.db.models import QuerySet
from django.db.models.expressions import RawSQL

from .models import SearchEntry

SAFE_WORD = re.compile(r"^[a-z0-9]{1,40}$")
# One query word: its alternatives (word, is_prefix).
Group = Sequence[tuple[str, bool]]


def _check(groups: Sequence[Group]) -> None:
    for group in groups:
        for word, _ in group:
            if not SAFE_WORD.match(word):
                raise ValueError(f"unsafe search word {word!r}")


class SqliteBackend:
    def write(self, entries: Sequence[SearchEntry]) -> None:
        ids = [e.id for e in entries]
        with connection.cursor() as cursor:
            cursor.executemany("DELETE FROM search_fts WHERE rowid = %s", [(i,) for i in ids])
            cursor.executemany(
                "INSERT INTO search_fts (rowid, name, aliases, relatives, places, other) "
                "VALUES (%s, %s, %s, %s, %s, %s)",
                [(e.id, e.name, e.aliases, e.relatives, e.places, e.other) for e in entries])

    def delete(self, entry_ids: Sequence[int]) -> None:
        with connection.cursor() as cursor:
            cursor.executemany("DELETE FROM search_fts WHERE rowid = %s", [(i,) for i in entry_ids])

    def clear(self) -> None:
        with connection.cursor() as cursor:
            cursor.execute("DELETE FROM search_fts")

    def match(self, qs: QuerySet[SearchEntry], groups: Sequence[Group], *, names_only: bool) -> QuerySet[SearchEntry]:
        _check(groups)
        expr = " AND ".join(
            "(" + " OR ".join(f'"{w}"' + ("*" if prefix else "") for w, prefix in group) + ")" for group in groups)
        if names_only:
            expr = "{name aliases} : (" + expr + ")"
        return qs.filter(id__in=RawSQL("SELECT rowid FROM search_fts WHERE search_fts MATCH %s", [expr]))


class PostgresBackend:
    def write(self, entries: Sequence[SearchEntry]) -> None:
        with connection.cursor() as cursor:
            cursor.execute(
                "UPDATE search_searchentry SET "
                "name_vector = to_tsvector('simple', name || ' ' || aliases), "
                "all_vector = setweight(to_tsvector('simple', name || ' ' || aliases), 'A') || "
                "setweight(to_tsvector('simple', relatives), 'B') || "
                "setweight(to_tsvector('simple', places || ' ' || other), 'C') "
                "WHERE id = ANY(%s)", [[e.id for e in entries]])

    def delete(self, entry_ids: Sequence[int]) -> None:
        """Nothing to do: the vectors live in the entry rows."""

    def clear(self) -> None:
        """Nothing to do: the vectors live in the entry rows."""

    def match(self, qs: QuerySet[SearchEntry], groups: Sequence[Group], *, names_only: bool) -> QuerySet[SearchEntry]:
        _check(groups)
        tsquery = " & ".join(
            "(" + " | ".join(w + (":*" if prefix else "") for w, prefix in group) + ")" for group in groups)
        query = SearchQuery(tsquery, search_type="raw", config="simple")
        return qs.filter(name_vector=query) if names_only else qs.filter(all_vector=query)


def backend() -> SqliteBackend | PostgresBackend:
    return PostgresBackend() if connection.vendor == "postgresql" else SqliteBackend()
