from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccessConfig(AppConfig):
    name = "hoso.access"
    verbose_name = _("Phân quyền và nhật ký")

    def ready(self) -> None:
        from . import services  # noqa: F401  (connects the login/logout audit signals)
