"""Who holds which permission, and which administrative units a user's scope covers."""


from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext

from hoso.gazetteer.services import expand_units

from .models import User
from .permissions import ROLE_PERMISSIONS, SIGNED_IN, Permission


def permissions_of(user: User | None) -> frozenset[Permission]:
    if user is None or not user.is_authenticated or not user.is_active:
        return frozenset()
    return ROLE_PERMISSIONS.get(user.role, frozenset()) | {SIGNED_IN}


def user_can(user: User | None, permission: Permission) -> bool:
    return permission in permissions_of(user)


def require(user: User | None, permission: Permission) -> None:
    """For services: `None` is the system acting internally; anyone else must hold the permission."""
    if user is not None and not user_can(user, permission):
        raise PermissionDenied(gettext("Bạn không có quyền: %(permission)s.") % {"permission": permission.label})


def needs_second_factor(user: User) -> bool:
    return user.is_authenticated and user.role in settings.HOSO_TOTP_REQUIRED_ROLES


def scope_unit_ids(user: User) -> frozenset[int] | None:
    """Every unit id (any level, any period) inside the user's scope, or None for the whole province.

    A scope names current communes (or districts); dossiers whose places were recorded with the units
    those replaced (before 2025 and earlier merges) are inside too, through the old→new mapping.
    """
    if user.scope_all:
        return None
    cached = getattr(user, "_scope_unit_ids", None)
    if cached is None:
        cached = expand_units(frozenset(user.scope_units.values_list("id", flat=True)))
        user._scope_unit_ids = cached
    return cached


