"""The pure core's refusals in the reader's language (issue #17): hoso.vntext raises with a code and parameters beside
its Vietnamese text; the web forms and the API word them through gettext (a Vietnamese reader reads exactly the core's
text), while the command line and what is stored keep the core's Vietnamese text."""

import html
import re

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.utils import translation

from hoso.access.models import Language
from hoso.access.services import set_language
from hoso.core.i18n import in_vietnamese
from hoso.core.text_errors import dossier_number_message, partial_date_message
from hoso.records import services
from hoso.records.models import Dossier
from hoso.vntext import DossierNumber, parse_dossier_number
from hoso.vntext.dates import InvalidPartialDate, PartialDate, parse_partial_date
from hoso.vntext.dossier_number import InvalidDossierNumber

# Vietnamese letters outside what an English text quotes from the input (“…”, «…») or the accepted forms it lists.
VIETNAMESE = re.compile(r"[àáảãạăắằẳẵặâấầẩẫậđèéẻẽẹêếềểễệìíỉĩịòóỏõọôốồổỗộơớờởỡợùúủũụưứừửữựỳýỷỹỵ]", re.IGNORECASE)

BAD_NUMBERS = ["", "x" * 50, "LS-12/CM", "QTI/LS-123456789/CM", "QTI/LS-12/XX", "QTI/LS", "ABC DEF GHI 1 2 3"]
BAD_PARTS = [{"province": "Q1", "type_code": "LS", "serial": "1"}, {"province": "QTI", "type_code": "L", "serial": "1"},
             {"province": "QTI", "type_code": "LS", "serial": "x"},
             {"province": "QTI", "type_code": "LS", "serial": "1", "period": "XX"}]
BAD_DATES = ["", "khoảng khoảng 1948", "khoảng 12/5/1972", "1500", "13/1972", "31/02/1972", "72", "hôm qua"]


def _refusals():
    for text in BAD_NUMBERS:
        with pytest.raises(InvalidDossierNumber) as caught:
            parse_dossier_number(text)
        yield caught.value, dossier_number_message
    for parts in BAD_PARTS:
        with pytest.raises(InvalidDossierNumber) as caught:
            DossierNumber(**parts)
        yield caught.value, dossier_number_message
    for text in BAD_DATES:
        with pytest.raises(InvalidPartialDate) as caught:
            parse_partial_date(text)
        yield caught.value, partial_date_message
    for made in (lambda: PartialDate.from_iso("1972/05"), lambda: PartialDate(1972, None, 3)):
        with pytest.raises(InvalidPartialDate) as caught:
            made()
        yield caught.value, partial_date_message


def _outside_quotes(text: str) -> str:
    text = re.sub(r"“[^”]*”|«[^»]*»", " ", text)
    return text.split("Accepted forms:")[0]


def test_each_refusal_reads_as_the_core_wrote_it_in_vietnamese_and_in_english_for_an_english_reader():
    refusals = list(_refusals())
    assert {exc.code for exc, _ in refusals} >= {"form", "empty", "too_long", "no_province", "serial_too_long",
                                                  "period", "no_serial", "province", "type_code", "serial",
                                                  "approximate_twice", "approximate_day", "year_range", "month", "day",
                                                  "year_digits", "unreadable", "iso", "day_without_month"}
    for exc, message_of in refusals:
        assert exc.code, str(exc)
        with in_vietnamese():
            assert message_of(exc) == str(exc)
        with translation.override("en"):
            english = message_of(exc)
        assert english != str(exc) and not VIETNAMESE.search(_outside_quotes(english)), english


def _signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _form_data(client: Client, url: str, **values) -> dict:
    form = client.get(url).context["form"]
    data = {name: form[name].value() for name in form.fields if form[name].value() not in (None, False)}
    data.update(values)
    return data


@pytest.mark.parametrize("language", [Language.ENGLISH, Language.VIETNAMESE])
def test_the_registration_form_words_a_bad_number_and_a_bad_date_in_the_readers_language(make_user, language):
    officer = set_language(user=make_user("policy_officer", username=f"clerk-{language}"), language=language)
    web = _signed_in(officer)
    response = web.post("/ho-so/moi/", _form_data(web, "/ho-so/moi/", number="QTI/LS-12/XX", category="LS",
                                                  full_name="Trần Văn Nam", birth_date="31/02/1948",
                                                  confidentiality="thuong"))
    body = html.unescape(response.content.decode())
    assert response.status_code == 200 and not Dossier.objects.exists()
    if language == Language.ENGLISH:
        assert "Date does not exist: 31/02/1948" in body
        assert "Ngày không tồn tại" not in body
    else:
        assert "Ngày không tồn tại: 31/02/1948" in body
    response = web.post("/ho-so/moi/", _form_data(web, "/ho-so/moi/", number="QTI/LS-12/XX", category="LS",
                                                  full_name="Trần Văn Nam", confidentiality="thuong"))
    body = html.unescape(response.content.decode())
    if language == Language.ENGLISH:
        assert "Invalid dossier number: “QTI/LS-12/XX”. The period code “XX” is wrong (only TCM, CP, CM, BV)." in body
        assert "không hợp lệ" not in body
    else:
        assert ("Số hồ sơ không hợp lệ: «QTI/LS-12/XX». Mã thời kỳ «XX» không đúng (chỉ nhận TCM, CP, CM, BV). Dạng "
                "đúng: QTI/LS-07956/CM") in body
    assert not Dossier.objects.exists()


def test_a_service_refusal_is_worded_when_read_so_what_is_written_down_stays_vietnamese(actor):
    """canonical_dossier_number's ValidationError is worded when read: a caller that writes it down under
    in_vietnamese (a capture batch's refused folder, an import's row) keeps the Vietnamese text."""
    with translation.override("en"):
        with pytest.raises(ValidationError) as refused:
            services.canonical_dossier_number("QTI/LS")
        assert refused.value.messages[0].startswith("Invalid dossier number: “QTI/LS”.")
        with in_vietnamese():
            assert refused.value.messages[0] == "Số hồ sơ không hợp lệ: «QTI/LS». Thiếu số thứ tự. Dạng đúng: " \
                                                "QTI/LS-07956/CM"
