"""Shared fixtures: users of different roles and a small registered dossier, all made through the services;
and the real browser (Debian's Chromium driven by Playwright) of the end-to-end journeys."""

import os
from pathlib import Path

import pytest
from django.db import connections

from hoso.access.permissions import Role
from hoso.access.services import create_user, system_user
from hoso.records import services
from hoso.records.categories import CATEGORIES
from hoso.records.models import Category
from hoso.vntext import PartialDate

PASSWORD = "mat-khau-rat-dai-2025"


@pytest.fixture(autouse=True)
def _second_factor_only_where_tested(request, settings):
    """TOTP is required for administrators and archivists; tests of other things sign in without it."""
    if "totp" not in request.keywords:
        settings.HOSO_TOTP_REQUIRED_ROLES = []


@pytest.fixture
def actor(db):
    return system_user()


@pytest.fixture
def officer(db):
    """A policy officer for the whole province, not cleared for "mật" dossiers."""
    return create_user(actor=None, username="canbo", password=PASSWORD, full_name="Cán bộ chính sách",
                       role=Role.POLICY_OFFICER, scope_all=True)


@pytest.fixture
def admin_user(db):
    """An administrator cleared for "mật" dossiers."""
    return create_user(actor=None, username="quantri", password=PASSWORD, full_name="Quản trị", role=Role.ADMIN,
                       scope_all=True, secret_clearance=True)


@pytest.fixture
def martyr_dossier(actor):
    person = services.create_person(actor=actor, full_name="Nguyễn Văn Đức", sex="nam",
                                    birth_date=PartialDate(1950), death_date=PartialDate(1972, 5),
                                    hometown_text="xã Triệu Long, huyện Triệu Phong", aliases=["Ba Đức"])
    dossier = services.register_dossier(actor=actor, number="QTI/LS-07956/CM", category_code="LS", subject=person)
    services.set_martyr_facts(actor=actor, dossier=dossier, place_of_sacrifice="Thành cổ Quảng Trị",
                              unit="Trung đoàn 48", grave_status="da_tim_thay",
                              cemetery="Nghĩa trang liệt sĩ quốc gia Đường 9")
    return dossier


# ------------------------------------------------------------------------------ end-to-end journeys (browser)
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run"]


@pytest.fixture(scope="module")
def browser():
    """Headless Chromium for a module's journeys. Skipped when /usr/bin/chromium or Playwright is missing,
    unless HOSO_REQUIRE_BROWSER=1 (CI), which makes that a failure instead."""
    required = os.environ.get("HOSO_REQUIRE_BROWSER") == "1"
    if not CHROMIUM.exists():
        if required:
            pytest.fail(f"HOSO_REQUIRE_BROWSER=1 but {CHROMIUM} is missing", pytrace=False)
        pytest.skip(f"{CHROMIUM} is missing")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:  # pragma: no cover - the package is a test dependency
        if required:
            raise
        pytest.skip("the playwright package is not installed")
    # Playwright's sync API runs an event loop in this thread; Django's ORM must still be usable from it.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()
        # Inside sync_playwright() Django hands out other connection objects (context-local); close them so
        # that PostgreSQL can drop the test database at the end.
        connections.close_all()


@pytest.fixture
def categories(transactional_db):
    """The categories a migration loads. live_server's transactional tests flush the database after each test,
    and serialized_rollback cannot restore them: inside sync_playwright() the connection object is not the one
    that holds the serialized copy."""
    for order, (code, clause, name) in enumerate(CATEGORIES, start=1):
        Category.objects.update_or_create(code=code, defaults={"clause": clause, "name": name, "sort_order": order})
