from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "hoso.core"
    verbose_name = _("Nền tảng chung: nhật ký, kho tệp, lịch ngày làm việc")

    def ready(self) -> None:
        from hoso.core import checks  # noqa: F401  (registers the deploy checks)
