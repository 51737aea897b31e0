"""Shared fixtures: users of different roles and a small registered dossier, all made through the services."""

import pytest

from hoso.access.permissions import Role
from hoso.access.services import create_user, system_user
from hoso.records import services
from hoso.vntext import PartialDate

PASSWORD = "mat-khau-rat-dai-2025"


@pytest.fixture(autouse=True)
def _second_factor_only_where_tested(request, settings):
    """TOTP is required for administrators and archivists; tests of other things sign in without it."""
    if "totp" not in request.keywords:
        settings.HOSO_TOTP_REQUIRED_ROLES = []


@pytest.fixture
def actor(db):
    return system_user()


@pytest.fixture
def officer(db):
    """A policy officer for the whole province, not cleared for "mật" dossiers."""
    return create_user(actor=None, username="canbo", password=PASSWORD, full_name="Cán bộ chính sách",
                       role=Role.POLICY_OFFICER, scope_all=True)


@pytest.fixture
def admin_user(db):
    """An administrator cleared for "mật" dossiers."""
    return create_user(actor=None, username="quantri", password=PASSWORD, full_name="Quản trị", role=Role.ADMIN,
                       scope_all=True, secret_clearance=True)


@pytest.fixture
def martyr_dossier(actor):
    person = services.create_person(actor=actor, full_name="Nguyễn Văn Đức", sex="nam",
                                    birth_date=PartialDate(1950), death_date=PartialDate(1972, 5),
                                    hometown_text="xã Triệu Long, huyện Triệu Phong", aliases=["Ba Đức"])
    dossier = services.register_dossier(actor=actor, number="QTI/LS-07956/CM", category_code="LS", subject=person)
    services.set_martyr_facts(actor=actor, dossier=dossier, place_of_sacrifice="Thành cổ Quảng Trị",
                              unit="Trung đoàn 48", grave_status="da_tim_thay",
                              cemetery="Nghĩa trang liệt sĩ quốc gia Đường 9")
    return dossier
