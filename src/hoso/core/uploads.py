"""An uploaded file as a file on disk, for the services that read paths (pure Python and Django's upload API).

Django keeps small uploads in memory and large ones in its own temporary files; the services (capture, register
import, package import) take a `Path`. `saved_upload` writes the upload chunk by chunk (memory stays flat for a
large package) into a private temporary directory and removes it when the block ends, also on error. It refuses
nothing itself: checking the file is the service's job.
"""

import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Protocol


class Upload(Protocol):
    """What is used of django.core.files.uploadedfile.UploadedFile (any django.core.files.File will do)."""

    def chunks(self, chunk_size: int | None = None) -> Iterator[bytes]: ...


def write_upload(upload: Upload, path: Path) -> Path:
    """Write `upload` to `path` (its folder must exist) chunk by chunk; returns `path`."""
    with open(path, "wb") as out:
        for chunk in upload.chunks():
            out.write(chunk)
    return path


@contextmanager
def saved_upload(upload: Upload, *, suffix: str = "") -> Iterator[Path]:
    """The upload written to a temporary file named ``upload{suffix}`` (e.g. ``suffix=".zip"``), alone in a
    temporary directory that is removed (with anything a service left beside it) when the block ends."""
    if "/" in suffix or "\\" in suffix:
        raise ValueError(f"suffix {suffix!r} must not hold a path separator")
    with tempfile.TemporaryDirectory(prefix="hoso-upload-") as tmp:
        yield write_upload(upload, Path(tmp) / f"upload{suffix}")
