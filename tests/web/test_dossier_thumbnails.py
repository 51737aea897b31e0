"""The dossier page shows a thumbnail of each page the user may see, each opening the viewer at that page; the
pages of a «mật» document are counted, not shown, to someone without clearance."""

import pytest

from hoso.access.permissions import Role
from hoso.records import services
from hoso.records.models import Page

pytestmark = pytest.mark.django_db


@pytest.fixture
def dossier(make_dossier, actor):
    dossier = make_dossier("Lê Văn Tư")
    secret = services.add_document(actor=actor, dossier=dossier, doc_type="Báo cáo trinh sát", confidentiality="mat")
    for sequence, document in ((1, None), (2, secret), (3, None)):
        Page.objects.create(dossier=dossier, sequence=sequence, state=Page.State.DONE, document=document,
                            thumbnail_sha256="a" * 64)
    return dossier


def test_thumbnails_of_the_pages_one_may_see_open_the_viewer(dossier, officer, make_user, client):
    pages = {p.sequence: p.pk for p in dossier.pages.all()}
    client.force_login(officer)
    html = client.get(f"/ho-so/{dossier.number}/").content.decode()
    for sequence in (1, 3):
        assert f'src="/trang/{pages[sequence]}/anh-nho/"' in html
        assert f'href="/so-hoa/ho-so/{dossier.number}/?p={sequence}"' in html
    assert f'/trang/{pages[2]}/anh-nho/' not in html
    assert "1 trang thuộc tài liệu Mật — cần được cấp quyền xem." in html
    client.force_login(make_user(Role.POLICY_OFFICER, username="canbo-mat", clearance=True))
    html = client.get(f"/ho-so/{dossier.number}/").content.decode()
    assert all(f'/trang/{pk}/anh-nho/' in html for pk in pages.values()) and "tài liệu Mật —" not in html


def test_a_role_without_the_files_permission_sees_no_thumbnail(dossier, make_user, client):
    client.force_login(make_user(Role.LEADER, username="lanhdao"))
    html = client.get(f"/ho-so/{dossier.number}/").content.decode()
    assert dossier.number in html and "/anh-nho/" not in html
