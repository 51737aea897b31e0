"""End-to-end (Chromium via Playwright): a leader opens the statistics, filters by a commune, clicks a bar of the
chart and lands on the list of exactly those dossiers, then downloads the table as Excel — with no breach of the
Content-Security-Policy on the way (the charts are SVG drawn on the server: no script, no inline style).

Skipped when /usr/bin/chromium is absent, unless HOSO_REQUIRE_BROWSER=1 (then it fails instead).
"""

import io
import re
from urllib.parse import parse_qs, urlsplit

import pytest
from openpyxl import load_workbook
from playwright.sync_api import expect

from hoso.access.permissions import Role
from hoso.records import services
from hoso.records.demo import ProvinceGenerator
from hoso.records.models import Dossier
from hoso.reports.places import Places
from hoso.reports.statistics import Slice, dossier_counts

from ..helpers import PASSWORD
from .conftest import gazetteer_units, today_unit  # noqa: F401  (the fixture is used by name)

pytestmark = pytest.mark.e2e

TIMEOUT_MS = 15_000
LISTEN = """window.__csp = [];
document.addEventListener("securitypolicyviolation", e => window.__csp.push(e.violatedDirective));"""


@pytest.fixture
def world(transactional_db, categories, gazetteer_units, make_user):  # noqa: F811
    services.bulk_register_dossiers(actor=None, seeds=ProvinceGenerator(people=500, seed=3), source="thử")
    return make_user(Role.LEADER, username="lanhdao", full_name="Võ Thị Lãnh Đạo")


def test_a_leader_filters_by_a_commune_clicks_a_bar_and_downloads_the_excel(world, browser, live_server, tmp_path):
    leader = world
    context = browser.new_context(base_url=live_server.url, locale="vi-VN", accept_downloads=True)
    context.set_default_timeout(TIMEOUT_MS)
    expect.set_options(timeout=TIMEOUT_MS)
    context.add_init_script(LISTEN)
    page = context.new_page()
    page.goto("/dang-nhap/")
    page.get_by_label("Tên đăng nhập").fill("lanhdao")
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    expect(page.get_by_role("heading", name="Tổng quan")).to_be_visible()

    page.get_by_role("navigation").get_by_role("link", name="Thống kê").click()
    expect(page.get_by_role("heading", name="Thống kê", exact=True)).to_be_visible()
    commune = today_unit("Xã Hải Lăng")
    page.get_by_label("Xã, phường (hiện nay)").select_option(label="Xã Hải Lăng")
    page.get_by_role("button", name="Xem").click()
    expect(page).to_have_url(re.compile(rf"commune={commune.pk}"))
    expected = dossier_counts(actor=leader, by=["category"], where=Slice(commune=commune.pk))
    assert expected.total > 0
    expect(page.locator(".lead a.total")).to_have_text(f"{expected.total:,}".replace(",", "."))

    # The longest bar of «Số hồ sơ theo diện đối tượng»: its count, then its list.
    code, count = max(((values[0], n) for values, n in expected.rows), key=lambda pair: pair[1])
    label = expected.labels.of("category", code)
    bar = page.locator("#fig-category svg a.bar-link", has=page.locator("title", has_text=f"{label}:"))
    expect(bar).to_have_count(1)
    bar.click()
    expect(page.get_by_role("heading", name="Hồ sơ", exact=True)).to_be_visible()
    query = parse_qs(urlsplit(page.url).query)
    assert query["category"] == [code] and query["commune"] == [str(commune.pk)]
    expect(page.locator("p.count")).to_contain_text(f"{count:,}".replace(",", ".") + " hồ sơ")
    expect(page.locator("p.drill")).to_contain_text("Xã Hải Lăng")
    expect(page.locator("#dossiers tbody tr")).to_have_count(min(count, 25))
    places = Places(leader)
    for number in page.locator("#dossiers tbody tr td.mono").all_inner_texts():  # each row is of that commune
        person = Dossier.objects.select_related("subject").get(number=number.strip()).subject
        assert places.commune_of(person.residence_unit_id, person.hometown_unit_id) == commune.pk

    page.go_back()
    expect(page.get_by_role("heading", name="Thống kê", exact=True)).to_be_visible()
    with page.expect_download() as download:
        page.locator("#fig-category").get_by_role("link", name="Tải bảng Excel").click()
    path = tmp_path / "thong-ke.xlsx"
    download.value.save_as(path)
    rows = list(load_workbook(io.BytesIO(path.read_bytes())).active.values)
    assert rows[-1] == ("Tổng cộng", expected.total)
    assert (label, count) in rows
    assert page.evaluate("window.__csp") == []
    context.close()
