"""Users (with role, area scope, clearance) and the append-only audit trail."""

from django.contrib.auth.models import AbstractUser
from django.db import models

from hoso.gazetteer.models import AdminUnit

from .permissions import Role


class User(AbstractUser):
    """A person who signs in. What they may do comes from `role`; what they may see, from the scope
    (`scope_all` or `scope_units`) and `secret_clearance`. See access/permissions.py."""

    role = models.CharField("vai trò", max_length=20, choices=Role.choices, blank=True)
    scope_all = models.BooleanField("phạm vi: toàn tỉnh", default=False)
    scope_units = models.ManyToManyField(AdminUnit, blank=True, related_name="+",
                                         verbose_name="phạm vi: các xã/phường")
    secret_clearance = models.BooleanField("được xem hồ sơ, tài liệu Mật", default=False)
    must_change_password = models.BooleanField("phải đổi mật khẩu khi đăng nhập", default=False)

    class Meta:
        verbose_name = "người dùng"
        verbose_name_plural = "người dùng"


class AuditEvent(models.Model):
    """One event in the audit trail. Rows are chained: each stores the hash of the one before.

    Only `access.audit.record_event` writes rows; nothing updates or deletes them.
    """

    at = models.DateTimeField(db_index=True)
    actor = models.ForeignKey(User, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
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

    def __str__(self) -> str:
        return f"{self.at:%d/%m/%Y %H:%M} {self.actor_name} {self.action} {self.object_type}:{self.object_id}"


class AuditChainHead(models.Model):
    """A single row locked while appending, so concurrent writers extend the chain one at a time."""

    last_hash = models.CharField(max_length=64)
