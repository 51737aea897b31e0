"""Both backends keep every file once, by its SHA-256, byte for byte, and never change or drop one."""

import hashlib
import os
import stat

import pytest

from hoso.blobstore import BlobNotFound, BlobStoreError, LocalBlobStore, open_store, sha256_bytes
from hoso.blobstore.fixity import check_fixity

SCAN = "Giấy báo tử — liệt sĩ Nguyễn Văn Đức".encode() * 5000  # ~0.2 MB, not a multiple of the read chunk


@pytest.fixture(params=["local", "s3"])
def store(request, tmp_path):
    if request.param == "local":
        return LocalBlobStore(tmp_path / "blobs")
    return request.getfixturevalue("s3_store")


def test_a_file_is_kept_once_under_its_sha256_and_reads_back_identical(store, tmp_path):
    src = tmp_path / "trang-001.tif"
    src.write_bytes(SCAN)
    first = store.put_file(src)
    assert first.sha256 == hashlib.sha256(SCAN).hexdigest() and first.size == len(SCAN) and first.created
    again = store.put_bytes(SCAN)  # the same bytes under another name: nothing new is written
    assert again.sha256 == first.sha256 and not again.created
    assert store.read_bytes(first.sha256) == SCAN
    assert store.size(first.sha256) == len(SCAN)
    assert store.exists(first.sha256) and list(store.digests()) == [first.sha256]
    with store.local_path(first.sha256) as path:
        assert path.read_bytes() == SCAN


def test_unknown_or_malformed_addresses_are_refused(store):
    missing = sha256_bytes(b"never stored")
    assert not store.exists(missing)
    with pytest.raises(BlobNotFound):
        store.read_bytes(missing)
    with pytest.raises(BlobStoreError):
        store.exists("../../etc/passwd")


def test_the_store_offers_no_way_to_delete_or_overwrite(store):
    assert not any(hasattr(store, name) for name in ("delete", "remove", "overwrite", "put_at"))


def test_fixity_check_names_a_blob_whose_bytes_changed_on_disk(tmp_path):
    store = LocalBlobStore(tmp_path / "blobs")
    good = store.put_bytes(b"trang 1").sha256
    bad = store.put_bytes(b"trang 2").sha256
    assert stat.S_IMODE(os.stat(store.path(bad)).st_mode) == 0o444  # stored read-only
    os.chmod(store.path(bad), 0o644)
    store.path(bad).write_bytes(b"trang 2 da bi sua")  # bit rot, or someone editing the archive by hand
    report = check_fixity(store)
    assert report.checked == 2 and report.corrupted == [bad] and not report.ok
    assert store.verify(good)


def test_fixity_on_s3_reports_a_missing_blob(s3_store):
    kept = s3_store.put_bytes(b"trang 1").sha256
    report = check_fixity(s3_store, [kept, sha256_bytes(b"lost")])
    assert report.checked == 2 and report.missing == [sha256_bytes(b"lost")] and report.corrupted == []


def test_the_s3_backend_stores_objects_under_the_configured_prefix(s3_store):
    sha = s3_store.put_bytes(SCAN).sha256
    head = s3_store.client.head_object(Bucket=s3_store.bucket, Key=f"blobs/{sha[:2]}/{sha[2:4]}/{sha}")
    assert head["ContentLength"] == len(SCAN) and head["Metadata"]["sha256"] == sha


def test_configuration_chooses_the_backend(tmp_path, s3_endpoint):
    assert isinstance(open_store(backend="local", root=str(tmp_path)), LocalBlobStore)
    assert type(open_store(backend="s3", bucket="b", endpoint_url=s3_endpoint)).__name__ == "S3BlobStore"
    with pytest.raises(BlobStoreError):
        open_store(backend="ftp", root=str(tmp_path))
