"""The "toàn vẹn dữ liệu" panel of the home page, for administrators and archivists: the last fixity check
(hoso verify --fixity, also run weekly by the worker) and the last backup."""

from django import template

from hoso.access.permissions import Role
from hoso.core.events import AuditAction
from hoso.core.models import AuditEvent
from hoso.preservation.models import FixityRun
from hoso.preservation.services.fixity import UNFINISHED, last_run

register = template.Library()
SHOWN_TO = {Role.ADMIN, Role.ARCHIVIST, Role.SYSTEM}


@register.inclusion_tag("web/_integrity_panel.html", takes_context=True)
def integrity_panel(context) -> dict:
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or user.role not in SHOWN_TO:
        return {"shown": False}
    run = last_run()
    backup = AuditEvent.objects.filter(action=AuditAction.BACKUP).order_by("-id").first()
    return {"shown": True, "run": run,
            "problems": (len(run.missing) + len(run.changed)) if run else 0,
            "mb": round(run.bytes / 1024 / 1024, 1) if run else 0,
            "unfinished": FixityRun.objects.filter(status__in=UNFINISHED).order_by("-id").first(),
            "backup": backup, "backup_kind": (backup.after or {}).get("kind") if backup else None}
