"""Writes for users, roles, scopes and sign-in events — each in a transaction with its audit event."""

from collections.abc import Iterable
from datetime import timedelta

from axes.helpers import get_failure_limit
from django.contrib.auth.password_validation import validate_password
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.dispatch import receiver
from django.utils import timezone
from django.utils.translation import gettext as _
from django_otp.plugins.otp_totp.models import TOTPDevice
from rest_framework.authtoken.models import Token

from hoso.core.audit import record_event
from hoso.core.events import AuditAction
from hoso.gazetteer.models import AdminUnit

from .models import FailedSignIns, Language, User
from .permissions import MANAGE_USERS, Role
from .rules import needs_second_factor, require

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
        raise ValidationError({"role": _("Vai trò không có: %(role)s") % {"role": role}})
    if _knows_passwords(actor) and (secret_clearance or role == Role.ADMIN):
        raise ValidationError(_("Bạn đặt mật khẩu cho tài khoản mới nên không thể đồng thời cấp cho nó quyền xem "
                                "hồ sơ Mật hay vai trò quản trị: hãy tạo tài khoản trước, một quản trị viên khác phải "
                                "làm việc này."))
    if User.objects.filter(username__iexact=username).exists():
        raise ValidationError({"username": _("Tên đăng nhập «%(username)s» đã có người dùng.") % {
            "username": username}})
    with transaction.atomic():
        user = User(username=username, first_name=full_name, role=role, scope_all=scope_all,
                    secret_clearance=secret_clearance, must_change_password=must_change_password,
                    password_set_by=actor if _knows_passwords(actor) else None)
        validate_password(password, user)
        user.set_password(password)
        user.full_clean(exclude=["password"])
        user.save()
        user.scope_units.set(list(scope_units))
        record_event(actor=actor, action=AuditAction.CREATE, obj=user, summary=username, after=_snapshot(user))
    return user


def update_user(*, actor: User | None, user: User, scope_units: Iterable[AdminUnit] | None = None,
                **changes) -> User:
    """Change role, scope, clearance, name or active state; the before/after goes to the audit trail. On one's own
    account nothing may be widened (see _refuse_self_escalation)."""
    require(actor, MANAGE_USERS)
    unknown = set(changes) - set(USER_FIELDS)
    if unknown:
        raise TypeError(f"update_user: unknown fields {sorted(unknown)}")
    scope_units = list(scope_units) if scope_units is not None else None
    if actor is not None and user.pk == actor.pk:
        _refuse_self_escalation(user, changes, scope_units)
    elif _knows_passwords(actor) and user.password_set_by_id == actor.pk and _grants(user, changes):
        raise ValidationError(_("Bạn đã đặt mật khẩu cho «%(username)s» nên không thể cấp cho tài khoản này quyền "
                                "xem hồ sơ Mật hay vai trò quản trị: một quản trị viên khác phải làm việc này.")
                              % {"username": user.username})
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


def _knows_passwords(actor: User | None) -> bool:
    """A person who signs in and sets someone's password knows it (the system user, acting for the operator at
    the server's console, signs in nowhere)."""
    return actor is not None and actor.has_usable_password()


def _grants(user: User, changes: dict) -> bool:
    return bool((changes.get("secret_clearance") and not user.secret_clearance)
                or (changes.get("role", user.role) == Role.ADMIN and user.role != Role.ADMIN))


def _refuse_self_escalation(user: User, changes: dict, scope_units: list[AdminUnit] | None) -> None:
    """Nobody locks themselves out, changes their own role or widens their own rights: granting clearance, the
    administrator role or a wider scope needs a second administrator (hai người, hai khóa)."""
    if changes.get("is_active") is False:
        raise ValidationError(_("Không thể tự khóa tài khoản của chính mình."))
    if changes.get("role", user.role) != user.role:
        raise ValidationError(_("Không thể tự đổi vai trò của chính mình: một quản trị viên khác phải làm việc này."))
    if changes.get("secret_clearance") and not user.secret_clearance:
        raise ValidationError(_("Không thể tự cấp quyền xem hồ sơ, tài liệu Mật cho chính mình: một quản trị viên khác "
                                "phải làm việc này."))
    widened = changes.get("scope_all") and not user.scope_all
    if scope_units is not None and not user.scope_all and not changes.get("scope_all"):
        widened = widened or bool({u.pk for u in scope_units} - set(user.scope_units.values_list("pk", flat=True)))
    if widened:
        raise ValidationError(_("Không thể tự mở rộng phạm vi của chính mình: một quản trị viên khác phải làm việc "
                                "này."))


def set_password(*, actor: User | None, user: User, password: str, must_change: bool = False) -> None:
    """Set a password (checked against the rules). An administrator resetting someone else's password
    needs MANAGE_USERS and the user must change it at next sign-in. The user's API tokens are revoked (a new
    password ends every way in that the old one opened; other signed-in sessions end by Django's session hash)."""
    by_admin = actor is not None and actor.pk != user.pk
    if by_admin:
        require(actor, MANAGE_USERS)
        must_change = True
    validate_password(password, user)
    # Whoever resets a password knows it: a clearance the account held is set aside until another administrator
    # grants it again (two keys), so a reset never opens secret dossiers to the one who made it.
    cleared_off = by_admin and _knows_passwords(actor) and user.secret_clearance
    with transaction.atomic():
        user.set_password(password)
        user.must_change_password = must_change
        fields = ["password", "must_change_password"]
        if by_admin:
            user.password_set_by = actor if _knows_passwords(actor) else None
            fields.append("password_set_by")
        if cleared_off:
            user.secret_clearance = False
            fields.append("secret_clearance")
        user.save(update_fields=fields)
        revoked, _by_model = Token.objects.filter(user=user).delete()
        record_event(actor=actor, action=AuditAction.SET_PASSWORD, obj=user, summary=user.username,
                     after={"api_tokens_revoked": revoked, **({"secret_clearance": False} if cleared_off else {})})


def change_own_password(*, user: User, current_password: str, new_password: str) -> None:
    """A user changes their own password: only with the current one, and — for a role that must use a second
    factor — only once a confirmed TOTP device exists (the web asks for its code first). A wrong current password
    is audited and changes nothing."""
    if needs_second_factor(user) and not TOTPDevice.objects.filter(user=user, confirmed=True).exists():
        raise ValidationError(_("Hãy cài đặt xác thực hai lớp trước khi đổi mật khẩu."))
    if not user.check_password(current_password):
        record_event(actor=user, action=AuditAction.PASSWORD_CHANGE_FAILED, obj=user, summary=user.username)
        raise ValidationError({"current_password": _("Mật khẩu hiện tại không đúng.")})
    set_password(actor=user, user=user, password=new_password)


def set_language(*, user: User, language: str) -> User:
    """A user chooses the language of their own interface (Vietnamese or English); the change is audited like every
    other change to an account. Choosing the language already set writes nothing."""
    if language not in Language.values:
        raise ValidationError({"language": _("Ngôn ngữ không có: %(language)s") % {"language": language}})
    if user.language == language:
        return user
    with transaction.atomic():
        before = user.language
        user.language = language
        user.save(update_fields=["language"])
        record_event(actor=user, action=AuditAction.SET_LANGUAGE, obj=user, summary=user.username,
                     before={"language": before}, after={"language": language})
    return user


@receiver(user_logged_in)
def _on_login(sender, request, user, **kwargs) -> None:
    record_event(actor=user, action=AuditAction.LOGIN, summary=_client(request))


@receiver(user_logged_out)
def _on_logout(sender, request, user, **kwargs) -> None:
    if user is not None:
        record_event(actor=user, action=AuditAction.LOGOUT, summary=_client(request))


FAILED_SIGN_IN_WINDOW = timedelta(minutes=1)


@receiver(user_login_failed)
def _on_login_failed(sender, credentials, request=None, **kwargs) -> None:
    if _refused_by_lockout(request, credentials):
        return  # answered 429 without checking the password: nothing happened worth a record
    record_failed_sign_in(address=_client(request), username=str(credentials.get("username", "")))


def _refused_by_lockout(request, credentials: dict) -> bool:
    """Whether django-axes refused this attempt because the name or address was locked out *before* it (the
    attempt that reaches the limit was a real password check, and is counted). Axes's own receiver runs first
    (its app comes first in INSTALLED_APPS): it flags the request and, unless configured not to, counts the
    attempt, so a refused one is past the limit."""
    if request is None or not getattr(request, "axes_locked_out", False):
        return False
    failures = getattr(request, "axes_failures_since_start", None)
    return failures is None or failures > get_failure_limit(request, credentials)


def record_failed_sign_in(*, address: str, username: str) -> None:
    """One chained audit event per (address, user name) per minute: the first failure of a window writes it, the
    next ones only count in the window's row (outside the chain, see FailedSignIns). A flood of guesses thus
    neither grows the chain nor holds its lock; the closed window's count goes into the next window's event."""
    address, username = address[:45], username[:150]
    for _attempt in range(2):  # two first failures at once: the loser of the unique pair counts in the winner's
        try:
            with transaction.atomic():
                _count_failed_sign_in(address, username, timezone.now())
            return
        except IntegrityError:
            continue


def _count_failed_sign_in(address: str, username: str, now) -> None:
    window = FailedSignIns.objects.select_for_update().filter(address=address, username=username).first()
    if window is not None and now - window.started < FAILED_SIGN_IN_WINDOW:
        FailedSignIns.objects.filter(pk=window.pk).update(count=F("count") + 1, last_at=now)
        return
    after = None
    if window is not None and window.count > 1:
        after = {"previous_window": {"from": window.started, "to": window.last_at, "failures": window.count}}
    event = record_event(actor=None, action=AuditAction.LOGIN_FAILED, object_type="user",
                         object_id=username[:64], summary=address, after=after)
    if window is None:
        FailedSignIns.objects.create(address=address, username=username, started=now, last_at=now, count=1,
                                     event=event)
    else:
        window.started = window.last_at = now
        window.count, window.event = 1, event
        window.save(update_fields=["started", "last_at", "count", "event"])


def _client(request) -> str:
    return request.META.get("REMOTE_ADDR", "") if request is not None else ""


def totp_device(user: User, *, create: bool = False):
    """The user's TOTP device: the confirmed one, else (with `create`) a new unconfirmed one for setup."""
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
    require(actor, MANAGE_USERS)
    with transaction.atomic():
        TOTPDevice.objects.filter(user=user).delete()
        record_event(actor=actor, action=AuditAction.TOTP_RESET, obj=user, summary=user.username)
