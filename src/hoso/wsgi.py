"""The WSGI application. On SQLite, requests do not checkpoint the write-ahead log themselves (a checkpoint waits for
the disk: ~0.3 s that fell on every twentieth request); a daemon thread does it every few seconds instead. Behind
nginx, requests from HOSO_TRUSTED_PROXIES carry the client's address in X-Real-IP (hoso.core.proxies). What the
process loaded at start-up is frozen out of the garbage collector's full walks (hoso.core.memory)."""

import os
import threading
import time

from django.conf import settings
from django.core.wsgi import get_wsgi_application

from hoso.core.memory import freeze_startup_heap
from hoso.core.proxies import behind_proxies

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hoso.settings")
os.environ.setdefault("HOSO_SQLITE_AUTOCHECKPOINT", "0")
application = behind_proxies(get_wsgi_application(), settings.HOSO_TRUSTED_PROXIES)
freeze_startup_heap()  # each worker process imports this module: what it loaded is left out of full collections

CHECKPOINT_SECONDS = 5.0


def _checkpoint_forever() -> None:
    from django.db import connections

    while True:
        time.sleep(CHECKPOINT_SECONDS)
        try:
            with connections["default"].cursor() as cursor:
                cursor.execute("PRAGMA wal_checkpoint(PASSIVE)")
        except Exception:  # noqa: BLE001 - a busy or closed database: try again next time
            pass
        finally:
            connections.close_all()


def _start_checkpointer() -> None:
    from django.db import connection

    if connection.vendor == "sqlite":
        threading.Thread(target=_checkpoint_forever, name="hoso-wal-checkpoint", daemon=True).start()


_start_checkpointer()
