"""The transfers panel of the dossier page, for the archivist: «Xuất gói», «Di chuyển hồ sơ», the open transfer
with its legal window, earlier transfers, and where the dossier came from if it arrived as a package."""

from django import template

from hoso.access.permissions import MANAGE_ARCHIVE
from hoso.access.rules import user_can
from hoso.preservation.models import PackageImport
from hoso.procedures import services as transfers
from hoso.procedures.models import Transfer

register = template.Library()


@register.inclusion_tag("transfers/_panel.html", takes_context=True)
def transfer_panel(context, dossier) -> dict:
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user_can(user, MANAGE_ARCHIVE):
        return {"show": False}
    history = list(Transfer.objects.filter(dossier=dossier).order_by("-created_at", "-id")[:10])
    current = next((t for t in history if t.is_open), None)
    return {"show": True, "dossier": dossier, "history": history, "current": current,
            "window": transfers.current_window(current) if current else None,
            "origins": list(PackageImport.objects.filter(dossier=dossier).order_by("imported_at")),
            "csrf_token": context.get("csrf_token")}
