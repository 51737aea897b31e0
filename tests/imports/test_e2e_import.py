"""A policy officer imports an old TCVN3 register in a real browser (Debian's Chromium via Playwright): upload,
preview in Unicode, fix one column's mapping, start, watch the progress page (htmx polling) turn into the report.

Skipped when /usr/bin/chromium is absent, unless HOSO_REQUIRE_BROWSER=1 (then it fails instead).
"""

import io
import re
from pathlib import Path

import pytest
from openpyxl import Workbook
from openpyxl.styles import Font
from playwright.sync_api import Page, expect

from hoso.access.permissions import Role
from hoso.records.models import Person
from hoso.vntext.legacy import Encoding, from_unicode

from ..helpers import PASSWORD

pytestmark = pytest.mark.e2e

TIMEOUT_MS = 15_000




@pytest.fixture
def page(browser, live_server, transactional_db, categories, blob_dir, settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend",
                                  "QUEUES": ["default", "capture"]}}  # the test plays the worker
    context = browser.new_context(base_url=live_server.url, locale="vi-VN")
    context.set_default_timeout(TIMEOUT_MS)
    expect.set_options(timeout=TIMEOUT_MS)
    yield context.new_page()
    context.close()


def tcvn3_register(path: Path) -> Path:
    book = Workbook()
    sheet = book.active
    sheet.append(["SỔ THEO DÕI LIỆT SĨ"])
    sheet.append(["STT", "Số hồ sơ", "Họ và tên", "Năm sinh", "Địa danh", "Loại đối tượng"])
    for row in (["1", "QTI/LS-00901/CM", "Hoàng Thị Thuỷ", "1951", "xã Triệu Long, huyện Triệu Phong", "Liệt sĩ"],
                ["2", "QTI/LS-00902/CM", "Đặng Văn Ước", "1949", "Hải Lăng", "Liệt sĩ"],
                ["3", "???", "Dòng Sai Số", "1950", "", "Liệt sĩ"]):
        sheet.append([from_unicode(v, Encoding.TCVN3) for v in row])
        for cell in sheet[sheet.max_row]:
            cell.font = Font(name=".VnTime")
    out = io.BytesIO()
    book.save(out)
    path.write_bytes(out.getvalue())
    return path


def test_import_a_tcvn3_register_and_read_the_report(page: Page, tmp_path, make_user):
    from hoso.imports.models import ImportRun
    from hoso.imports.services.runs import execute

    make_user(Role.POLICY_OFFICER, username="chinhsach", full_name="Phan Văn Chính Sách")
    page.goto("/dang-nhap/")
    page.get_by_label("Tên đăng nhập").fill("chinhsach")
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    page.get_by_role("navigation").get_by_role("link", name="Nhập sổ", exact=True).click()
    expect(page.get_by_role("heading", name="Nhập sổ theo dõi cũ")).to_be_visible()
    expect(page.get_by_text("Chưa có lần nhập sổ nào.")).to_be_visible()

    page.get_by_label("Tệp sổ theo dõi").set_input_files(str(tcvn3_register(tmp_path / "so-liet-si.xlsx")))
    page.get_by_role("button", name="Tải lên và xem trước").click()
    expect(page.get_by_role("heading", name="Xem trước sổ «so-liet-si.xlsx»")).to_be_visible()
    expect(page.locator("#layout")).to_contain_text("dòng tiêu đề: dòng 2")
    preview = page.locator("#preview")
    expect(preview).to_contain_text("Hoàng Thị Thuỷ")  # converted from TCVN3
    expect(preview).to_contain_text("Đặng Văn Ước")
    expect(preview.locator("td.encoding").nth(2)).to_have_text("TCVN3")
    expect(page.get_by_label("Cột B nhập vào trường")).to_have_value("number")

    page.get_by_label("Cột E nhập vào trường").select_option("hometown")  # a header the detection does not know
    page.get_by_role("button", name="Bắt đầu nhập").click()
    expect(page).to_have_url(re.compile(r"/nhap-so/\d+/tien-do/$"))
    expect(page.locator("#progress")).to_contain_text("Đang chờ chạy")

    run = ImportRun.objects.get()
    assert execute(run.pk) == "done"  # what `hoso worker` does; the page polls and moves on by itself
    expect(page).to_have_url(re.compile(r"/nhap-so/\d+/bao-cao/$"))
    expect(page.locator("#created")).to_have_text("2")
    expect(page.locator("#failed")).to_contain_text("1 (1 lỗi)")
    errors = page.locator("#errors tbody tr")
    expect(errors).to_have_count(1)
    expect(errors.first).to_contain_text("???")
    with page.expect_download() as download:
        page.get_by_role("link", name="Tải báo cáo Excel").click()
    assert download.value.suggested_filename == "bao-cao-so-liet-si.xlsx"
    assert Person.objects.get(full_name="Hoàng Thị Thuỷ").hometown_text == "xã Triệu Long, huyện Triệu Phong"


def test_a_dry_run_then_nhap_that_on_a_1366_px_screen(page: Page, tmp_path, make_user):
    from hoso.imports.models import ImportRun
    from hoso.imports.services.runs import execute

    from .legacy_registers import PEOPLE, write_xlsx

    page.set_viewport_size({"width": 1366, "height": 768})
    make_user(Role.POLICY_OFFICER, username="chinhsach", full_name="Phan Văn Chính Sách")
    page.goto("/dang-nhap/")
    page.get_by_label("Tên đăng nhập").fill("chinhsach")
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    page.goto("/nhap-so/")
    page.get_by_label("Tệp sổ theo dõi").set_input_files(str(write_xlsx(tmp_path / "so-tcvn3.xlsx", Encoding.TCVN3)))
    page.get_by_role("button", name="Tải lên và xem trước").click()

    expect(page.locator("#register-title")).to_contain_text("SỔ THEO DÕI HỒ SƠ NGƯỜI CÓ CÔNG")  # typed in .VnTimeH
    expect(page.get_by_role("columnheader", name="G. Nguyên quán")).to_be_visible()  # a header typed in .VnTime
    expect(page.locator("#preview")).to_contain_text("Lý Thanh Lễ")
    widths = page.evaluate("""() => { const box = document.querySelector('.preview-box');
        return [document.documentElement.scrollWidth, box.scrollWidth, box.clientWidth]; }""")
    assert widths[0] <= 1366 and widths[1] <= widths[2], widths  # no sideways scrolling, the whole table in view
    start = page.get_by_role("button", name="Bắt đầu nhập")
    start.scroll_into_view_if_needed()
    box = start.bounding_box()
    assert box and box["x"] + box["width"] <= 1366

    page.get_by_label("Chạy thử: kiểm tra và báo cáo, không lưu gì").check()
    start.click()
    dry = ImportRun.objects.get()
    assert execute(dry.pk) == "done"
    expect(page).to_have_url(re.compile(rf"/nhap-so/{dry.pk}/bao-cao/$"))
    expect(page.locator("#dry-run")).to_contain_text("Đây là lần chạy thử: không có gì được lưu.")
    expect(page.locator("#created")).to_have_text(str(len(PEOPLE)))
    assert Person.objects.count() == 0

    page.get_by_role("button", name="Nhập thật").click()
    real = ImportRun.objects.exclude(pk=dry.pk).get()
    expect(page).to_have_url(re.compile(rf"/nhap-so/{real.pk}/tien-do/$"))
    assert execute(real.pk) == "done"
    expect(page).to_have_url(re.compile(rf"/nhap-so/{real.pk}/bao-cao/$"))
    expect(page.locator("#created")).to_have_text(str(len(PEOPLE)))
    assert sorted(Person.objects.values_list("full_name", flat=True)) == sorted(row[2] for row in PEOPLE)
    assert real.file_sha256 == dry.file_sha256 and ImportRun.objects.count() == 2  # nothing uploaded again
