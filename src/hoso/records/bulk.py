"""Fast inserts for bulk loads: already validated model instances written with plain multi-row INSERTs.

`QuerySet.bulk_create` compiles every value of every row through the ORM, which for a register of 120,000
rows cost more than the database work itself. Here each field gets one converter, chosen once per model,
and rows go in as `INSERT … VALUES (…), (…) RETURNING id` (PostgreSQL, and SQLite ≥ 3.35), straight on the
database connection inside the caller's transaction. Like `bulk_create`, it sets each instance's primary key,
fills `auto_now`/`auto_now_add` dates, sends no signals and runs no validation: callers validate first.
"""

from collections.abc import Callable, Sequence
from functools import lru_cache
from typing import Any

from django.db import connection, models
from django.utils import timezone

from .fields import PartialDateField

# Field classes whose database value is the Python value itself (exact classes, not subclasses).
PLAIN_FIELDS = frozenset({models.CharField, models.TextField, models.IntegerField, models.PositiveIntegerField,
                          models.PositiveSmallIntegerField, models.SmallIntegerField, models.BigIntegerField,
                          models.BooleanField})


def _identity(value: Any) -> Any:
    return value


def _converter(field: models.Field, now_db: Any) -> Callable[[Any], Any]:
    if isinstance(field, models.DateTimeField) and (field.auto_now or field.auto_now_add):
        return lambda value: now_db
    if isinstance(field, PartialDateField):
        return field.get_prep_value
    if isinstance(field, models.ForeignKey) or type(field) in PLAIN_FIELDS:
        return _identity
    return lambda value: field.get_db_prep_save(value, connection)


def _max_params() -> int:
    if connection.vendor == "sqlite":
        raw = connection.connection
        limit = raw.getlimit(9) if hasattr(raw, "getlimit") else 999  # 9: SQLITE_LIMIT_VARIABLE_NUMBER
        return max(999, min(limit, 32_000))
    return 30_000  # PostgreSQL allows 65,535 parameters in one statement


@lru_cache(maxsize=64)
def _statement(table: str, columns: tuple[str, ...], rows: int, placeholder: str, returning: bool) -> str:
    quote = connection.ops.quote_name
    one = "(" + ", ".join([placeholder] * len(columns)) + ")"
    sql = (f"INSERT INTO {quote(table)} ({', '.join(quote(c) for c in columns)}) VALUES "
           + ", ".join([one] * rows))
    return sql + f" RETURNING {quote('id')}" if returning else sql


def insert_objects(objs: Sequence[models.Model], *, returning: bool = True) -> None:
    """Insert these instances of one model (validated already) and set their ids, in the current transaction."""
    if not objs:
        return
    model = type(objs[0])
    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    now = timezone.now()
    connection.ensure_connection()
    now_db = connection.ops.adapt_datetimefield_value(now)
    pairs = [(f.attname, _converter(f, now_db)) for f in fields]
    for field in fields:  # what bulk_create's pre_save would have set on the instances
        if isinstance(field, models.DateTimeField) and (field.auto_now or field.auto_now_add):
            for obj in objs:
                setattr(obj, field.attname, now)
    rows = [tuple(convert(getattr(obj, attname)) for attname, convert in pairs) for obj in objs]
    ids = insert_rows(model, [f.attname for f in fields], rows, returning=returning)
    for i, obj in enumerate(objs):
        if returning:
            obj.pk = ids[i]
        obj._state.adding = False
        obj._state.db = connection.alias


def insert_rows(model: type[models.Model], attnames: Sequence[str], rows: Sequence[Sequence[Any]], *,
                returning: bool = True) -> list[int]:
    """Insert rows of database-ready values (in the order of `attnames`) into `model`'s table, in the current
    transaction; returns their new ids in row order (an empty list when not `returning`)."""
    if not rows:
        return []
    columns = tuple(model._meta.get_field(name).column for name in attnames)
    connection.ensure_connection()
    if connection.vendor == "postgresql":
        return _insert_unnest(model, attnames, columns, rows, returning)
    per_statement = max(1, min(1000, _max_params() // len(columns)))
    placeholder = "?" if connection.vendor == "sqlite" else "%s"
    ids: list[int] = []
    cursor = connection.connection.cursor()  # the raw cursor: no per-statement debug formatting
    try:
        for start in range(0, len(rows), per_statement):
            chunk = rows[start:start + per_statement]
            params = [value for row in chunk for value in row]
            cursor.execute(_statement(model._meta.db_table, columns, len(chunk), placeholder, returning), params)
            if returning:
                # Ids are handed out in row order (SQLite AUTOINCREMENT, a PostgreSQL sequence) but RETURNING
                # does not promise to list them in that order: sorted, they match the rows.
                returned = sorted(row[0] for row in cursor.fetchall())
                if len(returned) != len(chunk):  # pragma: no cover - the database broke its promise
                    raise RuntimeError(f"{model.__name__}: {len(returned)} ids returned for {len(chunk)} rows")
                ids += returned
    finally:
        cursor.close()
    return ids


def _insert_unnest(model: type[models.Model], attnames: Sequence[str], columns: tuple[str, ...],
                   rows: Sequence[Sequence[Any]], returning: bool) -> list[int]:
    """PostgreSQL: one array per column, `INSERT … SELECT * FROM unnest(…)`. A statement with a placeholder per
    value would be re-parsed by psycopg on every call (it caches only statements of up to 50 parameters)."""
    quote = connection.ops.quote_name
    types = [model._meta.get_field(name).db_type(connection) for name in attnames]
    sql = (f"INSERT INTO {quote(model._meta.db_table)} ({', '.join(quote(c) for c in columns)}) "
           f"SELECT * FROM unnest({', '.join(f'%b::{t}[]' for t in types)})")
    if returning:
        sql += f" RETURNING {quote('id')}"
    ids: list[int] = []
    import psycopg

    # Server-side binding of binary arrays (%b): Django's cursors bind on the client, quoting every string of
    # every array into the statement text, which cost more than the insert.
    with psycopg.Cursor(connection.connection) as cursor:
        for start in range(0, len(rows), 5000):
            chunk = rows[start:start + 5000]
            cursor.execute(sql, [list(column) for column in zip(*chunk, strict=True)])
            if returning:
                returned = sorted(row[0] for row in cursor.fetchall())  # row order: see insert_rows
                if len(returned) != len(chunk):  # pragma: no cover - the database broke its promise
                    raise RuntimeError(f"{model.__name__}: {len(returned)} ids returned for {len(chunk)} rows")
                ids += returned
    return ids
