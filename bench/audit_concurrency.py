"""Audited reads under concurrency: the audit trail's design before (one chain head locked by every writer) and
now (events appended without a shared lock, sealed into blocks by one sealer), side by side in one run.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/hoso_bench_concurrency .venv/bin/python bench/audit_concurrency.py

Prints audited reads per second with 1, 8 and 32 client threads (each read = one dossier row read and its audit
event, in its own transaction, as a request does), and the latency of one audited read while another transaction
has written an event and stays open for 1.5 s (a register import commits every 2,000 rows). "before" is the
earlier design reproduced here exactly: the head row locked FOR UPDATE in the writer's transaction, then the insert.
The database must be PostgreSQL (SQLite serialises every writer whatever the design).
"""

import argparse
import os
import statistics
import sys
import threading
import time
from pathlib import Path

HOLD_SECONDS = 1.5


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=float, default=5.0, help="length of each throughput run")
    parser.add_argument("--threads", default="1,8,32")
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hoso.settings")
    os.environ.setdefault("HOSO_SECRET_KEY", "bench-only")
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection, connections, transaction

    from hoso.core.audit import record_event, seal_all, verify_chain
    from hoso.core.models import AuditChainHead

    if connection.vendor != "postgresql":
        sys.exit("Run it on PostgreSQL: DATABASE_URL=postgres://… (see the docstring).")
    call_command("migrate", verbosity=0)
    AuditChainHead.objects.get_or_create(pk=1, defaults={"last_hash": "0" * 64})

    def before(**kwargs):  # the earlier design: every writer locks the one head row until it commits
        with transaction.atomic():
            AuditChainHead.objects.select_for_update().get(pk=1)
            record_event(**kwargs)

    def after(**kwargs):
        with transaction.atomic():
            record_event(**kwargs)

    def read(write, n: int) -> None:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        write(actor=None, action="view", object_type="dossier", object_id=str(n), summary="QTI/LS-00001/CM")

    def throughput(write, threads: int) -> float:
        stop, counts = time.monotonic() + args.seconds, [0] * threads

        def run(i: int) -> None:
            try:
                while time.monotonic() < stop:
                    read(write, i)
                    counts[i] += 1
            finally:
                connections.close_all()

        workers = [threading.Thread(target=run, args=(i,)) for i in range(threads)]
        for w in workers:
            w.start()
        for w in workers:
            w.join()
        return sum(counts) / args.seconds

    def stalled_read(write) -> float:
        """Latency of one audited read while another transaction holds an audited write open."""
        holding = threading.Event()

        def hold() -> None:
            try:
                with transaction.atomic():
                    write(actor=None, action="update", object_type="dossier", object_id="0", summary="import")
                    holding.set()
                    time.sleep(HOLD_SECONDS)
            finally:
                connections.close_all()

        holder = threading.Thread(target=hold)
        holder.start()
        holding.wait()
        started = time.perf_counter()
        read(write, 1)
        took = time.perf_counter() - started
        holder.join()
        return took

    counts = [int(t) for t in args.threads.split(",")]
    print(f"machine                 {os.cpu_count()} cores; PostgreSQL; {args.seconds:.0f} s per run")
    print(f"{'audited reads/s':<24}" + "".join(f"{f'{t} threads':>14}" for t in counts))
    for name, write in (("before (head lock)", before), ("now (append + seal)", after)):
        print(f"{name:<24}" + "".join(f"{throughput(write, t):>14,.0f}" for t in counts))
    print(f"{'read while a write txn is open':<32}{'median of 3':>14}")
    for name, write in (("before (head lock)", before), ("now (append + seal)", after)):
        took = statistics.median(stalled_read(write) for _ in range(3))
        print(f"{name:<32}{took * 1000:>12,.1f} ms")
    sealed_started = time.perf_counter()
    sealed = seal_all()
    sealed_took = time.perf_counter() - sealed_started
    report = verify_chain()
    print(f"sealed {sealed:,} events in {sealed_took:.2f} s; verify: {report.checked:,} events, "
          f"{report.blocks} blocks, ok={report.ok}")


if __name__ == "__main__":
    main()
