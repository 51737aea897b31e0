"""Fixtures of the paper archive tests: a small store (kho → giá → tầng → two boxes); the archivist, the dossiers
and the fast password hasher come from tests/conftest.py."""

import pytest

from hoso.archive import services as archive


@pytest.fixture
def store(archivist):
    """K01 › G01 › T01 with box H001 (holds 3) and box H002 (holds 50); T02 with box H001."""
    kho = archive.create_location(actor=archivist, kind="kho", name="Kho A")
    gia = archive.create_location(actor=archivist, kind="gia", parent=kho)
    shelf = archive.create_location(actor=archivist, kind="tang", parent=gia)
    small = archive.create_location(actor=archivist, kind="hop", parent=shelf, capacity=3)
    big = archive.create_location(actor=archivist, kind="hop", parent=shelf, capacity=50)
    other_shelf = archive.create_location(actor=archivist, kind="tang", parent=gia)
    far = archive.create_location(actor=archivist, kind="hop", parent=other_shelf)
    return {"kho": kho, "gia": gia, "shelf": shelf, "small": small, "big": big, "other_shelf": other_shelf,
            "far": far}
