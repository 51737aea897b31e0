"""Settings common to both shapes of hoso (embedded.py: one machine on SQLite; production.py: DATABASE_URL and a
secret key). Everything here comes from environment variables with embedded defaults; the shapes add DEBUG,
SECRET_KEY, DATABASES and STORAGES. `hoso.settings` picks the shape."""

from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

from .env import get_addresses, get_bool, get_choice, get_float, get_int, get_list, get_path, get_str

BASE_DIR = Path(__file__).resolve().parent.parent
# HOSO_DATA_DIR holds the SQLite database and the file store (default ./data of the working directory).
DATA_DIR = get_path("HOSO_DATA_DIR", Path.cwd() / "data")

# The key published with the source: the embedded shape may sign with it, production refuses it (and so does
# `hoso check --deploy`, hoso.core.checks).
HOSO_DEVELOPMENT_SECRET_KEY = "embedded-insecure-key-change-me-in-production"
ALLOWED_HOSTS = get_list("HOSO_ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]", "testserver"])
CSRF_TRUSTED_ORIGINS = get_list("HOSO_CSRF_TRUSTED_ORIGINS", [])
CSRF_FAILURE_VIEW = "hoso.web.views_access.csrf_failure"  # the product's 403 page, in the user's language
# Reverse proxies (nginx) in front of the WSGI server: from these addresses only, the client's address is taken from
# X-Real-IP (hoso.core.proxies, applied in hoso.wsgi), so sign-in lockouts and the audit trail see the clerk's machine,
# not the proxy; gunicorn trusts their X-Forwarded-Proto (deploy/gunicorn.conf.py). Empty: REMOTE_ADDR as it comes.
HOSO_TRUSTED_PROXIES = get_addresses("HOSO_TRUSTED_PROXIES", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "rest_framework.authtoken",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "drf_spectacular",
    "django_tasks",
    "django_tasks_db",
    "hoso.core",
    "hoso.gazetteer",
    "hoso.access",
    "hoso.records",
    "hoso.search",
    "hoso.capture",
    "hoso.imports",
    "hoso.archive",
    "hoso.preservation",
    "hoso.procedures",
    "hoso.reports",
    "hoso.web",
    "hoso.api",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "hoso.access.middleware.ContentSecurityPolicyMiddleware",  # outside whitenoise: static files get it too
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "hoso.access.middleware.SessionRefreshMiddleware",  # inside SessionMiddleware: it saves what this one marks
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "hoso.access.middleware.UserLanguageMiddleware",  # the signed-in user's language (access.User.language)
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "hoso.access.middleware.SecurityGateMiddleware",
    "hoso.access.middleware.NotFoundPageMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "hoso.urls"
WSGI_APPLICATION = "hoso.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "hoso.web.context_processors.access",
            ],
        },
    },
]

# WAL pages after which a committing connection copies the log back into the database (and waits for the disk).
# The web server sets 0 and checkpoints from a background thread instead (hoso.wsgi), so no request waits for it.
SQLITE_AUTOCHECKPOINT = get_int("HOSO_SQLITE_AUTOCHECKPOINT", 1000, minimum=0)


def sqlite_database() -> dict:
    """The embedded database: HOSO_DATA_DIR/hoso.sqlite3 in WAL mode."""
    DATA_DIR.mkdir(parents=True, exist_ok=True)
    return {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": DATA_DIR / "hoso.sqlite3",
        # Kept open between requests of a server thread: a new SQLite connection starts with a cold page cache.
        "CONN_MAX_AGE": get_int("HOSO_DB_CONN_MAX_AGE", 600, minimum=0),
        "CONN_HEALTH_CHECKS": True,
        # WAL lets readers go on while the one writer writes; IMMEDIATE avoids lock upgrades.
        "OPTIONS": {
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON; "
                            f"PRAGMA wal_autocheckpoint={SQLITE_AUTOCHECKPOINT};",
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
        },
    }


def url_database(url: str) -> dict:
    """The database of DATABASE_URL (PostgreSQL in production). Connections are kept HOSO_DB_CONN_MAX_AGE seconds
    (default 60: many app machines share the server's connection slots) and checked before reuse."""
    try:
        return dj_database_url.parse(url, conn_max_age=get_int("HOSO_DB_CONN_MAX_AGE", 60, minimum=0),
                                     conn_health_checks=True)
    except ValueError as error:
        raise ImproperlyConfigured(
            f"DATABASE_URL không đọc được ({error}); ví dụ đúng: postgres://user:pass@host:5432/hoso. "
            f"(DATABASE_URL cannot be read: {error}.)"
        ) from None


def static_storages(debug: bool) -> dict:
    return {
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
        "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"
                        if not debug else "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "access.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",  # refuses sign-in while an account or address is locked out
    "django.contrib.auth.backends.ModelBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "hoso.access.validators.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"
# Idle timeout: the session expires after this many seconds without a request (each request renews it).
SESSION_COOKIE_AGE = get_int("HOSO_IDLE_TIMEOUT_SECONDS", 30 * 60, minimum=1)
SESSION_REFRESH_SECONDS = min(60, max(1, SESSION_COOKIE_AGE // 10))  # access.middleware.SessionRefreshMiddleware
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = get_bool("HOSO_SECURE_COOKIES", False)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
X_FRAME_OPTIONS = "DENY"

# Lockout after repeated failed sign-ins (django-axes): per user name and, separately, per address.
AXES_FAILURE_LIMIT = get_int("HOSO_LOCKOUT_FAILURES", 5, minimum=1)
AXES_COOLOFF_TIME = get_int("HOSO_LOCKOUT_MINUTES", 15, minimum=1) / 60  # hours
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_RESET_ON_SUCCESS = True
# A request refused while locked out is not counted again (axes' default counts it, rewriting a row whose logged
# POST data grows with every attempt): a flood of guesses then writes nothing and holds no lock that would slow the
# pages of everyone else. The lockout still ends HOSO_LOCKOUT_MINUTES after the failure that caused it, so the rate
# of checked guesses stays AXES_FAILURE_LIMIT per cool-off either way (issue 13, M7).
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_VERBOSE = False
# Roles that must use a second factor (TOTP) to sign in.
HOSO_TOTP_REQUIRED_ROLES = get_list("HOSO_TOTP_REQUIRED_ROLES", ["admin", "archivist"])
OTP_TOTP_ISSUER = "hoso"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
# Content-Security-Policy of every response (hoso.access.middleware; the shape of Django 6's SECURE_CSP). The UI has
# no inline script, no inline style and no event-handler attribute (tests/access/test_signin_findings.py checks the
# templates); htmx is told not to add its own <style> (web/base.html). Images: page thumbnails may be blob:/data:.
SECURE_CSP = {
    "default-src": ["'self'"],
    "script-src": ["'self'"],
    "style-src": ["'self'"],
    "img-src": ["'self'", "data:", "blob:"],
    "frame-ancestors": ["'none'"],
    "form-action": ["'self'"],
    "base-uri": ["'self'"],
    "object-src": ["'none'"],
}

# Vietnamese is the source language of every text (gettext msgids); src/hoso/locale holds the English catalogue
# (compiled by `hoso compilemessages`, which scripts/bootstrap.sh runs). Each user picks theirs (access.User.language,
# activated by access.middleware.UserLanguageMiddleware); Django's own messages come from its `vi` catalogue.
LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", "Tiếng Việt"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = get_str("HOSO_TIME_ZONE", "Asia/Ho_Chi_Minh")
USE_I18N = True
USE_TZ = True
DATE_FORMAT = "d/m/Y"
DATETIME_FORMAT = "d/m/Y H:i"
SHORT_DATE_FORMAT = "d/m/Y"

STATIC_URL = "static/"
STATIC_ROOT = DATA_DIR / "static"
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # whitenoise serves from here (and from app folders)
# STORAGES: in the shapes (static_storages(DEBUG)). Whitenoise serves /static/ with DEBUG off too; with the finders
# it serves straight from the app folders, so the embedded shape (`hoso demo`, waitress) needs no collectstatic.
WHITENOISE_USE_FINDERS = True

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.SessionAuthentication",
        "rest_framework.authentication.TokenAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated",
                                   "hoso.access.decorators.RulePermission"],
    "DEFAULT_SCHEMA_CLASS": "hoso.api.errors.ErrorResponsesSchema",
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "hoso API",
    "DESCRIPTION": "Hồ sơ người có công — records API",
    "VERSION": "0.1.0",
    "SERVE_INCLUDE_SCHEMA": False,
}

# The province this install serves: default for dossier numbers typed without a province code.
HOSO_PROVINCE_CODE = get_str("HOSO_PROVINCE_CODE", "QTI")
HOSO_PAGE_SIZE = get_int("HOSO_PAGE_SIZE", 25, minimum=1)

# Digitisation (capture): background tasks in the database (django-tasks + django-tasks-db; `hoso worker`),
# files in the content-addressed store (local disk by default, S3-compatible in production).
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default", "capture"]}}
HOSO_BLOB_BACKEND = get_choice("HOSO_BLOB_BACKEND", "local", ("local", "s3"))
HOSO_BLOB_DIR = get_path("HOSO_BLOB_DIR", DATA_DIR / "blobs")
HOSO_S3_BUCKET = get_str("HOSO_S3_BUCKET", "")
HOSO_S3_PREFIX = get_str("HOSO_S3_PREFIX", "blobs/")
HOSO_S3_ENDPOINT_URL = get_str("HOSO_S3_ENDPOINT_URL", "")
HOSO_S3_REGION = get_str("HOSO_S3_REGION", "")
HOSO_OCR_LANGUAGE = get_str("HOSO_OCR_LANGUAGE", "vie")
HOSO_OCR_TIMEOUT = get_int("HOSO_OCR_TIMEOUT", 180, minimum=1)  # seconds per page
# A claimed task whose worker has not beaten for this long (capture/worker.py) is taken up again.
HOSO_CAPTURE_STALE_SECONDS = get_int("HOSO_CAPTURE_STALE_SECONDS", 1800, minimum=1)
# Fixity (hoso verify --fixity): read rate limit in MB/s (0 = unlimited) so daytime work is not slowed, and
# how many days after the last complete run an idle `hoso worker` starts the next one (0 = never).
HOSO_FIXITY_RATE_MB = get_float("HOSO_FIXITY_RATE_MB", 25.0, minimum=0)
HOSO_FIXITY_EVERY_DAYS = get_int("HOSO_FIXITY_EVERY_DAYS", 7, minimum=0)
HOSO_FIXITY_SLICE_SECONDS = get_int("HOSO_FIXITY_SLICE_SECONDS", 300, minimum=1)  # the weekly check yields to capture
# The paper archive: the address printed in label QR codes, loan periods in working days (core/calendar.py).
HOSO_BASE_URL = get_str("HOSO_BASE_URL", "http://127.0.0.1:8000")
HOSO_LOAN_WORKING_DAYS = get_int("HOSO_LOAN_WORKING_DAYS", 10, minimum=1)
HOSO_LOAN_DUE_SOON_DAYS = get_int("HOSO_LOAN_DUE_SOON_DAYS", 2, minimum=0)
# Registers imported on the web (nhap-so/): the largest file accepted, in MB.
HOSO_REGISTER_MAX_MB = get_int("HOSO_REGISTER_MAX_MB", 50, minimum=1)
# Transfers between provinces (di chuyển hồ sơ, Điều 131 NĐ 131/2021): who we are on the slip (Mẫu 93),
# and the legal time of each side in working days.
HOSO_PROVINCE_NAME = get_str("HOSO_PROVINCE_NAME", "Quảng Trị")
HOSO_AGENCY_NAME = get_str("HOSO_AGENCY_NAME", "Sở Nội vụ tỉnh Quảng Trị")
HOSO_TRANSFER_WORKING_DAYS = get_int("HOSO_TRANSFER_WORKING_DAYS", 12, minimum=1)
# An imported transfer package unpacks to at most this many bytes, and to at most this many times its .zip's size
# (beyond the first 64 MiB): a zip bomb is refused while it streams (preservation/package_files.py).
HOSO_PACKAGE_MAX_BYTES = get_int("HOSO_PACKAGE_MAX_BYTES", 4 * 1024**3, minimum=1)
HOSO_PACKAGE_MAX_RATIO = get_int("HOSO_PACKAGE_MAX_RATIO", 50, minimum=1)

HOSO_LOG_LEVEL = get_choice("HOSO_LOG_LEVEL", "warning", ("debug", "info", "warning", "error", "critical")).upper()
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": HOSO_LOG_LEVEL},
}
