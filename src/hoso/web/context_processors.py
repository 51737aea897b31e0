from hoso.access.permissions import ALL_PERMISSIONS
from hoso.access.rules import permissions_of
from hoso.imports.services.runs import can_import


def access(request) -> dict:
    """`can.<permission code>` for templates: show only the links a user may follow (`can.import_register`: a
    register import, which also needs a province-wide scope)."""
    user = getattr(request, "user", None)
    held = permissions_of(user)
    return {"can": {**{p.code: p in held for p in ALL_PERMISSIONS}, "import_register": can_import(user)}}
