"""Bulk work and Python's cyclic garbage collector."""

import gc
from collections.abc import Iterator
from contextlib import contextmanager

from django.conf import settings
from django.urls import get_resolver
from django.utils import translation


@contextmanager
def fewer_collections(threshold: int = 50_000) -> Iterator[None]:
    """Run the cyclic collector about seventy times less often inside the block (a young generation of
    `threshold` objects instead of 700), then as before.

    A bulk load makes millions of short-lived objects (rows, model instances, query parameters) that reference
    counting frees at once; the collector still walks the young ones every 700 allocations and the older ones every
    ten and hundred of those walks, which cost a sixth of the writer's CPU when a 120,000-row register was
    imported (bench/import.py --phases: writer 56.7 → 50.5 CPU s). Memory stays bounded: what has no cycles is freed as
    before, and cycles are still collected, later. A forked child (the register reader) inherits the setting."""
    old = gc.get_threshold()
    gc.set_threshold(max(threshold, old[0]), *old[1:])
    try:
        yield
    finally:
        gc.set_threshold(*old)


def freeze_startup_heap() -> None:
    """Take what a server process holds for its whole life out of the cyclic collector's walks (gc.freeze).

    A web process keeps about 80,000 container objects from start-up (Django, the URL patterns and views, the
    translation catalogue); every full collection walked them all, ~46 ms that fell on one request in a few hundred
    (bench/scale.py at 1.2 M people: the slowest of 300 searches). Loaded first, then frozen: collections walk only
    what requests make. Frozen objects are still freed by reference counting; only cycles among them would stay."""
    get_resolver().url_patterns  # noqa: B018 - imports every view module
    with translation.override(settings.LANGUAGE_CODE):
        translation.gettext("")
    gc.collect()
    gc.freeze()
