"""Content-addressed file store: every file is kept once, under the SHA-256 of its bytes.

Pure Python (no Django), so workers, tests and benchmarks use it alone. Two backends share one
interface (:class:`BlobStore`): :class:`LocalBlobStore` on a local disk (the embedded default) and
:class:`S3BlobStore` on an S3-compatible object store (production). Neither can delete or overwrite a
blob: a digest, once written, always reads back the same bytes. :mod:`.fixity` re-hashes stored blobs.
"""

from ._base import Blob, BlobNotFound, BlobStore, BlobStoreError, is_digest, sha256_bytes, sha256_file
from ._local import LocalBlobStore

__all__ = [
    "Blob",
    "BlobNotFound",
    "BlobStore",
    "BlobStoreError",
    "LocalBlobStore",
    "S3BlobStore",
    "is_digest",
    "open_store",
    "sha256_bytes",
    "sha256_file",
]


def __getattr__(name: str):
    if name == "S3BlobStore":  # boto3 is imported only when the S3 backend is used
        from ._s3 import S3BlobStore  # lazy: boto3 is loaded only when the S3 backend is used

        return S3BlobStore
    raise AttributeError(name)


def open_store(*, backend: str, root: str | None = None, bucket: str = "", prefix: str = "",
               endpoint_url: str | None = None, region: str | None = None) -> BlobStore:
    """A store from configuration: backend "local" (needs root) or "s3" (needs bucket)."""
    if backend == "local":
        if not root:
            raise BlobStoreError("local blob store needs a root directory")
        return LocalBlobStore(root)
    if backend == "s3":
        from ._s3 import S3BlobStore  # lazy: boto3 is loaded only when the S3 backend is used

        return S3BlobStore(bucket=bucket, prefix=prefix, endpoint_url=endpoint_url, region=region)
    raise BlobStoreError(f"unknown blob store backend {backend!r} (expected 'local' or 's3')")
