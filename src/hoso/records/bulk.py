"""Fast inserts for bulk loads: already validated model instances written with plain multi-row INSERTs.

`QuerySet.bulk_create` compiles every value of every row through the ORM, which for a register of 120,000
rows cost more than the database work itself. Here each field gets one converter, chosen once per model,
and rows go in as `INSERT … VALUES (…), (…) RETURNING id` (PostgreSQL, and SQLite ≥ 3.35), straight on the
database connection inside the caller's transaction. Like `bulk_create`, it sets each instance's primary key,
fills `auto_now`/`auto_now_add` dates, sends no signals and runs no validation: callers validate first.

The instances themselves cost too, at that size: `NewInstances` makes them as `Model(**values)` does (defaults
copied from one instance made the usual way) and `validate_fields` answers as `full_clean` does for new
instances of plain text and date fields, with a check per field chosen once (full_clean itself on anything
else, and whenever a check fails, so every error is full_clean's own).
"""

from collections.abc import Callable, Iterable, Sequence
from functools import lru_cache
from operator import attrgetter
from typing import Any

from django.core.validators import MaxLengthValidator
from django.db import connection, models
from django.db.models.base import ModelState
from django.db.models.signals import post_init, pre_init
from django.utils import timezone

from hoso.vntext.dates import PartialDate

from .fields import PartialDateField

# Field classes whose database value is the Python value itself (exact classes, not subclasses).
PLAIN_FIELDS = frozenset({models.CharField, models.TextField, models.IntegerField, models.PositiveIntegerField,
                          models.PositiveSmallIntegerField, models.SmallIntegerField, models.BigIntegerField,
                          models.BooleanField})


def ids_q(field: str, ids: Sequence[int]) -> models.Q:
    """`field` among these ids, as one range when they run without a gap (the ids a bulk load has just written):
    the database answers it as fast as an IN list, which Django compiles value by value (seconds per 100,000)."""
    unique = sorted(set(ids))
    if unique and unique[-1] - unique[0] + 1 == len(unique):
        return models.Q(**{f"{field}__gte": unique[0], f"{field}__lte": unique[-1]})
    return models.Q(**{f"{field}__in": unique})


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
def _statement(table: str, columns: tuple[str, ...], rows: int, placeholder: str, returning: bool,
               suffix: str = "") -> str:
    quote = connection.ops.quote_name
    one = "(" + ", ".join([placeholder] * len(columns)) + ")"
    sql = (f"INSERT INTO {quote(table)} ({', '.join(quote(c) for c in columns)}) VALUES "
           + ", ".join([one] * rows)) + suffix
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
    attnames = [attname for attname, _ in pairs]
    getter = attrgetter(*attnames) if len(attnames) > 1 else (lambda obj, _get=attrgetter(attnames[0]): (_get(obj),))
    converted = [(i, convert) for i, (_, convert) in enumerate(pairs) if convert is not _identity]
    rows: list[Any] = [getter(obj) for obj in objs]
    if converted:
        for n, row in enumerate(rows):
            row = list(row)
            for i, convert in converted:
                row[i] = convert(row[i])
            rows[n] = row
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
    return _write_rows(model, attnames, rows, returning, "")


def upsert_rows(model: type[models.Model], attnames: Sequence[str], rows: Sequence[Sequence[Any]], *,
                unique: Sequence[str], update: Sequence[str]) -> None:
    """Insert rows as `insert_rows` does; a row whose `unique` fields match a row already there updates that row's
    `update` fields instead (`INSERT … ON CONFLICT … DO UPDATE`, as `bulk_create(update_conflicts=True)` writes it).
    No two rows given may have the same `unique` values."""
    if not rows:
        return
    quote = connection.ops.quote_name
    unique_columns = [quote(model._meta.get_field(name).column) for name in unique]
    updated = [quote(model._meta.get_field(name).column) for name in update]
    suffix = f" ON CONFLICT ({', '.join(unique_columns)}) DO " + (
        "UPDATE SET " + ", ".join(f"{c} = EXCLUDED.{c}" for c in updated) if updated else "NOTHING")
    connection.ensure_connection()
    with connection.wrap_database_errors:  # a failure raises Django's exceptions, as bulk_create's would
        _write_rows(model, attnames, rows, False, suffix)


def _write_rows(model: type[models.Model], attnames: Sequence[str], rows: Sequence[Sequence[Any]], returning: bool,
                suffix: str) -> list[int]:
    if not rows:
        return []
    columns = tuple(model._meta.get_field(name).column for name in attnames)
    connection.ensure_connection()
    if connection.vendor == "postgresql":
        return _insert_unnest(model, attnames, columns, rows, returning, suffix)
    per_statement = max(1, min(1000, _max_params() // len(columns)))
    placeholder = "?" if connection.vendor == "sqlite" else "%s"
    ids: list[int] = []
    cursor = connection.connection.cursor()  # the raw cursor: no per-statement debug formatting
    try:
        for start in range(0, len(rows), per_statement):
            chunk = rows[start:start + per_statement]
            params = [value for row in chunk for value in row]
            cursor.execute(_statement(model._meta.db_table, columns, len(chunk), placeholder, returning, suffix),
                           params)
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
                   rows: Sequence[Sequence[Any]], returning: bool, suffix: str = "") -> list[int]:
    """PostgreSQL: one array per column, `INSERT … SELECT * FROM unnest(…)`. A statement with a placeholder per
    value would be re-parsed by psycopg on every call (it caches only statements of up to 50 parameters)."""
    quote = connection.ops.quote_name
    types = [model._meta.get_field(name).db_type(connection) for name in attnames]
    sql = (f"INSERT INTO {quote(model._meta.db_table)} ({', '.join(quote(c) for c in columns)}) "
           f"SELECT * FROM unnest({', '.join(f'%b::{t}[]' for t in types)})") + suffix
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


_IMMUTABLE = (str, int, float, bool, type(None))


class NewInstances:
    """Makes new, unsaved instances of `model` as `model(**values)` does, several times faster: a copy of the
    defaults of one instance made the usual way, then the values (plain fields straight into the instance,
    relations through their descriptors, which cache the related object as `__init__` does). The usual
    `model(**values)` whenever that copy could differ: a callable or database default, a default that is not
    a plain value, an `__init__` signal receiver, or a name that is not a field's."""

    def __init__(self, model: type[models.Model]) -> None:
        self.model = model
        opts = model._meta
        template = model()
        self._defaults = {k: v for k, v in template.__dict__.items() if k != "_state"}
        self._fast = not (pre_init.has_listeners(model) or post_init.has_listeners(model)) and all(
            isinstance(v, _IMMUTABLE) for v in self._defaults.values()) and not any(
            (f.has_default() and callable(f.default)) or f.has_db_default() for f in opts.concrete_fields)
        self._plain = frozenset(f.attname for f in opts.concrete_fields if not f.is_relation)
        self._names = self._plain | {n for f in opts.concrete_fields if f.is_relation for n in (f.name, f.attname)}

    def __call__(self, **values: Any) -> models.Model:
        if not self._fast or not values.keys() <= self._names:
            return self.model(**values)
        obj = self.model.__new__(self.model)
        state = obj.__dict__
        state.update(self._defaults)
        state["_state"] = ModelState()
        plain = self._plain
        for name, value in values.items():
            if name in plain:
                state[name] = value
            else:
                setattr(obj, name, value)
        return obj


def validate_fields(obj: models.Model, names: Iterable[str]) -> None:
    """Validate the fields `names` of a new instance: the same as `obj.full_clean(exclude=<every other field>,
    validate_unique=False)`, which it runs whenever a quick check cannot tell (so every error raised is
    full_clean's own, messages included). Quick checks, chosen once per model and set of names, are for text
    and partial-date fields holding a value of their own type, that the field would keep as it is."""
    names = frozenset(names)
    plan = _plan(type(obj), names)
    if plan is not None:
        for attname, blank, check in plan:
            value = getattr(obj, attname)
            if blank and value in _EMPTY:
                continue
            if check is None or not check(value):
                break
        else:
            return
    obj.full_clean(exclude=[f.name for f in obj._meta.fields if f.name not in names], validate_unique=False)


_EMPTY = models.Field.empty_values


@lru_cache(maxsize=256)
def _plan(model: type[models.Model], names: frozenset[str]) -> list[tuple[str, bool, Callable | None]] | None:
    """(attname, blank, quick check) per field validated, in full_clean's order; None when full_clean does more
    than check fields one by one (a model `clean`, constraints)."""
    if model.clean is not models.Model.clean or any(m._meta.constraints for m in (model, *model._meta.all_parents)):
        return None
    return [(f.attname, f.blank and f.empty_values == _EMPTY, _quick_check(f))
            for f in model._meta.fields if f.name in names and not f.generated]


def _quick_check(field: models.Field) -> Callable[[Any], bool] | None:
    """A test that is True only for values `field.clean` returns unchanged without an error (a False sends the
    instance to full_clean); None for fields without one."""
    if type(field) is PartialDateField:
        kind: type = PartialDate
    elif type(field) in (models.CharField, models.TextField):
        kind = str
    else:
        return None
    limits = []
    for validator in field.validators:
        if type(validator) is not MaxLengthValidator or type(validator.limit_value) is not int or kind is not str:
            return None
        limits.append(validator.limit_value)
    limit = min(limits, default=None)
    choices = frozenset(key for key, _ in field.flatchoices) if field.choices is not None else None
    blank = field.blank

    def check(value: Any) -> bool:
        if type(value) is not kind:
            return False
        if kind is str:
            if limit is not None and len(value) > limit:
                return False
            if not blank and value == "":
                return False
        return choices is None or value in choices

    return check
