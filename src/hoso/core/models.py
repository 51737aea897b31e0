"""The append-only, hash-chained audit trail (nhật ký). Its events are declared in core/events.py."""

from django.conf import settings
from django.db import models


class AuditEvent(models.Model):
    """One event in the audit trail. Rows are chained: each stores the hash of the one before.

    Only `core.audit.record_event` writes rows; nothing updates or deletes them.
    """

    at = models.DateTimeField(db_index=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                              related_name="+")
    actor_name = models.CharField(max_length=150, db_index=True)
    action = models.CharField(max_length=40, db_index=True)
    object_type = models.CharField(max_length=40, blank=True)
    object_id = models.CharField(max_length=64, blank=True, db_index=True)
    summary = models.CharField(max_length=300, blank=True)
    before = models.JSONField(null=True, blank=True)
    after = models.JSONField(null=True, blank=True)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64, unique=True)

    class Meta:
        ordering = ["id"]
        verbose_name = "sự kiện nhật ký"
        verbose_name_plural = "nhật ký"
        db_table = "access_auditevent"  # kept from before the re-cut (the model moved from access)

    def __str__(self) -> str:
        return f"{self.at:%d/%m/%Y %H:%M} {self.actor_name} {self.action} {self.object_type}:{self.object_id}"


class AuditChainHead(models.Model):
    """A single row locked while appending, so concurrent writers extend the chain one at a time."""

    last_hash = models.CharField(max_length=64)

    class Meta:
        db_table = "access_auditchainhead"  # kept from before the re-cut


class CalendarDay(models.Model):
    """A day an administrator sets in the working-day calendar (core/calendar.py): a day off the `holidays` package
    does not know (announced late), or a working day on a weekend or public holiday (a swapped Saturday, ngày làm
    bù). Only `core.calendar.set_day` / `clear_day` write it, each change audited."""

    class Kind(models.TextChoices):
        DAY_OFF = "day_off", "Ngày nghỉ"
        WORKING_DAY = "working_day", "Ngày làm việc (làm bù)"

    date = models.DateField("ngày", unique=True)
    kind = models.CharField("loại ngày", max_length=12, choices=Kind.choices)
    note = models.CharField("ghi chú (căn cứ)", max_length=300, blank=True)

    class Meta:
        ordering = ["date"]
        verbose_name = "ngày đặt riêng trong lịch"
        verbose_name_plural = "lịch ngày nghỉ, ngày làm bù"

    def __str__(self) -> str:
        return f"{self.date:%d/%m/%Y}: {self.get_kind_display()}"
