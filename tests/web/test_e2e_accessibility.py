"""axe-core (from the npm registry, pinned in package-lock.json, never served) checks the pages a clerk uses most:
no serious or critical accessibility violation on home, search, list, dossier, viewer, loan and audit pages.

The browser context bypasses the Content-Security-Policy only to inject axe itself (test_e2e_csp.py checks the
policy). Skipped when /usr/bin/chromium is absent, unless HOSO_REQUIRE_BROWSER=1 (then it fails instead)."""

from pathlib import Path

import pytest

from hoso.access.permissions import Role
from hoso.archive import services as archive
from hoso.records import services as records
from hoso.records.models import Page
from hoso.vntext import PartialDate

from ..helpers import PASSWORD

pytestmark = [pytest.mark.e2e]

AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
NUMBER = "QTI/LS-07003/CM"
RUN = """async () => {
  const result = await axe.run(document, {resultTypes: ["violations"]});
  return result.violations.filter(v => v.impact === "serious" || v.impact === "critical")
    .map(v => v.id + " (" + v.impact + "): " + v.nodes.slice(0, 3).map(n => n.target.join(" ")).join(" | "));
}"""


@pytest.fixture
def world(transactional_db, categories, make_user):
    person = records.create_person(actor=None, full_name="Đặng Văn Chính", sex="nam", birth_date=PartialDate(1949))
    dossier = records.register_dossier(actor=None, number=NUMBER, category_code="LS", subject=person)
    Page.objects.create(dossier=dossier, sequence=1, state=Page.State.DONE, ocr_text="Giấy báo tử")
    admin = make_user(Role.ADMIN, username="quantri", full_name="Quản Trị")
    loan = archive.request_loan(actor=admin, dossier=dossier, purpose="Đối chiếu", paper_reason="Đối chiếu bút tích")
    return {"loan": loan}


def test_the_desk_pages_have_no_serious_accessibility_violation(world, browser, live_server):
    if not AXE.exists():
        pytest.fail(f"axe-core is missing ({AXE}): run `npm ci` (scripts/bootstrap.sh does)")
    context = browser.new_context(base_url=live_server.url, locale="vi-VN", bypass_csp=True)
    context.set_default_timeout(15_000)
    page = context.new_page()
    page.goto("/dang-nhap/")
    page.get_by_label("Tên đăng nhập").fill("quantri")
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    page.wait_for_url("**/")
    found = {}
    for url in ("/", "/tim-kiem/?q=dang+van+chinh", "/ho-so/", f"/ho-so/{NUMBER}/", f"/so-hoa/ho-so/{NUMBER}/",
                f"/muon/{world['loan'].pk}/", "/nhat-ky/", "/dang-nhap/"):
        if url == "/dang-nhap/":
            page.get_by_role("button", name="Đăng xuất").click()
        page.goto(url)
        page.add_script_tag(path=str(AXE))
        violations = page.evaluate(RUN)
        if violations:
            found[url] = violations
    context.close()
    assert found == {}
