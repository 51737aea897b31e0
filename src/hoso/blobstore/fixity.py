"""Fixity: re-hash stored blobs and name the ones whose bytes no longer match their address."""

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from ._base import BlobNotFound, BlobStore


@dataclass
class FixityReport:
    checked: int = 0
    missing: list[str] = field(default_factory=list)
    corrupted: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.missing and not self.corrupted


def check_fixity(store: BlobStore, digests: Iterable[str] | None = None,
                 progress: Callable[[int], None] | None = None) -> FixityReport:
    """Verify the given digests (default: everything in the store)."""
    report = FixityReport()
    for sha256 in (store.digests() if digests is None else digests):
        try:
            if not store.verify(sha256):
                report.corrupted.append(sha256)
        except BlobNotFound:
            report.missing.append(sha256)
        report.checked += 1
        if progress:
            progress(1)
    return report
