"""Each role's home page lists the work waiting for it; each count links to a list as long as the count."""

import re

import pytest
from django.test import Client

from hoso.access.permissions import Role
from hoso.archive import services as archive
from hoso.records import services
from hoso.records.models import Dossier, Page


def _work(client: Client) -> dict[str, tuple[int, str]]:
    body = client.get("/").content.decode()
    found = re.findall(r'<a href="([^"]+)"><strong class="num">([\d.]+)</strong> ([^<]+)</a>', body)
    return {label.strip(): (int(count.replace(".", "")), url.replace("&amp;", "&")) for url, count, label in found}


@pytest.fixture
def world(actor, communes, make_dossier):
    def dossier(number, unit, status):
        person = services.create_person(actor=actor, full_name=f"Người {number[-8:]}", residence_unit=unit)
        made = services.register_dossier(actor=actor, number=number, category_code="LS", subject=person)
        Page.objects.create(dossier=made, sequence=1, state=Page.State.DONE)
        for step in Dossier.Status.values[1:Dossier.Status.values.index(status) + 1]:
            services.set_dossier_status(actor=None, dossier=made, status=step)
        return made

    return {"scanned_a": dossier("QTI/LS-00011/CM", communes["a"], Dossier.Status.SCANNED),
            "scanned_b": dossier("QTI/LS-00012/CM", communes["b"], Dossier.Status.SCANNED),
            "entered_a": dossier("QTI/LS-00013/CM", communes["a"], Dossier.Status.ENTERED)}


def test_each_role_sees_its_work_and_each_count_links_to_as_many_rows(world, make_user, communes, actor):
    operator = make_user(Role.DATA_ENTRY, username="nhap-a", scope=communes["a"])
    verifier = make_user(Role.VERIFIER, username="kiem-tra")
    archivist = make_user(Role.ARCHIVIST, username="luu-tru")
    archive.request_loan(actor=operator, dossier=world["scanned_a"], purpose="doi_chieu", paper_reason="Ảnh mờ")
    Page.objects.create(dossier=world["scanned_b"], sequence=2, state=Page.State.FAILED, error="ảnh hỏng")

    mine = Client()
    mine.force_login(operator)
    work = _work(mine)
    assert work["Hồ sơ đã quét, chờ nhập liệu"][0] == 1  # commune a only: b's dossier is out of scope
    assert work["Trang xử lý lỗi, cần quét lại hoặc thử lại"][0] == 0  # b's failed page is out of scope too
    listed = mine.get(work["Hồ sơ đã quét, chờ nhập liệu"][1])
    assert [d.number for d in listed.context["page"].object_list] == [world["scanned_a"].number]
    assert "Hồ sơ đã nhập liệu, chờ kiểm tra" not in work  # not the operator's job

    checker = Client()
    checker.force_login(verifier)
    work = _work(checker)
    assert work["Hồ sơ đã nhập liệu, chờ kiểm tra"][0] == 1
    listed = checker.get(work["Hồ sơ đã nhập liệu, chờ kiểm tra"][1])
    assert [d.number for d in listed.context["page"].object_list] == [world["entered_a"].number]

    keeper = Client()
    keeper.force_login(archivist)
    work = _work(keeper)
    assert work["Đề nghị mượn chờ duyệt"][0] == 1
    assert work["Trang xử lý lỗi, cần quét lại hoặc thử lại"][0] == 1
    assert len(keeper.get(work["Đề nghị mượn chờ duyệt"][1]).context["page"].object_list) == 1


def test_the_auditor_sees_failed_sign_ins(auditor):
    Client().post("/dang-nhap/", {"username": "ai-do", "password": "sai-mat-khau-roi"})
    client = Client()
    client.force_login(auditor)
    work = _work(client)
    count, url = work["Lần đăng nhập sai trong 7 ngày (gộp theo phút)"]
    assert count == 1
    assert len(client.get(url).context["page"].object_list) == 1
