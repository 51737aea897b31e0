"""The "toàn vẹn dữ liệu" panel of the home page, for administrators and archivists: the last fixity check
(hoso verify --fixity, also run weekly by the worker) and the last backup."""

from django import template

from hoso.access.permissions import Role
from hoso.preservation.selectors import integrity

register = template.Library()
SHOWN_TO = {Role.ADMIN, Role.ARCHIVIST, Role.SYSTEM}


@register.inclusion_tag("web/_integrity_panel.html", takes_context=True)
def integrity_panel(context) -> dict:
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or user.role not in SHOWN_TO:
        return {"shown": False}
    state = integrity()
    return {"shown": True, "run": state.run, "problems": state.problems, "mb": state.mb,
            "unfinished": state.unfinished, "backup": state.backup, "backup_kind": state.backup_kind}
