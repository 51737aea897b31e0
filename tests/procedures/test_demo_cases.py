"""`hoso demo` makes a few cases through the desk's services, so that every list of «Việc của tôi» has something."""

import time

from hoso.procedures.demo import demo_cases
from hoso.procedures.models import Case
from hoso.procedures.queue import queue_buckets


def test_the_demo_cases_fill_every_list_of_the_queue_once(desk, specialist, chief, make_dossier, blob_dir):
    for n in range(7):
        make_dossier(f"Liệt Sĩ Số {n}")
    started = time.monotonic()
    assert demo_cases(desk=desk, specialist=specialist, leader=chief) == 7
    assert time.monotonic() - started < 5
    counts = {name: qs.count() for name, qs in queue_buckets(actor=chief).items()}
    for name in ("received", "overdue", "escalated", "waiting", "result_ready", "returned", "open"):
        assert counts[name] >= 1, name
    assert Case.objects.exclude(change={}).count() == 2
    assert demo_cases(desk=desk, specialist=specialist, leader=chief) == 0  # once
