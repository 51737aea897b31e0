"""Every view declares who may use it: `@rule(PERMISSION)` or `@public`. A test walks the URL patterns and
fails on any view without a declared rule, so a new page cannot forget access control."""

from collections.abc import Callable
from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext, gettext_lazy
from rest_framework.permissions import BasePermission

from .permissions import Permission
from .rules import needs_second_factor, user_can

PUBLIC = Permission("public", gettext_lazy("Ai cũng dùng được (trang đăng nhập)"))


def rule(permission: Permission) -> Callable:
    """Sign-in required, and the role must hold `permission` (else 403 with a Vietnamese page)."""

    def decorate(view: Callable) -> Callable:
        @wraps(view)
        def guarded(request, *args, **kwargs):
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if not user_can(request.user, permission):
                raise PermissionDenied(gettext("Bạn không có quyền: %(permission)s.") % {
                    "permission": permission.label})
            return view(request, *args, **kwargs)

        guarded.access_rule = permission
        return guarded

    return decorate


def public(view: Callable) -> Callable:
    view.access_rule = PUBLIC
    return view


class RulePermission(BasePermission):
    """DRF: the view's `access_rule` must be held by the (authenticated) user."""

    message = gettext_lazy("Bạn không có quyền dùng chức năng này.")

    def has_permission(self, request, view) -> bool:
        permission = getattr(view, "access_rule", None)
        user = request.user
        if getattr(user, "must_change_password", False):
            return False  # the first-login password change happens on the web first
        if needs_second_factor(user) and not (getattr(user, "is_verified", None) and user.is_verified()):
            return False  # token sign-ins cannot carry the second factor: those roles use the web session
        return permission is not None and user_can(user, permission)
