"""Shared fixtures: the users of each role (made through access.services like the administrator's form would), a
small registered dossier and a dossier factory, a blob store of the test's own, a second hoso install run as
subprocesses, a local S3 server, and the real browser (Debian's Chromium driven by Playwright) of the end-to-end
journeys. Constants and the second install's class are in tests/helpers.py.

Every test hashes passwords with MD5 (Argon2 costs ~0.3 s a password): mark a test @pytest.mark.argon2 to keep
the production hashers (tests of signing in with a password and of password changes are marked so)."""

import itertools
import os
import uuid
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest
from django.core.servers.basehttp import WSGIServer
from django.db import connections
from django.test.testcases import LiveServerThread

from hoso.access.permissions import Role
from hoso.access.services import create_user, system_user
from hoso.core.blobs import reset_blob_store
from hoso.gazetteer.models import AdminUnit
from hoso.records import services
from hoso.records.categories import CATEGORIES
from hoso.records.models import Category
from hoso.vntext import PartialDate

from .helpers import PASSWORD, Install, install_env


@pytest.fixture(autouse=True)
def _second_factor_only_where_tested(request, settings):
    """TOTP is required for administrators and archivists; tests of other things sign in without it."""
    if "totp" not in request.keywords:
        settings.HOSO_TOTP_REQUIRED_ROLES = []


@pytest.fixture(autouse=True)
def _fast_password_hashing(request, settings):
    """Argon2 costs ~0.3 s per password hashed or checked; tests not about password storage use MD5."""
    if request.node.get_closest_marker("argon2") is None:
        settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


# ------------------------------------------------------------------------------------------------------ users
@pytest.fixture
def actor(db):
    return system_user()


@pytest.fixture
def make_user(db):
    """make_user(role, username=…, full_name=…, scope=…, clearance=…) → a user with the test PASSWORD.

    scope: "all" (the whole province, the default), None (no area at all), or one AdminUnit or a list of them.
    clearance: cleared for "mật" dossiers. Anything else (must_change_password=True) goes to create_user."""
    serial = itertools.count(1)

    def make(role: str, *, username: str | None = None, full_name: str = "", scope="all", clearance: bool = False,
             **extra):
        units = [] if scope in ("all", None) else [scope] if isinstance(scope, AdminUnit) else list(scope)
        return create_user(actor=None, username=username or f"{role}-{next(serial)}", password=PASSWORD,
                           full_name=full_name, role=role, scope_all=scope == "all", scope_units=units,
                           secret_clearance=clearance, **extra)

    return make


@pytest.fixture
def admin_user(make_user):
    """An administrator cleared for "mật" dossiers."""
    return make_user(Role.ADMIN, username="quantri", full_name="Quản trị", clearance=True)


@pytest.fixture
def officer(make_user):
    """A policy officer for the whole province, not cleared for "mật" dossiers."""
    return make_user(Role.POLICY_OFFICER, username="canbo", full_name="Cán bộ chính sách")


@pytest.fixture
def archivist(make_user):
    return make_user(Role.ARCHIVIST, username="luutru", full_name="Phạm Thị Lưu Trữ")


@pytest.fixture
def scanner(make_user):
    """A scanning operator (nhập liệu, số hóa) for the whole province."""
    return make_user(Role.DATA_ENTRY, username="soho", full_name="Người số hóa")


@pytest.fixture
def verifier(make_user):
    return make_user(Role.VERIFIER, username="kiemtra", full_name="Người kiểm tra")


@pytest.fixture
def leader(make_user):
    return make_user(Role.LEADER, username="lanhdao")


@pytest.fixture
def auditor(make_user):
    """Reads the audit trail and nothing else (no area)."""
    return make_user(Role.AUDITOR, username="kiemsoat", scope=None)


@pytest.fixture
def communes(db):
    """Two current communes of one province, "a" (Xã An Phú) and "b" (Xã Bình Minh): the area scopes of tests."""
    import datetime

    day = datetime.date(2025, 7, 1)
    province = AdminUnit.objects.create(code="44", name="Tỉnh Quảng Trị", name_folded="tinh quang tri",
                                        level="province", valid_from=day)
    return {key: AdminUnit.objects.create(code=code, name=name, name_folded=name.lower(), level="commune",
                                          parent=province, valid_from=day)
            for key, code, name in (("a", "90001", "Xã An Phú"), ("b", "90002", "Xã Bình Minh"))}


# ---------------------------------------------------------------------------------------------------- records
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


@pytest.fixture
def make_dossier(actor):
    """make_dossier(full_name, category=…, number=…, **dossier fields): numbered QTI/<category>-00500/CM onwards,
    the subject born in 1948."""
    serial = iter(range(500, 10_000))

    def make(full_name: str = "Trần Văn Bình", *, category: str = "LS", number: str | None = None,
             **dossier_fields):
        person = services.create_person(actor=actor, full_name=full_name, birth_date=PartialDate(1948))
        return services.register_dossier(actor=actor, number=number or f"QTI/{category}-{next(serial):05d}/CM",
                                         category_code=category, subject=person, **dossier_fields)

    return make


@pytest.fixture
def categories(transactional_db):
    """The categories a migration loads. live_server's transactional tests flush the database after each test,
    and serialized_rollback cannot restore them: inside sync_playwright() the connection object is not the one
    that holds the serialized copy."""
    for order, (code, clause, name) in enumerate(CATEGORIES, start=1):
        Category.objects.update_or_create(code=code, defaults={"clause": clause, "name": name, "sort_order": order})


# ------------------------------------------------------------------------------------------------------ files
@pytest.fixture
def blob_dir(settings, tmp_path):
    """A local blob store of the test's own, in tmp_path/blobs (the path)."""
    settings.HOSO_BLOB_BACKEND = "local"
    settings.HOSO_BLOB_DIR = tmp_path / "blobs"
    reset_blob_store()
    yield tmp_path / "blobs"
    reset_blob_store()


@pytest.fixture(scope="session")
def s3_endpoint():
    """A local S3-compatible server (moto): real HTTP for a real boto3 client. Each test makes its own bucket."""
    from moto.server import ThreadedMotoServer

    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    yield f"http://{host}:{port}"
    server.stop()


# ------------------------------------------------------------------------------------- a second hoso install
def _with_database(url: str, name: str) -> str:
    return urlunsplit(urlsplit(url)._replace(path=f"/{name}"))


@pytest.fixture(scope="module")
def make_install(tmp_path_factory):
    """make_install(name, **environment) → an empty hoso install (tests/helpers.py Install): a fresh data folder
    and, when the suite runs on PostgreSQL, a fresh database beside the configured one (dropped at the end of the
    module). Run `migrate` on it first."""
    configured = os.environ.get("DATABASE_URL", "").strip()
    created = []

    def make(name: str, **env: str) -> Install:
        data = tmp_path_factory.mktemp(name)
        url = None
        if configured.startswith("postgres"):
            import psycopg

            database = f"hoso_install_{uuid.uuid4().hex[:10]}"
            with psycopg.connect(_with_database(configured, "postgres"), autocommit=True) as admin:
                admin.execute(f'CREATE DATABASE "{database}"')
            created.append(database)
            url = _with_database(configured, database)
        return Install(data, install_env(data, url, **env), url)

    yield make
    if created:
        import psycopg

        with psycopg.connect(_with_database(configured, "postgres"), autocommit=True) as admin:
            for database in created:
                admin.execute(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')


# ------------------------------------------------------------------------------ end-to-end journeys (browser)
class _OneRequestAtATime(WSGIServer):
    """The live server of the browser journeys, serving one request at a time on SQLite. There the test's in-memory
    database is one connection that Django shares with every request thread of the live server: two requests that
    write at once (a page and the image it shows, each writing its audit event) would interleave their transactions
    on it ("cannot start a transaction within a transaction"). The product's server gives each thread a connection
    of its own to a file database, so this is the test harness's limit, not the product's."""

    def __init__(self, *args, connections_override=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.connections_override = connections_override  # the serving thread already uses them


@pytest.fixture(scope="session", autouse=True)
def _live_server_one_request_at_a_time_on_sqlite():
    from django.db import connection

    if connection.vendor == "sqlite":
        LiveServerThread.server_class = _OneRequestAtATime


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
