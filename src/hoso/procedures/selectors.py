"""Reads of the procedures room for the pages that show them (the dossier page's transfers panel)."""

from dataclasses import dataclass, field

from hoso.preservation.models import PackageImport
from hoso.procedures.models import Transfer
from hoso.procedures.services import current_window
from hoso.records.models import Dossier


@dataclass
class TransferPanel:
    history: list[Transfer] = field(default_factory=list)
    current: Transfer | None = None
    window: object = None
    origins: list[PackageImport] = field(default_factory=list)


def transfer_panel(*, dossier: Dossier) -> TransferPanel:
    """The open transfer of a dossier (already opened through the visibility rule) with its legal window, the
    earlier ones, and where it came from if it arrived as a package."""
    history = list(Transfer.objects.filter(dossier=dossier).order_by("-created_at", "-id")[:10])
    current = next((t for t in history if t.is_open), None)
    return TransferPanel(history=history, current=current,
                         window=current_window(current) if current else None,
                         origins=list(PackageImport.objects.filter(dossier=dossier).order_by("imported_at")))
