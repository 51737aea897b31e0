"""The tablet capture journey in a real browser (Debian's Chromium via Playwright) at 768 × 1024: three shots are
taken, shown flattened, the second is retaken, and the three pages land in the dossier in order, as photos.

Skipped when /usr/bin/chromium is absent, unless HOSO_REQUIRE_BROWSER=1 (then it fails instead).
"""

import io
import re

import pytest
from playwright.sync_api import expect

from hoso.access.permissions import Role
from hoso.capture.models import Batch
from hoso.core.blobs import blob_store
from hoso.imaging.specimen import photographed_page
from hoso.records import services as records

from .test_e2e_pages import TIMEOUT_MS, sign_in

pytestmark = pytest.mark.e2e
NUMBER = "QTI/LS-04322/CM"


def shot(seed: int) -> bytes:
    out = io.BytesIO()
    photographed_page(seed=seed, frame=(900, 1200), sentences=2, tilt=(5.0, -4.0), turn=1.0,
                      desk=("wood", "check")[seed % 2]).image.save(out, "JPEG", quality=85)
    return out.getvalue()


@pytest.fixture
def tablet(browser, live_server):
    context = browser.new_context(base_url=live_server.url, locale="vi-VN", viewport={"width": 768, "height": 1024})
    context.set_default_timeout(TIMEOUT_MS)
    expect.set_options(timeout=TIMEOUT_MS)
    page = context.new_page()
    yield page
    page.wait_for_load_state("networkidle")
    context.close()


def test_three_shots_one_retaken_land_in_order(tablet, transactional_db, categories, make_user, tmp_path):
    person = records.create_person(actor=None, full_name="Phan Thị Lài", sex="nu")
    dossier = records.register_dossier(actor=None, number=NUMBER, category_code="LS", subject=person)
    make_user(Role.DATA_ENTRY, username="nhaplieu", full_name="Trần Thị Nhập Liệu")
    files = {}
    for i, seed in enumerate((31, 32, 33, 34), start=1):
        files[i] = tmp_path / f"IMG_{i:04d}.jpg"
        files[i].write_bytes(shot(seed))
    page = tablet
    sign_in(page, "nhaplieu")
    page.goto(f"/so-hoa/ho-so/{NUMBER}/tai-len/")
    page.get_by_role("link", name="Chụp ảnh trang bằng máy tính bảng").click()
    picker = page.get_by_label("Chụp trang")
    expect(picker).to_have_attribute("capture", "environment")
    picker.set_input_files([files[1], files[2], files[3]])
    shots = page.locator("#shots li")
    expect(shots).to_have_count(3)
    for i in range(3):
        expect(shots.nth(i).locator("img")).to_have_attribute("src", re.compile("^data:image/jpeg"))
    # Retake the second shot: the tablet's camera opens again (here: the retake input gets a new file).
    with page.expect_file_chooser() as chooser:
        shots.nth(1).get_by_role("button", name="Chụp lại").click()
    chooser.value.set_files(files[4])
    page.wait_for_load_state("networkidle")
    expect(shots.nth(1).locator("img")).to_have_attribute("alt", "Trang 2 sau khi nắn phẳng")
    page.get_by_role("button", name="Thêm 3 trang vào hồ sơ").focus()
    page.keyboard.press("Enter")
    expect(page.locator("#shoot-status")).to_have_text("Đã thêm 3 trang; đang xử lý.")
    pages = list(dossier.pages.order_by("sequence"))
    store = blob_store()
    masters = []
    for p in pages:
        with store.local_path(p.master_sha256) as path:
            masters.append(path.read_bytes())
    assert masters == [files[1].read_bytes(), files[4].read_bytes(), files[3].read_bytes()]
    assert Batch.objects.get(items__page=pages[0]).photos
