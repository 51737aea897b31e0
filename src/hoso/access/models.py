"""Users: role, area scope and clearance (the audit trail is in core)."""

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
