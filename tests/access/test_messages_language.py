"""The access services' refusals in the user's language (issue #17): an administrator who chose English reads why a
change to their own account is refused in English, one who kept Vietnamese reads Vietnamese; the audit trail of
account changes stays as it is, whatever the language."""

import html

import pytest
from django.test import Client
from rest_framework.test import APIClient

from hoso.access.models import Language, User
from hoso.access.services import set_language
from hoso.core.events import AuditAction
from hoso.core.models import AuditEvent


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def own_role_change(admin: User) -> str:
    response = client_for(admin).post(f"/quan-tri/nguoi-dung/{admin.pk}/", {
        "first_name": admin.first_name, "role": "archivist", "scope_all": "on", "secret_clearance": "on",
        "is_active": "on"})
    assert response.status_code == 200
    return html.unescape(response.content.decode())


@pytest.mark.django_db
def test_an_english_administrator_reads_the_refusal_in_english(admin_user):
    set_language(user=admin_user, language=Language.ENGLISH)
    body = own_role_change(admin_user)
    assert "You cannot change your own role: another administrator must do this." in body
    assert "Không thể tự đổi vai trò" not in body
    admin_user.refresh_from_db()
    assert admin_user.role == "admin"
    assert not AuditEvent.objects.filter(action=AuditAction.UPDATE, object_type="user").exists()
    event = AuditEvent.objects.get(action=AuditAction.SET_LANGUAGE)
    assert (event.summary, event.after) == ("quantri", {"language": "en"})


@pytest.mark.django_db
def test_a_vietnamese_administrator_reads_it_in_vietnamese(admin_user):
    body = own_role_change(admin_user)
    assert "Không thể tự đổi vai trò của chính mình: một quản trị viên khác phải làm việc này." in body


def test_the_api_asks_an_english_user_to_finish_signing_in_on_the_web(make_user):
    user = set_language(user=make_user("policy_officer", must_change_password=True), language=Language.ENGLISH)
    client = APIClient()
    client.force_login(user)
    response = client.get("/api/dossiers/")
    assert response.status_code == 403
    assert response.json() == {
        "detail": "Finish signing in on the web first (change your password, enter the verification code)."}
