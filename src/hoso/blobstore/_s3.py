"""Blobs as objects <prefix>ab/cd/<digest> in an S3-compatible bucket (boto3).

Credentials come the usual boto3 way (AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY or an instance role).
Every upload carries its SHA-256 checksum, so the object store itself refuses corrupted bytes. For
write-once buckets, enable Object Lock / versioning on the bucket: this class never deletes or overwrites.
"""

import base64
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

import boto3
from botocore.config import Config
from botocore.exceptions import ClientError

from ._base import Blob, BlobNotFound, BlobStore, BlobStoreError, _check, sha256_bytes, sha256_file


class S3BlobStore(BlobStore):
    def __init__(self, *, bucket: str, prefix: str = "", endpoint_url: str | None = None,
                 region: str | None = None, client=None) -> None:
        if not bucket:
            raise BlobStoreError("S3 blob store needs a bucket name (HOSO_S3_BUCKET)")
        self.bucket = bucket
        self.prefix = prefix.strip("/") + "/" if prefix.strip("/") else ""
        self.client = client or boto3.client(
            "s3", endpoint_url=endpoint_url or None, region_name=region or None,
            config=Config(retries={"max_attempts": 5, "mode": "standard"}))

    def key(self, sha256: str) -> str:
        _check(sha256)
        return f"{self.prefix}{sha256[:2]}/{sha256[2:4]}/{sha256}"

    def put_file(self, path: str | Path) -> Blob:
        sha256, size = sha256_file(path)
        if self.exists(sha256):
            return Blob(sha256, size, created=False)
        checksum = base64.b64encode(bytes.fromhex(sha256)).decode()
        with open(path, "rb") as body:
            self.client.put_object(Bucket=self.bucket, Key=self.key(sha256), Body=body, ContentLength=size,
                                   ChecksumSHA256=checksum, Metadata={"sha256": sha256})
        return Blob(sha256, size, created=True)

    def put_bytes(self, data: bytes) -> Blob:
        sha256 = sha256_bytes(data)
        if self.exists(sha256):
            return Blob(sha256, len(data), created=False)
        checksum = base64.b64encode(bytes.fromhex(sha256)).decode()
        self.client.put_object(Bucket=self.bucket, Key=self.key(sha256), Body=data, ChecksumSHA256=checksum,
                               Metadata={"sha256": sha256})
        return Blob(sha256, len(data), created=True)

    def _head(self, sha256: str) -> dict | None:
        try:
            return self.client.head_object(Bucket=self.bucket, Key=self.key(sha256))
        except ClientError as exc:
            if exc.response.get("Error", {}).get("Code") in ("404", "NoSuchKey", "NotFound"):
                return None
            raise

    def exists(self, sha256: str) -> bool:
        return self._head(sha256) is not None

    def size(self, sha256: str) -> int:
        head = self._head(sha256)
        if head is None:
            raise BlobNotFound(sha256)
        return int(head["ContentLength"])

    def open(self, sha256: str) -> BinaryIO:
        try:
            return self.client.get_object(Bucket=self.bucket, Key=self.key(sha256))["Body"]
        except ClientError as exc:
            if exc.response.get("Error", {}).get("Code") in ("404", "NoSuchKey", "NotFound"):
                raise BlobNotFound(sha256) from exc
            raise

    def digests(self) -> Iterator[str]:
        paginator = self.client.get_paginator("list_objects_v2")
        for page in paginator.paginate(Bucket=self.bucket, Prefix=self.prefix):
            for item in page.get("Contents", []):
                name = item["Key"].rsplit("/", 1)[-1]
                if len(name) == 64:
                    yield name
