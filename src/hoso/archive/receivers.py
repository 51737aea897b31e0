"""Follow records writes: a dossier whose paper original is lent out (or requested) cannot be deleted."""

from django.core.exceptions import ValidationError
from django.dispatch import receiver
from django.utils.translation import gettext as _

from hoso.records.signals import dossiers_deleting

from .models import Loan


@receiver(dossiers_deleting)
def _refuse_delete_while_lent(sender, dossier_ids, **kwargs) -> None:
    if Loan.objects.filter(dossier_id__in=dossier_ids, state__in=Loan.OPEN_STATES).exists():
        raise ValidationError(_("Hồ sơ đang có phiếu mượn chưa đóng: hãy đóng phiếu mượn trước khi xóa."))
