"""End-to-end: an officer asks for a paper original, the archivist approves and hands it over, the dossier page
shows who holds it, and taking it back closes the loan — two people in two Chromium windows (Playwright).
Also: labels scanned with a keyboard-wedge scanner into the search box and into the move form.

Skipped when /usr/bin/chromium is absent, unless HOSO_REQUIRE_BROWSER=1 (then it fails instead).
"""

import re

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from hoso.access.models import User
from hoso.access.permissions import Role
from hoso.archive import services as archive
from hoso.archive.models import Loan, Placement
from hoso.records import services
from hoso.vntext import PartialDate

from ..helpers import PASSWORD

pytestmark = pytest.mark.e2e

TIMEOUT_MS = 10_000
NUMBER = "QTI/LS-07956/CM"




@pytest.fixture
def world(transactional_db, categories, make_user):
    """Categories (live_server's flush removes what the migration loaded), two people and one dossier."""
    make_user(Role.POLICY_OFFICER, username="canbo", full_name="Nguyễn Thị Chính Sách")
    make_user(Role.ARCHIVIST, username="luutru", full_name="Phạm Văn Lưu Trữ")
    person = services.create_person(actor=None, full_name="Nguyễn Văn Đức", birth_date=PartialDate(1950))
    services.register_dossier(actor=None, number=NUMBER, category_code="LS", subject=person)


@pytest.fixture
def sign_in(browser, live_server, world):
    contexts = []

    def open_as(username: str) -> Page:
        context = browser.new_context(base_url=live_server.url, locale="vi-VN")
        context.set_default_timeout(TIMEOUT_MS)
        contexts.append(context)
        page = context.new_page()
        page.goto("/dang-nhap/")
        page.get_by_label("Tên đăng nhập").fill(username)
        page.get_by_label("Mật khẩu").fill(PASSWORD)
        page.get_by_role("button", name="Đăng nhập").click()
        expect(page.get_by_role("heading", name="Tổng quan")).to_be_visible()
        return page

    expect.set_options(timeout=TIMEOUT_MS)
    yield open_as
    for context in contexts:
        context.close()


def test_request_approve_check_out_see_the_holder_and_return(sign_in):
    detail = re.compile(r"/ho-so/QTI/LS-07956/CM/$")
    officer = sign_in("canbo")
    # A handheld scanner types the cover label's Code 128 into the header search box and presses Enter.
    officer.locator("#quick-q").press_sequentially(NUMBER, delay=5)
    officer.locator("#quick-q").press("Enter")
    expect(officer).to_have_url(detail)
    officer.get_by_role("link", name="Đề nghị mượn bản gốc").click()
    expect(officer.get_by_role("heading", name="Phiếu đề nghị mượn hồ sơ gốc")).to_be_visible()
    officer.get_by_label("Mục đích mượn").fill("Đối chiếu bút tích để điều chỉnh ngày sinh")
    officer.get_by_label("Phục vụ thủ tục").fill("Điều chỉnh thông tin cá nhân trong hồ sơ (Điều 130)")
    officer.get_by_role("button", name="Gửi đề nghị mượn").click()
    expect(officer.locator("#loan-state")).to_have_text("Chờ duyệt")
    loan = Loan.objects.get()

    archivist = sign_in("luutru")
    archivist.get_by_role("link", name="1 đề nghị chờ duyệt").click()
    archivist.get_by_role("link", name=f"Phiếu {loan.pk}", exact=True).click()
    archivist.get_by_role("button", name="Duyệt cho mượn").click()
    expect(archivist.locator("#loan-state")).to_have_text("Đã duyệt, chờ giao")
    expect(archivist.get_by_label("Hạn trả")).to_have_value(re.compile(r"^\d{2}/\d{2}/\d{4}$"))
    archivist.get_by_role("button", name="Giao hồ sơ").click()
    expect(archivist.get_by_role("status")).to_have_text(f"Đã giao hồ sơ {NUMBER} cho Nguyễn Thị Chính Sách.")
    expect(archivist.locator("#loan-state")).to_have_text("Đang mượn")

    since = timezone.localdate().strftime("%d/%m/%Y")
    officer.goto(f"/ho-so/{NUMBER}/")
    expect(officer.locator(".archive-panel .badge.loan")).to_have_text(
        f"Đang mượn: Nguyễn Thị Chính Sách từ {since}")
    expect(officer.get_by_role("link", name="Đề nghị mượn bản gốc")).to_have_count(0)
    archivist.get_by_role("navigation").get_by_role("link", name="Hồ sơ", exact=True).click()
    expect(archivist.locator("#dossiers tbody tr").first.locator(".badge.loan")).to_contain_text(since)

    # The paper comes back: scan it at the desk, check its condition, close the loan.
    archivist.get_by_role("navigation").get_by_role("link", name="Mượn hồ sơ").click()
    archivist.get_by_label("Quét hoặc gõ số hồ sơ được trả").fill(NUMBER)
    archivist.get_by_label("Quét hoặc gõ số hồ sơ được trả").press("Enter")
    expect(archivist).to_have_url(re.compile(rf"/muon/{loan.pk}/#nhan-tra$"))
    archivist.get_by_label("Tình trạng khi nhận lại").select_option("binh_thuong")
    archivist.get_by_role("button", name="Nhận trả").click()
    expect(archivist.get_by_role("status")).to_have_text(f"Đã nhận lại hồ sơ {NUMBER}; phiếu mượn đã đóng.")
    expect(archivist.locator("#loan-state")).to_have_text("Đã trả")
    loan.refresh_from_db()
    assert loan.state == Loan.State.RETURNED

    officer.reload()
    expect(officer).to_have_url(detail)
    expect(officer.locator(".archive-panel .badge.loan")).to_have_count(0)
    expect(officer.get_by_role("link", name="Đề nghị mượn bản gốc")).to_be_visible()


def test_scanning_a_box_label_then_covers_moves_them_in_one_action(sign_in):
    keeper = User.objects.get(username="luutru")
    kho = archive.create_location(actor=keeper, kind="kho")
    shelf = archive.create_location(actor=keeper, kind="tang",
                                    parent=archive.create_location(actor=keeper, kind="gia", parent=kho))
    box = archive.create_location(actor=keeper, kind="hop", parent=shelf, capacity=10)
    archivist = sign_in("luutru")
    archivist.get_by_role("navigation").get_by_role("link", name="Kho").click()
    archivist.get_by_role("link", name="Chuyển hồ sơ vào hộp").click()
    archivist.get_by_label("Hộp đích (quét nhãn hộp hoặc gõ mã)").press_sequentially(box.code + "\n", delay=5)
    scans = archivist.get_by_label("Hồ sơ cần chuyển vào hộp")
    expect(scans).to_be_focused()  # the scanner's Enter moved on to the list instead of submitting
    scans.press_sequentially(f"http://127.0.0.1:8000/ho-so/{NUMBER}/\n", delay=5)
    scans.press("Control+Enter")
    expect(archivist.get_by_role("status")).to_have_text(f"Đã chuyển 1 hồ sơ vào Hộp H001 ({box.code}).")
    assert Placement.objects.get().box == box
