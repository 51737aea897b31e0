"""End-to-end: the archivist opens a dossier, starts a transfer to another province, prints the slip, marks it
sent with the package attached, then received; the transfers page and the dossier page show where it stands.
Chromium via Playwright; skipped when /usr/bin/chromium is absent (unless HOSO_REQUIRE_BROWSER=1)."""

import os
import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from hoso.access.permissions import Role
from hoso.procedures.models import Transfer
from hoso.records import services
from hoso.vntext import PartialDate

from ..helpers import PASSWORD

pytestmark = pytest.mark.e2e

TIMEOUT_MS = 10_000
NUMBER = "QTI/LS-07956/CM"
SHOTS = os.environ.get("HOSO_SCREENSHOTS")  # a folder: keep screenshots of the pages for a human to look at


@pytest.fixture
def world(transactional_db, blob_dir, categories, make_user):
    make_user(Role.ARCHIVIST, username="luutru", full_name="Phạm Văn Lưu Trữ")
    person = services.create_person(actor=None, full_name="Nguyễn Văn Đức", birth_date=PartialDate(1950),
                                    hometown_text="xã Triệu Long")
    services.register_dossier(actor=None, number=NUMBER, category_code="LS", subject=person)


def _shot(page, name: str) -> None:
    if SHOTS:
        page.screenshot(path=str(Path(SHOTS) / f"{name}.png"), full_page=True)


def test_transfer_a_dossier_print_the_slip_send_it_and_see_it_received(browser, live_server, world):
    expect.set_options(timeout=TIMEOUT_MS)
    context = browser.new_context(base_url=live_server.url, locale="vi-VN", accept_downloads=True)
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    page.goto("/dang-nhap/")
    page.get_by_label("Tên đăng nhập").fill("luutru")
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    page.goto(f"/ho-so/{NUMBER}/")
    _shot(page, "dossier")
    with page.expect_download() as download:
        page.get_by_role("button", name="Xuất gói").click()
    assert download.value.suggested_filename == "QTI-LS-07956-CM.zip"

    page.get_by_role("link", name="Di chuyển hồ sơ sang tỉnh khác").click()
    page.get_by_label("Chuyển đến tỉnh, thành phố").fill("Hà Tĩnh")
    page.get_by_label("Cơ quan nhận hồ sơ").fill("Sở Nội vụ tỉnh Hà Tĩnh")
    page.get_by_label("Lý do di chuyển").fill("Chuyển nơi cư trú")
    _shot(page, "create")
    page.get_by_role("button", name="Lập phiếu").click()
    expect(page.locator("#transfer-state")).to_have_text("Đã lập phiếu, chờ gửi")
    expect(page.locator("#windows")).to_contain_text("còn 12 ngày làm việc")
    href = page.get_by_role("link", name=re.compile("In phiếu báo di chuyển")).get_attribute("href")
    slip = page.request.get(href)
    assert slip.headers["content-type"] == "application/pdf"

    page.get_by_role("button", name="Đánh dấu đã gửi").click()
    expect(page.locator("#transfer-state")).to_have_text("Đã gửi")
    expect(page.get_by_role("link", name=re.compile("Tải gói hồ sơ đã gửi"))).to_be_visible()
    _shot(page, "sent")
    page.get_by_role("button", name="Nơi nhận đã tiếp nhận").click()
    expect(page.locator("#transfer-state")).to_have_text("Nơi nhận đã tiếp nhận")

    page.get_by_role("navigation").get_by_role("link", name="Di chuyển").click()
    expect(page.locator("#closed-transfers")).to_contain_text("Nguyễn Văn Đức")
    _shot(page, "list")
    page.goto(f"/ho-so/{NUMBER}/")
    expect(page.locator("#transfer-actions")).to_contain_text("nơi nhận đã tiếp nhận")
    context.close()
    transfer = Transfer.objects.get()
    assert transfer.state == Transfer.State.RECEIVED and transfer.package_sha256
