"""Backups and restores as audited actions: the engines are preservation/backup.py and restore.py; the
commands call these functions, which write the audit events."""

from collections.abc import Callable, Iterable
from pathlib import Path

from hoso.access.models import User
from hoso.access.services import system_user
from hoso.core.audit import record_event
from hoso.core.blobs import blob_store
from hoso.core.events import AuditAction
from hoso.preservation.backup import BackupResult, back_up
from hoso.preservation.restore import RestoreResult, find_chain, restore_chain


def run_backup(*, actor: User, destinations: Iterable[Path | str], kind: str | None = None,
               progress: Callable[[str, int, int], None] | None = None) -> list[BackupResult]:
    """Back up to each destination (a full set, an incremental one, or whichever is due) and write one
    `backup` event per set written. Raises BackupError, DatabaseBackupError or OSError."""
    results = back_up(store=blob_store(), destinations=destinations, kind=kind, progress=progress)
    for result in results:
        record_event(actor=actor, action=AuditAction.BACKUP, object_type="backup", object_id=result.id,
                     summary=f"Sao lưu {result.kind} vào {result.destination}: {result.blobs} tệp",
                     after={k: v for k, v in result.as_json().items() if k != "unreadable"}
                     | {"unreadable": [u["sha256"] for u in result.unreadable]})
    return results


def run_restore(*, source: Path, backup_id: str | None = None,
                progress: Callable[[int, int], None] | None = None) -> RestoreResult:
    """Restore the newest (or the named) backup chain of `source` into this empty install and write a
    `restore` event (by the system user: the restored install has no users of its own until the database is
    back). Raises BackupError, DatabaseBackupError, OSError or ValueError."""
    sets = find_chain(source, backup_id)
    result = restore_chain(sets=sets, store=blob_store(), progress=progress)
    record_event(actor=system_user(), action=AuditAction.RESTORE, object_type="backup", object_id=result.backup,
                 summary=f"Phục hồi từ {result.backup}: {result.blobs} tệp", after=result.as_json())
    return result
