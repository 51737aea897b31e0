"""Follow records writes: the statistics' facts change in the same transaction as the records."""

from django.dispatch import receiver

from hoso.records.signals import dossiers_changed

from .facts import refresh_facts


@receiver(dossiers_changed)
def _refresh(sender, dossier_ids, **kwargs) -> None:
    refresh_facts(dossier_ids)
