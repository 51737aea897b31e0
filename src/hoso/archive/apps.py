from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ArchiveConfig(AppConfig):
    name = "hoso.archive"
    verbose_name = _("Kho lưu trữ hồ sơ gốc")

    def ready(self) -> None:
        from . import receivers  # noqa: F401  (a dossier out on loan cannot be deleted)
