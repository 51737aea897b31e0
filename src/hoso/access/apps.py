from django.apps import AppConfig


class AccessConfig(AppConfig):
    name = "hoso.access"
    verbose_name = "Phân quyền và nhật ký"

    def ready(self) -> None:
        from . import services  # noqa: F401  (connects the login/logout audit signals)
