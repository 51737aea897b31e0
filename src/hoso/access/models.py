"""Users: role, area scope and clearance (the audit trail is in core)."""

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _

from hoso.gazetteer.models import AdminUnit

from .permissions import Role


class Language(models.TextChoices):
    """The languages of the interface (settings.LANGUAGES); Vietnamese is the source language of every text."""

    VIETNAMESE = "vi", _("Tiếng Việt")
    ENGLISH = "en", _("English")


class User(AbstractUser):
    """A person who signs in. What they may do comes from `role`; what they may see, from the scope
    (`scope_all` or `scope_units`) and `secret_clearance`. See access/permissions.py."""

    role = models.CharField(_("vai trò"), max_length=20, choices=Role.choices, blank=True)
    scope_all = models.BooleanField(_("phạm vi: toàn tỉnh"), default=False)
    scope_units = models.ManyToManyField(AdminUnit, blank=True, related_name="+",
                                         verbose_name=_("phạm vi: các xã/phường"))
    secret_clearance = models.BooleanField(_("được xem hồ sơ, tài liệu Mật"), default=False)
    must_change_password = models.BooleanField(_("phải đổi mật khẩu khi đăng nhập"), default=False)
    password_set_by = models.ForeignKey("self", on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
                                        verbose_name=_("mật khẩu do quản trị viên này đặt"))
    language = models.CharField(_("ngôn ngữ giao diện"), max_length=5, choices=Language.choices,
                                default=Language.VIETNAMESE)

    class Meta:
        verbose_name = _("người dùng")
        verbose_name_plural = _("người dùng")


class FailedSignIns(models.Model):
    """The open one-minute window of failed sign-ins for one (address, user name): how many failed since the
    window's first failure, which wrote the one chained audit event of the window (`event`).

    This row sits outside the hash chain and is updated in place; the chain stays append-only. When the same
    address and name fail again after the window has closed, the next event carries the closed window's count
    (`after["previous_window"]`), so every count ends up in the chain except the one of the window still open.
    Requests the lockout (django-axes) refused without checking the password are counted nowhere.
    """

    address = models.CharField(_("địa chỉ"), max_length=45)
    username = models.CharField(_("tên đăng nhập đã gõ"), max_length=150)
    started = models.DateTimeField(_("lần sai đầu của cửa sổ"))
    last_at = models.DateTimeField(_("lần sai gần nhất"))
    count = models.PositiveIntegerField(_("số lần sai trong cửa sổ"), default=1)
    event = models.OneToOneField("core.AuditEvent", on_delete=models.PROTECT, related_name="failed_sign_ins",
                                 verbose_name=_("sự kiện nhật ký của cửa sổ"))

    class Meta:
        verbose_name = _("lần đăng nhập sai (gộp theo phút)")
        verbose_name_plural = _("lần đăng nhập sai (gộp theo phút)")
        constraints = [models.UniqueConstraint(fields=["address", "username"], name="failed_sign_ins_pair")]

    def __str__(self) -> str:
        return f"{self.address} {self.username}: {self.count}"
