"""A clerk on a phone (390×844) and at the printer: the menu folds behind «☰ Menu», the dossier list scrolls
inside the screen instead of widening the page, the current menu entry is marked, a skip link leads to the content,
and printing a dossier prints the dossier — not the menu and the forms.

Skipped when /usr/bin/chromium is absent, unless HOSO_REQUIRE_BROWSER=1 (then it fails instead)."""

import pytest
from playwright.sync_api import expect

from hoso.access.permissions import Role
from hoso.records import services as records
from hoso.vntext import PartialDate

from ..helpers import PASSWORD

pytestmark = [pytest.mark.e2e]

NUMBER = "QTI/LS-07002/CM"


@pytest.fixture
def world(transactional_db, categories, make_user):
    for i in range(5):
        person = records.create_person(actor=None, full_name=f"Nguyễn Văn Trường Sơn Số {i}", sex="nam",
                                       birth_date=PartialDate(1949, 5, 12), hometown_text="xã Triệu Long, huyện "
                                       "Triệu Phong, tỉnh Quảng Trị")
        records.register_dossier(actor=None, number=NUMBER if i == 0 else f"QTI/LS-0710{i}/CM", category_code="LS",
                                 subject=person)
    make_user(Role.POLICY_OFFICER, username="canbo", full_name="Cán Bộ")


def test_phone_menu_list_and_print(world, browser, live_server):
    context = browser.new_context(base_url=live_server.url, locale="vi-VN", viewport={"width": 390, "height": 844})
    context.set_default_timeout(15_000)
    page = context.new_page()
    page.goto("/dang-nhap/")
    page.get_by_label("Tên đăng nhập").fill("canbo")
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    page.goto("/ho-so/")
    menu = page.locator("nav#menu")
    expect(menu).to_be_hidden()
    page.get_by_role("button", name="☰ Menu").click()
    expect(menu).to_be_visible()
    expect(menu.get_by_role("link", name="Hồ sơ", exact=True)).to_have_attribute("aria-current", "page")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390  # the table scrolls, not the page
    page.goto("/ho-so/")
    page.keyboard.press("Tab")  # the first stop is the skip link
    expect(page.get_by_role("link", name="Bỏ qua menu, tới nội dung")).to_be_focused()

    page.set_viewport_size({"width": 1366, "height": 768})
    page.goto(f"/ho-so/{NUMBER}/")
    page.emulate_media(media="print")
    expect(page.locator("header.bar")).to_be_hidden()
    expect(page.get_by_role("heading", name="Người có công")).to_be_visible()
    expect(page.get_by_role("button", name="Thêm thân nhân")).to_be_hidden()
    context.close()
