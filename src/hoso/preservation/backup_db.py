"""The database half of a backup: a consistent snapshot while the application runs, and its restore.

SQLite: the online backup API (sqlite3.Connection.backup) copies the database as of one moment while
readers and the writer go on (WAL). PostgreSQL: `pg_dump -Fc` inside an exported snapshot, so the row
counts written in the manifest describe exactly what the dump holds; restored with `pg_restore` in one
transaction. Both refuse to restore over a database that already has tables.
"""

import os
import shutil
import sqlite3
import subprocess
from dataclasses import dataclass
from pathlib import Path

from django.db import connection, connections

from hoso.core.models import AuditEvent
from hoso.records.models import Dossier, Page

SQLITE_FILE = "database.sqlite3"
PG_FILE = "database.pgdump"
COUNTED = {"dossiers": Dossier, "pages": Page, "audit_events": AuditEvent}


class DatabaseBackupError(Exception):
    pass


@dataclass(frozen=True)
class Snapshot:
    engine: str  # "sqlite" or "postgresql"
    path: Path
    counts: dict[str, int]


def engine() -> str:
    vendor = connection.vendor
    if vendor not in ("sqlite", "postgresql"):
        raise DatabaseBackupError(f"Không hỗ trợ sao lưu cơ sở dữ liệu loại {vendor}.")
    return vendor


def snapshot(folder: Path) -> Snapshot:
    """Write a consistent copy of the database into `folder`; returns where and what it counts."""
    if engine() == "sqlite":
        return _sqlite_snapshot(folder / SQLITE_FILE)
    return _pg_snapshot(folder / PG_FILE)


def _sqlite_snapshot(target: Path) -> Snapshot:
    source = sqlite3.connect(str(connection.settings_dict["NAME"]), timeout=60)
    try:
        dest = sqlite3.connect(str(target))
        try:
            source.backup(dest)  # all pages in one step: one consistent moment
            counts = {key: dest.execute(f'SELECT COUNT(*) FROM "{model._meta.db_table}"').fetchone()[0]
                      for key, model in COUNTED.items()}
        finally:
            dest.close()
    finally:
        source.close()
    return Snapshot("sqlite", target, counts)


def _pg_params() -> tuple[list[str], dict[str, str]]:
    """Connection flags for pg_dump/pg_restore/psql, and the environment (password) they need."""
    settings = connection.settings_dict
    flags = []
    if settings.get("HOST"):
        flags += ["-h", str(settings["HOST"])]
    if settings.get("PORT"):
        flags += ["-p", str(settings["PORT"])]
    if settings.get("USER"):
        flags += ["-U", str(settings["USER"])]
    env = {**os.environ}
    if settings.get("PASSWORD"):
        env["PGPASSWORD"] = str(settings["PASSWORD"])
    return flags, env


def _program(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        raise DatabaseBackupError(f"Không tìm thấy chương trình {name} (cài gói postgresql-client).")
    return path


def _pg_connect(dbname: str | None = None):
    import psycopg

    settings = connection.settings_dict
    return psycopg.connect(dbname=dbname or settings["NAME"], host=settings.get("HOST") or None,
                           port=settings.get("PORT") or None, user=settings.get("USER") or None,
                           password=settings.get("PASSWORD") or None)


def _pg_snapshot(target: Path) -> Snapshot:
    import psycopg

    flags, env = _pg_params()
    with _pg_connect() as conn:
        conn.isolation_level = psycopg.IsolationLevel.REPEATABLE_READ
        with conn.transaction():
            snapshot_id = conn.execute("SELECT pg_export_snapshot()").fetchone()[0]
            counts = {key: conn.execute(f'SELECT COUNT(*) FROM "{model._meta.db_table}"').fetchone()[0]
                      for key, model in COUNTED.items()}
            proc = subprocess.run([_program("pg_dump"), *flags, "-d", connection.settings_dict["NAME"], "-Fc",
                                   "--no-owner", "--no-privileges", f"--snapshot={snapshot_id}", "-f", str(target)],
                                  env=env, capture_output=True, text=True)
    if proc.returncode != 0:
        raise DatabaseBackupError(f"pg_dump thất bại: {proc.stderr.strip()[-1000:]}")
    return Snapshot("postgresql", target, counts)


def tables() -> list[str]:
    """Tables of the configured database (an empty install has none)."""
    if engine() == "postgresql":
        _pg_ensure_database()
    return connection.introspection.table_names()


def _pg_ensure_database() -> None:
    """Create the configured PostgreSQL database when it does not exist yet (a fresh install)."""
    import psycopg
    from psycopg import sql

    name = connection.settings_dict["NAME"]
    with _pg_connect("postgres") as admin:
        admin.autocommit = True
        if admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone() is None:
            try:
                admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
            except psycopg.errors.DuplicateDatabase:
                pass


def restore(kind: str, path: Path) -> None:
    """Load a snapshot into the configured (empty) database."""
    if kind != engine():
        raise DatabaseBackupError(
            f"Bản sao lưu là cơ sở dữ liệu {kind}, cài đặt này dùng {engine()}: không phục hồi chéo được.")
    if tables():
        raise DatabaseBackupError("Cơ sở dữ liệu đích đã có dữ liệu; chỉ phục hồi vào một cài đặt trống.")
    connections.close_all()
    if kind == "sqlite":
        source, dest = sqlite3.connect(str(path)), sqlite3.connect(str(connection.settings_dict["NAME"]))
        try:
            source.backup(dest)
        finally:
            source.close()
            dest.close()
        return
    flags, env = _pg_params()
    proc = subprocess.run([_program("pg_restore"), *flags, "-d", connection.settings_dict["NAME"], "--no-owner",
                           "--no-privileges", "--single-transaction", "--exit-on-error", str(path)],
                          env=env, capture_output=True, text=True)
    if proc.returncode != 0:
        raise DatabaseBackupError(f"pg_restore thất bại: {proc.stderr.strip()[-1000:]}")


def counts() -> dict[str, int]:
    """The same counts, from the live database (after a restore)."""
    return {key: model.objects.count() for key, model in COUNTED.items()}
