"""The review queue of possible duplicate people (the same person entered twice)."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from hoso.access.models import User
from hoso.records.models import Person


class DuplicateCandidate(models.Model):
    class Status(models.TextChoices):
        OPEN = "open", _("Chờ xem xét")
        MERGED = "merged", _("Đã gộp")
        DISMISSED = "dismissed", _("Không trùng")

    first = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+")
    second = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+")
    score = models.PositiveSmallIntegerField(help_text=_("0–100: how alike the two records are"))
    reasons = models.JSONField(default=list)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN, db_index=True)
    decided_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-score", "id"]
        constraints = [models.UniqueConstraint(fields=["first", "second"], name="duplicate_pair_once")]
        db_table = "registers_duplicatecandidate"  # the app was `registers` before the re-cut


class ImportRun(models.Model):
    """One register uploaded on the web and imported in the background: its file (kept unaltered in the blob
    store), the confirmed column mapping, the state and progress, and the outcome for the report page."""

    class State(models.TextChoices):
        UPLOADED = "uploaded", _("Chờ xác nhận cách ghép cột")
        QUEUED = "queued", _("Đang chờ chạy")
        RUNNING = "running", _("Đang nhập")
        DONE = "done", _("Đã xong")
        FAILED = "failed", _("Không nhập được")

    created_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+", verbose_name=_("người nhập"))
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    file_name = models.CharField(_("tên tệp"), max_length=255)
    file_sha256 = models.CharField(max_length=64)
    file_size = models.BigIntegerField(default=0)
    sheet = models.CharField(pgettext_lazy("sheet of a workbook", "trang"), max_length=200, blank=True)
    columns = models.JSONField(_("cách ghép cột"), default=dict, help_text=_('{"column index": "field"}'))
    dry_run = models.BooleanField(_("chạy thử"), default=False)
    state = models.CharField(max_length=10, choices=State.choices, default=State.UPLOADED, db_index=True)
    rows_total = models.PositiveIntegerField(_("số dòng (ước tính)"), default=0)
    rows_done = models.PositiveIntegerField(_("số dòng đã đọc"), default=0)
    created = models.PositiveIntegerField(default=0)
    updated = models.PositiveIntegerField(default=0)
    unchanged = models.PositiveIntegerField(default=0)
    failed_rows = models.PositiveIntegerField(default=0)
    error_count = models.PositiveIntegerField(default=0)
    warning_count = models.PositiveIntegerField(default=0)
    encodings = models.JSONField(default=dict)
    errors = models.JSONField(default=list, help_text=_("the first errors, for the report page (all are in the xlsx)"))
    warnings = models.JSONField(default=list, help_text=_("the first warnings, for the report page"))
    from_dry_run = models.ForeignKey("self", null=True, blank=True, on_delete=models.SET_NULL,
                                     related_name="real_runs", verbose_name=_("nhập thật từ lần chạy thử"))
    report_sha256 = models.CharField(max_length=64, blank=True)
    message = models.TextField(_("lý do lỗi"), blank=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("lần nhập sổ")
        verbose_name_plural = _("lần nhập sổ")
        db_table = "registers_importrun"  # the app was `registers` before the re-cut

    def __str__(self) -> str:
        return f"{self.file_name} ({self.get_state_display()})"

    @property
    def percent(self) -> int:
        if self.state == self.State.DONE:
            return 100
        if not self.rows_total:
            return 0
        return min(99, self.rows_done * 100 // self.rows_total)

    @property
    def finished(self) -> bool:
        return self.state in (self.State.DONE, self.State.FAILED)
