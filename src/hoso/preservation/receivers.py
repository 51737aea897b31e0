"""Preservation's answers to signals of the apps below it."""

from django.dispatch import receiver

from hoso.capture.signals import worker_idle
from hoso.preservation.services.fixity import schedule_if_due


@receiver(worker_idle)
def _weekly_fixity(sender, **kwargs) -> bool:
    """An idle worker queues the weekly fixity check once the last complete one is older than
    HOSO_FIXITY_EVERY_DAYS."""
    return schedule_if_due()
