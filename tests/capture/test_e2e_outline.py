"""The human check of a photographed page in a real browser (Debian's Chromium via Playwright): the viewer shows the
outline found over the master photo; the operator drags one corner with the pointer, moves another by keyboard
(3 picks the corner, the arrow keys move it), saves; the page is flattened again from the untouched master with
those corners, and the viewer then says who set them. No Content-Security-Policy violation on the way.

Skipped when /usr/bin/chromium is absent, unless HOSO_REQUIRE_BROWSER=1 (then it fails instead).
"""

import pytest
from playwright.sync_api import expect

from hoso.access.permissions import Role
from hoso.capture import services
from hoso.capture.models import BatchItem
from hoso.capture.worker import run_worker
from hoso.core.blobs import blob_store
from hoso.core.events import AuditAction
from hoso.core.models import AuditEvent
from hoso.imaging.specimen import photographed_page
from hoso.records import services as records
from hoso.records.models import Page

from .test_e2e_pages import TIMEOUT_MS, idle, sign_in

pytestmark = pytest.mark.e2e
NUMBER = "QTI/LS-04323/CM"
LISTEN = """window.__csp = [];
document.addEventListener("securitypolicyviolation", e => window.__csp.push(e.violatedDirective));"""


@pytest.fixture
def photo(transactional_db, categories, make_user, tmp_path):
    """A dossier with one page photographed on a desk, taken in with a batch of photos and processed (no OCR)."""
    person = records.create_person(actor=None, full_name="Võ Thị Sáu", sex="nu")
    dossier = records.register_dossier(actor=None, number=NUMBER, category_code="LS", subject=person)
    operator = make_user(Role.DATA_ENTRY, username="nhaplieu", full_name="Trần Thị Nhập Liệu")
    path = tmp_path / "IMG_0041.jpg"
    photographed_page(seed=41, frame=(900, 1200), sentences=2, tilt=(5.0, -6.0), turn=1.5, desk="wood",
                      cover=0.7).image.save(path, quality=90)
    batch = services.start_batch(actor=operator, name="ảnh chụp", run_ocr=False, photos=True)
    services.receive_file(actor=operator, batch=batch, dossier=dossier, path=path, name=path.name)
    run_worker(until_empty=True)
    page = dossier.pages.get()
    assert page.state == Page.State.DONE
    return page, path.read_bytes()


@pytest.fixture
def page(browser, live_server):
    context = browser.new_context(base_url=live_server.url, locale="vi-VN", viewport={"width": 1280, "height": 1000})
    context.set_default_timeout(TIMEOUT_MS)
    expect.set_options(timeout=TIMEOUT_MS)
    context.add_init_script(LISTEN)
    page = context.new_page()
    yield page
    page.wait_for_load_state("networkidle")
    context.close()


def _value(page, name: str) -> float:
    return float(page.locator(f"#outline-{name}").input_value())


def test_drag_a_corner_move_another_by_keyboard_and_save(page, photo):
    stored, master = photo
    sign_in(page, "nhaplieu")
    page.goto(f"/so-hoa/ho-so/{NUMBER}/")
    idle(page)
    check = page.locator("#khung-trang")
    expect(check.locator("#outline-source")).to_contain_text("Khung trang do máy tìm thấy")
    page.get_by_text("Kiểm tra khung trang (ảnh chụp)").click()
    photo_image = page.locator("#outline-photo")
    expect(photo_image).to_have_attribute("src", f"/so-hoa/trang/{stored.pk}/anh-chup/")
    for _ in range(100):  # the master photo loads (wait_for_function would need eval, which the CSP forbids)
        if photo_image.evaluate("img => img.complete && img.naturalWidth > 0"):
            break
        page.wait_for_timeout(100)
    idle(page)
    start = {f"{axis}{n}": _value(page, f"{axis}{n}") for n in range(1, 5) for axis in "xy"}

    # Corner 1 (top left) dragged with the pointer, 40 × 30 screen pixels to the right and down.
    first = page.get_by_role("button", name="Góc 1: trên trái", exact=False)
    first.scroll_into_view_if_needed()
    box = first.bounding_box()
    scale = 900 / page.locator("#outline-figure").bounding_box()["width"]  # photo pixels per screen pixel
    x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    page.mouse.move(x, y)
    page.mouse.down()
    page.mouse.move(x + 20, y + 15, steps=4)
    page.mouse.move(x + 40, y + 30, steps=4)
    page.mouse.up()
    assert abs(_value(page, "x1") - (start["x1"] + 40 * scale)) < 2 * scale + 1
    assert abs(_value(page, "y1") - (start["y1"] + 30 * scale)) < 2 * scale + 1
    expect(first).to_be_focused()

    # Corner 3 (bottom right) picked with the key 3 and moved with the arrow keys (Shift: ten steps of 3 pixels).
    page.keyboard.press("3")
    third = page.get_by_role("button", name="Góc 3: dưới phải", exact=False)
    expect(third).to_be_focused()
    page.keyboard.press("Shift+ArrowLeft")
    page.keyboard.press("ArrowUp")
    page.keyboard.press("ArrowUp")
    assert _value(page, "x3") == pytest.approx(min(899.0, start["x3"] - 30), abs=0.11)
    assert _value(page, "y3") == pytest.approx(start["y3"] - 6, abs=0.11)
    expect(page.locator("#page-label")).to_have_text("Trang 1")  # the arrow keys moved the corner, not the page
    expect(third).to_have_attribute("aria-pressed", "true")
    saved = [[_value(page, f"x{n}"), _value(page, f"y{n}")] for n in range(1, 5)]
    assert saved[1] == [start["x2"], start["y2"]] and saved[3] == [start["x4"], start["y4"]]

    idle(page)
    page.get_by_role("button", name="Lưu khung trang và nắn phẳng lại").click()
    expect(page.locator(".messages")).to_contain_text("Đã lưu khung trang của trang 1")
    expect(page).to_have_url(f"/so-hoa/ho-so/{NUMBER}/?p=1#khung-trang")
    idle(page)
    item = BatchItem.objects.get(page=stored)
    assert item.outline["corners"] == saved and item.outline["by"] == "nhaplieu"
    assert Page.objects.get(pk=stored.pk).state == Page.State.QUEUED

    # The worker flattens the page again from the master; the viewer then says whose corners these are.
    before = stored.access_sha256
    page.goto("about:blank")  # no request while the worker writes (SQLite's shared in-memory test database)
    run_worker(until_empty=True)
    stored.refresh_from_db()
    assert stored.state == Page.State.DONE and stored.access_sha256 != before
    with blob_store().local_path(stored.master_sha256) as path:
        assert path.read_bytes() == master
    history = AuditEvent.objects.filter(action=AuditAction.PROCESS_PAGE, object_id=str(stored.pk)).latest("id")
    assert history.after["photo"]["corners"] == saved and history.after["photo"]["outline_by"]["username"] == "nhaplieu"
    page.goto(f"/so-hoa/ho-so/{NUMBER}/#khung-trang")
    idle(page)
    expect(page.locator("#outline-source")).to_contain_text("Khung trang do Trần Thị Nhập Liệu đặt")
    expect(page.locator("#khung-trang")).to_have_attribute("open", "")
    assert page.evaluate("window.__csp") == []
