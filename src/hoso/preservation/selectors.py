"""Reads of preservation's state: what the "toàn vẹn dữ liệu" panel shows."""

from dataclasses import dataclass

from hoso.core.events import AuditAction
from hoso.core.models import AuditEvent
from hoso.preservation.models import FixityRun

UNFINISHED = (FixityRun.Status.RUNNING, FixityRun.Status.INTERRUPTED)


@dataclass(frozen=True)
class Integrity:
    run: FixityRun | None  # the last complete fixity run
    unfinished: FixityRun | None  # a run still going or interrupted
    backup: AuditEvent | None  # the last backup event

    @property
    def problems(self) -> int:
        return len(self.run.missing) + len(self.run.changed) if self.run else 0

    @property
    def mb(self) -> float:
        return round(self.run.bytes / 1024 / 1024, 1) if self.run else 0

    @property
    def backup_kind(self) -> str | None:
        return (self.backup.after or {}).get("kind") if self.backup else None


def last_run() -> FixityRun | None:
    """The newest fixity run that got to the end."""
    return FixityRun.objects.filter(finished_at__isnull=False).order_by("-finished_at", "-id").first()


def integrity() -> Integrity:
    return Integrity(run=last_run(),
                     unfinished=FixityRun.objects.filter(status__in=UNFINISHED).order_by("-id").first(),
                     backup=AuditEvent.objects.filter(action=AuditAction.BACKUP).order_by("-id").first())
