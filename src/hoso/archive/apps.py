from django.apps import AppConfig


class ArchiveConfig(AppConfig):
    name = "hoso.archive"
    verbose_name = "Kho lưu trữ hồ sơ gốc"

    def ready(self) -> None:
        from . import receivers  # noqa: F401  (a dossier out on loan cannot be deleted)
