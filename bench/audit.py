"""Audit-trail storage growth: one simulated working day of 50 users, bytes per event, growth per year.

    .venv/bin/python bench/audit.py [--users 50] [--days 1]              (SQLite in a temporary HOSO_DATA_DIR)
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/hoso_bench_audit .venv/bin/python bench/audit.py

A user's day (typical desk work, our assumption): sign in and out twice, 40 searches, 60 dossier views,
8 edits with before/after values, 2 exports. Events are written through the real `record_event`
(hash chain included), so the time per event is measured too.
"""

import argparse
import os
import random
import sys
import tempfile
import time
from pathlib import Path

DAY = {"login": 2, "logout": 2, "search": 40, "view": 60, "update": 8, "export": 2}
WORKING_DAYS = 250


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--days", type=int, default=1)
    args = parser.parse_args()
    os.environ.setdefault("HOSO_DATA_DIR", tempfile.mkdtemp(prefix="hoso-bench-audit-"))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hoso.settings")
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", verbosity=0)
    from hoso.core.audit import record_event, verify_chain
    from hoso.core.models import AuditEvent

    if connection.vendor == "postgresql" and AuditEvent.objects.exists():
        sys.exit("Use an empty database for this benchmark (createdb hoso_bench_audit).")
    size_before = _size(connection)
    rng = random.Random(1)
    started = time.perf_counter()
    count = 0
    for _day in range(args.days):
        for user in range(args.users):
            for action, times in DAY.items():
                for _ in range(times):
                    _event(record_event, action, user, rng)
                    count += 1
    elapsed = time.perf_counter() - started
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    size_after = _size(connection)
    per_event = (size_after - size_before) / count
    per_day = count / args.days
    check_started = time.perf_counter()
    report = verify_chain()
    check = time.perf_counter() - check_started
    print(f"backend                {connection.vendor}")
    print(f"users                  {args.users}")
    print(f"events per day         {per_day:,.0f}")
    print(f"bytes per event        {per_event:,.0f} (table + indexes)")
    print(f"growth per year        {per_event * per_day * WORKING_DAYS / 2**20:,.1f} MiB ({WORKING_DAYS} working days)")
    print(f"write time per event   {elapsed / count * 1000:.2f} ms")
    print(f"verify --audit         {count / check:,.0f} events/s (chain ok: {report.ok})")


def _event(record_event, action: str, user: int, rng: random.Random) -> None:
    name = f"Nguyễn Văn {rng.choice(['An', 'Bình', 'Đức', 'Hùng', 'Lan', 'Mai'])}"
    number = f"QTI/LS-{rng.randint(1, 99999):05d}/CM"
    kwargs = {"actor": None, "action": action, "object_type": "dossier", "object_id": str(rng.randint(1, 10**6)),
              "summary": number}
    if action == "search":
        kwargs.update(object_type="query", object_id="", summary=f"{name} {rng.randint(1930, 1960)}",
                      after={"total": rng.randint(0, 40)})
    elif action == "update":
        kwargs.update(before={"hometown_text": f"xã Triệu Long, huyện Triệu Phong ({user})"},
                      after={"hometown_text": "thôn Bích La, xã Triệu Đông, huyện Triệu Phong"})
    elif action in {"login", "logout"}:
        kwargs.update(object_type="", object_id="", summary="10.0.0.1")
    record_event(**kwargs)


def _size(connection) -> int:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT pg_total_relation_size('access_auditevent')")
            return cursor.fetchone()[0]
        cursor.execute("PRAGMA page_count")
        pages = cursor.fetchone()[0]
        cursor.execute("PRAGMA page_size")
        return pages * cursor.fetchone()[0]


if __name__ == "__main__":
    main()
