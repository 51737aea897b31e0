"""Sign-in hardening, user administration and the auditor's screen, as a person would meet them.

The tests that sign in with a password or change one keep the production password hashers (@pytest.mark.argon2);
the others hash with the suite's fast MD5 (tests/conftest.py)."""

import io
import time
from datetime import timedelta

import pytest
from django.contrib.sessions.models import Session
from django.test import Client
from django.utils import timezone
from django_otp.oath import totp
from openpyxl import load_workbook

from hoso.access.middleware import SEEN
from hoso.access.models import FailedSignIns, User
from hoso.access.permissions import Role
from hoso.access.services import totp_device
from hoso.core.models import AuditEvent

from ..helpers import PASSWORD


def login(client, username, password=PASSWORD, address="10.0.0.1"):
    return client.post("/dang-nhap/", {"username": username, "password": password}, REMOTE_ADDR=address)


@pytest.mark.argon2
def test_repeated_failures_lock_the_account_then_the_address(officer, settings):
    client = Client()
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert login(client, "canbo", "sai-mat-khau").status_code == 200
    assert login(client, "canbo", "sai-mat-khau").status_code == 429  # the last allowed failure locks
    locked = login(client, "canbo")  # even the right password is refused while locked
    assert locked.status_code == 429
    assert "Tạm khóa đăng nhập" in locked.content.decode()
    # One chained event per address and user name per minute; the window's row counts every checked failure (M7).
    assert AuditEvent.objects.filter(action="login_failed", object_id="canbo").count() == 1
    assert FailedSignIns.objects.get(username="canbo").count == settings.AXES_FAILURE_LIMIT
    # Another address guessing many user names is locked out too.
    other = Client()
    for i in range(settings.AXES_FAILURE_LIMIT):
        login(other, f"khong-co-{i}", "x", address="10.0.0.9")
    assert login(other, "canbo", address="10.0.0.9").status_code == 429


@pytest.mark.totp
@pytest.mark.argon2
def test_administrators_must_set_up_and_use_a_second_factor(make_user):
    make_user(Role.ADMIN, username="quantri")
    client = Client()
    assert login(client, "quantri").status_code == 302
    page = client.get("/", follow=True)
    assert page.redirect_chain[-1][0] == "/xac-thuc/cai-dat/"
    assert "<svg" in page.content.decode()
    device = totp_device(User.objects.get(username="quantri"))
    wrong = client.post("/xac-thuc/cai-dat/", {"token": "000000"})
    assert wrong.status_code == 200 and "Mã không đúng" in wrong.content.decode()
    device.refresh_from_db()
    device.throttle_reset()  # django-otp slows down guessing after a wrong code; the person waits a moment
    code = f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"
    assert client.post("/xac-thuc/cai-dat/", {"token": code}).status_code == 302
    assert client.get("/quan-tri/nguoi-dung/").status_code == 200
    # Next sign-in asks for the code before anything else.
    client.post("/dang-xuat/")
    login(client, "quantri")
    assert client.get("/quan-tri/nguoi-dung/")["Location"] == "/xac-thuc/"
    assert client.get("/api/dossiers/").status_code == 403
    assert AuditEvent.objects.filter(action="totp_enrolled").exists()


@pytest.mark.totp
@pytest.mark.argon2
def test_officers_do_not_need_a_second_factor(officer):
    client = Client()
    login(client, "canbo")
    assert client.get("/ho-so/").status_code == 200


@pytest.mark.argon2
def test_first_sign_in_forces_a_password_change(admin_user):
    admin = Client()
    admin.force_login(admin_user)
    response = admin.post("/quan-tri/nguoi-dung/moi/", {"username": "moi", "first_name": "Người Mới",
                                                        "role": Role.POLICY_OFFICER, "scope_all": "on",
                                                        "is_active": "on"}, follow=True)
    message = [str(m) for m in response.context["messages"]][0]
    temporary = message.rsplit(": ", 1)[1]
    user = User.objects.get(username="moi")
    assert user.must_change_password and user.role == Role.POLICY_OFFICER
    client = Client()
    login(client, "moi", temporary)
    assert client.get("/ho-so/")["Location"] == "/doi-mat-khau/"
    weak = client.post("/doi-mat-khau/", {"current_password": temporary, "new_password1": "123",
                                          "new_password2": "123"})
    assert weak.status_code == 200 and "error" in weak.content.decode()
    assert client.post("/doi-mat-khau/", {"current_password": temporary, "new_password1": "mot-mat-khau-moi-dai",
                                          "new_password2": "mot-mat-khau-moi-dai"}).status_code == 302
    assert client.get("/ho-so/").status_code == 200
    assert AuditEvent.objects.filter(action="create", object_type="user", summary="moi").exists()


def test_user_administration_is_audited_and_refused_to_others(admin_user, officer):
    admin = Client()
    admin.force_login(admin_user)
    response = admin.post(f"/quan-tri/nguoi-dung/{officer.pk}/", {
        "first_name": "Cán bộ", "role": Role.AUDITOR, "is_active": "on", "scope_all": "on"})
    assert response.status_code == 302
    event = AuditEvent.objects.filter(action="update", object_type="user").latest("id")
    assert event.before["role"] == Role.POLICY_OFFICER and event.after["role"] == Role.AUDITOR
    other = Client()
    other.force_login(User.objects.get(pk=officer.pk))
    assert other.get("/quan-tri/nguoi-dung/").status_code == 403
    # A scope is required for roles that see dossiers.
    response = admin.post("/quan-tri/nguoi-dung/moi/", {"username": "khongpham", "role": Role.COMMUNE_OFFICER,
                                                        "is_active": "on"})
    assert "Hãy chọn phạm vi" in response.content.decode()
    assert not User.objects.filter(username="khongpham").exists()


@pytest.mark.argon2
def test_idle_sessions_expire(settings, officer):
    assert settings.SESSION_COOKIE_AGE <= 3600
    client = Client()
    login(client, "canbo")
    assert client.session.get_expiry_age() <= settings.SESSION_COOKIE_AGE
    key = client.session.session_key
    expiry = Session.objects.get(session_key=key).expire_date
    # Used again within the refresh interval: the row is not written again (the idle timeout moves in steps).
    assert client.get("/").status_code == 200
    assert Session.objects.get(session_key=key).expire_date == expiry
    # Used once the interval has passed: the expiry moves on to a full idle timeout from now.
    session = client.session
    session[SEEN] = int(time.time()) - settings.SESSION_REFRESH_SECONDS
    session.save()
    Session.objects.filter(session_key=key).update(expire_date=expiry - timedelta(minutes=5))
    assert client.get("/").status_code == 200
    moved = Session.objects.get(session_key=key).expire_date
    assert moved > expiry - timedelta(minutes=5) and moved >= timezone.now() + timedelta(
        seconds=settings.SESSION_COOKIE_AGE - 5)
    # A session left idle past its expiry is over: the next page asks to sign in again.
    Session.objects.filter(session_key=key).update(expire_date=timezone.now() - timedelta(seconds=1))
    assert client.get("/").status_code == 302


def test_auditor_filters_and_exports_the_trail(martyr_dossier, officer, auditor):
    client = Client()
    client.force_login(officer)
    client.get(f"/ho-so/{martyr_dossier.number}/")
    client = Client()
    client.force_login(auditor)
    page = client.get("/nhat-ky/", {"user": "canbo", "action": "view", "since": "01/01/2020"})
    assert page.status_code == 200
    rows = page.context["page"].object_list
    assert rows and all(e.actor_name == "canbo" and e.action == "view" for e in rows)
    assert "Ngày không tồn tại" in client.get("/nhat-ky/", {"since": "31/02/2026"}).content.decode()
    export = client.get("/nhat-ky/xuat-excel/", {"user": "canbo"})
    sheet = load_workbook(io.BytesIO(export.content)).active
    values = list(sheet.values)
    assert values[0][:5] == ("Số", "Thời gian", "Người dùng", "Hành động", "Mã hành động")
    assert {row[2] for row in values[1:]} == {"canbo"}
    assert ("Xem hồ sơ", "view") in {row[3:5] for row in values[1:]}  # the auditor reads labels, codes beside them
    assert "Xem hồ sơ" in page.content.decode()
    assert AuditEvent.objects.filter(action="export", object_type="audit", actor=auditor).exists()
    assert client.get("/ho-so/").status_code == 403  # the auditor reads the trail only


@pytest.mark.parametrize("hostile", ["' OR 1=1 --", '"; DROP TABLE access_user; --', "NEAR(a b)", "*", "%", "_",
                                     "\\", "<script>x</script>"])
def test_injection_in_every_filter_is_harmless(hostile, officer, admin_user, martyr_dossier):
    client = Client()
    client.force_login(admin_user)
    for url, params in [("/ho-so/", {"q": hostile}), ("/ho-so/", {"category": hostile, "status": hostile}),
                        ("/tim-kiem/", {"q": hostile, "category": hostile, "unit": hostile, "decade": hostile}),
                        ("/api/search/", {"q": hostile}), ("/nhat-ky/", {"user": hostile, "dossier": hostile,
                                                                         "action": hostile})]:
        response = client.get(url, params)
        assert response.status_code in (200, 400), (url, params)
        assert "<script>x</script>" not in response.content.decode()
    assert User.objects.filter(username="canbo").exists()


@pytest.mark.totp
def test_api_tokens_cannot_skip_the_second_factor_or_the_password_change(officer, make_user):
    from rest_framework.authtoken.models import Token

    admin = make_user(Role.ADMIN, username="quantri")
    fresh = make_user(Role.POLICY_OFFICER, username="moi", must_change_password=True)
    for user, allowed in ((admin, False), (fresh, False), (officer, True)):
        token = Token.objects.create(user=user)
        response = Client().get("/api/dossiers/", HTTP_AUTHORIZATION=f"Token {token.key}")
        assert (response.status_code == 200) == allowed, user.username
