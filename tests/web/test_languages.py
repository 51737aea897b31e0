"""The interface in two languages (issue #17): Vietnamese is the source language of every text, English comes from the
catalogue in src/hoso/locale, and each user picks theirs. The catalogue is complete for the templates and views, and
no template keeps a Vietnamese text outside the translation tags."""

import ast
import os
import re
from pathlib import Path

import pytest
from django.apps import apps
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.template import Context, Template
from django.test import Client
from django.utils import translation
from django.utils.translation import trans_real

from hoso.access.middleware import LANGUAGE_COOKIE
from hoso.access.models import Language
from hoso.access.services import set_language
from hoso.core.events import AuditAction
from hoso.core.models import AuditEvent

SOURCE = Path(__file__).resolve().parents[2] / "src" / "hoso"
LOCALE = SOURCE / "locale"
CATALOGUE = LOCALE / "en" / "LC_MESSAGES" / "django.po"
SCRIPT_CATALOGUE = LOCALE / "en" / "LC_MESSAGES" / "djangojs.po"
TEMPLATES = SOURCE / "web" / "templates"
VIETNAMESE = re.compile(r"[À-ÃÈ-ÊÌÍÒ-ÕÙÚÝà-ãè-êìíò-õùúýĂăĐđĨĩŨũƠơƯưẠ-ỹ]")


@pytest.fixture(scope="module", autouse=True)
def _compiled_catalogue():
    """scripts/bootstrap.sh compiles the catalogue; a test run straight after editing the .po compiles it here."""
    if any(not po.with_suffix(".mo").exists() or po.with_suffix(".mo").stat().st_mtime < po.stat().st_mtime
           for po in (CATALOGUE, SCRIPT_CATALOGUE)):
        here = Path.cwd()
        os.chdir(LOCALE)  # compilemessages also compiles every "locale" folder below the working directory
        try:
            call_command("compilemessages", locale=["en"], verbosity=0)
        finally:
            os.chdir(here)
        trans_real._translations.clear()  # a catalogue loaded before the compilation would lack the new one


def _signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _page(client: Client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return response.content.decode()


PAGES = ["/", "/tim-kiem/?q=nguyen+van+duc", "/ho-so/", "/ho-so/QTI/LS-07956/CM/"]


@pytest.mark.parametrize("url", PAGES)
def test_a_user_who_chose_english_reads_english(make_user, martyr_dossier, url):
    user = set_language(user=make_user("policy_officer", username="english"), language=Language.ENGLISH)
    body = _page(_signed_in(user), url)
    assert '<html lang="en">' in body
    assert ">Dossiers</a>" in body and ">Register a dossier</a>" in body and ">Sign out</button>" in body
    assert ">Hồ sơ</a>" not in body and "Đăng xuất" not in body
    assert 'lang="vi">Tiếng Việt</button>' in body  # the way back, named in its own language


@pytest.mark.parametrize("url", PAGES)
def test_a_user_who_kept_vietnamese_reads_vietnamese(officer, martyr_dossier, url):
    body = _page(_signed_in(officer), url)
    assert '<html lang="vi">' in body
    assert ">Hồ sơ</a>" in body and ">Đăng ký hồ sơ</a>" in body and ">Đăng xuất</button>" in body
    assert ">Sign out</button>" not in body
    assert 'lang="en">English</button>' in body


def test_english_reaches_the_page_titles_forms_and_messages(make_user, martyr_dossier):
    user = set_language(user=make_user("policy_officer", username="english"), language=Language.ENGLISH)
    client = _signed_in(user)
    detail = _page(client, "/ho-so/QTI/LS-07956/CM/")
    assert "Martyr details" in detail and "Place of sacrifice" in detail
    form = _page(client, "/ho-so/moi/")
    assert "Register a new dossier" in form and "Beneficiary category" in form
    response = client.post("/ho-so/moi/", {"number": ""})
    assert "This field is required." in response.content.decode()  # Django's own messages follow the user too


def test_switching_the_language_is_audited_and_leads_back(officer, martyr_dossier):
    client = _signed_in(officer)
    response = client.post("/ngon-ngu/", {"language": "en", "next": "/ho-so/"})
    assert response.status_code == 302 and response["Location"] == "/ho-so/"
    officer.refresh_from_db()
    assert officer.language == "en"
    event = AuditEvent.objects.filter(actor=officer, action=AuditAction.SET_LANGUAGE).get()
    assert event.before == {"language": "vi"} and event.after == {"language": "en"}
    assert ">Dossiers</a>" in _page(client, "/ho-so/")

    client.post("/ngon-ngu/", {"language": "en"})  # already English: nothing to record
    assert AuditEvent.objects.filter(actor=officer, action=AuditAction.SET_LANGUAGE).count() == 1
    client.post("/ngon-ngu/", {"language": "vi"})
    assert AuditEvent.objects.filter(actor=officer, action=AuditAction.SET_LANGUAGE).count() == 2
    assert ">Hồ sơ</a>" in _page(client, "/ho-so/")


def test_switching_refuses_an_unknown_language_and_a_foreign_address(officer):
    client = _signed_in(officer)
    response = client.post("/ngon-ngu/", {"language": "fr", "next": "https://example.com/"})
    assert response.status_code == 302 and response["Location"] == "/"
    officer.refresh_from_db()
    assert officer.language == "vi"
    assert not AuditEvent.objects.filter(action=AuditAction.SET_LANGUAGE).exists()
    assert Client().get("/ngon-ngu/").status_code == 302  # signed out: to the sign-in page
    assert _signed_in(officer).get("/ngon-ngu/").status_code == 405


def test_the_sign_in_page_offers_english_before_sign_in(db):
    client = Client()
    assert "Đăng nhập" in _page(client, "/dang-nhap/")
    response = client.get("/dang-nhap/?ngon-ngu=en")
    assert "Sign in" in response.content.decode() and response.cookies[LANGUAGE_COOKIE].value == "en"
    assert "Sign in" in _page(client, "/dang-nhap/")  # the browser's choice holds until someone signs in
    assert "Đăng nhập" in _page(Client(), "/dang-nhap/?ngon-ngu=xx")


def test_the_scripts_and_the_password_rules_speak_the_user_language(make_user):
    user = set_language(user=make_user("policy_officer", username="english"), language=Language.ENGLISH)
    client = _signed_in(user)
    assert "Add %(count)s pages to the dossier" in _page(client, "/jsi18n/")
    assert '<script src="/jsi18n/" defer></script>' in _page(client, "/")
    with translation.override("en"):
        with pytest.raises(ValidationError) as refused:
            validate_password("12345")
        assert "This password is too short: it must contain at least 10 characters." in refused.value.messages
        assert "This password is too common." in refused.value.messages  # Django's own catalogue
    assert "Add %(count)s pages" not in _page(_signed_in(make_user("policy_officer")), "/jsi18n/")  # as written


def test_a_refused_form_says_why_in_the_user_language(officer):
    client = Client(enforce_csrf_checks=True)
    client.force_login(officer)
    response = client.post("/ho-so/moi/", {"number": "QTI/LS-00001/CM"})
    assert response.status_code == 403
    body = response.content.decode()
    assert "Biểu mẫu đã cũ" in body and "CSRF verification failed" not in body
    set_language(user=officer, language=Language.ENGLISH)
    assert "The form is out of date" in client.post("/ho-so/moi/", {}).content.decode()


def test_a_signed_in_user_language_wins_over_the_browser_choice(officer):
    client = _signed_in(officer)
    client.cookies[LANGUAGE_COOKIE] = "en"
    assert ">Đăng xuất</button>" in _page(client, "/")


def test_the_apps_are_named_in_the_user_language():
    configs = [c for c in apps.get_app_configs() if c.name.startswith("hoso.")]
    with translation.override("en"):
        names = {c.name: str(c.verbose_name) for c in configs}
    assert names["hoso.records"] == "Dossiers of people with meritorious services"
    assert names["hoso.capture"] == "Digitisation" and len(names) >= 13
    assert [name for name in names.values() if VIETNAMESE.search(name)] == []
    with translation.override("vi"):
        assert str(apps.get_app_config("records").verbose_name) == "Hồ sơ người có công"


def test_a_count_reads_in_the_singular_and_the_plural(make_user, officer, martyr_dossier, make_dossier):
    english = _signed_in(set_language(user=make_user("policy_officer", username="english"), language=Language.ENGLISH))
    assert '<p class="count">1 dossier</p>' in _page(english, "/ho-so/")
    assert "All the dossiers you may see: <strong>1</strong> dossier." in _page(english, "/")
    vietnamese = _signed_in(officer)
    assert '<p class="count">1 hồ sơ</p>' in _page(vietnamese, "/ho-so/")
    make_dossier("Trần Văn Bình")
    assert '<p class="count">2 dossiers</p>' in _page(english, "/ho-so/")
    assert "All the dossiers you may see: <strong>2</strong> dossiers." in _page(english, "/")
    assert '<p class="count">2 hồ sơ</p>' in _page(vietnamese, "/ho-so/")


def test_a_count_keeps_the_vietnamese_number_format_in_english():
    template = Template('{% load i18n hoso %}{% blocktranslate count counter=n with shown=n|vn_number %}'
                        '{{ shown }} hồ sơ{% plural %}{{ shown }} hồ sơ{% endblocktranslate %}')
    with translation.override("en"):
        assert template.render(Context({"n": 1464})) == "1.464 dossiers"
        assert template.render(Context({"n": 1})) == "1 dossier"
    with translation.override("vi"):
        assert template.render(Context({"n": 1464})) == "1.464 hồ sơ"


def test_the_categories_read_in_the_user_language_while_the_export_stays_vietnamese(make_user, officer,
                                                                                       martyr_dossier):
    client = _signed_in(set_language(user=make_user("policy_officer", username="english"), language=Language.ENGLISH))
    assert '<p class="lead">Martyr · ' in _page(client, "/ho-so/QTI/LS-07956/CM/")
    martyr_option = re.compile(r'<option value="LS"[^>]*>Martyr</option>')
    assert martyr_option.search(_page(client, "/ho-so/"))  # the list's filter
    assert martyr_option.search(_page(client, "/ho-so/moi/"))  # the registration form
    assert re.search(r'<option value="BM"[^>]*>Heroic Vietnamese Mother</option>', _page(client, "/ho-so/"))
    found = _page(client, "/tim-kiem/?q=nguyen+van+duc")
    assert "<span>Martyr</span>" in found and "&amp;category=LS\">Martyr</a>" in found  # the hit and the facet
    assert "Liệt sĩ" not in found
    export = client.get("/ho-so/xuat/?format=csv").content.decode("utf-8-sig")
    assert "Liệt sĩ" in export and "Martyr" not in export  # what is written down stays as stored
    assert re.search(r'<option value="LS"[^>]*>Liệt sĩ</option>', _page(_signed_in(officer), "/ho-so/"))
    assert '<p class="lead">Liệt sĩ · ' in _page(_signed_in(officer), "/ho-so/QTI/LS-07956/CM/")


# ------------------------------------------------------------------------------------------------ the catalogue
def catalogue_entries(path: Path) -> list[dict]:
    """The entries of a .po file: msgctxt, msgid, msgstr, flags and references, and for an entry with plural forms
    its msgid_plural and every msgstr[n] in `plurals` (msgstr is then msgstr[0]) — a small reader for what
    makemessages writes here."""
    entries, current, field = [], None, None
    for line in path.read_text(encoding="utf-8").splitlines() + [""]:
        if not line.strip() or (line.startswith("#") and current and field and field.startswith("msgstr")):
            if current is not None:
                entries.append(current)
            current, field = None, None
            if not line.strip():
                continue
        if current is None:
            current = {"msgctxt": "", "msgid": "", "msgid_plural": "", "msgstr": "", "plurals": {}, "flags": set(),
                       "references": []}
        if line.startswith("#:"):
            current["references"] += line[2:].split()
        elif line.startswith("#,"):
            current["flags"] |= {flag.strip() for flag in line[2:].split(",")}
        elif line.startswith(("msgctxt ", "msgid ", "msgid_plural ", "msgstr ", "msgstr[")):
            field, _, literal = line.partition(" ")
            current[field] = ast.literal_eval(literal)
        elif line.startswith('"'):
            current[field] += ast.literal_eval(line)
    entries = [e for e in entries if e["msgid"]]
    for entry in entries:
        forms = sorted((k for k in entry if k.startswith("msgstr[")), key=lambda k: int(k[7:-1]))
        entry["plurals"] = {int(k[7:-1]): entry.pop(k) for k in forms}
        if entry["plurals"]:
            entry["msgstr"] = entry["plurals"][0]
    return entries


def translations(entry: dict) -> list[tuple[str, str]]:
    """(source text, translation) of each form of an entry: one for a plain entry; for an entry with plural forms the
    singular msgid against msgstr[0], the msgid_plural against each further msgstr[n] — and against an empty text
    when the catalogue lacks a form English needs (singular and plural)."""
    if not entry["msgid_plural"]:
        return [(entry["msgid"], entry["msgstr"])]
    plurals = entry["plurals"]
    return [(entry["msgid"] if n == 0 else entry["msgid_plural"], plurals.get(n, ""))
            for n in range(max(2, len(plurals)))]


def untranslated(entries: list[dict]) -> list[str]:
    return [e["msgid"] for e in entries
            if "fuzzy" in e["flags"] or any(not text.strip() for _, text in translations(e))]


@pytest.mark.parametrize("catalogue", [CATALOGUE, SCRIPT_CATALOGUE], ids=lambda p: p.name)
def test_every_text_of_the_interface_has_an_english_translation(catalogue):
    interface = catalogue_entries(catalogue)
    assert len(interface) > (1000 if catalogue == CATALOGUE else 30)
    assert any(e["msgid_plural"] for e in interface)  # the counts ("1 dossier", "2 dossiers") are read too
    assert untranslated(interface) == []
    still_vietnamese = [e["msgid"] for e in interface
                        if any(VIETNAMESE.search(_outside_examples(text)) for _, text in translations(e))]
    assert still_vietnamese == []


def test_the_catalogue_reader_reads_plural_forms(tmp_path):
    po = tmp_path / "django.po"
    po.write_text('''msgid ""
msgstr ""
"Plural-Forms: nplurals=2; plural=(n != 1);\\n"

#: web/templates/web/home.html
msgid "%(shown)s hồ sơ"
msgid_plural "%(shown)s hồ sơ"
msgstr[0] "%(shown)s dossier"
msgstr[1] "%(shown)s dossiers"

#: web/templates/archive/home.html
msgid "%(used)s hộp"
msgid_plural "%(used)s hộp"
msgstr[0] "%(used)s box"
msgstr[1] ""

#, fuzzy
msgid "%(count)s trang"
msgid_plural "%(count)s trang"
msgstr[0] "%(count)s page"
msgstr[1] "%(count)s pages"

msgid "%(count)s tệp"
msgid_plural "%(count)s tệp"
msgstr[0] "%(count)s file"

msgid "Đóng"
msgstr "Close"
''', encoding="utf-8")
    entries = catalogue_entries(po)
    dossiers = entries[0]
    assert dossiers["msgid_plural"] == "%(shown)s hồ sơ" and dossiers["plurals"] == {0: "%(shown)s dossier",
                                                                                     1: "%(shown)s dossiers"}
    assert translations(dossiers) == [("%(shown)s hồ sơ", "%(shown)s dossier"),
                                      ("%(shown)s hồ sơ", "%(shown)s dossiers")]
    assert dossiers["references"] == ["web/templates/web/home.html"]
    assert untranslated(entries) == ["%(used)s hộp", "%(count)s trang", "%(count)s tệp"]  # a form missing or empty
    assert translations(entries[-1]) == [("Đóng", "Close")]


def _outside_examples(text: str) -> str:
    """An English text without what it quotes from the records (examples of what to type, column headings, the
    names of real places and feasts, the numbers of legal texts): <code>…</code>, “…”, provinces, Tết,
    131/2021/NĐ-CP."""
    quoted = r"<code>.*?</code>|<span class=\"mono\">.*?</span>|“[^”]*”|\d+/\d{4}/[A-ZĐ-]+"
    places = r"\b[A-ZĐ][a-zà-ỹđ]+ [A-ZĐ][a-zà-ỹđ]+ province\b|^Hà Tĩnh$|\bTết\b"
    return re.sub(f"{quoted}|{places}", " ", text)


def _placeholders(text: str) -> list[str]:
    return sorted(re.findall(r"%\([^)]+\)[sd]|%%|\{\w+\}", text))


def _tags(text: str) -> list[str]:
    return sorted(re.findall(r"</?[a-z]+", text))


@pytest.mark.parametrize("catalogue", [CATALOGUE, SCRIPT_CATALOGUE], ids=lambda p: p.name)
def test_translations_keep_the_placeholders_and_the_markup(catalogue):
    for entry in catalogue_entries(catalogue):
        for source, text in translations(entry):  # each plural form too
            if text:
                assert _placeholders(text) == _placeholders(source), entry["msgid"]
                assert _tags(text) == _tags(source), entry["msgid"]


def test_no_translated_attribute_holds_a_double_quote():
    """A text translated inside an attribute (title="{% translate '…' %}") must not close the attribute."""
    attributes = set()
    for template in TEMPLATES.rglob("*.html"):
        for quoted in re.findall(r'="\{% (?:translate|blocktranslate)[^"]*?%\}', template.read_text(encoding="utf-8")):
            attributes.add(quoted)
    translated = {e["msgid"]: e["msgstr"] for e in catalogue_entries(CATALOGUE)}
    for quoted in attributes:
        literal = re.search(r"translate '([^']*)'", quoted)
        if literal and literal.group(1) in translated:
            assert '"' not in translated[literal.group(1)], literal.group(1)


# --------------------------------------------------------------------------------------------- the templates
UNTRANSLATED_ALLOWED: dict[str, str] = {
    # "template path relative to web/templates": "why its Vietnamese text stays as it is"
}
"""Templates whose remaining Vietnamese text is deliberate (none today)."""


def untranslated_text(source: str) -> list[str]:
    """Vietnamese text of a template that no translation tag carries: what is left once comments, <style>, the
    {% translate %} and {% blocktranslate %}…{% endblocktranslate %} tags, every other tag and every variable are
    taken out."""
    text = re.sub(r"\{% comment %\}.*?\{% endcomment %\}|\{#.*?#\}|<!--.*?-->|<style.*?</style>", " ", source,
                  flags=re.S)
    text = re.sub(r"\{% blocktranslate.*?%\}.*?\{% endblocktranslate %\}", " ", text, flags=re.S)
    text = re.sub(r"\{%.*?%\}|\{\{.*?\}\}", " ", text, flags=re.S)
    return [chunk.strip() for chunk in re.split(r"[<>\n]", text) if VIETNAMESE.search(chunk)]


def untranslated_literals(source: str) -> list[str]:
    """Vietnamese string literals passed to filters and includes (`default:"…"`, `yesno:"…"`, `with x="…"`)
    without _( … ); comparisons with stored codes are no text of the interface."""
    found = []
    for tag in re.findall(r"\{\{.*?\}\}|\{% (?:include|with)\b.*?%\}", source):
        found += [literal for literal in re.findall(r'(?<!_\()"([^"]*)"', tag) if VIETNAMESE.search(literal)]
    return found


def _templates():
    return sorted(p for p in TEMPLATES.rglob("*.html"))


@pytest.mark.parametrize("template", _templates(), ids=lambda p: str(p.relative_to(TEMPLATES)))
def test_no_template_leaves_vietnamese_text_untranslated(template):
    name = str(template.relative_to(TEMPLATES))
    if name in UNTRANSLATED_ALLOWED:
        pytest.skip(UNTRANSLATED_ALLOWED[name])
    source = template.read_text(encoding="utf-8")
    assert untranslated_text(source) == []
    assert untranslated_literals(source) == []


def test_the_scan_finds_what_it_looks_for():
    assert untranslated_text('<p title="Mở">x</p>{% translate "Đóng" %}') == ['p title="Mở"']
    assert untranslated_text("{% blocktranslate %}Trang {{ n }}{% endblocktranslate %}<b>Hộp</b>") == ["Hộp"]
    assert untranslated_text("{# Chú thích #}{% if x == 'mật' %}{{ a|default:'Có' }}{% endif %}") == []
    assert untranslated_literals('{{ a|default:"Chưa có" }}{{ b|default:_("Chưa có") }}') == ["Chưa có"]
