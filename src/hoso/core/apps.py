from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "hoso.core"
    verbose_name = "Nền tảng chung: nhật ký, kho tệp, lịch ngày làm việc"

    def ready(self) -> None:
        from hoso.core import checks  # noqa: F401  (registers the deploy checks)
