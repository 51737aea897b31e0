"""Signals sent by records services, so other apps (search) follow changes without records knowing them.

Both are sent inside the writing transaction: a receiver's writes commit or roll back with the change.
Send `dossiers_changed` through `tell_dossiers_changed`, which holds the dossiers' rows first.
"""

from collections.abc import Iterable

from django.db import connection
from django.dispatch import Signal

from hoso.records.models import Dossier

# kwargs: dossier_ids (list[int]) — dossiers whose data (or whose people's data) changed.
dossiers_changed = Signal()
# kwargs: dossier_ids (list[int]) — dossiers about to be deleted.
dossiers_deleting = Signal()


def tell_dossiers_changed(dossier_ids: Iterable[int], *, loaded: Iterable = ()) -> None:
    """Send `dossiers_changed` for these dossiers, after taking their rows' write lock (in id order).

    The receivers compute copies of a dossier and its people (the search entry with its access copies, the
    statistics' facts) from what they read. Two transactions changing the same dossier by different rows (one
    makes it "mật", the other moves its person) could otherwise each read before the other committed, and the
    later writer would leave a copy with the old confidentiality. Holding the dossier row makes the second wait
    for the first to commit, and it then reads (READ COMMITTED: each statement sees what has committed) the
    first's change. `loaded`: dossiers this transaction has just created, which nobody else can see: not locked.
    The lock is FOR NO KEY UPDATE, as an UPDATE of the row takes: it does not block rows that merely refer to
    the dossier (pages, audit events). SQLite has one writer at a time and no row locks: nothing to take."""
    ids = sorted(set(dossier_ids))
    loaded = list(loaded)
    if not ids:
        return
    new = {d.pk for d in loaded}
    hold_dossiers([i for i in ids if i not in new])
    dossiers_changed.send(sender=Dossier, dossier_ids=ids, loaded=loaded)


def hold_dossiers(dossier_ids: Iterable[int]) -> None:
    """Take these dossiers' rows' write lock (FOR NO KEY UPDATE, in id order) until the transaction ends, before
    reading them to compute a copy (tell_dossiers_changed; a rebuild of the search index or the facts, which runs
    while clerks work). Must run inside a transaction."""
    ids = sorted(set(dossier_ids))
    if ids and connection.features.has_select_for_update:
        list(Dossier.objects.select_for_update(no_key=True).filter(id__in=ids).order_by("id")
             .values_list("id", flat=True))
