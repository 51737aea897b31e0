"""Stored XSS: markup typed into names, aliases, relatives, document summaries, loan purposes and storage names
is shown as text on every page of the product. The test walks every route from the URL resolver (so a new page is
covered the day it is added), fills its parameters with the hostile records, and reads each HTML page."""

import re

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from hoso.access.permissions import Role
from hoso.archive import services as archive
from hoso.procedures import cases
from hoso.procedures.catalogue import load_catalogue
from hoso.records import services
from hoso.records.models import Page

PAYLOAD = '<script>alert("x")</script>'
RAW = re.compile(r"<script>alert|<img src=x onerror", re.IGNORECASE)


def _routes(resolver: URLResolver, prefix: str = ""):
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            yield from _routes(entry, prefix + str(entry.pattern))
        elif isinstance(entry, URLPattern):
            yield prefix + str(entry.pattern)


@pytest.fixture
def hostile(actor, make_user, blob_dir):
    person = services.create_person(actor=actor, full_name=f"Nguyễn Văn Hùng {PAYLOAD}", aliases=[f"Ba {PAYLOAD}"],
                                    birth_date="1950", hometown_text=f"Triệu Phong {PAYLOAD}", notes=PAYLOAD)
    dossier = services.register_dossier(actor=actor, number="QTI/LS-00666/CM", category_code="LS", subject=person,
                                        title=f"Hồ sơ {PAYLOAD}")
    relative = services.create_person(actor=actor, full_name="Lê Thị Mai <img src=x onerror=alert(1)>")
    services.link_relative(actor=actor, dossier=dossier, person=relative, relationship="vo")
    document = services.add_document(actor=actor, dossier=dossier, sequence=1, doc_type="Giấy báo tử",
                                     summary=f"Báo tử {PAYLOAD}")
    Page.objects.create(dossier=dossier, sequence=1, document=document, state=Page.State.FAILED,
                        error=f"lỗi {PAYLOAD}", ocr_text=PAYLOAD)
    boss = make_user(Role.SYSTEM, username="toanquyen", full_name=f"Quản {PAYLOAD}", clearance=True)
    box = archive.create_location(actor=boss, kind="kho", name=f"Kho {PAYLOAD}")
    loan = archive.request_loan(actor=boss, dossier=dossier, purpose=f"Xác minh {PAYLOAD}",
                                paper_reason=f"Đối chiếu {PAYLOAD}")
    from hoso.capture.services import start_batch
    from hoso.procedures.services import create_transfer

    transfer = create_transfer(actor=boss, dossier=dossier, to_province=f"Huế {PAYLOAD}",
                               recipient_agency=f"Sở {PAYLOAD}", reason=f"Chuyển {PAYLOAD}")
    load_catalogue()
    case = cases.receive_case(actor=boss, kind="trich-luc", dossiers=[dossier], external_ref=f"X{PAYLOAD}",
                              applicant=cases.Applicant(name=f"Người nộp {PAYLOAD}", address=f"Thôn {PAYLOAD}",
                                                        relationship=f"Con {PAYLOAD}"))
    cases.request_papers(actor=boss, case=case, missing=[f"Giấy {PAYLOAD}"], note=f"Thiếu {PAYLOAD}")
    cases.make_document(actor=boss, case=case, kind="receipt")
    batch = start_batch(actor=boss, name=f"Đợt {PAYLOAD}")
    return {"number": dossier.number, "page_id": dossier.pages.get().pk, "user_id": boss.pk, "boss": boss,
            "case": case.number,
            "pk": {"muon/": loan.pk, "kho/vi-tri/": box.pk, "chuyen-ho-so/": transfer.pk, "so-hoa/dot/": batch.pk}}


def _fill(route: str, world: dict) -> str | None:
    path = route
    path = path.replace("<path:number>", world["number"]).replace("<int:page_id>", str(world["page_id"]))
    path = path.replace("<int:user_id>", str(world["user_id"])).replace("<str:number>", world["case"])
    if "<int:pk>" in path:
        prefix = next((p for p in world["pk"] if path.startswith(p)), None)
        if prefix is None:
            return None
        path = path.replace("<int:pk>", str(world["pk"][prefix]))
    if "<" in path or path.startswith("api/") or "(?P" in path:
        return None  # the API answers JSON (escaped by its renderer, tested in tests/api)
    return "/" + path


def test_markup_in_records_is_text_on_every_page(hostile):
    client = Client()
    client.force_login(hostile["boss"])
    read = []
    for route in _routes(get_resolver()):
        url = _fill(route, hostile)
        if url is None or url in ("/dang-xuat/",):
            continue
        response = client.get(url, {"q": "Nguyen Van Hung"})
        assert response.status_code < 500, url
        if response.status_code == 200 and response["Content-Type"].startswith("text/html"):
            read.append(url)
            body = response.content.decode()
            assert not RAW.search(body), f"unescaped markup on {url}"
    assert len(read) >= 20  # the walk really reached the pages, the records' own among them
    for prefix, pk in hostile["pk"].items():
        assert f"/{prefix}{pk}/" in read, prefix
    assert f"/thu-tuc/{hostile['case']}/" in read and "/thu-tuc/" in read
    # The records themselves keep what was typed (escaping is for display, nothing is lost).
    detail = client.get(f"/ho-so/{hostile['number']}/").content.decode()
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in detail
