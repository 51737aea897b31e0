"""End-to-end journeys of a data-entry officer in a real browser (Debian's Chromium driven by Playwright).

Skipped when /usr/bin/chromium is absent, unless HOSO_REQUIRE_BROWSER=1 (then it fails instead).
"""

import re

import pytest
from playwright.sync_api import Page, expect

from hoso.access.permissions import Role
from hoso.records.models import Dossier, Person
from hoso.vntext import PartialDate

from ..helpers import PASSWORD

pytestmark = pytest.mark.e2e

TIMEOUT_MS = 10_000






@pytest.fixture
def page(browser, live_server):
    context = browser.new_context(base_url=live_server.url, locale="vi-VN")
    context.set_default_timeout(TIMEOUT_MS)
    expect.set_options(timeout=TIMEOUT_MS)
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture
def signed_in(page: Page, categories, make_user) -> Page:
    """Sign in through the login form as a data-entry officer created for the test."""
    make_user(Role.DATA_ENTRY, username="nhaplieu", full_name="Trần Thị Nhập Liệu")
    page.goto("/")
    expect(page).to_have_url(re.compile(r"/dang-nhap/\?next=/$"))
    page.get_by_label("Tên đăng nhập").fill("nhaplieu")
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    expect(page.get_by_role("heading", name="Tổng quan")).to_be_visible()
    expect(page.locator(".who")).to_have_text("Trần Thị Nhập Liệu")
    return page


def open_registration(page: Page) -> None:
    page.get_by_role("navigation").get_by_role("link", name="Đăng ký hồ sơ", exact=True).click()
    expect(page.get_by_role("heading", name="Đăng ký hồ sơ mới")).to_be_visible()


def test_register_a_martyr_dossier_then_find_it_without_accents(signed_in: Page):
    page = signed_in
    open_registration(page)
    page.get_by_label("Số hồ sơ").fill("QTI/LS-12345/CM")
    page.get_by_label("Diện đối tượng").select_option("LS")
    page.get_by_label("Họ và tên").fill("Lê Thị Hồng Đào")
    page.get_by_label("Ngày sinh").fill("5/1950")
    page.get_by_label("Nguyên quán (như ghi trong hồ sơ)").fill("xã Hải Thượng, huyện Hải Lăng, tỉnh Quảng Trị")
    page.get_by_role("button", name="Lưu hồ sơ").click()

    expect(page).to_have_url(re.compile(r"/ho-so/QTI/LS-12345/CM/$"))
    expect(page.get_by_role("status")).to_have_text("Đã đăng ký hồ sơ QTI/LS-12345/CM.")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Lê Thị Hồng Đào")
    expect(page.locator("dd", has_text="05/1950")).to_be_visible()
    expect(page.locator("dd", has_text="xã Hải Thượng, huyện Hải Lăng, tỉnh Quảng Trị")).to_be_visible()
    assert Person.objects.get(full_name="Lê Thị Hồng Đào").birth_date == PartialDate(1950, 5)

    page.get_by_role("navigation").get_by_role("link", name="Hồ sơ", exact=True).click()
    expect(page.get_by_role("heading", name="Hồ sơ", exact=True)).to_be_visible()
    filters = page.locator("form.filters")
    filters.get_by_label("Tên hoặc số hồ sơ").fill("dao")
    filters.get_by_role("button", name="Lọc").click()

    expect(page).to_have_url(re.compile(r"[?&]q=dao(&|$)"))
    rows = page.locator("#dossiers tbody tr")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("Lê Thị Hồng Đào")
    expect(rows.first).to_contain_text("QTI/LS-12345/CM")
    expect(rows.first).to_contain_text("05/1950")
    rows.first.get_by_role("link", name="Lê Thị Hồng Đào").click()
    expect(page).to_have_url(re.compile(r"/ho-so/QTI/LS-12345/CM/$"))


def test_impossible_date_is_explained_and_the_typing_is_kept(signed_in: Page):
    page = signed_in
    open_registration(page)
    page.get_by_label("Số hồ sơ").fill("QTI/LS-12346/CM")
    page.get_by_label("Diện đối tượng").select_option("LS")
    page.get_by_label("Họ và tên").fill("Võ Văn Kiệt Hùng")
    page.get_by_label("Ngày sinh").fill("31/02/1972")
    page.get_by_label("Nguyên quán (như ghi trong hồ sơ)").fill("xã Triệu Ái, huyện Triệu Phong")
    page.get_by_role("button", name="Lưu hồ sơ").click()

    expect(page.get_by_text("Vui lòng kiểm tra lại các ô được đánh dấu.")).to_be_visible()
    birth = page.locator(".field.invalid", has=page.get_by_label("Ngày sinh"))
    expect(birth.get_by_role("alert")).to_contain_text("Ngày không tồn tại: 31/02/1972")
    expect(page.get_by_label("Ngày sinh")).to_have_value("31/02/1972")
    expect(page.get_by_label("Số hồ sơ")).to_have_value("QTI/LS-12346/CM")
    expect(page.get_by_label("Diện đối tượng")).to_have_value("LS")
    expect(page.get_by_label("Họ và tên")).to_have_value("Võ Văn Kiệt Hùng")
    expect(page.get_by_label("Nguyên quán (như ghi trong hồ sơ)")).to_have_value("xã Triệu Ái, huyện Triệu Phong")
    assert not Dossier.objects.exists()

    # Correcting only the date is enough.
    page.get_by_label("Ngày sinh").fill("28/02/1972")
    page.get_by_role("button", name="Lưu hồ sơ").click()
    expect(page).to_have_url(re.compile(r"/ho-so/QTI/LS-12346/CM/$"))
    expect(page.locator("dd", has_text="28/02/1972")).to_be_visible()
