"""Follow records writes: the index changes in the same transaction as the records."""

from django.dispatch import receiver

from hoso.records.signals import dossiers_changed, dossiers_deleting

from .services import index_dossiers, remove_dossiers


@receiver(dossiers_changed)
def _reindex(sender, dossier_ids, loaded=(), **kwargs) -> None:
    index_dossiers(dossier_ids, loaded=loaded)


@receiver(dossiers_deleting)
def _remove(sender, dossier_ids, **kwargs) -> None:
    remove_dossiers(dossier_ids)
