"""Blobs as read-only files under root/ab/cd/<digest>, written atomically and never replaced."""

import os
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import BinaryIO

from ._base import Blob, BlobNotFound, BlobStore, _check, sha256_bytes, sha256_file


class LocalBlobStore(BlobStore):
    def __init__(self, root: str | Path) -> None:
        self.root = Path(root)
        self._tmp = self.root / "tmp"
        self._tmp.mkdir(parents=True, exist_ok=True)

    def path(self, sha256: str) -> Path:
        _check(sha256)
        return self.root / sha256[:2] / sha256[2:4] / sha256

    def put_file(self, path: str | Path) -> Blob:
        sha256, size = sha256_file(path)
        if self.path(sha256).exists():
            return Blob(sha256, size, created=False)

        def copy(out: BinaryIO) -> None:
            with open(path, "rb") as src:
                while chunk := src.read(1024 * 1024):
                    out.write(chunk)

        return self._write(sha256, size, copy, source=str(path))

    def put_bytes(self, data: bytes) -> Blob:
        sha256 = sha256_bytes(data)
        if self.path(sha256).exists():
            return Blob(sha256, len(data), created=False)
        return self._write(sha256, len(data), lambda out: out.write(data), source="bytes")

    def _write(self, sha256: str, size: int, fill: Callable[[BinaryIO], object], *, source: str) -> Blob:
        target = self.path(sha256)
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp_name = tempfile.mkstemp(dir=self._tmp, prefix="in-")
        try:
            with os.fdopen(fd, "wb") as out:
                fill(out)
                out.flush()
                os.fsync(out.fileno())
            # The copy must hash to its address: a file changed while we read it is refused.
            if sha256_file(tmp_name)[0] != sha256:
                raise OSError(f"{source} changed while it was being stored")
            os.chmod(tmp_name, 0o444)
            try:
                os.link(tmp_name, target)  # atomic and never replaces an existing blob
                created = True
            except FileExistsError:
                created = False
        finally:
            os.unlink(tmp_name)
        return Blob(sha256, size, created=created)

    def exists(self, sha256: str) -> bool:
        return self.path(sha256).exists()

    def size(self, sha256: str) -> int:
        try:
            return self.path(sha256).stat().st_size
        except FileNotFoundError as exc:
            raise BlobNotFound(sha256) from exc

    def open(self, sha256: str) -> BinaryIO:
        try:
            return open(self.path(sha256), "rb")
        except FileNotFoundError as exc:
            raise BlobNotFound(sha256) from exc

    @contextmanager
    def local_path(self, sha256: str) -> Iterator[Path]:
        path = self.path(sha256)
        if not path.exists():
            raise BlobNotFound(sha256)
        yield path

    def digests(self) -> Iterator[str]:
        for first in sorted(self.root.glob("[0-9a-f][0-9a-f]")):
            for second in sorted(first.glob("[0-9a-f][0-9a-f]")):
                for blob in sorted(second.iterdir()):
                    yield blob.name
