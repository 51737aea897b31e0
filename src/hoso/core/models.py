"""The append-only, tamper-evident audit trail (nhật ký). Its events are declared in core/events.py.

Events are appended without any lock shared between writers, each carrying the SHA-256 of its own content; a single
sealer (core.audit.seal_pending, run by the workers every few seconds and before every check) closes the events
written since the last seal into a block whose hash covers their ids and hashes and the previous block's hash —
the way Certificate Transparency logs seal what they received. Events written before this design (up to the
upgrade) stay in their per-event hash chain, and the first block links to its last hash."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


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
    prev_hash = models.CharField(max_length=64, blank=True)  # the per-event chain of events written before blocks
    hash = models.CharField(max_length=64, db_index=True)  # of the content (and prev_hash, for the chained ones)
    block = models.ForeignKey("AuditBlock", null=True, blank=True, on_delete=models.PROTECT, related_name="events")

    class Meta:
        ordering = ["id"]
        verbose_name = _("sự kiện nhật ký")
        verbose_name_plural = _("nhật ký")
        db_table = "access_auditevent"  # kept from before the re-cut (the model moved from access)

    def __str__(self) -> str:
        return f"{self.at:%d/%m/%Y %H:%M} {self.actor_name} {self.action} {self.object_type}:{self.object_id}"


class AuditChainHead(models.Model):
    """The tip of the trail: the hash of the last block (or, before the first block, of the last chained event).
    The sealer locks this single row; writers of events never touch it."""

    last_hash = models.CharField(max_length=64)

    class Meta:
        db_table = "access_auditchainhead"  # kept from before the re-cut


class AuditBlock(models.Model):
    """Events sealed together: their ids and content hashes (in id order) hashed into `root`, chained to the block
    before through `prev_hash`. Written once by core.audit.seal_pending, never changed."""

    number = models.PositiveBigIntegerField(unique=True)
    sealed_at = models.DateTimeField()
    count = models.PositiveIntegerField()
    first_id = models.BigIntegerField()
    last_id = models.BigIntegerField()
    root = models.CharField(max_length=64)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64, unique=True)

    class Meta:
        ordering = ["number"]
        verbose_name = _("khối nhật ký đã niêm phong")
        verbose_name_plural = _("khối nhật ký đã niêm phong")


class CalendarDay(models.Model):
    """A day an administrator sets in the working-day calendar (core/calendar.py): a day off the `holidays` package
    does not know (announced late), or a working day on a weekend or public holiday (a swapped Saturday, ngày làm
    bù). Only `core.calendar.set_day` / `clear_day` write it, each change audited."""

    class Kind(models.TextChoices):
        DAY_OFF = "day_off", _("Ngày nghỉ")
        WORKING_DAY = "working_day", _("Ngày làm việc (làm bù)")

    date = models.DateField(_("ngày"), unique=True)
    kind = models.CharField(_("loại ngày"), max_length=12, choices=Kind.choices)
    note = models.CharField(_("ghi chú (căn cứ)"), max_length=300, blank=True)

    class Meta:
        ordering = ["date"]
        verbose_name = _("ngày đặt riêng trong lịch")
        verbose_name_plural = _("lịch ngày nghỉ, ngày làm bù")

    def __str__(self) -> str:
        return f"{self.date:%d/%m/%Y}: {self.get_kind_display()}"
