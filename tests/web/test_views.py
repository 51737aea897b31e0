"""The web UI through Django's test client: what an officer sees and what each form does to the records."""

import html
import re
import unicodedata

import pytest
from django.test import Client

from hoso.core.models import AuditEvent
from hoso.records import services
from hoso.records.models import Dossier, DossierRelative, Person
from hoso.vntext import PartialDate

from ..helpers import PASSWORD

MARTYR_URL = "/ho-so/QTI/LS-07956/CM/"


# --- helpers -------------------------------------------------------------------------------------------


@pytest.fixture
def web(officer):
    """A browser session signed in as an ordinary officer."""
    client = Client()
    client.force_login(officer)
    return client


@pytest.fixture
def make_dossier(actor):
    """Register a dossier with its subject through the services, the way the UI would. (Not tests/conftest.py
    make_dossier: these pages are checked with numbers from 00100 and subjects without a birth date.)"""
    serial = iter(range(100, 10_000))

    def make(full_name: str, *, category: str = "LS", number: str | None = None,
             person: dict | None = None, **dossier_fields) -> Dossier:
        subject = services.create_person(actor=actor, full_name=full_name, **(person or {}))
        return services.register_dossier(actor=actor, number=number or f"QTI/{category}-{next(serial):05d}/CM",
                                         category_code=category, subject=subject, **dossier_fields)

    return make


def create_form(**overrides) -> dict:
    """What a user submits on "Đăng ký hồ sơ" for a plain martyr dossier."""
    data = {
        "number": "QTI/LS-01234/CM", "category": "LS", "full_name": "Hoàng Văn Thắng", "aliases": "",
        "sex": "nam", "birth_date": "", "death_date": "", "ethnicity": "Kinh",
        "hometown_text": "xã Vĩnh Linh, huyện Vĩnh Linh", "hometown_unit": "", "residence_text": "",
        "residence_unit": "", "national_id": "", "notes": "", "title": "", "confidentiality": "thuong",
        "status": "chua_so_hoa", "physical_condition": "binh_thuong", "sheet_count": "", "page_total": "",
        "place_of_sacrifice": "", "unit": "", "rank": "", "position": "", "certificate_number": "",
        "grave_status": "", "cemetery": "",
    }
    data.update(overrides)
    return data


def text(response) -> str:
    return response.content.decode()


def listed_names(response) -> list[str]:
    """Names in the dossier list table, top to bottom, as the user reads them."""
    table = re.search(r'<table class="grid" id="dossiers">(.*?)</table>', text(response), re.S)
    if table is None:
        return []
    names = re.findall(r'<td><a href="/ho-so/[^"]+">(.*?)</a>', table.group(1))
    return [html.unescape(re.sub(r"</?mark>", "", n)) for n in names]  # matched words are highlighted


def field_errors(response) -> dict[str, list[str]]:
    """Errors shown beside each field of a form, keyed by the field's visible label."""
    found = {}
    for block in re.findall(r'<div class="field invalid">(.*?)</div>', text(response), re.S):
        label = re.search(r"<label[^>]*>([^<]*)", block).group(1).strip()
        found[html.unescape(label)] = [html.unescape(e) for e in re.findall(r'<small class="error"[^>]*>(.*?)</small>',
                                                                              block, re.S)]
    return found


def messages_shown(response) -> list[tuple[str, str]]:
    """(kind, text) of the flash messages at the top of the page."""
    block = re.search(r'<ul class="messages">(.*?)</ul>', text(response), re.S)
    if block is None:
        return []
    return [(kind, html.unescape(msg)) for kind, msg in
            re.findall(r'<li class="([^"]*)" role="status">(.*?)</li>', block.group(1), re.S)]


def counts():
    return Dossier.objects.count(), Person.objects.count()


# --- signing in ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("url", ["/", "/ho-so/", "/ho-so/moi/", MARTYR_URL, "/ho-so/QTI/LS-07956/CM/sua/"])
def test_pages_need_sign_in(client, url, db):
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith("/dang-nhap/?next=")


def test_login_page_is_vietnamese(client, db):
    response = client.get("/dang-nhap/")
    assert response.status_code == 200
    page = text(response)
    assert '<html lang="vi">' in page
    for label in ("Đăng nhập", "Tên đăng nhập", "Mật khẩu"):
        assert label in page


def test_failed_login_says_so_in_vietnamese(client, officer):
    response = client.post("/dang-nhap/", {"username": "canbo", "password": "sai-mat-khau-roi"})
    assert response.status_code == 200
    assert "Tên đăng nhập hoặc mật khẩu không đúng" in text(response)
    assert "_auth_user_id" not in client.session
    assert AuditEvent.objects.filter(action="login_failed", object_id="canbo").exists()


def test_login_with_right_password_lands_on_home(client, officer):
    response = client.post("/dang-nhap/", {"username": "canbo", "password": PASSWORD}, follow=True)
    assert response.redirect_chain[-1][0] == "/"
    assert "Tổng quan" in text(response)
    assert "Cán bộ chính sách" in text(response)


# --- home and list -------------------------------------------------------------------------------------


def test_home_counts_visible_dossiers_by_category(web, make_dossier):
    make_dossier("Nguyễn Văn Một", category="LS")
    make_dossier("Nguyễn Văn Hai", category="LS")
    make_dossier("Trần Văn Ba", category="AQ")
    make_dossier("Lê Văn Mật", category="LS", confidentiality="mat")  # not for an ordinary officer
    page = text(web.get("/"))
    shown = dict(re.findall(r'\?category=(\w+)">.*?<td class="num">([\d.,]+)</td>', page, re.S))
    assert shown["LS"] == "2"
    assert shown["AQ"] == "1"
    assert shown["BM"] == "0"
    assert "<strong>3</strong> hồ sơ" in page


def test_list_is_in_vietnamese_name_order(web, make_dossier):
    for name in ("Trần Văn Bình", "Nguyễn Thị An", "Lê Đức Anh", "Đỗ Văn Dũng", "Phạm Văn Đức"):
        make_dossier(name)
    assert listed_names(web.get("/ho-so/")) == [
        "Nguyễn Thị An", "Lê Đức Anh", "Trần Văn Bình", "Đỗ Văn Dũng", "Phạm Văn Đức"]


def test_list_orders_same_given_name_by_family_then_middle_name(web, make_dossier):
    for name in ("Trần Văn An", "Nguyễn Văn An", "Nguyễn Thị An"):
        make_dossier(name)
    assert listed_names(web.get("/ho-so/")) == ["Nguyễn Thị An", "Nguyễn Văn An", "Trần Văn An"]


def test_list_filters_by_category_status_and_accent_free_text(web, make_dossier):
    make_dossier("Phạm Văn Đức", category="LS", status="da_quet")
    make_dossier("Lê Đức Anh", category="AQ")
    make_dossier("Nguyễn Thị An", category="LS")

    by_category = web.get("/ho-so/", {"category": "AQ"})
    assert listed_names(by_category) == ["Lê Đức Anh"]
    assert "Bỏ lọc" in text(by_category)

    assert listed_names(web.get("/ho-so/", {"status": "da_quet"})) == ["Phạm Văn Đức"]
    assert listed_names(web.get("/ho-so/", {"q": "duc"})) == ["Lê Đức Anh", "Phạm Văn Đức"]
    assert listed_names(web.get("/ho-so/", {"q": "duc", "category": "LS"})) == ["Phạm Văn Đức"]
    assert listed_names(web.get("/ho-so/", {"q": "ĐỨC", "status": "da_quet"})) == ["Phạm Văn Đức"]


def test_list_finds_a_dossier_by_its_number(web, make_dossier):
    make_dossier("Phạm Văn Đức", number="QTI/LS-04321/CM")
    make_dossier("Nguyễn Thị An")
    assert listed_names(web.get("/ho-so/", {"q": "LS-04321"})) == ["Phạm Văn Đức"]


@pytest.mark.parametrize("typed", ["LS-7956", "ls 7956", "qti ls 07956 cm"])
def test_list_finds_a_dossier_by_its_number_typed_loosely(web, martyr_dossier, typed):
    assert listed_names(web.get("/ho-so/", {"q": typed})) == ["Nguyễn Văn Đức"]


def test_list_with_no_match_explains_how_to_search(web, make_dossier):
    make_dossier("Nguyễn Thị An")
    response = web.get("/ho-so/", {"q": "khong co ai"})
    assert listed_names(response) == []
    assert "Không có hồ sơ nào khớp điều kiện lọc" in text(response)


def test_list_pages_through_thirty_dossiers_keeping_the_filter(web, make_dossier):
    for i in range(30):
        make_dossier(f"Trần Văn Mẫu {i:02d}")
    first = web.get("/ho-so/", {"q": "mau"})
    assert "30 hồ sơ" in text(first)
    assert "trang 1/2" in text(first)
    assert 'rel="next" href="?q=mau&amp;page=2"' in text(first)
    second = web.get("/ho-so/", {"q": "mau", "page": 2})
    assert "trang 2/2" in text(second)
    page_one, page_two = listed_names(first), listed_names(second)
    assert len(page_one) == 25
    assert len(page_two) == 5
    assert set(page_one) | set(page_two) == {f"Trần Văn Mẫu {i:02d}" for i in range(30)}


# --- detail --------------------------------------------------------------------------------------------


def test_detail_shows_person_martyr_facts_and_aliases(web, martyr_dossier):
    response = web.get(MARTYR_URL)
    assert response.status_code == 200
    page = text(response)
    assert "<h1>Nguyễn Văn Đức" in page
    assert "QTI/LS-07956/CM" in page
    assert "<dt>Bí danh</dt><dd>Ba Đức</dd>" in page
    assert "<dt>Ngày sinh</dt><dd>1950</dd>" in page
    assert "<dt>Ngày hy sinh</dt><dd>05/1972</dd>" in page
    assert "xã Triệu Long, huyện Triệu Phong" in page
    assert "Thông tin liệt sĩ" in page
    assert "Thành cổ Quảng Trị" in page
    assert "Trung đoàn 48" in page
    assert "Đã xác định mộ — Nghĩa trang liệt sĩ quốc gia Đường 9" in page


def test_unknown_dossier_is_404(web, db):
    assert web.get("/ho-so/QTI/LS-99999/CM/").status_code == 404


def test_viewing_a_dossier_is_written_to_the_audit_trail(web, officer, martyr_dossier):
    web.get(MARTYR_URL)
    event = AuditEvent.objects.filter(action="view", object_type="dossier", object_id=str(martyr_dossier.pk)).get()
    assert event.actor == officer
    assert event.summary == "QTI/LS-07956/CM"


def test_secret_dossier_hidden_from_officer_but_shown_to_superuser(web, admin_user, make_dossier):
    make_dossier("Lê Văn Mật", number="QTI/LS-00777/CM", confidentiality="mat")
    url = "/ho-so/QTI/LS-00777/CM/"
    assert web.get(url).status_code == 404
    assert web.get(url + "sua/").status_code == 404
    assert "Lê Văn Mật" not in text(web.get("/ho-so/"))

    boss = Client()
    boss.force_login(admin_user)
    response = boss.get(url)
    assert response.status_code == 200
    assert "Lê Văn Mật" in text(response)
    assert '<span class="badge secret">Mật</span>' in text(response)
    assert listed_names(boss.get("/ho-so/")) == ["Lê Văn Mật"]


# --- registering a dossier -----------------------------------------------------------------------------


def test_create_form_is_vietnamese(web, db):
    page = text(web.get("/ho-so/moi/"))
    for label in ("Đăng ký hồ sơ mới", "Số hồ sơ", "Diện đối tượng", "Họ và tên", "Ngày sinh", "Nguyên quán",
                  "Gõ 1947, 5/1972 hoặc 12/05/1972", "Lưu hồ sơ"):
        assert label in page


def test_create_registers_dossier_and_shows_it(web, officer, db):
    response = web.post("/ho-so/moi/", create_form(
        number="qti ls 1234 cm", full_name="Hoàng Văn Thắng", aliases="Tư Thắng; Hai Thắng",
        death_date="20/7/1968", place_of_sacrifice="Dốc Miếu, Gio Linh", unit="Sư đoàn 320",
        notes="Giấy báo tử bản gốc đã ố vàng"))
    assert response.status_code == 302
    assert response["Location"] == "/ho-so/QTI/LS-01234/CM/"

    dossier = Dossier.objects.select_related("subject", "martyr").get(number="QTI/LS-01234/CM")
    assert dossier.category.code == "LS"
    assert dossier.subject.full_name == "Hoàng Văn Thắng"
    assert (dossier.subject.family_name, dossier.subject.given_name) == ("Hoàng", "Thắng")
    assert list(dossier.subject.aliases.values_list("name", flat=True)) == ["Tư Thắng", "Hai Thắng"]
    assert dossier.martyr.place_of_sacrifice == "Dốc Miếu, Gio Linh"
    assert AuditEvent.objects.filter(action="create", object_type="dossier", object_id=str(dossier.pk),
                                     actor=officer).exists()

    page = text(web.get(response["Location"]))
    assert "Đã đăng ký hồ sơ QTI/LS-01234/CM." in page
    assert "<h1>Hoàng Văn Thắng" in page
    assert "Tư Thắng; Hai Thắng" in page
    assert "<dt>Ngày hy sinh</dt><dd>20/07/1968</dd>" in page
    assert "Sư đoàn 320" in page
    assert "Giấy báo tử bản gốc đã ố vàng" in page


@pytest.mark.parametrize(("typed", "stored", "shown"), [
    ("1947", PartialDate(1947), "1947"),
    ("5/1972", PartialDate(1972, 5), "05/1972"),
    ("12/05/1972", PartialDate(1972, 5, 12), "12/05/1972"),
])
def test_partial_birth_dates_are_kept_at_their_precision(web, db, typed, stored, shown):
    response = web.post("/ho-so/moi/", create_form(birth_date=typed))
    assert response.status_code == 302
    person = Person.objects.get(full_name="Hoàng Văn Thắng")
    assert person.birth_date == stored
    assert f"<dt>Ngày sinh</dt><dd>{shown}</dd>" in text(web.get(response["Location"]))
    assert f"<td>{shown}</td>" in text(web.get("/ho-so/"))


@pytest.mark.parametrize(("overrides", "label", "message"), [
    ({"number": "ABC"}, "Số hồ sơ", "Số hồ sơ không hợp lệ: «ABC»"),
    ({"birth_date": "31/02/1972"}, "Ngày sinh", "Ngày không tồn tại: 31/02/1972"),
    ({"number": "qti/ls 7956/cm"}, "Số hồ sơ", "Số hồ sơ QTI/LS-07956/CM đã có trong hệ thống."),
    ({"full_name": ""}, "Họ và tên", "Trường này là bắt buộc."),
    ({"national_id": "04519A001234"}, "Số định danh cá nhân", "phải gồm 12 chữ số"),
    ({"birth_date": "1972", "death_date": "1968"}, "Ngày mất / hy sinh", "Ngày mất không thể trước ngày sinh."),
])
def test_bad_input_is_explained_in_vietnamese_and_nothing_is_created(web, martyr_dossier, overrides, label,
                                                                     message):
    before = counts()
    events = AuditEvent.objects.count()
    response = web.post("/ho-so/moi/", create_form(**overrides))
    assert response.status_code == 200
    assert "Vui lòng kiểm tra lại các ô được đánh dấu." in text(response)
    errors = field_errors(response)
    assert label in errors, errors
    assert any(message in e for e in errors[label]), errors
    assert counts() == before
    assert AuditEvent.objects.count() == events
    # What the user typed is still in the form, so they only fix the one field.
    for typed in [v for v in overrides.values() if v] + ["xã Vĩnh Linh, huyện Vĩnh Linh"]:
        assert f'value="{html.escape(typed)}"' in text(response)


def test_name_typed_in_nfd_is_stored_nfc_and_found_without_accents(web, db):
    nfd = unicodedata.normalize("NFD", "Nguyễn Thị Thủy")
    assert nfd != "Nguyễn Thị Thủy"
    response = web.post("/ho-so/moi/", create_form(full_name=nfd, hometown_text=unicodedata.normalize(
        "NFD", "xã Hải Thượng")))
    assert response.status_code == 302
    person = Person.objects.get()
    assert person.full_name == "Nguyễn Thị Thủy"
    assert unicodedata.is_normalized("NFC", person.full_name)
    assert person.hometown_text == "xã Hải Thượng"
    assert person.given_name == "Thủy"
    assert listed_names(web.get("/ho-so/", {"q": "thuy"})) == ["Nguyễn Thị Thủy"]


def test_script_in_a_name_is_shown_as_text(web, db):
    evil = "<script>alert(1)</script>"
    response = web.post("/ho-so/moi/", create_form(full_name=evil, hometown_text='"><img src=x onerror=alert(2)>'))
    assert response.status_code == 302
    for page in (text(web.get(response["Location"])), text(web.get("/ho-so/"))):
        assert evil not in page
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
        assert "<img src=x" not in page


def test_script_in_a_relative_name_is_shown_as_text(web, martyr_dossier):
    evil = "<script>alert(1)</script>"
    response = web.post(MARTYR_URL + "than-nhan/", {"full_name": evil, "relationship": "con"}, follow=True)
    page = text(response)
    assert ("success", f"Đã thêm thân nhân {evil}.") in messages_shown(response)
    assert evil not in page
    assert "<td>&lt;script&gt;alert(1)&lt;/script&gt;</td><td>Con đẻ</td>" in page


def test_officer_registering_a_secret_dossier_does_not_land_on_not_found(web, db):
    assert 'value="mat"' not in text(web.get("/ho-so/moi/"))  # not offered to someone who could not see it
    response = web.post("/ho-so/moi/", create_form(confidentiality="mat"), follow=True)
    assert response.status_code == 200
    assert "Độ mật" in field_errors(response)
    assert not Dossier.objects.exists()


# --- editing -------------------------------------------------------------------------------------------


def edit_form_as_submitted(client: Client, url: str) -> dict:
    """The edit form exactly as pre-filled, as the browser would send it back untouched."""
    form = client.get(url).context["form"]
    return {name: "" if form[name].value() is None else form[name].value() for name in form.fields}


def test_edit_form_is_prefilled_with_the_record(web, martyr_dossier):
    page = text(web.get(MARTYR_URL + "sua/"))
    assert "Sửa hồ sơ QTI/LS-07956/CM" in page
    assert 'value="Nguyễn Văn Đức"' in page
    assert 'value="Ba Đức"' in page
    assert 'value="05/1972"' in page
    assert 'value="Thành cổ Quảng Trị"' in page


def test_saving_the_edit_form_untouched_changes_nothing(web, martyr_dossier):
    events = AuditEvent.objects.exclude(action__in=["view", "view_for_edit"]).count()
    data = edit_form_as_submitted(web, MARTYR_URL + "sua/")
    response = web.post(MARTYR_URL + "sua/", data)
    assert response.status_code == 302
    assert AuditEvent.objects.exclude(action__in=["view", "view_for_edit"]).count() == events


def test_edit_changes_a_field_and_audits_before_and_after(web, officer, martyr_dossier):
    data = edit_form_as_submitted(web, MARTYR_URL + "sua/")
    data["hometown_text"] = "thôn Bích La, xã Triệu Đông, huyện Triệu Phong"
    response = web.post(MARTYR_URL + "sua/", data)
    assert response.status_code == 302
    assert response["Location"] == MARTYR_URL

    person = Person.objects.get(pk=martyr_dossier.subject_id)
    assert person.hometown_text == "thôn Bích La, xã Triệu Đông, huyện Triệu Phong"
    event = AuditEvent.objects.get(action="update", object_type="person", object_id=str(person.pk))
    assert event.actor == officer
    assert event.before == {"hometown_text": "xã Triệu Long, huyện Triệu Phong"}
    assert event.after == {"hometown_text": "thôn Bích La, xã Triệu Đông, huyện Triệu Phong"}

    page = text(web.get(MARTYR_URL))
    assert "Đã lưu hồ sơ QTI/LS-07956/CM." in page
    assert "thôn Bích La, xã Triệu Đông" in page


def test_edit_to_a_number_already_taken_is_refused_and_changes_nothing(web, martyr_dossier, make_dossier):
    make_dossier("Trần Văn Hai", number="QTI/LS-00002/CM")
    data = edit_form_as_submitted(web, MARTYR_URL + "sua/")
    data.update(number="QTI/LS-00002/CM", hometown_text="xã Gio Hải")
    response = web.post(MARTYR_URL + "sua/", data)
    assert response.status_code == 200
    assert field_errors(response)["Số hồ sơ"] == ["Số hồ sơ QTI/LS-00002/CM đã có trong hệ thống."]
    assert Dossier.objects.filter(pk=martyr_dossier.pk, number="QTI/LS-07956/CM").exists()
    # The person was saved first inside the same transaction: it must have been rolled back too.
    assert Person.objects.get(pk=martyr_dossier.subject_id).hometown_text == "xã Triệu Long, huyện Triệu Phong"
    assert not AuditEvent.objects.filter(action="update").exists()


def test_officer_marking_a_dossier_secret_does_not_land_on_not_found(web, martyr_dossier):
    data = edit_form_as_submitted(web, MARTYR_URL + "sua/")
    data["confidentiality"] = "mat"
    response = web.post(MARTYR_URL + "sua/", data, follow=True)
    assert response.status_code == 200
    assert "Độ mật" in field_errors(response)
    assert Dossier.objects.get(pk=martyr_dossier.pk).confidentiality == "thuong"


def test_edit_with_impossible_date_keeps_the_record(web, martyr_dossier):
    data = edit_form_as_submitted(web, MARTYR_URL + "sua/")
    data["death_date"] = "30/02/1972"
    response = web.post(MARTYR_URL + "sua/", data)
    assert response.status_code == 200
    assert "Ngày không tồn tại: 30/02/1972" in field_errors(response)["Ngày mất / hy sinh"][0]
    assert Person.objects.get(pk=martyr_dossier.subject_id).death_date == PartialDate(1972, 5)


# --- relatives -----------------------------------------------------------------------------------------


def test_add_relative_from_the_detail_page(web, officer, martyr_dossier):
    response = web.post(MARTYR_URL + "than-nhan/", {
        "full_name": "Nguyễn Thị Lài", "relationship": "me", "birth_date": "1925", "receives_benefit": "on"},
        follow=True)
    assert response.redirect_chain[-1][0] == MARTYR_URL
    assert ("success", "Đã thêm thân nhân Nguyễn Thị Lài.") in messages_shown(response)
    page = text(response)
    assert "<td>Nguyễn Thị Lài</td><td>Mẹ đẻ</td><td>1925</td><td>Có</td><td>—</td>" in page
    link = DossierRelative.objects.get(dossier=martyr_dossier)
    assert link.person.full_name == "Nguyễn Thị Lài"
    assert link.relationship == "me"
    assert link.receives_benefit and not link.keeps_worship
    assert AuditEvent.objects.filter(action="link_relative", actor=officer).exists()


@pytest.mark.parametrize(("data", "message"), [
    ({"full_name": "", "relationship": "me"}, "bắt buộc"),
    ({"full_name": "Nguyễn Thị Lài", "relationship": "me", "birth_date": "31/02/1925"},
     "Ngày không tồn tại: 31/02/1925"),
])
def test_invalid_relative_is_refused_with_a_message(web, martyr_dossier, data, message):
    people = Person.objects.count()
    response = web.post(MARTYR_URL + "than-nhan/", data, follow=True)
    assert response.redirect_chain[-1][0] == MARTYR_URL
    shown = messages_shown(response)
    assert any(kind == "error" and message in msg for kind, msg in shown), shown
    assert "Chưa có thân nhân nào trong hồ sơ." in text(response)
    assert not DossierRelative.objects.exists()
    assert Person.objects.count() == people


def test_relative_error_names_the_field(web, martyr_dossier):
    response = web.post(MARTYR_URL + "than-nhan/", {"full_name": "", "relationship": "me"}, follow=True)
    assert any("Họ và tên" in msg for kind, msg in messages_shown(response) if kind == "error")


def test_relative_cannot_be_added_to_a_secret_dossier_by_an_officer(web, make_dossier):
    make_dossier("Lê Văn Mật", number="QTI/LS-00777/CM", confidentiality="mat")
    response = web.post("/ho-so/QTI/LS-00777/CM/than-nhan/", {"full_name": "Lê Thị Hoa", "relationship": "vo"})
    assert response.status_code == 404
    assert not DossierRelative.objects.exists()


# --- CSRF ----------------------------------------------------------------------------------------------


def test_form_post_without_csrf_token_is_refused(officer, db):
    client = Client(enforce_csrf_checks=True)
    client.force_login(officer)
    before = counts()
    assert client.post("/ho-so/moi/", create_form()).status_code == 403
    assert counts() == before

    # With the token from the page the same post goes through.
    client.get("/ho-so/moi/")
    token = client.cookies["csrftoken"].value
    response = client.post("/ho-so/moi/", create_form(csrfmiddlewaretoken=token))
    assert response.status_code == 302
    assert counts() == (before[0] + 1, before[1] + 1)


# --- API -----------------------------------------------------------------------------------------------


def test_api_schema_is_openapi(web, db):
    response = web.get("/api/schema/")
    assert response.status_code == 200
    body = text(response)
    assert body.startswith("openapi: 3")
    assert "/api/dossiers/" in body

    as_json = web.get("/api/schema/", {"format": "json"}).json()
    assert as_json["openapi"].startswith("3.")
    assert as_json["info"]["title"] == "hoso API"


def test_api_needs_sign_in(client, martyr_dossier):
    assert client.get("/api/dossiers/").status_code in (401, 403)
    assert client.get("/api/dossiers/QTI/LS-07956/CM/").status_code in (401, 403)


def test_api_lists_only_visible_dossiers(web, admin_user, martyr_dossier, make_dossier):
    make_dossier("Lê Văn Mật", number="QTI/LS-00777/CM", confidentiality="mat")
    listing = web.get("/api/dossiers/").json()
    assert listing["count"] == 1
    assert [d["number"] for d in listing["results"]] == ["QTI/LS-07956/CM"]
    assert web.get("/api/dossiers/QTI/LS-00777/CM/").status_code == 404

    boss = Client()
    boss.force_login(admin_user)
    assert {d["number"] for d in boss.get("/api/dossiers/").json()["results"]} == {
        "QTI/LS-07956/CM", "QTI/LS-00777/CM"}


def test_api_returns_the_martyr_dossier_by_number(web, martyr_dossier):
    response = web.get("/api/dossiers/QTI/LS-07956/CM/")
    assert response.status_code == 200
    data = response.json()
    assert data["number"] == "QTI/LS-07956/CM"
    assert data["category"] == "LS"
    assert data["subject"]["full_name"] == "Nguyễn Văn Đức"
    assert data["subject"]["aliases"] == ["Ba Đức"]
    assert data["subject"]["birth_date"] == "1950"
    assert data["subject"]["death_date"] == "1972-05"
