"""Fixity: re-hash stored blobs and name the ones whose bytes no longer match their address.

Streaming (one chunk in memory at a time), with an optional rate limit so that a weekly run in office hours
does not slow the scanners down, and a per-blob callback so the caller can keep a checkpoint and resume.
Pure Python: the Django side (capture.fixity) decides which digests to check and records the result.
"""

import hashlib
import heapq
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field

from ._base import CHUNK, BlobNotFound, BlobStore, is_digest

OK, MISSING, CHANGED = "ok", "missing", "changed"


@dataclass(frozen=True)
class BlobCheck:
    sha256: str
    status: str  # OK, MISSING or CHANGED
    size: int  # bytes read (0 when missing)


@dataclass
class FixityReport:
    checked: int = 0
    bytes: int = 0
    missing: list[str] = field(default_factory=list)
    corrupted: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.missing and not self.corrupted


class RateLimiter:
    """Keeps the average read rate at or under `bytes_per_second` (0 or None: unlimited) by sleeping."""

    def __init__(self, bytes_per_second: float | None, *, clock: Callable[[], float] = time.monotonic,
                 sleep: Callable[[float], None] = time.sleep) -> None:
        self.rate = float(bytes_per_second or 0)
        self.clock, self.sleep = clock, sleep
        self.started = clock()
        self.consumed = 0

    @property
    def chunk(self) -> int:
        """Read size: small enough that a slow limit is honoured smoothly (about 8 reads a second)."""
        if not self.rate:
            return CHUNK
        return max(16 * 1024, min(CHUNK, int(self.rate / 8)))

    def take(self, amount: int) -> None:
        self.consumed += amount
        if not self.rate:
            return
        ahead = self.consumed / self.rate - (self.clock() - self.started)
        if ahead > 0:
            self.sleep(ahead)


def hash_blob(store: BlobStore, sha256: str, limiter: RateLimiter | None = None) -> BlobCheck:
    """Re-hash one stored blob, streaming; MISSING when the store does not have it."""
    limiter = limiter or RateLimiter(None)
    digest, size = hashlib.sha256(), 0
    if not is_digest(sha256):  # a record pointing at something that cannot be an address
        return BlobCheck(sha256, MISSING, 0)
    try:
        fh = store.open(sha256)
    except BlobNotFound:
        return BlobCheck(sha256, MISSING, 0)
    with fh:
        while chunk := fh.read(limiter.chunk):
            digest.update(chunk)
            size += len(chunk)
            limiter.take(len(chunk))
    return BlobCheck(sha256, OK if digest.hexdigest() == sha256 else CHANGED, size)


def sorted_union(*sources: Iterable[str]) -> Iterator[str]:
    """Merge sorted digest streams into one sorted stream without repeats (no list held in memory)."""
    last = None
    for sha256 in heapq.merge(*sources):
        if sha256 != last:
            yield sha256
            last = sha256


def iter_checks(store: BlobStore, digests: Iterable[str], *, rate: float | None = None) -> Iterator[BlobCheck]:
    """Check each digest in turn (rate: bytes per second, 0/None unlimited)."""
    limiter = RateLimiter(rate)
    for sha256 in digests:
        yield hash_blob(store, sha256, limiter)


def check_fixity(store: BlobStore, digests: Iterable[str] | None = None,
                 progress: Callable[[int], None] | None = None, *, rate: float | None = None) -> FixityReport:
    """Verify the given digests (default: everything in the store)."""
    report = FixityReport()
    for check in iter_checks(store, store.digests() if digests is None else digests, rate=rate):
        if check.status == MISSING:
            report.missing.append(check.sha256)
        elif check.status == CHANGED:
            report.corrupted.append(check.sha256)
        report.checked += 1
        report.bytes += check.size
        if progress:
            progress(1)
    return report
