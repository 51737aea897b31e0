"""The two index backends behind one interface: SQLite FTS5 and PostgreSQL full-text (tsvector, GIN).

Both index the same folded words, so a word matches on both or on neither. Query words are folded
to [a-z0-9] before they get here, and are quoted besides: no user text reaches the query syntax.

`name_groups` hold initials ("ng", "v"): each matches a word it begins in the person's own name or aliases, or the
same word anywhere the other groups may match ("KH" of a document symbol KH-TSDB). `match_relatives` finds entries by
a relative's given name bound to a year (see `_query.year_words`).

Restricted fields (`secret`, `health`, `secret_health`: see `_documents.py`) are matched only when the caller
names them in `restricted` (the fields the actor may read, decided in selectors): an FTS5 column filter on SQLite;
on PostgreSQL the everyone-readable `all_vector`, or else `restricted_vector` with only the allowed weights.
"""

import re
from collections.abc import Sequence

from django.db import connection
from django.db.models import BooleanField, QuerySet
from django.db.models.expressions import RawSQL
from django.db.models.functions import Collate

from ._documents import HEALTH, RESTRICTED_FIELDS, SECRET, SECRET_HEALTH
from .models import SearchEntry

SAFE_WORD = re.compile(r"^[a-z0-9]{1,40}$")
# One query word: its alternatives (word, is_prefix).
Group = Sequence[tuple[str, bool]]

NAME_COLUMNS = ("name", "aliases")
OPEN_COLUMNS = ("name", "aliases", "relatives", "places", "other")  # what everyone who sees the dossier may read
FTS_COLUMNS = (*OPEN_COLUMNS, *RESTRICTED_FIELDS)  # the FTS5 table's columns, in order (migration 0003)
WEIGHTS = {SECRET: "B", HEALTH: "C", SECRET_HEALTH: "D"}  # of restricted_vector; everyone's text is A


def _restricted(fields: Sequence[str]) -> tuple[str, ...]:
    """The restricted fields named, in index order; anything else named is refused (a caller's mistake)."""
    unknown = set(fields) - set(RESTRICTED_FIELDS)
    if unknown:
        raise ValueError(f"not a restricted search field: {sorted(unknown)}")
    return tuple(f for f in RESTRICTED_FIELDS if f in fields)


def _fts(groups: Sequence[Group]) -> str:
    return " AND ".join(
        "(" + " OR ".join(f'"{w}"' + ("*" if prefix else "") for w, prefix in group) + ")" for group in groups)


def _check(groups: Sequence[Group]) -> None:
    for group in groups:
        for word, _ in group:
            if not SAFE_WORD.match(word):
                raise ValueError(f"unsafe search word {word!r}")


class SqliteBackend:
    def write(self, entries: Sequence[SearchEntry], *, fresh: bool = False) -> None:
        """`fresh`: entries just created, so they have no FTS row to replace."""
        if not entries:
            return
        ids = [e.id for e in entries]
        with connection.cursor() as cursor:
            if not fresh:
                cursor.executemany("DELETE FROM search_fts WHERE rowid = %s", [(i,) for i in ids])
            cursor.executemany(
                f"INSERT INTO search_fts (rowid, {', '.join(FTS_COLUMNS)}) "
                f"VALUES (%s, {', '.join(['%s'] * len(FTS_COLUMNS))})",
                [(e.id, *(getattr(e, column) for column in FTS_COLUMNS)) for e in entries])

    def delete(self, entry_ids: Sequence[int]) -> None:
        with connection.cursor() as cursor:
            cursor.executemany("DELETE FROM search_fts WHERE rowid = %s", [(i,) for i in entry_ids])

    def match(self, qs: QuerySet[SearchEntry], groups: Sequence[Group], *, names_only: bool,
              restricted: Sequence[str] = (), name_groups: Sequence[Group] = ()) -> QuerySet[SearchEntry]:
        """Entries matching every group in the names (`names_only`), or in every field everyone who sees the
        dossier may read plus the `restricted` fields named; and every one of `name_groups` in the names."""
        _check([*groups, *name_groups])
        columns = NAME_COLUMNS if names_only else (*OPEN_COLUMNS, *_restricted(restricted))
        spec = "{" + " ".join(columns) + "}"
        parts = [f"{spec} : ({_fts(groups)})"] if groups else []
        for group in name_groups:
            words = [(w, False) for w, _ in group]
            parts.append(f"({{{' '.join(NAME_COLUMNS)}}} : ({_fts([group])}) OR {spec} : ({_fts([words])}))")
        return self._fts_ids(qs, " AND ".join(parts))

    def match_relatives(self, words: Sequence[str], limit: int, groups: Sequence[Group] = ()) -> list[int]:
        """Ids of entries whose relatives hold one of these words — rare words, a given name bound to a year
        ("hiepns1949"), which nothing else holds — and every one of `groups` (the query's words: the relative
        holding the year must hold them, so an entry whose relatives do not is not worth reading). The caller applies
        the access rule to them and checks the rest: they are few, and most often none, which then costs no second
        query."""
        bound = [(w, False) for w in words]
        _check([bound, *groups])
        with connection.cursor() as cursor:
            cursor.execute("SELECT rowid FROM search_fts WHERE search_fts MATCH %s LIMIT %s",
                           [f"{{relatives}} : ({_fts([bound, *groups])})", limit])
            return [row[0] for row in cursor.fetchall()]

    def name_start(self, qs: QuerySet[SearchEntry], text: str, limit: int) -> list[int] | None:
        """No fast path here (FTS5 answers prefixes from its own prefix indexes): None."""
        return None

    @staticmethod
    def _fts_ids(qs: QuerySet[SearchEntry], expr: str) -> QuerySet[SearchEntry]:
        return qs.filter(id__in=RawSQL("SELECT rowid FROM search_fts WHERE search_fts MATCH %s", [expr]))


class PostgresBackend:
    """The tsvector columns are generated by PostgreSQL from the entry's fields: nothing to write."""

    def write(self, entries: Sequence[SearchEntry], *, fresh: bool = False) -> None:
        """Nothing to do: the database computes the vectors."""

    def delete(self, entry_ids: Sequence[int]) -> None:
        """Nothing to do: the vectors live in the entry rows."""

    def match(self, qs: QuerySet[SearchEntry], groups: Sequence[Group], *, names_only: bool,
              restricted: Sequence[str] = (), name_groups: Sequence[Group] = ()) -> QuerySet[SearchEntry]:
        """As SqliteBackend.match. With restricted fields: an entry matches in `all_vector` (everyone's text), or
        — where it has restricted text — in `restricted_vector` counting only the words of allowed weights.
        `name_groups` match words weighted A in `all_vector` (the name and aliases)."""
        _check([*groups, *name_groups])
        allowed = _restricted(restricted)
        if names_only:
            return self._ids(qs, "name_vector @@ to_tsquery('simple', %s)", [_tsquery([*groups, *name_groups])])
        everyone = _and(_tsquery(groups), _initials(name_groups))
        if not allowed:
            return self._ids(qs, "all_vector @@ to_tsquery('simple', %s)", [everyone])
        # In restricted_vector, weight A is all of everyone's text: there an initial may begin any word of it.
        weights = "A" + "".join(WEIGHTS[f] for f in allowed)
        return self._ids(qs, "all_vector @@ to_tsquery('simple', %s) OR restricted_vector @@ to_tsquery('simple', %s)",
                         [everyone, _and(_tsquery(groups, weights), _initials(name_groups, weights))])

    def match_relatives(self, words: Sequence[str], limit: int, groups: Sequence[Group] = ()) -> list[int]:
        """As SqliteBackend.match_relatives, with `groups` anywhere in the entry's text (no weight in the query: the
        bound words are only ever the relatives', and a weight would make PostgreSQL recheck every row the index
        finds; the caller checks that one relative holds them all)."""
        bound = [(w, False) for w in words]
        _check([bound, *groups])
        with connection.cursor() as cursor:
            cursor.execute("SELECT id FROM search_searchentry WHERE all_vector @@ to_tsquery('simple', %s) LIMIT %s",
                           [_tsquery([bound, *groups]), limit])
            return [row[0] for row in cursor.fetchall()]

    def name_start(self, qs: QuerySet[SearchEntry], text: str, limit: int) -> list[int]:
        """Ids of up to `limit` entries whose folded name begins with `text` (folded words and spaces), in name order
        through the index search_name_start (migration 0005)."""
        _check([[(w, False) for w in text.split()]])
        return list(qs.annotate(name_c=Collate("name", "C")).filter(name_c__startswith=text).order_by("name_c")
                    .values_list("id", flat=True)[:limit])

    @staticmethod
    def _ids(qs: QuerySet[SearchEntry], condition: str, params: list[str]) -> QuerySet[SearchEntry]:
        """The condition on the entry rows themselves (not `id IN (SELECT …)`): PostgreSQL then intersects the
        full-text index with the year indexes (a BitmapAnd) and reads only the rows both hold — at 1.2 M people,
        "nguyen van long 1922" read 16,355 rows to keep 408 through the subquery (126 ms), 408 this way (30 ms)."""
        table = connection.ops.quote_name(SearchEntry._meta.db_table)
        for column in ("name_vector", "all_vector", "restricted_vector"):
            condition = condition.replace(column, f"{table}.{column}")
        return qs.filter(RawSQL(f"({condition})", params, output_field=BooleanField()))


def with_ids(qs: QuerySet[SearchEntry], ids: Sequence[int]) -> QuerySet[SearchEntry]:
    """The entries of `qs` with these ids. PostgreSQL: `id = ANY(array)`, one parameter: Django compiled and psycopg
    bound an IN list of the 800 candidates of a common name in ~5 ms, a fifth of such a search's own time."""
    if connection.vendor != "postgresql":
        return qs.filter(id__in=ids)
    table = connection.ops.quote_name(SearchEntry._meta.db_table)
    return qs.filter(RawSQL(f"{table}.id = ANY(%s)", [list(ids)], output_field=BooleanField()))


def _initials(groups: Sequence[Group], weights: str = "") -> str:
    """Each initial as the start of a name word (weight A) or as a word of its own (of `weights`, if given)."""
    return " & ".join("(" + " | ".join(f"{w}:*A | {w}" + (f":{weights}" if weights else "") for w, _ in group) + ")"
                      for group in groups)


def _and(*queries: str) -> str:
    return " & ".join(f"({q})" for q in queries if q)


def _tsquery(groups: Sequence[Group], weights: str = "") -> str:
    """AND of groups, OR within one: `word`, `word:*` (prefix), and with weights `word:AB`, `word:*AB`."""
    def lexeme(word: str, prefix: bool) -> str:
        return word + (":" if prefix or weights else "") + ("*" if prefix else "") + weights

    return " & ".join("(" + " | ".join(lexeme(w, prefix) for w, prefix in group) + ")" for group in groups)


def backend() -> SqliteBackend | PostgresBackend:
    return PostgresBackend() if connection.vendor == "postgresql" else SqliteBackend()
