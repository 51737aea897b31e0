"""What test modules share that is not a fixture (the fixtures are in tests/conftest.py): the one test password
and a second hoso install driven through the `hoso` command (tests/conftest.py `make_install` makes them)."""

import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

from hoso.blobstore import LocalBlobStore

PASSWORD = "mat-khau-rat-dai-2025"
"""The password of every test user (make_user and the role fixtures); long enough for the password rules."""


class Install:
    """Another hoso install: its own HOSO_DATA_DIR (SQLite file and blob store) or, when the suite runs on
    PostgreSQL, its own database; driven as `python -m hoso …` subprocesses, so it shares nothing with the test's
    database or settings. Made empty (not migrated) by the `make_install` fixture."""

    def __init__(self, data: Path, env: dict[str, str], database_url: str | None) -> None:
        self.data, self.env, self.database_url = data, env, database_url

    def run(self, *args: str, check: bool = True, timeout: float = 600) -> subprocess.CompletedProcess:
        proc = subprocess.run([sys.executable, "-m", "hoso", *args], env=self.env, capture_output=True, text=True,
                              timeout=timeout)
        if check:
            assert proc.returncode == 0, f"hoso {' '.join(args)} failed: {proc.stderr[-3000:]}"
        return proc

    def json(self, *args: str, check: bool = True) -> dict:
        return json.loads(self.run(*args, "--json", check=check).stdout)

    def show(self, number: str) -> dict:
        return self.json("show", number)

    def popen(self, *args: str, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE) -> subprocess.Popen:
        return subprocess.Popen([sys.executable, "-m", "hoso", *args], env=self.env, stdout=stdout, stderr=stderr)

    def query(self, sql: str) -> list[tuple]:
        if self.database_url:
            import psycopg

            with psycopg.connect(self.database_url) as conn:
                return conn.execute(sql).fetchall()
        with sqlite3.connect(self.data / "hoso.sqlite3", timeout=30) as conn:
            return conn.execute(sql).fetchall()

    @property
    def blobs(self) -> LocalBlobStore:
        return LocalBlobStore(self.data / "blobs")


def install_env(data: Path, database_url: str | None, **extra: str) -> dict[str, str]:
    """The environment of an install's processes: this one's, with the install's data folder, local blob store
    and database (none: SQLite in the data folder), logging errors only, and `extra` on top. Not inherited:
    DJANGO_ALLOW_ASYNC_UNSAFE, which the browser tests set in this process (a deploy check refuses it)."""
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "DJANGO_ALLOW_ASYNC_UNSAFE"}}
    env.update(HOSO_DATA_DIR=str(data), HOSO_BLOB_DIR=str(data / "blobs"), HOSO_BLOB_BACKEND="local",
               DJANGO_SETTINGS_MODULE="hoso.settings", HOSO_LOG_LEVEL="ERROR", **extra)
    if database_url:
        env["DATABASE_URL"] = database_url
    return env
