"""Settings from the environment (architecture rule 7): the two shapes, refusal of malformed values and of the
published development key, the deploy checks, and what a user sees with DEBUG off (static files, 404, 500).

The shapes are loaded in a fresh interpreter with a controlled environment, as `hoso` would be started."""

import os
import subprocess
import sys

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.http import Http404
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.views.defaults import page_not_found, server_error

from hoso.settings import env

DEVELOPMENT_KEY = "embedded-insecure-key-change-me-in-production"
KEY = "tests-only-key-0123456789-abcdefghijklmnopqrstuvwxyz-ABCDEFGHIJ"
# Nothing listens on port 9: settings and checks must not need the database server.
POSTGRES = "postgres://hoso@127.0.0.1:9/hoso"
SHOW = ("from django.conf import settings as s; d = s.DATABASES['default']; "
        "print(s.HOSO_SHAPE, s.DEBUG, d['ENGINE'].rsplit('.', 1)[-1], d['CONN_MAX_AGE'], d['CONN_HEALTH_CHECKS'])")


def run(tmp_path, *args: str, **variables: str) -> subprocess.CompletedProcess:
    """`python ARGS` with no HOSO_* variable or DATABASE_URL of the test run, only `variables`."""
    environment = {k: v for k, v in os.environ.items()
                   if not k.startswith("HOSO_")
                   and k not in {"DATABASE_URL", "DJANGO_SETTINGS_MODULE", "DJANGO_ALLOW_ASYNC_UNSAFE"}}
    environment.update(DJANGO_SETTINGS_MODULE="hoso.settings", HOSO_DATA_DIR=str(tmp_path / "data"), **variables)
    return subprocess.run([sys.executable, *args], env=environment, cwd=tmp_path, capture_output=True, text=True,
                          timeout=300)


def shape(tmp_path, **variables: str) -> str:
    proc = run(tmp_path, "-c", SHOW, **variables)
    assert proc.returncode == 0, proc.stderr
    return proc.stdout.strip()


def refusal(tmp_path, **variables: str) -> str:
    """The last line of the error of a start that must fail."""
    proc = run(tmp_path, "-c", SHOW, **variables)
    assert proc.returncode != 0, f"started with {variables}: {proc.stdout}"
    assert "Traceback" in proc.stderr
    return proc.stderr.strip().splitlines()[-1]


# ------------------------------------------------------------------------------------------------ the two shapes
def test_by_default_the_embedded_shape_runs_with_debug_off(tmp_path):
    assert shape(tmp_path) == "embedded False sqlite3 600 True"
    assert (tmp_path / "data").is_dir()


@pytest.mark.parametrize("word", ["1", "yes", "ON", "True"])
def test_debug_is_on_only_when_asked(tmp_path, word):
    assert shape(tmp_path, HOSO_DEBUG=word) == "embedded True sqlite3 600 True"


def test_production_shape_with_its_own_key_has_debug_off_and_the_connection_age_asked_for(tmp_path):
    assert shape(tmp_path, DATABASE_URL=POSTGRES, HOSO_SECRET_KEY=KEY) == "production False postgresql 60 True"
    assert shape(tmp_path, DATABASE_URL=POSTGRES, HOSO_SECRET_KEY=KEY,
                 HOSO_DB_CONN_MAX_AGE="17") == "production False postgresql 17 True"
    # HOSO_DEBUG=0 alone: production rules on the machine's own SQLite database.
    assert shape(tmp_path, HOSO_DEBUG="0", HOSO_SECRET_KEY=KEY) == "production False sqlite3 600 True"


# ------------------------------------------------------------------------------------- refusal of malformed values
@pytest.mark.parametrize(("name", "value"), [
    ("HOSO_DEBUG", "ture"),
    ("HOSO_SECURE_COOKIES", "yess"),
    ("HOSO_LOCKOUT_FAILURES", "abc"),
    ("HOSO_LOCKOUT_FAILURES", "0"),
    ("HOSO_DB_CONN_MAX_AGE", "10m"),
    ("HOSO_FIXITY_RATE_MB", "25MB"),
    ("HOSO_BLOB_BACKEND", "s4"),
    ("HOSO_TRUSTED_PROXIES", "nginx.local"),
])
def test_a_malformed_value_stops_the_start_with_a_message_naming_the_variable(tmp_path, name, value):
    message = refusal(tmp_path, **{name: value})
    assert message.startswith("django.core.exceptions.ImproperlyConfigured: ")
    assert f"Biến môi trường {name}='{value}' không hợp lệ" in message
    assert f"(Environment variable {name}='{value}' is invalid" in message


def test_a_typo_in_debug_does_not_silently_pick_a_shape(tmp_path):
    message = refusal(tmp_path, HOSO_DEBUG="ture", DATABASE_URL=POSTGRES, HOSO_SECRET_KEY=KEY)
    assert "HOSO_DEBUG='ture'" in message
    assert "cần 1/0, true/false, yes/no hoặc on/off" in message


# --------------------------------------------------------------------------------------- production needs its key
@pytest.mark.parametrize("variables", [
    {"DATABASE_URL": POSTGRES},
    {"DATABASE_URL": POSTGRES, "HOSO_SECRET_KEY": "  "},
    {"HOSO_DEBUG": "0"},
])
def test_production_refuses_to_start_without_a_secret_key(tmp_path, variables):
    message = refusal(tmp_path, **variables)
    assert "cấu hình production" in message
    assert "chưa đặt HOSO_SECRET_KEY" in message
    assert "Hãy đặt HOSO_SECRET_KEY" in message


def test_production_refuses_the_published_development_key(tmp_path):
    message = refusal(tmp_path, DATABASE_URL=POSTGRES, HOSO_SECRET_KEY=DEVELOPMENT_KEY)
    assert "HOSO_SECRET_KEY vẫn là khóa phát triển công khai" in message


def test_a_database_url_that_cannot_be_read_is_refused(tmp_path):
    message = refusal(tmp_path, DATABASE_URL="postgress://hoso@db/hoso", HOSO_SECRET_KEY=KEY)
    assert "DATABASE_URL không đọc được" in message


# ------------------------------------------------------------------------------------------------- system checks
def test_check_deploy_in_production_warns_of_insecure_cookies_and_open_host_names(tmp_path):
    proc = run(tmp_path, "-m", "hoso", "check", "--deploy",
               HOSO_DEBUG="0", HOSO_SECRET_KEY=KEY, HOSO_ALLOWED_HOSTS="*")
    assert proc.returncode == 0, proc.stderr  # warnings do not stop a deployment
    assert "(hoso.W003) HOSO_SECURE_COOKIES đang tắt" in proc.stderr
    assert "(hoso.W002) ALLOWED_HOSTS chứa '*'" in proc.stderr
    assert "hoso.E001" not in proc.stderr

    proc = run(tmp_path, "-m", "hoso", "check", "--deploy", HOSO_DEBUG="0", HOSO_SECRET_KEY=KEY,
               HOSO_ALLOWED_HOSTS="hoso.example.vn", HOSO_SECURE_COOKIES="1")
    assert proc.returncode == 0, proc.stderr
    assert "(hoso." not in proc.stderr


def test_check_deploy_refuses_the_development_key_and_warns_of_debug_with_a_database_url(tmp_path):
    proc = run(tmp_path, "-m", "hoso", "check", "--deploy")  # embedded shape, published key
    assert proc.returncode == 1
    assert "(hoso.E001) Khóa bí mật (SECRET_KEY) đang là khóa phát triển công khai" in proc.stderr
    assert "HOSO_SECRET_KEY" in proc.stderr

    proc = run(tmp_path, "-m", "hoso", "check", DATABASE_URL=POSTGRES, HOSO_SECRET_KEY=KEY, HOSO_DEBUG="1")
    assert proc.returncode == 0, proc.stderr
    assert "(hoso.W001) DEBUG đang bật (HOSO_DEBUG=1)" in proc.stderr


# ------------------------------------------------------------------------------- what a user sees with DEBUG off
def test_static_files_are_served_with_debug_off(client, settings):
    assert settings.DEBUG is False
    for path in ("/static/hoso/hoso.css", "/static/vendor/htmx.min.js"):
        response = client.get(path)
        assert response.status_code == 200, path
        assert b"".join(response.streaming_content)


def test_not_found_is_the_vietnamese_page(client, db):
    response = client.get("/khong-co-trang-nay/")
    assert response.status_code == 404
    assert "Không tìm thấy" in response.content.decode()


def test_not_found_renders_without_a_signed_in_user_or_a_user_at_all():
    request = RequestFactory().get("/khong-co/")  # no middleware ran: request.user does not exist
    response = page_not_found(request, Http404())
    assert response.status_code == 404
    assert "Trang hoặc hồ sơ này không có" in response.content.decode()


def test_server_error_is_a_vietnamese_page_needing_nothing():
    response = server_error(RequestFactory().get("/"))  # without the db fixture a query would fail the test
    page = response.content.decode()
    assert response.status_code == 500
    assert "Đã có lỗi" in page and 'href="/"' in page
    assert "http://" not in page and "https://" not in page  # nothing fetched from elsewhere
    assert render_to_string("500.html") == page


# ---------------------------------------------------------------------------------------------- the env helpers
@pytest.mark.parametrize(("raw", "expected"), [
    ("1", True), ("true", True), ("YES", True), (" on ", True),
    ("0", False), ("False", False), ("no", False), ("OFF", False), ("", True),
])
def test_get_bool_reads_the_usual_words(monkeypatch, raw, expected):
    monkeypatch.setenv("HOSO_SOMETHING", raw)
    assert env.get_bool("HOSO_SOMETHING", True) is expected


def test_get_int_refuses_below_the_minimum(monkeypatch):
    monkeypatch.setenv("HOSO_SOMETHING", "-1")
    with pytest.raises(ImproperlyConfigured, match="HOSO_SOMETHING='-1' không hợp lệ: cần một số nguyên từ 0"):
        env.get_int("HOSO_SOMETHING", 5, minimum=0)
    monkeypatch.setenv("HOSO_SOMETHING", " 42 ")
    assert env.get_int("HOSO_SOMETHING", 5, minimum=0) == 42
