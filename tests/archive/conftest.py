"""Fixtures of the archive tests: an archivist, a small store (kho → giá → tầng → two boxes) and dossiers."""

import pytest

from hoso.access.permissions import Role
from hoso.access.services import create_user
from hoso.archive import services as archive
from hoso.records import services
from hoso.vntext import PartialDate

PASSWORD = "mat-khau-rat-dai-2025"


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    """Argon2 costs ~0.3 s per user; these tests are about the archive, not about password storage."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def archivist(db):
    return create_user(actor=None, username="luutru", password=PASSWORD, full_name="Phạm Thị Lưu Trữ",
                       role=Role.ARCHIVIST, scope_all=True)


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


@pytest.fixture
def make_dossier(actor):
    serial = iter(range(500, 10_000))

    def make(full_name: str = "Trần Văn Bình", *, category: str = "LS", number: str | None = None,
             **dossier_fields):
        person = services.create_person(actor=actor, full_name=full_name, birth_date=PartialDate(1948))
        return services.register_dossier(actor=actor, number=number or f"QTI/{category}-{next(serial):05d}/CM",
                                         category_code=category, subject=person, **dossier_fields)

    return make
