"""Issue 13, "Lower": the UI passes its Content-Security-Policy in a real browser (Debian's Chromium driven by
Playwright). An archivist signs in through the second-factor setup (the QR code is inline SVG), then walks the
pages of the product — search as you type (htmx), a dossier, digitisation, the archive, loans, transfers, the
password change — and an administrator the user pages; the browser's console must report no policy violation, and
no `securitypolicyviolation` event may fire.

Skipped when /usr/bin/chromium is absent, unless HOSO_REQUIRE_BROWSER=1 (then it fails instead).
"""

import re

import pytest
from django_otp.oath import totp
from playwright.sync_api import Page, expect

from hoso.access.models import User
from hoso.access.permissions import Role
from hoso.access.services import totp_device
from hoso.records import services as records
from hoso.vntext import PartialDate

from ..helpers import PASSWORD

pytestmark = [pytest.mark.e2e, pytest.mark.totp]

TIMEOUT_MS = 15_000
NUMBER = "QTI/LS-07001/CM"
# Recorded in the page before any of its own scripts run (Playwright's init scripts are not subject to the policy).
LISTEN = """window.__csp = [];
document.addEventListener("securitypolicyviolation",
  e => window.__csp.push(e.violatedDirective + " " + (e.blockedURI || "inline") + " " + (e.sourceFile || "")));"""


@pytest.fixture
def world(transactional_db, categories, make_user):
    person = records.create_person(actor=None, full_name="Đặng Văn Chính", sex="nam", birth_date=PartialDate(1949))
    records.register_dossier(actor=None, number=NUMBER, category_code="LS", subject=person)
    make_user(Role.ARCHIVIST, username="luutru", full_name="Phạm Thị Lưu Trữ")
    make_user(Role.ADMIN, username="quantri", full_name="Quản Trị")


@pytest.fixture
def browser_context(browser, live_server):
    context = browser.new_context(base_url=live_server.url, locale="vi-VN")
    context.set_default_timeout(TIMEOUT_MS)
    expect.set_options(timeout=TIMEOUT_MS)
    context.add_init_script(LISTEN)
    yield context
    context.close()


class Console:
    """Every console message and page error of a page, and its recorded policy violations, page by page."""

    def __init__(self, page: Page):
        self.page, self.messages, self.violations = page, [], []
        page.on("console", lambda m: self.messages.append(f"{m.type}: {m.text} ({page.url})"))
        page.on("pageerror", lambda e: self.messages.append(f"pageerror: {e} ({page.url})"))

    def collect(self) -> None:
        self.violations += [f"{v} ({self.page.url})" for v in self.page.evaluate("window.__csp || []")]

    def problems(self) -> list[str]:
        refused = [m for m in self.messages
                   if "Content Security Policy" in m or "Refused to" in m or m.startswith("pageerror")]
        return refused + self.violations


def visit(page: Page, console: Console, url: str, heading: str = "") -> None:
    response = page.goto(url)
    assert response is not None and response.status == 200, url
    assert "frame-ancestors 'none'" in response.headers["content-security-policy"]
    if heading:
        expect(page.get_by_role("heading", level=1).first).to_contain_text(heading)
    page.wait_for_load_state("networkidle")
    console.collect()


def sign_in_with_second_factor(page: Page, console: Console, username: str) -> None:
    page.goto("/")
    page.get_by_label("Tên đăng nhập").fill(username)
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    expect(page).to_have_url(re.compile(r"/xac-thuc/cai-dat/"))
    expect(page.locator("svg").first).to_be_visible()  # the QR code
    console.collect()
    device = totp_device(User.objects.get(username=username))
    page.get_by_label("Mã 6 số trong ứng dụng xác thực").fill(
        f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}")
    page.get_by_role("button", name="Bật xác thực hai lớp").click()
    expect(page.get_by_role("status").first).to_have_text("Đã bật xác thực hai lớp.")
    console.collect()


def test_lower_csp_the_ui_passes_its_content_security_policy(world, browser_context, live_server):
    page = browser_context.new_page()
    console = Console(page)
    visit(page, console, "/dang-nhap/", "Đăng nhập")
    sign_in_with_second_factor(page, console, "luutru")

    # Search as you type (htmx swaps the results in; no inline style or eval allowed).
    quick = page.locator("#quick-q")
    quick.press_sequentially("dang van chinh", delay=30)
    expect(page.locator("#quick-results a.hit").first).to_be_visible()
    console.collect()
    visit(page, console, "/tim-kiem/?q=chinh", "Tìm hồ sơ")
    page.locator("#search-q").fill("dang van")
    expect(page.locator("#results a.hit").first).to_be_visible()
    console.collect()
    visit(page, console, f"/ho-so/{NUMBER}/", "Đặng Văn Chính")
    visit(page, console, "/ho-so/", "Hồ sơ")
    visit(page, console, f"/so-hoa/ho-so/{NUMBER}/")  # the page viewer (viewer.js)
    visit(page, console, f"/so-hoa/ho-so/{NUMBER}/tai-len/")  # the upload page (capture.js)
    visit(page, console, "/so-hoa/")
    visit(page, console, "/kho/")
    visit(page, console, "/muon/")
    visit(page, console, "/chuyen-ho-so/")
    visit(page, console, "/doi-mat-khau/", "Đổi mật khẩu")
    page.goto("/trang-khong-co/")
    console.collect()

    admin = browser_context.browser.new_context(base_url=live_server.url, locale="vi-VN")
    admin.add_init_script(LISTEN)
    admin.set_default_timeout(TIMEOUT_MS)
    admin_page = admin.new_page()
    admin_console = Console(admin_page)
    sign_in_with_second_factor(admin_page, admin_console, "quantri")
    visit(admin_page, admin_console, "/quan-tri/nguoi-dung/", "Người dùng")
    visit(admin_page, admin_console, "/quan-tri/nguoi-dung/moi/")
    visit(admin_page, admin_console, "/nhat-ky/")
    admin.close()

    assert console.problems() + admin_console.problems() == []
