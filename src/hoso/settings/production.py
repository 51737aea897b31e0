"""The production shape, chosen when DATABASE_URL is set or HOSO_DEBUG=0: PostgreSQL from DATABASE_URL (without it,
the SQLite database of HOSO_DATA_DIR, for a single machine run for real), DEBUG off unless HOSO_DEBUG=1, and a
secret key of its own — it refuses to start without HOSO_SECRET_KEY or with the published development key.

`hoso check --deploy` (hoso.core.checks) reports what is still unsafe: DEBUG on, ALLOWED_HOSTS '*', cookies sent
without HTTPS.
"""

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import HOSO_DEVELOPMENT_SECRET_KEY, sqlite_database, static_storages, url_database
from .env import get_bool, get_str

HOSO_SHAPE = "production"
DEBUG = get_bool("HOSO_DEBUG", False)

SECRET_KEY = get_str("HOSO_SECRET_KEY", "")
if not SECRET_KEY.strip() or SECRET_KEY.strip() == HOSO_DEVELOPMENT_SECRET_KEY:
    _why = "DATABASE_URL được đặt" if get_str("DATABASE_URL", "").strip() else "HOSO_DEBUG=0"
    _what = "chưa đặt HOSO_SECRET_KEY" if not SECRET_KEY.strip() else "HOSO_SECRET_KEY vẫn là khóa phát triển công khai"
    raise ImproperlyConfigured(
        f"hoso chạy ở cấu hình production ({_why}) nhưng {_what}. Hãy đặt HOSO_SECRET_KEY là một chuỗi ngẫu nhiên "
        "dài, giữ bí mật và không đổi giữa các lần khởi động, ví dụ tạo bằng: "
        "python -c \"import secrets; print(secrets.token_urlsafe(50))\". "
        "(Production settings refuse to start without HOSO_SECRET_KEY or with the published development key.)"
    )

_database_url = get_str("DATABASE_URL", "").strip()
DATABASES = {"default": url_database(_database_url) if _database_url else sqlite_database()}
STORAGES = static_storages(DEBUG)
