"""A digitisation journey in a real browser (Debian's Chromium driven by Playwright): an operator uploads page
files (file picker and drag and drop), sees them processed, reorders them, groups pages into a document with
the keyboard and marks the data entered; a second person (verifier) marks it verified.

Skipped when /usr/bin/chromium is absent, unless HOSO_REQUIRE_BROWSER=1 (then it fails instead).
"""

import base64
import io
import re

import pytest
from PIL import Image
from playwright.sync_api import Page as BrowserPage
from playwright.sync_api import expect

from hoso.access.permissions import Role
from hoso.capture.worker import run_worker
from hoso.records import services as records
from hoso.records.models import Dossier, Page

from ..helpers import PASSWORD

pytestmark = pytest.mark.e2e

TIMEOUT_MS = 15_000
NUMBER = "QTI/LS-04321/CM"


def png(shade: int) -> bytes:
    buffer = io.BytesIO()
    Image.new("L", (480, 640), shade).save(buffer, "PNG")
    return buffer.getvalue()




@pytest.fixture
def world(transactional_db, categories, make_user):
    """Categories (flushed between live-server tests), a dossier, an operator and a verifier (the blob store is
    the test's own: tests/capture/conftest.py)."""
    person = records.create_person(actor=None, full_name="Hoàng Văn Thụ", sex="nam")
    dossier = records.register_dossier(actor=None, number=NUMBER, category_code="LS", subject=person)
    make_user(Role.DATA_ENTRY, username="nhaplieu", full_name="Trần Thị Nhập Liệu")
    make_user(Role.VERIFIER, username="kiemtra", full_name="Lê Văn Kiểm Tra")
    return dossier


@pytest.fixture
def page(browser, live_server):
    # Tall enough that the thumbnail strip does not scroll while a thumbnail is dragged.
    context = browser.new_context(base_url=live_server.url, locale="vi-VN", viewport={"width": 1400, "height": 1000})
    context.set_default_timeout(TIMEOUT_MS)
    expect.set_options(timeout=TIMEOUT_MS)
    page = context.new_page()
    yield page
    page.wait_for_load_state("networkidle")
    context.close()


def sign_in(page: BrowserPage, username: str) -> None:
    page.goto("/dang-nhap/")
    page.get_by_label("Tên đăng nhập").fill(username)
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    expect(page.get_by_role("heading", name="Tổng quan")).to_be_visible()


def idle(page: BrowserPage) -> None:
    """Let the page's image requests finish before the next step: the test database (SQLite in memory, shared
    cache) refuses concurrent writers instead of waiting, and every image request writes the audit trail."""
    page.wait_for_load_state("networkidle")


def drop_files(page: BrowserPage, selector: str, files: dict[str, bytes]) -> None:
    """Drop files on an element as a user dragging them from the desktop would."""
    payload = [{"name": name, "data": base64.b64encode(data).decode()} for name, data in files.items()]
    page.evaluate("""([selector, files]) => {
        const transfer = new DataTransfer();
        for (const f of files) {
            const bytes = Uint8Array.from(atob(f.data), c => c.charCodeAt(0));
            transfer.items.add(new File([bytes], f.name, {type: f.name.endsWith(".png") ? "image/png" : "text/plain"}));
        }
        const target = document.querySelector(selector);
        for (const type of ["dragenter", "dragover", "drop"]) {
            target.dispatchEvent(new DragEvent(type, {dataTransfer: transfer, bubbles: true, cancelable: true}));
        }
    }""", [selector, payload])


def test_upload_reorder_group_and_verify(page: BrowserPage, world: Dossier, tmp_path):
    dossier = world
    sign_in(page, "nhaplieu")
    page.goto(f"/ho-so/{NUMBER}/")
    page.get_by_role("link", name="Tải ảnh trang lên").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Tải ảnh trang lên")

    # Two files through the picker, then two more dropped on the drop zone (one is not an image).
    page.get_by_label("Nhận dạng chữ (OCR)").uncheck()  # processing without OCR keeps the journey fast
    for name, shade in (("trang-1.png", 240), ("trang-2.png", 200)):
        (tmp_path / name).write_bytes(png(shade))
    page.get_by_label("Chọn tệp ảnh trang").set_input_files([tmp_path / "trang-1.png", tmp_path / "trang-2.png"])
    page.get_by_role("button", name="Tải lên").click()
    expect(page.locator("#overall-text")).to_have_text("Xong: 2 tệp đã gửi.")
    expect(page.locator("#file-list li")).to_have_count(2)
    expect(page.locator("#file-list li").nth(1)).to_contain_text("Đã nhận 1 trang (trang 2)")
    page.get_by_label("Nhận dạng chữ (OCR)").uncheck()
    drop_files(page, "#dropzone", {"trang-3.png": png(160), "ghi-chu.txt": b"khong phai anh"})
    expect(page.locator("#overall-text")).to_have_text("Xong: 2 tệp đã gửi.")
    expect(page.locator("#refused")).to_contain_text("ghi-chu.txt")
    expect(page.locator("#refused")).to_contain_text("không phải ảnh quét hay PDF")
    assert list(dossier.pages.order_by("sequence").values_list("original_name", flat=True)) == [
        "trang-1.png", "trang-2.png", "trang-3.png"]

    # The pages appear with their state (the list polls while they wait) and change as they are processed.
    items = page.locator("#batch-items")
    expect(items).to_contain_text("Chờ xử lý")
    expect(items).to_contain_text("0/1 trang đã xử lý")
    batch_url = page.get_by_role("link", name="Xem đợt số hóa").get_attribute("href")
    page.goto("about:blank")  # no polling while the worker writes (SQLite's shared in-memory test database)
    run_worker(until_empty=True)
    assert set(Page.objects.values_list("state", flat=True)) == {Page.State.DONE}
    page.goto(batch_url)
    idle(page)
    expect(page.locator(".stage-counts")).to_contain_text("Hoàn tất 1")
    expect(page.locator(".notice")).to_contain_text("ghi-chu.txt")

    # The viewer: next/previous with the keyboard, zoom, then reorder by dragging a thumbnail.
    page.goto(f"/so-hoa/ho-so/{NUMBER}/")
    expect(page.locator("#page-label")).to_have_text("Trang 1")
    expect(page.locator("#page-image")).to_be_in_viewport()
    expect(page.locator("#canvas")).to_be_focused()  # the image, so its keys work at once
    idle(page)
    page.keyboard.press("ArrowRight")
    expect(page.locator("#page-label")).to_have_text("Trang 2")
    expect(page.locator("#canvas")).to_be_focused()
    page.keyboard.press("Enter")  # into the document form
    expect(page.get_by_label("Tên loại văn bản")).to_be_focused()
    idle(page)
    page.keyboard.press("PageUp")  # pages on from the form too (nothing typed: no question)
    expect(page.locator("#page-label")).to_have_text("Trang 1")
    idle(page)
    page.keyboard.press("PageDown")
    expect(page.locator("#page-label")).to_have_text("Trang 2")
    idle(page)
    page.locator("#canvas").focus()
    page.keyboard.press("+")
    expect(page.locator("#zoom-level")).to_have_text("125%")
    page.keyboard.press("0")
    expect(page.locator("#zoom-level")).to_have_text("100%")
    page.keyboard.press("d")  # the readability view of faded ink, computed on the server
    expect(page.locator("#page-image")).to_have_attribute("src", re.compile(r"\?xem=ro$"))
    expect(page.get_by_role("button", name="Rõ chữ")).to_have_attribute("aria-pressed", "true")
    image = page.locator("#page-image")
    for _ in range(100):  # the derived image loads (wait_for_function would need eval, which the CSP forbids)
        if image.evaluate("img => img.complete && img.naturalWidth > 0 && img.src.endsWith('?xem=ro')"):
            break
        page.wait_for_timeout(100)
    assert image.evaluate("img => img.naturalWidth") > 0
    page.get_by_role("button", name="Ảnh gốc").click()
    expect(page.locator("#page-image")).not_to_have_attribute("src", re.compile(r"xem="))
    third = Page.objects.get(dossier=dossier, original_name="trang-3.png")
    with page.expect_navigation():  # the order is saved, then the viewer reloads
        page.locator(f'.thumb[data-page="{third.pk}"]').drag_to(page.locator(".thumb").first)
    expect(page.locator(".thumb").first).to_have_attribute("data-page", str(third.pk))
    idle(page)
    assert list(dossier.pages.order_by("sequence").values_list("original_name", flat=True)) == [
        "trang-3.png", "trang-1.png", "trang-2.png"]
    # …and with the move buttons: the last page one place up.
    page.get_by_role("button", name="Đưa trang 3 lên trước").click()
    expect(page.locator(".messages")).to_contain_text("Đã chuyển trang tới vị trí 2")
    idle(page)
    assert list(dossier.pages.order_by("sequence").values_list("original_name", flat=True)) == [
        "trang-3.png", "trang-2.png", "trang-1.png"]

    # Group pages 1–2 into a document with the keyboard only: Esc cancels, Enter saves and moves on.
    page.goto(f"/so-hoa/ho-so/{NUMBER}/?p=1")
    idle(page)
    doc_type = page.get_by_label("Tên loại văn bản")
    page.keyboard.press("n")  # from the image into the form
    expect(doc_type).to_be_focused()
    page.keyboard.type("Nhầm")
    page.keyboard.press("Escape")
    expect(doc_type).to_have_value("")
    expect(page.locator("#canvas")).to_be_focused()
    page.locator(".thumb").nth(1).locator("a").click(modifiers=["Shift"])  # pick pages 1–2
    expect(page.get_by_label("Đến trang")).to_have_value("2")
    expect(doc_type).to_be_focused()
    page.keyboard.type("Giấy báo tử")
    page.keyboard.press("Tab")
    page.keyboard.type("125")
    page.keyboard.press("Tab")
    page.keyboard.type("GBT")
    page.keyboard.press("Tab")
    page.keyboard.type("5/1972")
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"\?p=3#nhap$"))
    expect(page.locator(".messages")).to_contain_text("Đã lưu văn bản số 1 (Giấy báo tử), trang 1–2")
    expect(doc_type).to_be_focused()  # data entry goes on with the next page
    idle(page)
    document = dossier.documents.get()
    assert (document.number, document.symbol, document.issued_on.display()) == ("125", "GBT", "05/1972")
    assert list(dossier.pages.order_by("sequence").values_list("document_id", flat=True)) == [
        document.pk, document.pk, None]

    # The dossier was marked scanned when its access copy was built; the operator marks the data entered.
    page.goto("about:blank")
    run_worker(until_empty=True)
    page.goto(f"/so-hoa/ho-so/{NUMBER}/?p=3")
    idle(page)
    page.get_by_role("button", name="Đánh dấu «Đã nhập liệu»").click()
    expect(page.locator(".messages")).to_contain_text("đã chuyển sang «Đã nhập liệu»")
    expect(page.get_by_role("button", name="Đánh dấu «Đã kiểm tra»")).to_have_count(0)  # not the operator's step

    # A second person compares the data with the images and marks it verified.
    idle(page)
    with page.expect_navigation():
        page.get_by_role("button", name="Đăng xuất").click()
    expect(page.get_by_label("Tên đăng nhập")).to_be_visible()
    sign_in(page, "kiemtra")
    page.goto(f"/so-hoa/ho-so/{NUMBER}/")
    expect(page.locator("#page-image")).to_be_visible()
    idle(page)
    page.get_by_role("button", name="Đánh dấu «Đã kiểm tra»").click()
    expect(page.locator(".messages")).to_contain_text("đã chuyển sang «Đã kiểm tra»")
    dossier.refresh_from_db()
    assert dossier.status == Dossier.Status.VERIFIED


def test_upload_without_javascript(browser, live_server, world: Dossier, tmp_path):
    """The plain multi-file form: the files are taken in and the batch page lists them, refused ones with why."""
    context = browser.new_context(base_url=live_server.url, locale="vi-VN", java_script_enabled=False)
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    try:
        sign_in(page, "nhaplieu")
        page.goto(f"/so-hoa/ho-so/{NUMBER}/tai-len/")
        (tmp_path / "a.png").write_bytes(png(230))
        (tmp_path / "b.pdf").write_bytes(b"%PDF-1.4 hong")
        page.get_by_label("Chọn tệp ảnh trang").set_input_files([tmp_path / "a.png", tmp_path / "b.pdf"])
        page.get_by_role("button", name="Tải lên").click()
        expect(page).to_have_url(re.compile(r"/so-hoa/dot/\d+/$"))
        expect(page.locator(".messages")).to_contain_text("Đã nhận 1 trang; 1 tệp không nhận")
        expect(page.locator(".notice")).to_contain_text("b.pdf")
        expect(page.locator("table.items")).to_contain_text("Chờ xử lý")
        assert list(world.pages.values_list("original_name", flat=True)) == ["a.png"]
    finally:
        context.close()
