"""Administrative units with validity periods (đơn vị hành chính) and the old→new mapping.

Codes are reused across reorganisations (a new commune of 2025 usually takes the code of one
predecessor), so a unit is identified by (level, code, valid_from), never by a bare code.
"""

import datetime

from django.db import models
from django.utils.translation import gettext_lazy as _


class AdminUnit(models.Model):
    class Level(models.TextChoices):
        PROVINCE = "province", _("Tỉnh/thành phố")
        DISTRICT = "district", _("Quận/huyện")
        COMMUNE = "commune", _("Xã/phường/đặc khu")

    code = models.CharField(max_length=10, db_index=True)
    name = models.CharField(max_length=120)
    name_folded = models.CharField(max_length=120, db_index=True)
    kind = models.CharField(max_length=40, blank=True, help_text=_("Xã, Phường, Thị trấn, Huyện, Tỉnh …"))
    level = models.CharField(max_length=10, choices=Level.choices)
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="children")
    valid_from = models.DateField(null=True, blank=True)
    valid_to = models.DateField(null=True, blank=True)
    source = models.CharField(max_length=120, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["level", "code", "valid_from"], name="unit_unique_code_period"),
        ]
        ordering = ["level", "name"]
        verbose_name = _("đơn vị hành chính")
        verbose_name_plural = _("đơn vị hành chính")

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"

    def is_current(self, on: datetime.date | None = None) -> bool:
        on = on or datetime.date.today()
        return (self.valid_from is None or self.valid_from <= on) and (self.valid_to is None or on <= self.valid_to)

    @property
    def label(self) -> str:
        """Name with the parent, as written on forms: "Xã Triệu Long, Huyện Triệu Phong"."""
        return f"{self.name}, {self.parent.name}" if self.parent_id else self.name


class UnitMapping(models.Model):
    """An old unit that became (all or part of) a new unit on `effective`."""

    old = models.ForeignKey(AdminUnit, on_delete=models.CASCADE, related_name="successor_links")
    new = models.ForeignKey(AdminUnit, on_delete=models.CASCADE, related_name="predecessor_links")
    effective = models.DateField()
    note = models.CharField(max_length=200, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["old", "new"], name="mapping_unique_pair")]
        verbose_name = _("chuyển đổi đơn vị")
        verbose_name_plural = _("chuyển đổi đơn vị")
