"""Two clerks change the same dossier at once through different rows: one makes it "mật", the other moves its
person to another commune. The copies that search and statistics filter on (the search entry's access copies,
the dossier's fact) must end with both changes, whichever commits first — else the search would show a "mật"
dossier to every officer until its next edit (records/signals.py, tell_dossiers_changed)."""

import threading
import time

import pytest
from django.db import connection, connections, transaction

from hoso.records import services
from hoso.records.models import Dossier, Person
from hoso.reports.models import DossierFact
from hoso.search.models import SearchEntry
from hoso.search.services import reindex


def _waiting_on_a_lock() -> bool:
    with connections["default"].cursor() as cursor:  # the test's own connection, outside both transactions
        cursor.execute("SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND datname = "
                       "current_database()")
        return cursor.fetchone()[0] > 0


def _make_secret(actor, dossier, communes):
    services.update_dossier(actor=actor, dossier=Dossier.objects.get(pk=dossier.pk), confidentiality="mat")


def _move(actor, dossier, communes):
    services.update_person(actor=actor, person=Person.objects.get(pk=dossier.subject_id), residence_unit=communes["b"])


def _rebuild_the_index(actor, dossier, communes):
    reindex()  # runs while clerks work: it holds each chunk's dossiers as a records write does


@pytest.mark.parametrize("first_change, second_change", [(_make_secret, _move), (_move, _make_secret),
                                                         (_make_secret, _rebuild_the_index)],
                         ids=["secret-first", "move-first", "secret-during-reindex"])
def test_a_dossier_made_secret_while_its_person_moves_ends_with_both_changes_everywhere(
        categories, actor, communes, first_change, second_change):
    if connection.vendor != "postgresql":
        pytest.skip("concurrent writers need a server database (SQLite lets one writer at a time)")
    person = services.create_person(actor=actor, full_name="Lê Văn Tám", residence_unit=communes["a"])
    dossier = services.register_dossier(actor=actor, number="QTI/LS-00301/CM", category_code="LS", subject=person)
    first_written, release, errors = threading.Event(), threading.Event(), []

    def first():
        try:
            with transaction.atomic():  # the first clerk's change, written and indexed, not yet committed
                first_change(actor, dossier, communes)
                first_written.set()
                release.wait(20)
        except Exception as exc:  # noqa: BLE001 - the test reports any error a clerk met
            errors.append(repr(exc))
        finally:
            connections.close_all()

    def second():
        try:
            first_written.wait(20)
            second_change(actor, dossier, communes)
        except Exception as exc:  # noqa: BLE001
            errors.append(repr(exc))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for thread in threads:
        thread.start()
    deadline = time.monotonic() + 20
    while not _waiting_on_a_lock() and time.monotonic() < deadline:  # the second clerk's write waits for the first
        time.sleep(0.02)
    release.set()
    for thread in threads:
        thread.join(30)
    assert errors == []
    dossier.refresh_from_db()
    now = (dossier.confidentiality, dossier.subject.residence_unit_id)
    assert now == ("mat", communes["b" if _move in (first_change, second_change) else "a"].pk)
    entry = SearchEntry.objects.get(dossier=dossier)
    assert (entry.confidentiality, entry.residence_unit_id) == now
    fact = DossierFact.objects.get(dossier=dossier)
    assert (fact.confidentiality, fact.residence_unit_id) == now
