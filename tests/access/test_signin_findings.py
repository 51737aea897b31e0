"""Issue 13, sign-in findings: M5 (`next=` after the password and after the second factor), M6 (the password change
asks for the current password, waits for the required second factor, revokes API tokens), M7 (a flood of failed
sign-ins neither floods the audit chain nor writes for requests the lockout already refused), and the sign-in part
of "Lower" (no self-granted clearance or administrator role; a Content-Security-Policy on every response)."""

import re
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlencode

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import connection
from django.http import HttpResponse
from django.test import Client, RequestFactory
from django.test.utils import CaptureQueriesContext
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice
from rest_framework.authtoken.models import Token

from hoso.access import services as access_services
from hoso.access.middleware import ContentSecurityPolicyMiddleware
from hoso.access.models import FailedSignIns, User
from hoso.access.permissions import Role
from hoso.core.audit import verify_chain
from hoso.core.models import AuditEvent

from ..helpers import PASSWORD

HOSTILE_NEXT = ["https://evil.example/", "//evil.example", "/\\evil.example", "javascript:alert(1)",
                "http://evil.example/ho-so/", "https:evil.example"]
NEW_PASSWORD = "mot-mat-khau-moi-rat-dai"


def login(client, username, password=PASSWORD, address="10.0.0.1", secure=False, **fields):
    return client.post("/dang-nhap/", {"username": username, "password": password, **fields}, secure=secure,
                       REMOTE_ADDR=address)


def confirmed_device(user) -> TOTPDevice:
    return TOTPDevice.objects.create(user=user, name="hoso", confirmed=True)


def code(device: TOTPDevice) -> str:
    device.refresh_from_db()
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"


# ------------------------------------------------------------------------------------------------------- M5
@pytest.mark.parametrize("target", HOSTILE_NEXT)
def test_m5_next_only_to_this_site_after_password(officer, target):
    response = login(Client(), "canbo", next=target)
    assert response.status_code == 302 and response["Location"] == "/"


def test_m5_next_to_this_site_after_password_is_kept(officer):
    assert login(Client(), "canbo", next="/ho-so/?q=duc")["Location"] == "/ho-so/?q=duc"
    # Over HTTPS, a plain-HTTP address of this very site is refused too.
    assert login(Client(), "canbo", next="http://testserver/ho-so/", secure=True)["Location"] == "/"


@pytest.mark.totp
@pytest.mark.parametrize("target", HOSTILE_NEXT)
def test_m5_next_only_to_this_site_after_totp(make_user, target):
    admin = make_user(Role.ADMIN, username="quantri")
    device = confirmed_device(admin)
    client = Client()
    client.force_login(admin)
    response = client.post(f"/xac-thuc/?{urlencode({'next': target})}", {"token": code(device)})
    assert response.status_code == 302 and response["Location"] == "/"
    assert client.get("/quan-tri/nguoi-dung/").status_code == 200  # verified all the same


@pytest.mark.totp
def test_m5_next_only_to_this_site_after_totp_over_https(make_user):
    admin = make_user(Role.ADMIN, username="quantri")
    device = confirmed_device(admin)
    client = Client()
    client.force_login(admin)
    response = client.post("/xac-thuc/?next=http://testserver/ho-so/", {"token": code(device)}, secure=True)
    assert response["Location"] == "/"


@pytest.mark.totp
def test_m5_the_second_factor_leads_on_to_the_page_asked_for(make_user):
    """The page asked for before signing in survives both steps: password, then the code."""
    admin = make_user(Role.ADMIN, username="quantri")
    device = confirmed_device(admin)
    client = Client()
    response = login(client, "quantri", next="/quan-tri/nguoi-dung/")
    assert response["Location"] == "/quan-tri/nguoi-dung/"
    assert client.get("/quan-tri/nguoi-dung/")["Location"] == "/xac-thuc/"
    assert client.post("/xac-thuc/", {"token": code(device)})["Location"] == "/quan-tri/nguoi-dung/"


# ------------------------------------------------------------------------------------------------------- M6
def test_m6_password_change_asks_for_the_current_password(officer):
    client = Client()
    client.force_login(officer)
    page = client.get("/doi-mat-khau/").content.decode()
    assert 'name="current_password"' in page and "Mật khẩu hiện tại" in page
    for current in ("", "khong-phai-mat-khau"):
        response = client.post("/doi-mat-khau/", {"current_password": current, "new_password1": NEW_PASSWORD,
                                                  "new_password2": NEW_PASSWORD})
        assert response.status_code == 200
        officer.refresh_from_db()
        assert officer.check_password(PASSWORD) and not officer.check_password(NEW_PASSWORD)
    assert "Mật khẩu hiện tại không đúng" in response.content.decode()
    failed = AuditEvent.objects.get(action="password_change_failed")
    assert failed.actor_id == officer.pk and failed.object_id == str(officer.pk)
    assert not AuditEvent.objects.filter(action="set_password", object_id=str(officer.pk)).exists()
    response = client.post("/doi-mat-khau/", {"current_password": PASSWORD, "new_password1": NEW_PASSWORD,
                                              "new_password2": NEW_PASSWORD})
    assert response.status_code == 302
    officer.refresh_from_db()
    assert officer.check_password(NEW_PASSWORD)
    assert client.get("/ho-so/").status_code == 200  # still signed in on this browser


def test_m6_the_service_refuses_a_wrong_current_password(officer):
    with pytest.raises(ValidationError) as refused:
        access_services.change_own_password(user=officer, current_password="sai", new_password=NEW_PASSWORD)
    assert "Mật khẩu hiện tại không đúng" in str(refused.value)
    officer.refresh_from_db()
    assert officer.check_password(PASSWORD)


def test_m6_guessing_the_current_password_signs_out(officer, settings):
    client = Client()
    client.force_login(officer)
    for _ in range(settings.AXES_FAILURE_LIMIT):
        response = client.post("/doi-mat-khau/", {"current_password": "doan-mo", "new_password1": NEW_PASSWORD,
                                                  "new_password2": NEW_PASSWORD})
    assert response.status_code == 302 and response["Location"].startswith("/dang-nhap/")
    assert client.get("/ho-so/").status_code == 302  # signed out
    officer.refresh_from_db()
    assert officer.check_password(PASSWORD)


@pytest.mark.totp
def test_m6_password_change_waits_for_the_required_second_factor(make_user):
    admin = make_user(Role.ADMIN, username="quantri")
    client = Client()
    client.force_login(admin)
    response = client.get("/doi-mat-khau/")
    assert response.status_code == 302 and response["Location"].startswith("/xac-thuc/")
    assert client.get(response["Location"])["Location"].startswith("/xac-thuc/cai-dat/")  # no device: enrol
    client.post("/doi-mat-khau/", {"current_password": PASSWORD, "new_password1": NEW_PASSWORD,
                                   "new_password2": NEW_PASSWORD})
    admin.refresh_from_db()
    assert admin.check_password(PASSWORD)
    # The service refuses as well, whoever calls it.
    with pytest.raises(ValidationError, match="xác thực hai lớp"):
        access_services.change_own_password(user=admin, current_password=PASSWORD, new_password=NEW_PASSWORD)
    # With a device, once the code is entered, the change goes through.
    device = confirmed_device(admin)
    assert client.post("/xac-thuc/", {"token": code(device)}).status_code == 302
    assert client.post("/doi-mat-khau/", {"current_password": PASSWORD, "new_password1": NEW_PASSWORD,
                                          "new_password2": NEW_PASSWORD}).status_code == 302
    admin.refresh_from_db()
    assert admin.check_password(NEW_PASSWORD)


@pytest.mark.totp
@pytest.mark.argon2
def test_m6_first_sign_in_enrols_the_second_factor_then_changes_the_password(make_user):
    """An administrator created with a temporary password: the code first, then their own password."""
    make_user(Role.ADMIN, username="quantri", must_change_password=True)
    client = Client()
    assert login(client, "quantri").status_code == 302
    page = client.get("/", follow=True)
    assert page.redirect_chain[-1][0].startswith("/xac-thuc/cai-dat/")
    assert client.get("/doi-mat-khau/")["Location"].startswith("/xac-thuc/")  # not before the code
    device = access_services.totp_device(User.objects.get(username="quantri"))
    response = client.post(page.redirect_chain[-1][0], {"token": code(device)})
    assert response["Location"] == "/doi-mat-khau/"  # the page last asked for
    assert client.get("/ho-so/")["Location"] == "/doi-mat-khau/"  # and nothing else until the password is changed
    assert client.get("/doi-mat-khau/").status_code == 200
    assert client.post("/doi-mat-khau/", {"current_password": PASSWORD, "new_password1": NEW_PASSWORD,
                                          "new_password2": NEW_PASSWORD}).status_code == 302
    assert client.get("/quan-tri/nguoi-dung/").status_code == 200
    assert not User.objects.get(username="quantri").must_change_password


@pytest.mark.totp
@pytest.mark.argon2
def test_m6_demo_administrator_enrols_at_first_sign_in(make_user):
    """`make demo`'s administrator (no forced change): sign in, set up the code, work."""
    make_user(Role.ADMIN, username="quantri")
    client = Client()
    login(client, "quantri")
    page = client.get("/", follow=True)
    assert page.redirect_chain[-1][0].startswith("/xac-thuc/cai-dat/")
    device = access_services.totp_device(User.objects.get(username="quantri"))
    assert client.post(page.redirect_chain[-1][0], {"token": code(device)}).status_code == 302
    assert client.get("/quan-tri/nguoi-dung/").status_code == 200


def test_m6_first_sign_in_without_second_factor_still_forces_the_change(make_user):
    make_user(Role.POLICY_OFFICER, username="moi", must_change_password=True)
    client = Client()
    login(client, "moi")
    assert client.get("/ho-so/")["Location"] == "/doi-mat-khau/"
    assert client.post("/doi-mat-khau/", {"current_password": PASSWORD, "new_password1": NEW_PASSWORD,
                                          "new_password2": NEW_PASSWORD}).status_code == 302
    assert client.get("/ho-so/").status_code == 200


def test_m6_password_change_revokes_api_tokens(officer, admin_user):
    token = Token.objects.create(user=officer)
    auth = {"HTTP_AUTHORIZATION": f"Token {token.key}"}
    assert Client().get("/api/dossiers/", **auth).status_code == 200
    client = Client()
    client.force_login(officer)
    client.post("/doi-mat-khau/", {"current_password": PASSWORD, "new_password1": NEW_PASSWORD,
                                   "new_password2": NEW_PASSWORD})
    assert not Token.objects.filter(user=officer).exists()
    assert Client().get("/api/dossiers/", **auth).status_code == 401
    event = AuditEvent.objects.filter(action="set_password", object_id=str(officer.pk)).latest("id")
    assert event.after == {"api_tokens_revoked": 1}
    # An administrator's reset (a lost password) revokes them too.
    Token.objects.create(user=officer)
    access_services.set_password(actor=admin_user, user=officer, password="mat-khau-tam-thoi-1")
    assert not Token.objects.filter(user=officer).exists()


# ------------------------------------------------------------------------------------------------------- M7
def test_m7_a_flood_of_failed_sign_ins_writes_a_handful_of_events(officer, settings):
    last = AuditEvent.objects.order_by("-id").values_list("id", flat=True).first() or 0
    client = Client()
    codes = [login(client, "canbo", "doan-mo", address="10.6.6.6").status_code for _ in range(300)]
    assert codes.count(200) == settings.AXES_FAILURE_LIMIT - 1 and codes.count(429) == 301 - settings.AXES_FAILURE_LIMIT
    written = AuditEvent.objects.filter(id__gt=last)
    assert written.count() <= 3
    assert list(written.values_list("action", flat=True)) == ["login_failed"]
    # The count of the failures that were checked (the lockout answered the others without checking) is recorded.
    tally = FailedSignIns.objects.get(address="10.6.6.6", username="canbo")
    assert tally.count == settings.AXES_FAILURE_LIMIT and tally.event == written.get()
    call_command("verify", "--audit")
    assert verify_chain().ok


def test_m7_requests_refused_by_the_lockout_write_no_audit_event(officer, settings):
    client = Client()
    for _ in range(settings.AXES_FAILURE_LIMIT):
        login(client, "canbo", "doan-mo")
    assert login(client, "canbo", "doan-mo").status_code == 429
    events, count = AuditEvent.objects.count(), FailedSignIns.objects.get().count
    with CaptureQueriesContext(connection) as queries:
        for _ in range(20):
            assert login(client, "canbo", "doan-mo").status_code == 429
            assert login(client, "canbo").status_code == 429  # the right password too
    assert AuditEvent.objects.count() == events and FailedSignIns.objects.get().count == count
    # Nothing is written at all (not the audit chain, not axes' own counters): a flood takes no write lock that
    # the pages of everyone else would wait for.
    writes = [q["sql"] for q in queries if re.match(r"\s*(INSERT|UPDATE|DELETE|REPLACE)", q["sql"], re.IGNORECASE)]
    assert writes == []


def test_m7_one_event_per_address_and_user_name_per_minute(officer, settings):
    settings.AXES_FAILURE_LIMIT = 1000
    for address, username in [("10.0.0.1", "canbo"), ("10.0.0.1", "canbo"), ("10.0.0.1", "khong-co"),
                              ("10.0.0.2", "canbo"), ("10.0.0.1", "canbo")]:
        login(Client(), username, "doan-mo", address=address)
    events = AuditEvent.objects.filter(action="login_failed")
    assert sorted(events.values_list("summary", "object_id")) == [
        ("10.0.0.1", "canbo"), ("10.0.0.1", "khong-co"), ("10.0.0.2", "canbo")]
    assert FailedSignIns.objects.get(address="10.0.0.1", username="canbo").count == 3
    # A minute later the same address and name open a new window: one more event, carrying the count of the last.
    window = FailedSignIns.objects.get(address="10.0.0.1", username="canbo")
    FailedSignIns.objects.filter(pk=window.pk).update(started=window.started - timedelta(seconds=61),
                                                      last_at=window.last_at - timedelta(seconds=61))
    login(Client(), "canbo", "doan-mo", address="10.0.0.1")
    latest = AuditEvent.objects.filter(action="login_failed").latest("id")
    assert (latest.summary, latest.object_id) == ("10.0.0.1", "canbo")
    assert latest.after["previous_window"]["failures"] == 3
    window.refresh_from_db()
    assert window.count == 1 and window.event == latest
    assert verify_chain().ok


# ---------------------------------------------------------------------------------------------- Lower: users
def test_lower_no_self_granted_clearance(make_user):
    admin = make_user(Role.ADMIN, username="quantri", clearance=False)
    with pytest.raises(ValidationError, match="quản trị viên khác"):
        access_services.update_user(actor=admin, user=admin, secret_clearance=True)
    admin.refresh_from_db()
    assert not admin.secret_clearance
    # The web form says so and changes nothing.
    client = Client()
    client.force_login(admin)
    response = client.post(f"/quan-tri/nguoi-dung/{admin.pk}/", {"first_name": "Quản trị", "role": Role.ADMIN,
                                                                 "scope_all": "on", "secret_clearance": "on",
                                                                 "is_active": "on"})
    assert response.status_code == 200 and "quản trị viên khác" in response.content.decode()
    admin.refresh_from_db()
    assert not admin.secret_clearance
    # Another administrator may.
    other = make_user(Role.ADMIN, username="quantri2")
    access_services.update_user(actor=other, user=admin, secret_clearance=True)
    admin.refresh_from_db()
    assert admin.secret_clearance
    # Giving it up oneself is fine.
    access_services.update_user(actor=admin, user=admin, secret_clearance=False)


def test_lower_no_self_granted_administrator_role_or_wider_scope(make_user):
    narrow = make_user(Role.ADMIN, username="quantri-xa", scope=None)
    access_services.update_user(actor=narrow, user=narrow, first_name="Tên mới", role=Role.ADMIN, scope_all=False,
                                secret_clearance=False)  # nothing granted: fine
    with pytest.raises(ValidationError, match="quản trị viên khác"):
        access_services.update_user(actor=narrow, user=narrow, scope_all=True)
    narrow.refresh_from_db()
    assert not narrow.scope_all
    # Anyone else holding the user-management permission cannot make themselves an administrator either.
    machine = make_user(Role.SYSTEM, username="may")
    with pytest.raises(ValidationError, match="quản trị viên khác"):
        access_services.update_user(actor=machine, user=machine, role=Role.ADMIN)
    assert User.objects.get(username="may").role == Role.SYSTEM


def test_lower_no_clearance_through_an_account_whose_password_one_set(make_user):
    """A second account is no way round the two keys: whoever set an account's password cannot give it the "mật"
    clearance or the administrator role, and a password reset sets aside the clearance the account held."""
    admin = make_user(Role.ADMIN, username="quantri", clearance=False)
    other = make_user(Role.ADMIN, username="quantri2")
    with pytest.raises(ValidationError, match="quản trị viên khác"):
        access_services.create_user(actor=admin, username="bu-nhin", password="mot-mat-khau-du-dai-9",
                                    role=Role.ARCHIVIST, scope_all=True, secret_clearance=True)
    assert not User.objects.filter(username="bu-nhin").exists()
    puppet = access_services.create_user(actor=admin, username="bu-nhin", password="mot-mat-khau-du-dai-9",
                                         role=Role.ARCHIVIST, scope_all=True)
    for grant in ({"secret_clearance": True}, {"role": Role.ADMIN}):
        with pytest.raises(ValidationError, match="quản trị viên khác"):
            access_services.update_user(actor=admin, user=puppet, **grant)
    puppet.refresh_from_db()
    assert not puppet.secret_clearance and puppet.role == Role.ARCHIVIST
    # The account's owner changing the password does not make the first administrator's grant acceptable.
    access_services.set_password(actor=puppet, user=puppet, password="mat-khau-rieng-cua-toi-7")
    with pytest.raises(ValidationError, match="quản trị viên khác"):
        access_services.update_user(actor=admin, user=puppet, secret_clearance=True)
    # Another administrator may grant it; a reset by the first one sets it aside again.
    access_services.update_user(actor=other, user=puppet, secret_clearance=True)
    client = Client()
    client.force_login(admin)
    response = client.post(f"/quan-tri/nguoi-dung/{puppet.pk}/dat-lai/", {"what": "password"}, follow=True)
    puppet.refresh_from_db()
    assert not puppet.secret_clearance and puppet.must_change_password
    assert "tạm gỡ" in response.content.decode()
    event = AuditEvent.objects.filter(action="set_password", object_id=str(puppet.pk)).latest("id")
    assert event.actor == admin and event.after["secret_clearance"] is False


# ------------------------------------------------------------------------------------------------ Lower: CSP
CSP_DIRECTIVES = {"default-src": "'self'", "script-src": "'self'", "style-src": "'self'",
                  "img-src": "'self' data: blob:", "frame-ancestors": "'none'", "form-action": "'self'",
                  "base-uri": "'self'", "object-src": "'none'"}


def policy(response) -> dict[str, str]:
    header = response.headers.get("Content-Security-Policy", "")
    return {d.split(" ", 1)[0]: d.split(" ", 1)[1] for d in (p.strip() for p in header.split(";")) if " " in d}


def test_lower_csp_on_every_response(officer, martyr_dossier):
    client = Client()
    responses = [client.get("/dang-nhap/"), client.get("/"), client.get("/khong-co-trang-nay/"),
                 client.get("/api/dossiers/"), client.get("/static/hoso/hoso.css")]
    client.force_login(officer)
    responses += [client.get("/"), client.get("/ho-so/"), client.get(f"/ho-so/{martyr_dossier.number}/"),
                  client.get("/tim-kiem/", {"q": "duc"}), client.get("/api/dossiers/"), client.get("/doi-mat-khau/")]
    for response in responses:
        assert policy(response) == CSP_DIRECTIVES, (response.status_code, response.headers)


TEMPLATES = Path(__file__).resolve().parents[2] / "src" / "hoso"


@pytest.mark.parametrize("template", sorted(TEMPLATES.glob("*/templates/**/*.html")), ids=lambda p: p.name)
def test_lower_templates_need_no_inline_script_or_style(template):
    """What the policy refuses: inline <script>, event-handler attributes, javascript: links, style attributes
    and <style> blocks (the stand-alone 500 page is the one exception: its policy allows inline style)."""
    text = template.read_text(encoding="utf-8")
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", text), "inline <script>"
    assert not re.search(r"\son[a-z]+\s*=", text), "event-handler attribute"
    assert not re.search(r"=\s*[\"']?\s*javascript:", text, re.IGNORECASE), "javascript: link"
    assert not re.search(r"\sstyle\s*=", text), "style attribute"
    if template.name != "500.html":
        assert "<style" not in text


def test_lower_csp_error_pages_and_pdfs():
    """The stand-alone 500 page may use its inline <style> (never script); a PDF opened in the browser keeps only
    frame-ancestors, since Chromium's PDF viewer is an <embed> that `object-src 'none'` would blank."""
    def served(response):
        return ContentSecurityPolicyMiddleware(lambda request: response)(RequestFactory().get("/"))

    error = policy(served(HttpResponse("lỗi", status=500)))
    assert error["style-src"] == "'self' 'unsafe-inline'" and error["script-src"] == "'self'"
    assert policy(served(HttpResponse("không tìm thấy", status=404))) == CSP_DIRECTIVES
    pdf = served(HttpResponse(b"%PDF-1.7", content_type="application/pdf"))
    assert pdf["Content-Security-Policy"] == "frame-ancestors 'none'"
    own = HttpResponse("x")
    own["Content-Security-Policy"] = "sandbox"
    assert served(own)["Content-Security-Policy"] == "sandbox"  # a view's own policy is kept
