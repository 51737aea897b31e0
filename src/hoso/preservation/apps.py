from django.apps import AppConfig


class PreservationConfig(AppConfig):
    name = "hoso.preservation"
    verbose_name = "Bảo quản: gói hồ sơ, sao lưu, kiểm tra toàn vẹn"

    def ready(self) -> None:
        from hoso.preservation import receivers  # noqa: F401  (the weekly fixity check of an idle worker)
