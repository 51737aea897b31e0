"""End-to-end at 1366×768 and on a phone at 390×844 (Debian's Chromium driven by Playwright): an archivist sorts
the dossier list, ticks the dossiers of a page with «chọn tất cả», moves them into a box after a confirmation page,
then saves the list as a view, opens it again from elsewhere and deletes it.

Skipped when /usr/bin/chromium is absent, unless HOSO_REQUIRE_BROWSER=1 (then it fails instead)."""

import re

import pytest
from playwright.sync_api import expect

from hoso.access.permissions import Role
from hoso.archive import services as archive
from hoso.archive.models import Placement
from hoso.records import services as records
from hoso.vntext import PartialDate
from hoso.web.models import SavedView

from ..helpers import PASSWORD
from .test_e2e_accessibility import AXE, RUN

pytestmark = [pytest.mark.e2e]

TIMEOUT_MS = 15_000
NAMES = ["Trần Văn Bình", "Nguyễn Thị Ánh", "Lê Văn Đức", "Nguyễn Văn An"]


def axe_violations(page) -> list[str]:
    page.add_script_tag(path=str(AXE))
    return page.evaluate(RUN)


@pytest.fixture
def world(transactional_db, categories, make_user):
    for i, name in enumerate(NAMES):
        person = records.create_person(actor=None, full_name=name, birth_date=PartialDate(1945 + i))
        records.register_dossier(actor=None, number=f"QTI/LS-{801 + i:05d}/CM", category_code="LS", subject=person)
    person = records.create_person(actor=None, full_name="Hoàng Văn Thương", birth_date=PartialDate(1950))
    records.register_dossier(actor=None, number="QTI/BM-00900/CM", category_code="BM", subject=person)
    box = archive.create_location(actor=None, kind="kho", name="Kho A")
    for kind in ("gia", "tang", "hop"):
        box = archive.create_location(actor=None, kind=kind, parent=box)
    make_user(Role.ARCHIVIST, username="luutru", full_name="Phạm Văn Lưu Trữ")
    return box


@pytest.mark.parametrize("width, height", [(1366, 768), (390, 844)])
def test_bulk_move_and_a_saved_view(world, browser, live_server, width, height):
    box = world
    # bypass_csp only to inject axe-core (as tests/web/test_e2e_accessibility.py; the policy: test_e2e_csp.py)
    context = browser.new_context(base_url=live_server.url, locale="vi-VN", viewport={"width": width, "height": height},
                                  bypass_csp=True)
    context.set_default_timeout(TIMEOUT_MS)
    expect.set_options(timeout=TIMEOUT_MS)
    page = context.new_page()
    page.goto("/dang-nhap/")
    page.get_by_label("Tên đăng nhập").fill("luutru")
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    expect(page.get_by_role("heading", name="Tổng quan")).to_be_visible()

    # Only the martyrs' dossiers, sorted by number, newest first (header clicked twice).
    page.goto("/ho-so/")
    page.locator("form.filters").get_by_label("Diện").select_option("LS")
    page.locator("form.filters").get_by_role("button", name="Lọc").click()
    header = page.locator("#dossiers thead th", has_text="Số hồ sơ")
    header.get_by_role("link").click()
    expect(header).to_have_attribute("aria-sort", "ascending")
    page.locator("#dossiers thead th", has_text="Số hồ sơ").get_by_role("link").click()
    expect(page.locator("#dossiers thead th", has_text="Số hồ sơ")).to_have_attribute("aria-sort", "descending")
    expect(page).to_have_url(re.compile(r"category=LS.*sap_xep=-so"))
    numbers = page.locator("#dossiers tbody td.mono")
    expect(numbers).to_have_text([f"QTI/LS-{n:05d}/CM" for n in (804, 803, 802, 801)])

    # Tick the whole page with the keyboard, untick one, move the rest after confirming.
    select_all = page.get_by_label("Chọn tất cả hồ sơ trong trang này")
    expect(select_all).to_be_visible()  # shown by lists.js once it runs (focus() does not wait for that)
    select_all.focus()
    page.keyboard.press("Space")
    expect(page.locator("[data-picked]")).to_have_text("Đã chọn 4 hồ sơ")
    page.get_by_label("Chọn hồ sơ QTI/LS-00801/CM — Trần Văn Bình").uncheck()
    expect(page.locator("[data-picked]")).to_have_text("Đã chọn 3 hồ sơ")
    page.get_by_label("Với các hồ sơ đã chọn:").select_option(label="Chuyển vào hộp")
    page.get_by_role("button", name="Thực hiện…").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Chuyển vào hộp: 3 hồ sơ")
    expect(page.locator("#bulk-dossiers tbody tr")).to_have_count(3)
    assert not Placement.objects.exists()
    assert axe_violations(page) == []
    page.get_by_label("Mã hộp đích").fill(box.code)
    page.get_by_role("button", name=re.compile("^Xác nhận")).click()
    expect(page.get_by_role("status").first).to_have_text("Đã xử lý 3 hồ sơ.")
    expect(page).to_have_url(re.compile(r"/ho-so/\?.*category=LS.*sap_xep=-so"))  # back to the list as it was
    assert sorted(Placement.objects.values_list("dossier__number", flat=True)) == [
        "QTI/LS-00802/CM", "QTI/LS-00803/CM", "QTI/LS-00804/CM"]

    # Save the list as shown, open it again from the home page, then delete it.
    page.get_by_text("Lưu bộ lọc và cách sắp xếp hiện tại…").click()
    page.get_by_label("Tên bộ lọc").fill("Liệt sĩ, số mới trước")
    page.get_by_role("button", name="Lưu bộ lọc").click()
    expect(page.get_by_role("status").first).to_have_text("Đã lưu bộ lọc «Liệt sĩ, số mới trước».")
    assert SavedView.objects.get().query == "category=LS&sap_xep=-so"
    page.goto("/ho-so/")
    expect(page.locator("#dossiers tbody tr")).to_have_count(5)
    page.get_by_role("link", name="Liệt sĩ, số mới trước").click()
    expect(page.locator("#dossiers tbody td.mono")).to_have_text([f"QTI/LS-{n:05d}/CM" for n in (804, 803, 802, 801)])
    expect(page.get_by_role("link", name="Liệt sĩ, số mới trước")).to_have_attribute("aria-current", "true")
    page.get_by_text("Lưu bộ lọc và cách sắp xếp hiện tại…").click()
    assert axe_violations(page) == []
    page.get_by_role("button", name="Xóa bộ lọc «Liệt sĩ, số mới trước»").click()
    expect(page.get_by_role("status").first).to_have_text("Đã xóa bộ lọc «Liệt sĩ, số mới trước».")
    expect(page.get_by_text("Chưa có bộ lọc nào.")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= width  # on a phone the table scrolls, not the page
    context.close()
