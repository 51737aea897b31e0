"""What the search says about a query (issue #17) reads in the user's language: a user who chose English reads the
hints in English, one who kept Vietnamese reads them in Vietnamese; the search's audit event stays as it is."""

import html

import pytest
from django.test import Client

from hoso.access.models import Language
from hoso.access.services import set_language
from hoso.core.events import AuditAction
from hoso.core.models import AuditEvent


def page(user, query: str) -> str:
    client = Client()
    client.force_login(user)
    response = client.get("/tim-kiem/", {"q": query})
    assert response.status_code == 200
    return html.unescape(response.content.decode())


@pytest.fixture
def english_officer(make_user):
    return set_language(user=make_user("policy_officer", username="reader"), language=Language.ENGLISH)


def test_an_english_user_reads_the_search_hints_in_english(english_officer, martyr_dossier):
    body = page(english_officer, "qqqq zzzz")
    assert "No dossiers found. Try fewer words" in body and "Không tìm thấy hồ sơ nào" not in body
    body = page(english_officer, "QTI/LS-07957/CM")
    assert "No dossier number QTI/LS-07957/CM within the area you may see" in body
    assert AuditEvent.objects.filter(action=AuditAction.SEARCH, actor=english_officer).exists()


def test_a_vietnamese_user_reads_them_in_vietnamese(officer, martyr_dossier):
    body = page(officer, "qqqq zzzz")
    assert "Không tìm thấy hồ sơ nào. Thử bớt từ" in body and "No dossiers found" not in body
