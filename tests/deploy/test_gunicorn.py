"""The production recipe runs: gunicorn started with deploy/gunicorn.conf.py and the production settings on a fresh
PostgreSQL database of its own (migrate, collectstatic, a user and a dossier made by `hoso` commands), then a smoke
journey over real HTTP — sign-in with its CSRF token, home, search, the dossier, a static file — and a clean stop.

Only on PostgreSQL (the suite runs there when DATABASE_URL is set): production is PostgreSQL; on SQLite the test is
skipped."""

import http.cookiejar
import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

from ..helpers import PASSWORD

ROOT = Path(__file__).resolve().parents[2]
GUNICORN = Path(sys.executable).parent / "gunicorn"

pytestmark = pytest.mark.skipif(
    not os.environ.get("DATABASE_URL", "").startswith("postgres"),
    reason="the production recipe runs on PostgreSQL: set DATABASE_URL=postgres://… to run this test")

# Made through the services, as `hoso shell` runs them on the install (its own database and settings).
SETUP = f"""
from hoso.access.services import create_user, system_user
from hoso.records import services
from hoso.vntext import PartialDate
create_user(actor=None, username="canbo", password={PASSWORD!r}, full_name="Cán bộ chính sách",
            role="policy_officer", scope_all=True)
actor = system_user()
person = services.create_person(actor=actor, full_name="Nguyễn Văn Đức", sex="nam", birth_date=PartialDate(1950),
                                death_date=PartialDate(1972, 5), hometown_text="xã Triệu Long, huyện Triệu Phong")
services.register_dossier(actor=actor, number="QTI/LS-07956/CM", category_code="LS", subject=person)
"""


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Browser:
    """Cookies kept, redirects followed; every response as (status, headers, text)."""

    def __init__(self, base: str) -> None:
        self.base, self.jar = base, http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar))

    def get(self, path: str, **headers: str):
        return self._open(urllib.request.Request(self.base + path, headers=headers))

    def post(self, path: str, fields: dict[str, str], **headers: str):
        body = urllib.parse.urlencode(fields).encode()
        return self._open(urllib.request.Request(self.base + path, data=body, headers=headers))

    def _open(self, request):
        try:
            with self.opener.open(request, timeout=30) as response:
                return response.status, response.headers, response.read().decode("utf-8", "replace")
        except urllib.error.HTTPError as error:
            return error.code, error.headers, error.read().decode("utf-8", "replace")

    def cookie(self, name: str) -> str:
        return next(c.value for c in self.jar if c.name == name)


def _wait_until_serving(server: subprocess.Popen, port: int, log: Path) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        assert server.poll() is None, f"gunicorn exited: {log.read_text()[-3000:]}"
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            time.sleep(0.2)
    raise AssertionError("gunicorn did not listen within 30 s")


def test_gunicorn_serves_the_smoke_journey_with_production_settings(make_install):
    port = _free_port()
    install = make_install("gunicorn", HOSO_DEBUG="0", HOSO_SECRET_KEY="deploy-test-key-not-for-production",
                           HOSO_ALLOWED_HOSTS="127.0.0.1", HOSO_TRUSTED_PROXIES="127.0.0.1",
                           HOSO_WEB_BIND=f"127.0.0.1:{port}", HOSO_WEB_WORKERS="2", HOSO_WEB_THREADS="2")
    install.run("migrate", "--verbosity", "0")
    install.run("collectstatic", "--noinput", "--verbosity", "0")
    assert (install.data / "static" / "hoso" / "hoso.css.gz").exists()  # compressed copies for nginx' gzip_static
    install.run("shell", "--command", SETUP)
    install.run("check", "--deploy")  # exits non-zero on an error; warnings (plain-HTTP cookies here) are allowed

    log = install.data / "gunicorn.log"
    with open(log, "w") as out:  # a file, not a pipe: a full pipe would stall the server
        server = subprocess.Popen([str(GUNICORN), "-c", str(ROOT / "deploy" / "gunicorn.conf.py")],
                                  env=install.env, cwd=install.data, stdout=out, stderr=subprocess.STDOUT)
    try:
        _wait_until_serving(server, port, log)
        web = Browser(f"http://127.0.0.1:{port}")

        status, headers, page = web.get("/dang-nhap/")
        assert status == 200 and headers["Server"].startswith("gunicorn")
        assert headers.get_all("Content-Security-Policy") and len(headers.get_all("Content-Security-Policy")) == 1
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
        # Without the token the sign-in is refused (CSRF is on in production).
        status, _, _ = Browser(web.base).post("/dang-nhap/", {"username": "canbo", "password": PASSWORD})
        assert status == 403
        # A wrong password through the proxy (X-Real-IP from a trusted proxy): the audit trail names the clerk's
        # address, not the proxy's — the lockout per address counts that machine only.
        status, _, page = web.post("/dang-nhap/", {"username": "canbo", "password": "sai-mat-khau-roi",
                                                   "csrfmiddlewaretoken": token}, **{"X-Real-IP": "203.0.113.7"})
        assert status == 200 and "csrfmiddlewaretoken" in page
        failed = install.query("SELECT summary FROM access_auditevent WHERE action = 'login_failed'")
        assert failed == [("203.0.113.7",)]

        status, _, home = web.post("/dang-nhap/", {"username": "canbo", "password": PASSWORD,
                                                   "csrfmiddlewaretoken": web.cookie("csrftoken")})
        assert status == 200 and "Cán bộ chính sách" in home  # followed the redirect to the home page

        status, _, results = web.get("/tim-kiem/?" + urllib.parse.urlencode({"q": "nguyen van duc 1950"}))
        assert status == 200 and "QTI/LS-07956/CM" in results
        status, _, partial = web.get("/tim-kiem/?" + urllib.parse.urlencode({"q": "Nguyễn Văn Đ"}),
                                     **{"HX-Request": "true"})  # as you type: the results block only
        assert status == 200 and "QTI/LS-07956/CM" in partial and "<html" not in partial

        status, _, dossier = web.get("/ho-so/QTI/LS-07956/CM/")
        assert status == 200 and "Nguyễn Văn Đức" in dossier and "Triệu Long" in dossier

        status, headers, css = web.get("/static/hoso/hoso.css")
        assert status == 200 and headers["Content-Type"].startswith("text/css") and len(css) > 100

        actions = {a for (a,) in install.query("SELECT action FROM access_auditevent")}
        assert {"login", "search", "view"} <= actions  # every read of personal data went into the trail
    finally:
        server.send_signal(signal.SIGTERM)  # graceful: the master lets the workers finish, then exits 0
        server.wait(timeout=60)
    output = log.read_text()
    assert server.returncode == 0, output[-3000:]
    assert "Traceback" not in output, output[-3000:]
