from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SearchConfig(AppConfig):
    name = "hoso.search"
    verbose_name = _("Tìm kiếm")

    def ready(self) -> None:
        from django.db.models.signals import post_migrate

        from . import receivers  # noqa: F401  (keeps the index current on every records write)

        post_migrate.connect(_rebuild_if_outdated, sender=self)


def _rebuild_if_outdated(sender, using="default", **kwargs) -> None:
    """After `migrate`: rebuild the index when what is indexed changed (SCHEMA_VERSION) — or was never built."""
    from hoso.records.models import Dossier

    from .services import reindex, schema_is_current

    if not schema_is_current():
        if Dossier.objects.exists():
            print("Chỉ mục tìm kiếm đã cũ: đang lập lại…")  # noqa: T201
        reindex()
