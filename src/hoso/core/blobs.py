"""The blob store configured in settings (HOSO_BLOB_BACKEND: local disk under HOSO_BLOB_DIR, or S3)."""

from functools import cache

from django.conf import settings

from hoso.blobstore import BlobStore, open_store


@cache
def blob_store() -> BlobStore:
    return open_store(backend=settings.HOSO_BLOB_BACKEND, root=str(settings.HOSO_BLOB_DIR),
                      bucket=settings.HOSO_S3_BUCKET, prefix=settings.HOSO_S3_PREFIX,
                      endpoint_url=settings.HOSO_S3_ENDPOINT_URL or None, region=settings.HOSO_S3_REGION or None)


def reset_blob_store() -> None:
    """Forget the configured store (tests that change the settings)."""
    blob_store.cache_clear()
