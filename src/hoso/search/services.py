"""Searching as a user (the audited entry point) and keeping the index current: index or drop dossiers, rebuild
everything in bounded memory."""

from collections import namedtuple
from collections.abc import Callable, Iterable
from functools import lru_cache

from django.db import connection, transaction

from hoso.access.models import User
from hoso.core.audit import record_event
from hoso.core.events import AuditAction
from hoso.records.bulk import insert_rows
from hoso.records.models import Dossier
from hoso.records.signals import hold_dossiers

from ._backend import backend
from ._documents import RESTRICTED_FIELDS, SCHEMA_VERSION, UnitNames, dossiers_for_indexing, entry_values
from .models import IndexState, SearchEntry, SearchTerm, SearchWord
from .selectors import Filters, SearchResult, find

CHUNK = 500
VOCABULARY_FIELDS = ("name", "aliases", "relatives", "places")  # SearchTerm: the typo corrections' vocabulary
OTHER_TEXT_FIELDS = ("other", *RESTRICTED_FIELDS)  # with VOCABULARY_FIELDS, every field SearchWord is made of


def _vocabulary(values: dict) -> set[str]:
    words: set[str] = set()
    for field in VOCABULARY_FIELDS:
        words.update(_vocabulary_of(values[field]))
    return words


def _every_word(values: dict, names: set[str]) -> set[str]:
    """The words of every text field (SearchWord), given those of the names and places (`names`, from the cache):
    the other fields (a dossier's number, years, page text) differ from dossier to dossier, so they are split
    without the cache, which they would only fill."""
    words = set(names)
    for field in OTHER_TEXT_FIELDS:
        words.update(w for w in values[field].replace("|", " ").split() if 2 < len(w) <= 40 and w.isalpha())
    return words


@lru_cache(maxsize=65_536)  # places (and many names) repeat from dossier to dossier
def _vocabulary_of(text: str) -> frozenset[str]:
    # letters only: not numbers, nor a relative's year words ("ns1949")
    return frozenset(w for w in text.replace("|", " ").split() if 2 < len(w) <= 40 and w.isalpha())


def index_dossiers(dossier_ids: Iterable[int], *, unit_names: UnitNames | None = None,
                   known_terms: set[str] | None = None, known_words: set[str] | None = None,
                   loaded: Iterable[Dossier] = ()) -> int:
    """(Re)build the entries of these dossiers. Runs inside the caller's transaction. Returns the count.

    `loaded`: some of these dossiers already in memory with every relation the index reads cached (a bulk
    load has just written them); they are indexed as they are instead of being read back."""
    ids = list(dict.fromkeys(dossier_ids))
    ready = {d.pk: d for d in loaded}
    if known_terms is None:  # the terms this call adds, not added again by its next chunks (same transaction)
        known_terms = set()
    if known_words is None:
        known_words = set()
    unit_names = unit_names or UnitNames()
    engine = backend()
    done = 0
    for start in range(0, len(ids), CHUNK):
        chunk = ids[start:start + CHUNK]
        existing = _existing_entries(chunk)
        new, changed, words, every_word = [], [], set(), set()
        rest = [i for i in chunk if i not in ready]
        for dossier in [*(ready[i] for i in chunk if i in ready), *(dossiers_for_indexing(rest) if rest else ())]:
            values = entry_values(dossier, unit_names)
            names = _vocabulary(values)
            words |= names
            every_word |= _every_word(values, names)
            entry = existing.get(dossier.id)
            if entry is None:
                new.append((dossier.id, *(values[f] for f in _FIELDS)))
            else:
                for key, value in values.items():
                    setattr(entry, key, value)
                changed.append(entry)
        # New entries as rows of plain values, in plain multi-row inserts: the ORM's per-value work (and making
        # the model instances) cost more than the database's.
        written = [_NewEntry(i, *row) for i, row in zip(insert_rows(SearchEntry, _COLUMNS, new), new, strict=True)]
        if changed:
            _update_entries(changed)
            engine.write(changed)
        engine.write(written, fresh=True)
        _add_terms(words, known_terms)
        _add_words(every_word, known_words)
        done += len(new) + len(changed)
    return done


def _existing_entries(dossier_ids: list[int]) -> dict[int, SearchEntry]:
    """The entries of these dossiers, by dossier id. Ids close together (a bulk load's, a reindex's) are looked up
    as one range, which the database answers as fast and Django compiles far faster than a long IN list."""
    low, high = min(dossier_ids), max(dossier_ids)
    if high - low < 2 * len(dossier_ids):
        wanted = set(dossier_ids)
        found = SearchEntry.objects.filter(dossier_id__gte=low, dossier_id__lte=high)
        return {e.dossier_id: e for e in found if e.dossier_id in wanted}
    return {e.dossier_id: e for e in SearchEntry.objects.filter(dossier_id__in=dossier_ids)}


_FIELDS = ["name", "aliases", "relatives", "places", "other", "secret", "health", "secret_health", "name_exact",
           "aliases_exact", "birth_year", "death_year", "birth_from", "birth_to",
           "death_from", "death_to", "number_key", "number", "category_code", "unit_id", "sort_key",
           "confidentiality", "residence_unit_id", "hometown_unit_id"]
_COLUMNS = ["dossier", *_FIELDS]
# A new entry as written, for the index backend (which reads `id` and the text fields).
_NewEntry = namedtuple("_NewEntry", ["id", "dossier_id", *_FIELDS])


def _update_entries(entries: list[SearchEntry]) -> None:
    """One prepared UPDATE per entry (executemany). Django's bulk_update builds a CASE … WHEN per field and per
    row, whose compiling alone made a 1.2 M-dossier reindex take more than ten minutes."""
    table, qn = SearchEntry._meta.db_table, connection.ops.quote_name
    columns = [SearchEntry._meta.get_field(f).column for f in _FIELDS]
    sql = f"UPDATE {qn(table)} SET {', '.join(f'{qn(c)} = %s' for c in columns)} WHERE {qn('id')} = %s"
    with connection.cursor() as cursor:
        cursor.executemany(sql, [(*(getattr(e, f) for f in _FIELDS), e.pk) for e in entries])


def _add_terms(words: set[str], known: set[str] | None) -> None:
    if known is not None:
        words = words - known
        known |= words
    if words:
        SearchTerm.objects.bulk_create([SearchTerm(term=w) for w in sorted(words)], ignore_conflicts=True)


def _add_words(words: set[str], known: set[str]) -> None:
    words = words - known
    known |= words
    if words:  # in order: two writers adding the same new words never wait for each other crosswise
        SearchWord.objects.bulk_create([SearchWord(word=w) for w in sorted(words)], ignore_conflicts=True)


def remove_dossiers(dossier_ids: Iterable[int]) -> None:
    entries = list(SearchEntry.objects.filter(dossier_id__in=list(dossier_ids)).values_list("id", flat=True))
    backend().delete(entries)
    SearchEntry.objects.filter(id__in=entries).delete()


def schema_is_current() -> bool:
    state = IndexState.objects.filter(key="schema_version").first()
    return state is not None and state.value == str(SCHEMA_VERSION)


def reindex(*, progress: Callable[[int], None] | None = None, chunk: int = 2000) -> int:
    """Rebuild every entry, streaming dossier ids in chunks (bounded memory); returns the count.

    Entries are rewritten in place, so search keeps answering during the rebuild; entries of dossiers
    that no longer exist were removed with them (and their SQLite FTS rows are dropped at the end)."""
    unit_names, known, total, last_id = UnitNames(), set(SearchTerm.objects.values_list("term", flat=True)), 0, 0
    known_words = set(SearchWord.objects.values_list("word", flat=True))
    while True:
        ids = list(Dossier.objects.filter(id__gt=last_id).order_by("id").values_list("id", flat=True)[:chunk])
        if not ids:
            break
        with transaction.atomic():
            hold_dossiers(ids)  # a clerk's change to one of them waits for this chunk, or this chunk for it
            total += index_dossiers(ids, unit_names=unit_names, known_terms=known, known_words=known_words)
        last_id = ids[-1]
        if progress:
            progress(len(ids))
    with transaction.atomic():
        _drop_orphan_rows()
        IndexState.objects.update_or_create(key="schema_version", defaults={"value": str(SCHEMA_VERSION)})
    _vacuum()
    return total


def _vacuum() -> None:
    """PostgreSQL: a rebuild in place leaves a dead version of every entry, in the table and in its full-text indexes,
    which searches walk through until autovacuum comes round; VACUUM (which blocks neither reads nor writes) clears
    them now, and ANALYZE gives the planner the new entries' statistics. Not possible inside a transaction (a caller's
    atomic block, a test's): then autovacuum does it later."""
    if connection.vendor == "postgresql" and not connection.in_atomic_block:
        with connection.cursor() as cursor:
            cursor.execute(f"VACUUM (ANALYZE) {connection.ops.quote_name(SearchEntry._meta.db_table)}")


def _drop_orphan_rows() -> None:
    """SQLite only: FTS rows whose entry is gone (e.g. an entry deleted by a cascade); then the FTS index is
    merged into one segment, which drops the old rows a rebuild in place leaves behind (at 1.2 M dossiers an
    unmerged index answered common names twice as slowly)."""
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("DELETE FROM search_fts WHERE rowid NOT IN (SELECT id FROM search_searchentry)")
            cursor.execute("INSERT INTO search_fts(search_fts) VALUES ('optimize')")


def search(*, actor: User, text: str, limit: int = 20, offset: int = 0, filters: Filters = Filters(),  # noqa: B008
           prefix_last: bool = False, audit: bool = True) -> SearchResult:
    """Find dossiers for a desk query as this user sees them, and write the search to the audit trail (a
    search reads personal data). `audit=False` only for as-you-type previews whose final query is audited."""
    result = find(actor=actor, text=text, limit=limit, offset=offset, filters=filters, prefix_last=prefix_last)
    if audit and result.query.strip():
        record_event(actor=actor, action=AuditAction.SEARCH, object_type="query", summary=result.query,
                     after={"total": result.total})
    return result
