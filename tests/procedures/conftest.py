"""The people of a one-stop desk: the desk officer who receives and returns, the specialist who processes, the leader
who decides; and the catalogue as shipped (the migration loads it; loaded again where a test flushed it)."""

import pytest

from hoso.access.permissions import Role
from hoso.procedures.catalogue import load_catalogue


@pytest.fixture
def catalogue(db):
    load_catalogue()


@pytest.fixture
def desk(make_user, catalogue):
    return make_user(Role.POLICY_OFFICER, username="motcua", full_name="Lê Thị Một Cửa")


@pytest.fixture
def specialist(make_user):
    return make_user(Role.ARCHIVIST, username="chuyenvien", full_name="Trần Văn Chuyên Viên")


@pytest.fixture
def chief(make_user):
    return make_user(Role.LEADER, username="giamdoc", full_name="Phạm Văn Giám Đốc")
