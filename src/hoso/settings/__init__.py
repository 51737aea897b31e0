"""Settings: embedded defaults (SQLite, local files) overridden by environment variables.

Production sets DATABASE_URL (PostgreSQL), HOSO_SECRET_KEY, HOSO_ALLOWED_HOSTS and HOSO_DEBUG=0.
"""

from .base import *  # noqa: F401,F403
