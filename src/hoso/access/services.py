"""Writes for users, roles, scopes and sign-in events — each in a transaction with its audit event."""

from collections.abc import Iterable

from django.contrib.auth.password_validation import validate_password
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.core.exceptions import ValidationError
from django.db import transaction
from django.dispatch import receiver

from hoso.core.audit import record_event
from hoso.core.events import AuditAction
from hoso.gazetteer.models import AdminUnit

from .models import User
from .permissions import MANAGE_USERS, Role
from .rules import require

SYSTEM_USERNAME = "hoso-system"
USER_FIELDS = ("first_name", "role", "scope_all", "secret_clearance", "is_active", "must_change_password")


def system_user() -> User:
    """The user that command-line work and background tasks act as when no `--as USER` is given."""
    user, created = User.objects.get_or_create(
        username=SYSTEM_USERNAME,
        defaults={"role": Role.SYSTEM, "scope_all": True, "secret_clearance": True, "first_name": "Hệ thống"},
    )
    if created:
        user.set_unusable_password()
        user.save(update_fields=["password"])
    return user


def resolve_actor(username: str | None) -> User:
    """The user a command acts as: the named one (must exist and be active) or the system user."""
    if not username:
        return system_user()
    user = User.objects.filter(username=username, is_active=True).first()
    if user is None:
        raise LookupError(f"Không có người dùng đang hoạt động tên «{username}».")
    return user


def _snapshot(user: User) -> dict:
    data = {f: getattr(user, f) for f in USER_FIELDS}
    data["username"] = user.username
    data["scope_units"] = sorted(user.scope_units.values_list("code", flat=True)) if user.pk else []
    return data


def create_user(*, actor: User | None, username: str, password: str, full_name: str = "", role: str = "",
                scope_all: bool = False, scope_units: Iterable[AdminUnit] = (), secret_clearance: bool = False,
                must_change_password: bool = False) -> User:
    """Create a user. `password` must pass the password rules; set `must_change_password` for an initial one."""
    require(actor, MANAGE_USERS)
    if role and role not in Role.values:
        raise ValidationError({"role": f"Vai trò không có: {role}"})
    if User.objects.filter(username__iexact=username).exists():
        raise ValidationError({"username": f"Tên đăng nhập «{username}» đã có người dùng."})
    with transaction.atomic():
        user = User(username=username, first_name=full_name, role=role, scope_all=scope_all,
                    secret_clearance=secret_clearance, must_change_password=must_change_password)
        validate_password(password, user)
        user.set_password(password)
        user.full_clean(exclude=["password"])
        user.save()
        user.scope_units.set(list(scope_units))
        record_event(actor=actor, action=AuditAction.CREATE, obj=user, summary=username, after=_snapshot(user))
    return user


def update_user(*, actor: User | None, user: User, scope_units: Iterable[AdminUnit] | None = None,
                **changes) -> User:
    """Change role, scope, clearance, name or active state; the before/after goes to the audit trail."""
    require(actor, MANAGE_USERS)
    unknown = set(changes) - set(USER_FIELDS)
    if unknown:
        raise TypeError(f"update_user: unknown fields {sorted(unknown)}")
    if actor is not None and user.pk == actor.pk and (changes.get("is_active") is False
                                                     or changes.get("role", user.role) != user.role):
        raise ValidationError("Không thể tự khóa tài khoản hay đổi vai trò của chính mình.")
    with transaction.atomic():
        before = _snapshot(user)
        for key, value in changes.items():
            setattr(user, key, value)
        user.full_clean(exclude=["password"])
        user.save()
        if scope_units is not None:
            user.scope_units.set(list(scope_units))
        after = _snapshot(user)
        changed = [k for k in after if after[k] != before[k]]
        if changed:
            record_event(actor=actor, action=AuditAction.UPDATE, obj=user, summary=user.username,
                         before={k: before[k] for k in changed}, after={k: after[k] for k in changed})
    return user


def set_password(*, actor: User | None, user: User, password: str, must_change: bool = False) -> None:
    """Set a password (checked against the rules). An administrator resetting someone else's password
    needs MANAGE_USERS and the user must change it at next sign-in."""
    if actor is not None and actor.pk != user.pk:
        require(actor, MANAGE_USERS)
        must_change = True
    validate_password(password, user)
    with transaction.atomic():
        user.set_password(password)
        user.must_change_password = must_change
        user.save(update_fields=["password", "must_change_password"])
        record_event(actor=actor, action=AuditAction.SET_PASSWORD, obj=user, summary=user.username)


@receiver(user_logged_in)
def _on_login(sender, request, user, **kwargs) -> None:
    record_event(actor=user, action=AuditAction.LOGIN, summary=_client(request))


@receiver(user_logged_out)
def _on_logout(sender, request, user, **kwargs) -> None:
    if user is not None:
        record_event(actor=user, action=AuditAction.LOGOUT, summary=_client(request))


@receiver(user_login_failed)
def _on_login_failed(sender, credentials, request=None, **kwargs) -> None:
    username = str(credentials.get("username", ""))[:150]
    record_event(actor=None, action=AuditAction.LOGIN_FAILED, object_type="user", object_id=username[:64],
                 summary=_client(request))


def _client(request) -> str:
    return request.META.get("REMOTE_ADDR", "") if request is not None else ""


def totp_device(user: User, *, create: bool = False):
    """The user's TOTP device: the confirmed one, else (with `create`) a new unconfirmed one for setup."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if device is None:
        device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
        if device is None and create:
            device = TOTPDevice.objects.create(user=user, name="hoso", confirmed=False)
    return device


def confirm_totp(*, user: User, device, token: str) -> bool:
    """Confirm a new device with a first code from the authenticator app."""
    if not device.verify_token(token.strip().replace(" ", "")):
        record_event(actor=user, action=AuditAction.TOTP_FAILED, obj=user, summary=user.username)
        return False
    with transaction.atomic():
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        record_event(actor=user, action=AuditAction.TOTP_ENROLLED, obj=user, summary=user.username)
    return True


def check_totp(*, user: User, device, token: str) -> bool:
    ok = bool(device and device.confirmed and device.verify_token(token.strip().replace(" ", "")))
    record_event(actor=user, action=AuditAction.TOTP_OK if ok else AuditAction.TOTP_FAILED, obj=user,
                 summary=user.username)
    return ok


def reset_totp(*, actor: User | None, user: User) -> None:
    """Remove a user's second-factor devices (lost phone); they set up a new one at next sign-in."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    require(actor, MANAGE_USERS)
    with transaction.atomic():
        TOTPDevice.objects.filter(user=user).delete()
        record_event(actor=actor, action=AuditAction.TOTP_RESET, obj=user, summary=user.username)
