from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PreservationConfig(AppConfig):
    name = "hoso.preservation"
    verbose_name = _("Bảo quản: gói hồ sơ, sao lưu, kiểm tra toàn vẹn")

    def ready(self) -> None:
        from hoso.preservation import receivers  # noqa: F401  (the weekly fixity check of an idle worker)
