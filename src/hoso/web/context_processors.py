from hoso.access.permissions import ALL_PERMISSIONS
from hoso.access.rules import permissions_of


def access(request) -> dict:
    """`can.<permission code>` for templates: show only the links a user may follow."""
    held = permissions_of(getattr(request, "user", None))
    return {"can": {p.code: p in held for p in ALL_PERMISSIONS}}
