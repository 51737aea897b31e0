"""Sao lưu và phục hồi (Thông tư 02/2019/TT-BNV: a full set monthly, an incremental set daily, two places).

A destination folder holds backup sets, one folder each, named by their id::

    DIR/20261125T020000Z-full/          manifest.json, database.sqlite3 (or database.pgdump), blobs/ab/cd/<sha256>
    DIR/20261126T020000Z-incremental/   the same, with only the files not in the sets it builds on

A full set holds every stored file; an incremental set holds the files that are not in the chain it extends
(its parent, the parent's parent, … back to a full set) and a new database snapshot. The manifest lists the
database file and every file with its SHA-256 and size, the counts of dossiers, pages and audit events in the
snapshot, and the SHA-256 of the parent's manifest, so `verify_destination` can check a whole chain. A set is
written under a hidden ".partial" name and renamed when complete: an interrupted backup leaves no set behind.
Backups only read the originals; nothing here changes or deletes a stored file or a database row.
"""

import hashlib
import json
import os
import shutil
import tempfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from hoso.blobstore import BlobNotFound, BlobStore, is_digest, sha256_file
from hoso.preservation import backup_db

FORMAT = "hoso-backup/1"
MANIFEST = "manifest.json"
FULL, INCREMENTAL = "full", "incremental"
CHUNK = 1024 * 1024


class BackupError(Exception):
    pass


def blob_path(set_dir: Path, sha256: str) -> Path:
    return set_dir / "blobs" / sha256[:2] / sha256[2:4] / sha256


@dataclass
class BackupSet:
    path: Path
    manifest: dict
    manifest_sha256: str

    @property
    def id(self) -> str:
        return self.manifest["id"]

    @property
    def kind(self) -> str:
        return self.manifest["kind"]

    @property
    def parent(self) -> str | None:
        return self.manifest.get("parent")


def read_set(path: Path) -> BackupSet:
    raw = (path / MANIFEST).read_bytes()
    manifest = json.loads(raw)
    if manifest.get("format") != FORMAT:
        raise BackupError(f"{path.name}: không phải bộ sao lưu hoso ({manifest.get('format')!r}).")
    return BackupSet(path, manifest, hashlib.sha256(raw).hexdigest())


def list_sets(destination: Path) -> tuple[list[BackupSet], list[str]]:
    """The complete sets in a destination, oldest first, and the problems met reading them."""
    sets, problems = [], []
    if not destination.is_dir():
        return sets, problems
    for child in sorted(destination.iterdir()):
        if not child.is_dir() or child.name.startswith("."):
            continue
        try:
            sets.append(read_set(child))
        except FileNotFoundError:
            problems.append(f"{child.name}: không có {MANIFEST}")
        except (ValueError, BackupError) as exc:
            problems.append(f"{child.name}: tệp kê khai hỏng ({exc})")
    sets.sort(key=lambda s: (s.manifest.get("created_at", ""), s.id))
    return sets, problems


def chain(sets: list[BackupSet], newest: BackupSet) -> list[BackupSet]:
    """The set and those it builds on, newest first, ending with a full set."""
    by_id = {s.id: s for s in sets}
    result, current = [newest], newest
    while current.kind != FULL:
        parent = by_id.get(current.parent or "")
        if parent is None:
            raise BackupError(f"{current.id}: thiếu bộ sao lưu gốc {current.parent} trong cùng thư mục.")
        if parent.manifest_sha256 != current.manifest.get("parent_manifest_sha256"):
            raise BackupError(f"{current.id}: tệp kê khai của bộ gốc {parent.id} đã bị thay đổi.")
        if parent in result:
            raise BackupError(f"{current.id}: chuỗi sao lưu vòng lặp.")
        result.append(parent)
        current = parent
    return result


@dataclass
class BackupResult:
    destination: Path
    id: str
    kind: str
    parent: str | None
    blobs: int
    bytes: int
    database_bytes: int
    counts: dict[str, int]
    unreadable: list[dict] = field(default_factory=list)
    note: str = ""

    def as_json(self) -> dict:
        return {"destination": str(self.destination), "id": self.id, "kind": self.kind, "parent": self.parent,
                "blobs": self.blobs, "bytes": self.bytes, "database_bytes": self.database_bytes,
                "counts": self.counts, "unreadable": self.unreadable, "note": self.note}


def _new_id(destination: Path, kind: str, now: datetime) -> str:
    base = f"{now:%Y%m%dT%H%M%SZ}-{kind}"
    candidate, n = base, 1
    while (destination / candidate).exists() or (destination / f".{candidate}.partial").exists():
        n += 1
        candidate = f"{base}-{n}"
    return candidate


def _copy_blob(store: BlobStore, sha256: str, target: Path) -> tuple[str, int]:
    """Copy one stored file, hashing what was read; (digest of the bytes read, size)."""
    target.parent.mkdir(parents=True, exist_ok=True)
    digest, size = hashlib.sha256(), 0
    with store.open(sha256) as src, open(target, "wb") as out:
        while chunk := src.read(CHUNK):
            digest.update(chunk)
            out.write(chunk)
            size += len(chunk)
    return digest.hexdigest(), size


def back_up(*, store: BlobStore, destinations: Iterable[Path], kind: str | None = None,
            progress: Callable[[str, int, int], None] | None = None) -> list[BackupResult]:
    """One database snapshot, written to every destination with the files each one does not have yet.

    kind: FULL, INCREMENTAL or None (incremental where the destination has a full set, else full)."""
    destinations = [Path(d).resolve() for d in destinations]
    if not destinations:
        raise BackupError("Cần ít nhất một thư mục đích (--to).")
    if len(set(destinations)) != len(destinations):
        raise BackupError("Hai thư mục đích trùng nhau.")
    now = datetime.now(UTC)
    results = []
    destinations[0].mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix=".snapshot-", dir=destinations[0]) as tmp:
        snap = backup_db.snapshot(Path(tmp))
        db_sha256, db_size = sha256_file(snap.path)
        for destination in destinations:
            results.append(_write_set(store=store, destination=destination, kind=kind, now=now, snap=snap,
                                      db_sha256=db_sha256, db_size=db_size, progress=progress))
    return results


def _write_set(*, store: BlobStore, destination: Path, kind: str | None, now: datetime, snap, db_sha256: str,
               db_size: int, progress) -> BackupResult:
    destination.mkdir(parents=True, exist_ok=True)
    sets, _ = list_sets(destination)
    note, parent_chain = "", []
    if kind != FULL and sets:
        try:
            parent_chain = chain(sets, sets[-1])
        except BackupError as exc:
            note = f"Chuỗi sao lưu cũ không dùng được ({exc}); tạo bản đầy đủ."
    if kind == INCREMENTAL and not parent_chain and not note:
        note = "Thư mục đích chưa có bản sao lưu đầy đủ; tạo bản đầy đủ."
    actual = INCREMENTAL if parent_chain else FULL
    have = {b["sha256"] for s in parent_chain for b in s.manifest["blobs"]}
    set_id = _new_id(destination, actual, now)
    partial = destination / f".{set_id}.partial"
    partial.mkdir()
    try:
        db_name = snap.path.name
        shutil.copyfile(snap.path, partial / db_name)
        blobs, unreadable, total = [], [], 0
        for sha256 in store.digests():
            if sha256 in have or not is_digest(sha256):
                continue
            target = blob_path(partial, sha256)
            try:
                digest, size = _copy_blob(store, sha256, target)
            except BlobNotFound:
                continue  # gone between listing and reading: nothing to copy
            if digest != sha256:  # never back up bytes that no longer match their address
                target.unlink()
                unreadable.append({"sha256": sha256, "reason": "changed"})
                continue
            blobs.append({"sha256": sha256, "size": size})
            total += size
            if progress:
                progress(set_id, len(blobs), total)
        parent = parent_chain[0] if parent_chain else None
        manifest = {"format": FORMAT, "id": set_id, "kind": actual, "parent": parent.id if parent else None,
                    "parent_manifest_sha256": parent.manifest_sha256 if parent else None,
                    "created_at": now.isoformat(),
                    "database": {"engine": snap.engine, "file": db_name, "sha256": db_sha256, "size": db_size},
                    "counts": snap.counts, "blob_count": len(blobs), "blob_bytes": total, "blobs": blobs}
        (partial / MANIFEST).write_text(json.dumps(manifest, ensure_ascii=False, indent=1), encoding="utf-8")
        os.sync()  # everything on disk before the set is named complete
        os.rename(partial, destination / set_id)
    except BaseException:
        shutil.rmtree(partial, ignore_errors=True)
        raise
    return BackupResult(destination, set_id, actual, parent.id if parent else None, len(blobs), total, db_size,
                        snap.counts, unreadable, note)


@dataclass
class SetCheck:
    id: str
    kind: str
    problems: list[str]

    def as_json(self) -> dict:
        return {"id": self.id, "kind": self.kind, "ok": not self.problems, "problems": self.problems}


def verify_set(backup: BackupSet) -> list[str]:
    """Every file of one set against its manifest: the database file and each stored file."""
    problems = []
    db = backup.manifest["database"]
    db_path = backup.path / db["file"]
    if not db_path.exists():
        problems.append(f"thiếu tệp cơ sở dữ liệu {db['file']}")
    elif sha256_file(db_path)[0] != db["sha256"]:
        problems.append(f"tệp cơ sở dữ liệu {db['file']} bị thay đổi")
    listed = set()
    for blob in backup.manifest["blobs"]:
        sha256 = blob["sha256"]
        listed.add(sha256)
        path = blob_path(backup.path, sha256)
        if not path.exists():
            problems.append(f"thiếu tệp {sha256}")
            continue
        digest, size = sha256_file(path)
        if digest != sha256 or size != blob["size"]:
            problems.append(f"tệp {sha256} bị thay đổi")
    blobs_dir = backup.path / "blobs"
    if blobs_dir.is_dir():
        for path in blobs_dir.glob("*/*/*"):
            if path.name not in listed:
                problems.append(f"tệp lạ không có trong kê khai: {path.name}")
    return problems


def verify_destination(destination: Path) -> tuple[bool, list[SetCheck], list[str]]:
    """Check every set in a destination and the chain of every incremental set (given one set's folder: that
    set and the chain it builds on, found beside it)."""
    single = None
    if (destination / MANIFEST).exists():
        single, destination = destination.name, destination.parent
    sets, problems = list_sets(destination)
    if single:
        chosen = next((s for s in sets if s.path.name == single), None)
        if chosen is None:
            return False, [], [p for p in problems if p.startswith(f"{single}:")]
        try:
            wanted = {s.id for s in chain(sets, chosen)}
        except BackupError:
            wanted = {chosen.id}
        sets, problems = [s for s in sets if s.id in wanted], []
    if not sets and not problems:
        problems.append(f"{destination}: không có bộ sao lưu nào")
    checks = []
    for backup in sets:
        found = verify_set(backup)
        if backup.kind != FULL:
            try:
                chain(sets, backup)
            except BackupError as exc:
                found.append(str(exc))
        checks.append(SetCheck(backup.id, backup.kind, found))
    ok = not problems and all(not c.problems for c in checks)
    return ok, checks, problems
