"""An S3 blob store on the local S3-compatible server (tests/conftest.py s3_endpoint): real HTTP, real boto3."""

import pytest


@pytest.fixture
def s3_store(s3_endpoint, monkeypatch):
    import uuid

    import boto3

    from hoso.blobstore import S3BlobStore

    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "test")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "test")
    monkeypatch.setenv("AWS_DEFAULT_REGION", "us-east-1")
    bucket = f"hoso-{uuid.uuid4().hex[:12]}"
    boto3.client("s3", endpoint_url=s3_endpoint, region_name="us-east-1").create_bucket(Bucket=bucket)
    return S3BlobStore(bucket=bucket, prefix="blobs/", endpoint_url=s3_endpoint, region="us-east-1")
