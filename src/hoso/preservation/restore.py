"""Phục hồi: a backup chain (a full set and the incrementals after it) into an empty install.

The database comes from the newest set of the chain; the stored files from every set of the chain, each
re-hashed before it goes into the store (a file whose bytes no longer match its name is not restored and
is reported). An install that already has tables or stored files is refused: restoring never overwrites.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from hoso.blobstore import BlobStore, sha256_file
from hoso.preservation import backup_db
from hoso.preservation.backup import (
    MANIFEST,
    BackupError,
    BackupSet,
    blob_path,
    chain,
    list_sets,
    read_set,
)


@dataclass
class RestoreResult:
    backup: str
    chain: list[str]
    engine: str
    blobs: int = 0
    bytes: int = 0
    expected: dict[str, int] = field(default_factory=dict)
    counts: dict[str, int] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems and self.counts == self.expected

    def as_json(self) -> dict:
        return {"ok": self.ok, "backup": self.backup, "chain": self.chain, "engine": self.engine,
                "blobs": self.blobs, "bytes": self.bytes, "counts": self.counts, "expected": self.expected,
                "problems": self.problems}


def find_chain(source: Path, backup_id: str | None = None) -> list[BackupSet]:
    """The chain to restore: `source` is a destination folder (newest set, or the named one) or one set's
    folder (its parents are looked for beside it). Newest first."""
    source = Path(source).resolve()
    if (source / MANIFEST).exists():
        if backup_id and backup_id != source.name:
            raise BackupError(f"{source} là bộ {source.name}, không phải {backup_id}.")
        newest, folder = read_set(source), source.parent
    else:
        folder, newest = source, None
    if not folder.is_dir():
        raise BackupError(f"Không có thư mục sao lưu {source}.")
    sets, _ = list_sets(folder)
    if newest is None:
        if not sets:
            raise BackupError(f"Không có bộ sao lưu nào trong {source}.")
        if backup_id:
            newest = next((s for s in sets if s.id == backup_id), None)
            if newest is None:
                raise BackupError(f"Không có bộ sao lưu {backup_id} trong {source}.")
        else:
            newest = sets[-1]
    return chain(sets, newest)


def ensure_empty(store: BlobStore) -> None:
    if backup_db.tables():
        raise BackupError("Cài đặt này không trống: cơ sở dữ liệu đã có bảng. Chỉ phục hồi vào một cài đặt mới "
                          "(thư mục dữ liệu HOSO_DATA_DIR trống, hoặc một cơ sở dữ liệu PostgreSQL mới).")
    if next(iter(store.digests()), None) is not None:
        raise BackupError("Cài đặt này không trống: kho lưu tệp đã có tệp. Chỉ phục hồi vào một kho trống.")


def restore_chain(*, sets: list[BackupSet], store: BlobStore,
                  progress: Callable[[int, int], None] | None = None) -> RestoreResult:
    """Restore the database of sets[0] and the files of every set into an empty install."""
    newest = sets[0]
    db = newest.manifest["database"]
    result = RestoreResult(backup=newest.id, chain=[s.id for s in sets], engine=db["engine"],
                           expected=dict(newest.manifest["counts"]))
    ensure_empty(store)
    db_path = newest.path / db["file"]
    if not db_path.exists() or sha256_file(db_path)[0] != db["sha256"]:
        raise BackupError(f"{newest.id}: tệp cơ sở dữ liệu thiếu hoặc bị thay đổi; không phục hồi.")
    backup_db.restore(db["engine"], db_path)
    for backup in reversed(sets):  # the full set first
        for blob in backup.manifest["blobs"]:
            sha256 = blob["sha256"]
            path = blob_path(backup.path, sha256)
            if not path.exists():
                result.problems.append(f"{backup.id}: thiếu tệp {sha256}")
                continue
            if sha256_file(path)[0] != sha256:
                result.problems.append(f"{backup.id}: tệp {sha256} bị thay đổi, không phục hồi")
                continue
            stored = store.put_file(path)
            result.blobs += 1
            result.bytes += stored.size
            if progress:
                progress(result.blobs, result.bytes)
    result.counts = backup_db.counts()
    if result.counts != result.expected:
        result.problems.append(f"số bản ghi sau phục hồi {result.counts} khác kê khai {result.expected}")
    return result
