"""An upload as a temporary file (hoso.core.uploads.saved_upload): the bytes as sent, gone after the block."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile, TemporaryUploadedFile

from hoso.core.uploads import saved_upload, write_upload

DATA = bytes(range(256)) * 1000  # more than one chunk of a small chunk_size below


class Chunked(SimpleUploadedFile):
    DEFAULT_CHUNK_SIZE = 1000


def test_the_file_holds_the_bytes_and_is_removed_after_the_block():
    with saved_upload(Chunked("trang 1.jpg", DATA)) as path:
        assert path.read_bytes() == DATA
        assert path.name == "upload"
    assert not path.exists() and not path.parent.exists()


def test_the_file_is_removed_after_an_exception():
    with pytest.raises(RuntimeError), saved_upload(SimpleUploadedFile("goi.zip", b"PK"), suffix=".zip") as path:
        assert path.suffix == ".zip" and path.read_bytes() == b"PK"
        raise RuntimeError("the service refused it")
    assert not path.exists() and not path.parent.exists()


def test_what_a_service_leaves_beside_it_goes_too_and_a_moved_file_is_no_error():
    with saved_upload(SimpleUploadedFile("a", b"x")) as path:
        (path.parent / "unpacked").mkdir()
        path.rename(path.parent / "elsewhere")
    assert not path.parent.exists()


def test_an_empty_upload_and_a_large_one_on_disk(tmp_path):
    with saved_upload(SimpleUploadedFile("empty.csv", b"")) as path:
        assert path.read_bytes() == b""
    large = TemporaryUploadedFile("so.xlsx", "application/octet-stream", len(DATA), None)
    large.write(DATA)
    large.seek(0)
    with saved_upload(large) as path:
        assert path.read_bytes() == DATA
    large.close()
    assert write_upload(SimpleUploadedFile("b", b"yz"), tmp_path / "b").read_bytes() == b"yz"


def test_a_suffix_cannot_leave_the_temporary_directory():
    with pytest.raises(ValueError), saved_upload(SimpleUploadedFile("a", b"x"), suffix="/../x"):
        pass
