"""`hoso create_admin`: the first administrator of a new installation, made at the console and audited."""

import io
import sys

import pytest
from django.core.management import CommandError, call_command
from tests.helpers import PASSWORD

from hoso.access.models import User
from hoso.access.permissions import Role
from hoso.core.models import AuditEvent

pytestmark = pytest.mark.django_db


def run(*args, stdin: str):
    out = io.StringIO()
    original = io.StringIO(stdin)
    saved, sys.stdin = sys.stdin, original
    try:
        call_command("create_admin", *args, stdout=out)
    finally:
        sys.stdin = saved
    return out.getvalue()


def test_the_first_administrator_must_change_the_password_and_the_creation_is_audited():
    out = run("quantri", "--full-name", "Nguyễn Quản Trị", "--password-stdin", stdin=PASSWORD + "\n")
    user = User.objects.get(username="quantri")
    assert (user.role, user.scope_all, user.must_change_password, user.secret_clearance) == (
        Role.ADMIN, True, True, False)
    assert user.check_password(PASSWORD) and "Đã tạo quản trị viên «quantri»" in out
    assert AuditEvent.objects.filter(object_type="user", summary="quantri").exists()


def test_a_second_first_administrator_is_refused_and_a_weak_password_creates_nothing(make_user):
    with pytest.raises(CommandError, match="Mật khẩu"):
        run("quantri", "--password-stdin", stdin="123\n")
    assert not User.objects.filter(username="quantri").exists()
    make_user(Role.ADMIN, username="dau-tien")
    with pytest.raises(CommandError, match="Đã có quản trị viên đang hoạt động \\(dau-tien\\)"):
        run("quantri", "--password-stdin", stdin=PASSWORD + "\n")
    assert not User.objects.filter(username="quantri").exists()
