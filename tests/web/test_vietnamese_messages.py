"""What a clerk reads is Vietnamese: the password rules, and the page for a dossier out of reach even when a
developer turned DEBUG on (Django's debug page would list every URL of the product, in English)."""

from django.contrib.auth.password_validation import password_validators_help_texts, validate_password
from django.core.exceptions import ValidationError
from django.test import Client, override_settings


def test_password_rules_are_vietnamese():
    try:
        validate_password("12345")
    except ValidationError as exc:
        messages = exc.messages
    assert "Mật khẩu quá ngắn: cần ít nhất 10 ký tự." in messages
    assert not [m for m in messages + password_validators_help_texts() if "password" in m.lower()]


@override_settings(DEBUG=True)
def test_a_dossier_out_of_reach_gets_the_vietnamese_page_with_debug_on(officer, make_dossier):
    client = Client()
    client.force_login(officer)
    response = client.get("/ho-so/QTI/LS-99999/CM/")
    body = response.content.decode()
    assert response.status_code == 404
    assert "Không tìm thấy" in body and "URLconf" not in body and "ho-so/<path:number>/" not in body
