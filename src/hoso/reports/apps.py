from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "hoso.reports"
    verbose_name = _("Thống kê, báo cáo, xuất danh sách")

    def ready(self) -> None:
        from django.db.models.signals import post_migrate

        from . import receivers  # noqa: F401  (keeps the statistics' facts current on every records write)

        post_migrate.connect(_fill_facts, sender=self)


def _fill_facts(sender, using="default", **kwargs) -> None:
    """After `migrate`: make the facts of dossiers that have none (an install with dossiers from before)."""
    from .facts import ensure_facts

    made = ensure_facts()
    if made:
        print(f"Đã lập số liệu thống kê cho {made} hồ sơ.")  # noqa: T201
