"""Writes for users and sessions (the access capability grows roles and scopes here)."""

from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.db import transaction
from django.dispatch import receiver

from .audit import record_event
from .models import User

SYSTEM_USERNAME = "hoso-system"


def system_user() -> User:
    """The user that command-line work acts as when no `--as USER` is given."""
    user, created = User.objects.get_or_create(
        username=SYSTEM_USERNAME,
        defaults={"is_superuser": True, "is_staff": False, "first_name": "Hệ thống"},
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


def create_user(*, actor: User | None, username: str, password: str, full_name: str = "",
                is_superuser: bool = False) -> User:
    with transaction.atomic():
        user = User(username=username, first_name=full_name, is_superuser=is_superuser, is_staff=is_superuser)
        user.set_password(password)
        user.save()
        record_event(actor=actor, action="create", obj=user, summary=username,
                     after={"username": username, "is_superuser": is_superuser})
    return user


def set_password(*, actor: User | None, user: User, password: str) -> None:
    with transaction.atomic():
        user.set_password(password)
        user.save(update_fields=["password"])
        record_event(actor=actor, action="set_password", obj=user, summary=user.username)


@receiver(user_logged_in)
def _on_login(sender, request, user, **kwargs) -> None:
    record_event(actor=user, action="login", summary=_client(request))


@receiver(user_logged_out)
def _on_logout(sender, request, user, **kwargs) -> None:
    if user is not None:
        record_event(actor=user, action="logout", summary=_client(request))


@receiver(user_login_failed)
def _on_login_failed(sender, credentials, request=None, **kwargs) -> None:
    username = str(credentials.get("username", ""))[:150]
    record_event(actor=None, action="login_failed", object_type="user", object_id=username[:64],
                 summary=_client(request))


def _client(request) -> str:
    return request.META.get("REMOTE_ADDR", "") if request is not None else ""
