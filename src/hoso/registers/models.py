"""The review queue of possible duplicate people (the same person entered twice)."""

from django.db import models

from hoso.access.models import User
from hoso.records.models import Person


class DuplicateCandidate(models.Model):
    class Status(models.TextChoices):
        OPEN = "open", "Chờ xem xét"
        MERGED = "merged", "Đã gộp"
        DISMISSED = "dismissed", "Không trùng"

    first = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+")
    second = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+")
    score = models.PositiveSmallIntegerField(help_text="0–100: how alike the two records are")
    reasons = models.JSONField(default=list)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN, db_index=True)
    decided_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-score", "id"]
        constraints = [models.UniqueConstraint(fields=["first", "second"], name="duplicate_pair_once")]
