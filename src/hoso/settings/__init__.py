"""Settings, all from environment variables (README.md lists them), in one of two shapes:

- production (production.py) when DATABASE_URL is set or HOSO_DEBUG=0: PostgreSQL, and it refuses to start
  without a secret key of its own (HOSO_SECRET_KEY);
- embedded (embedded.py) otherwise: SQLite and local files in HOSO_DATA_DIR, for one office PC, the demo and
  the tests.

Both have DEBUG off unless HOSO_DEBUG=1. A malformed value (HOSO_DEBUG=ture, HOSO_LOCKOUT_FAILURES=abc) stops the
program with an error naming the variable. DJANGO_SETTINGS_MODULE stays "hoso.settings".
"""

from .env import get_str, is_set_false

if get_str("DATABASE_URL", "").strip() or is_set_false("HOSO_DEBUG"):
    from .production import *  # noqa: F403
else:
    from .embedded import *  # noqa: F403
