"""Production shape: the same ingest with the files in an S3-compatible store (a local moto server)."""

import io
import json
import uuid

import img2pdf
import pikepdf
import pytest
from django.core.management import call_command

from hoso.capture.models import AccessCopy
from hoso.core.blobs import blob_store, reset_blob_store
from hoso.records.models import Page

from .conftest import make_folder


@pytest.fixture
def s3_settings(settings, s3_endpoint, monkeypatch):
    import boto3

    for key, value in {"AWS_ACCESS_KEY_ID": "test", "AWS_SECRET_ACCESS_KEY": "test",
                       "AWS_DEFAULT_REGION": "us-east-1"}.items():
        monkeypatch.setenv(key, value)
    bucket = f"hoso-{uuid.uuid4().hex[:10]}"
    boto3.client("s3", endpoint_url=s3_endpoint, region_name="us-east-1").create_bucket(Bucket=bucket)
    settings.HOSO_BLOB_BACKEND, settings.HOSO_S3_BUCKET = "s3", bucket
    settings.HOSO_S3_ENDPOINT_URL, settings.HOSO_S3_REGION = s3_endpoint, "us-east-1"
    reset_blob_store()
    yield bucket
    reset_blob_store()


def test_ingest_with_an_s3_store_keeps_masters_and_copies_there(tmp_path, s3_settings, scans, martyr_dossier):
    pdf = img2pdf.convert([scans["small"][0], scans["typical"][0]])  # a contractor's two-page scanned PDF
    folder = make_folder(tmp_path / "in", {"QTI-LS-07956-CM": {"ho-so.pdf": pdf}})
    out = io.StringIO()
    call_command("ingest", str(folder), json=True, jobs=1, no_ocr=True, stdout=out)
    assert json.loads(out.getvalue())["done"] == 2
    store = blob_store()
    assert type(store).__name__ == "S3BlobStore" and store.bucket == s3_settings
    pages = list(Page.objects.order_by("sequence"))
    assert store.read_bytes(pages[0].master_sha256) == pdf  # the master: the PDF as received
    assert pages[0].master_sha256 == pages[1].master_sha256 and pages[0].access_sha256 != pages[1].access_sha256
    with pikepdf.open(io.BytesIO(store.read_bytes(AccessCopy.objects.get().sha256))) as copy:
        assert len(copy.pages) == 2 and copy.open_metadata().pdfa_status == "2B"
