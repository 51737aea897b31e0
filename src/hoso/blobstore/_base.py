"""The interface every backend implements, and the hashing helpers."""

import hashlib
import re
import shutil
import tempfile
from abc import ABC, abstractmethod
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

CHUNK = 1024 * 1024
DIGEST = re.compile(r"^[0-9a-f]{64}$")


class BlobStoreError(Exception):
    pass


class BlobNotFound(BlobStoreError, KeyError):
    pass


@dataclass(frozen=True)
class Blob:
    sha256: str
    size: int
    created: bool  # False when the store already held these bytes


def is_digest(value: str) -> bool:
    return bool(DIGEST.match(value or ""))


def sha256_bytes(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def sha256_file(path: str | Path) -> tuple[str, int]:
    """(hex digest, size) of a file, read in chunks."""
    digest, size = hashlib.sha256(), 0
    with open(path, "rb") as fh:
        while chunk := fh.read(CHUNK):
            digest.update(chunk)
            size += len(chunk)
    return digest.hexdigest(), size


def _check(sha256: str) -> str:
    if not is_digest(sha256):
        raise BlobStoreError(f"not a SHA-256 digest: {sha256!r}")
    return sha256


class BlobStore(ABC):
    """Write-once, content-addressed storage. There is deliberately no delete and no overwrite."""

    @abstractmethod
    def put_file(self, path: str | Path) -> Blob:
        """Store a file's bytes (streamed); returns its digest. Storing the same bytes again is a no-op."""

    def put_bytes(self, data: bytes) -> Blob:
        with tempfile.NamedTemporaryFile(prefix="hoso-blob-") as tmp:
            tmp.write(data)
            tmp.flush()
            return self.put_file(tmp.name)

    @abstractmethod
    def exists(self, sha256: str) -> bool: ...

    @abstractmethod
    def size(self, sha256: str) -> int: ...

    @abstractmethod
    def open(self, sha256: str) -> BinaryIO:
        """A binary file object positioned at the start of the blob (close it after use)."""

    def read_bytes(self, sha256: str) -> bytes:
        with self.open(sha256) as fh:
            return fh.read()

    def local_path(self, sha256: str) -> AbstractContextManager[Path]:
        """A context giving a local file path holding the blob (a temporary copy for remote stores).
        Never write to it."""
        return self._temporary_copy(sha256)

    @contextmanager
    def _temporary_copy(self, sha256: str) -> Iterator[Path]:
        with tempfile.TemporaryDirectory(prefix="hoso-blob-") as tmpdir:
            target = Path(tmpdir) / _check(sha256)
            with self.open(sha256) as src, open(target, "wb") as dst:
                shutil.copyfileobj(src, dst, CHUNK)
            yield target

    @abstractmethod
    def digests(self) -> Iterator[str]:
        """Every stored digest (for fixity checks and inventories), in no particular order."""

    def verify(self, sha256: str) -> bool:
        """Fixity: re-hash the stored bytes and compare with the address."""
        digest = hashlib.sha256()
        with self.open(sha256) as fh:
            while chunk := fh.read(CHUNK):
                digest.update(chunk)
        return digest.hexdigest() == sha256
