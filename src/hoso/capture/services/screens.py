"""Screen images of pages that have none: pages taken in before the pipeline made them, or received in a transfer
package (which carries masters, access copies and thumbnails). Each is rendered from the page's access copy, as the
page viewer otherwise renders it at every view; nothing else of the page changes."""

from collections.abc import Callable

from hoso.blobstore import BlobNotFound
from hoso.core.blobs import blob_store
from hoso.imaging.raster import screen_jpeg
from hoso.records.models import Page


def pages_without_screen():
    return (Page.objects.filter(state=Page.State.DONE, screen_sha256="").exclude(access_sha256="")
            .order_by("id"))


def make_missing_screens(*, limit: int | None = None, progress: Callable[[int], None] | None = None) -> dict:
    """{"made": n, "missing_access": n}: screen images made, and pages whose access copy is not in the store
    (left as they are: `hoso verify --fixity` reports them)."""
    store = blob_store()
    made = missing = 0
    pages = pages_without_screen().values_list("id", "access_sha256")
    for page_id, access_sha256 in (pages[:limit] if limit else pages).iterator(chunk_size=500):
        try:
            pdf = store.read_bytes(access_sha256)
        except BlobNotFound:
            missing += 1
            continue
        screen = store.put_bytes(screen_jpeg(pdf))
        # Only if the page still shows that access copy (it may have been processed again meanwhile).
        made += Page.objects.filter(pk=page_id, access_sha256=access_sha256, screen_sha256="").update(
            screen_sha256=screen.sha256)
        if progress:
            progress(1)
    return {"made": made, "missing_access": missing}
