"""The embedded shape: one office PC, a laptop, the demo, the tests — SQLite in HOSO_DATA_DIR, files on local disk.

DEBUG is off unless HOSO_DEBUG=1 asks for it (error pages then show the code and the settings). Static files are
served by whitenoise straight from the app folders either way (WHITENOISE_USE_FINDERS), so nothing needs
collecting. The published development key is accepted here only: production.py refuses it.
"""

from .base import *  # noqa: F403
from .base import HOSO_DEVELOPMENT_SECRET_KEY, sqlite_database, static_storages
from .env import get_bool, get_str

HOSO_SHAPE = "embedded"
DEBUG = get_bool("HOSO_DEBUG", False)
SECRET_KEY = get_str("HOSO_SECRET_KEY", "") or HOSO_DEVELOPMENT_SECRET_KEY
DATABASES = {"default": sqlite_database()}
STORAGES = static_storages(DEBUG)
