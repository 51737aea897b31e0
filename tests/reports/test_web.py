"""The statistics pages: what each role's dashboard shows, every number a link to a list exactly that long, filters
(period, commune, category) with bad input answered in Vietnamese (never a 500), Excel downloads with typed cells,
Mẫu 100 and benefits, all in the audit trail."""

import datetime as dt
import io
import re
from html import unescape

import pytest
from django.test import Client
from openpyxl import load_workbook

from hoso.access.permissions import Role
from hoso.core.models import AuditEvent
from hoso.records.visibility import visible_dossiers

from .conftest import brute_force, today_unit

LINK = re.compile(r'<a href="(/ho-so/[^"]*)"[^>]*>(?:<strong>)?([\d.]+)(?:</strong>)?</a>')


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def number(text: str) -> int:
    return int(text.replace(".", ""))


def test_the_leaders_dashboard_links_every_number_to_a_list_that_long(province, leader_all):
    client = client_for(leader_all)
    response = client.get("/thong-ke/")
    assert response.status_code == 200
    page = response.content.decode()
    for heading in ("Số hồ sơ theo diện đối tượng", "Số hồ sơ theo xã, phường hiện nay", "Còn sống, đã mất theo diện",
                    "Số hồ sơ theo thập niên sinh", "Số hồ sơ theo tình trạng số hóa", "Số hóa: trang ảnh",
                    "Kho hồ sơ giấy", "Thủ tục một cửa"):
        assert heading in page, heading
    assert "<svg" in page and 'class="bar' in page and " style=" not in page
    links = LINK.findall(page)
    assert len(links) > 40
    total = visible_dossiers(actor=leader_all).count()
    assert (f"{total:,}".replace(",", ".")) in page
    for url, shown in links[::3]:  # a third of them: each list is exactly as long as the number clicked
        listed = client.get(unescape(url))
        assert listed.status_code == 200
        assert listed.context["page"].paginator.count == number(shown), url
    event = AuditEvent.objects.filter(actor=leader_all, action="view_statistics").latest("id")
    assert event.after["total"] == total


def test_filters_by_commune_category_and_period(province, leader_all):
    client = client_for(leader_all)
    commune = today_unit("Xã Hải Lăng")
    response = client.get("/thong-ke/", {"commune": commune.pk, "category": "LS", "since": "2020-01-01",
                                         "until": "2010-12-31"})
    assert response.status_code == 200  # since after until: said, and the period falls back
    assert "«Từ ngày» phải trước «Đến ngày»" in response.content.decode()
    response = client.get("/thong-ke/", {"commune": commune.pk, "category": "LS", "until": "2010-12-31"})
    expected = sum(brute_force(leader_all, [], dt.date(2010, 12, 31), commune=commune.pk,
                               category="LS").values())
    assert response.context["total"] == expected > 0
    assert [row[0] for row in response.context["commune"].rows] == [["Xã Hải Lăng"]]


@pytest.mark.parametrize(("params", "message"), [
    ({"until": "2999-01-01"}, "chưa đến"),
    ({"since": "1900-01-01"}, "trước năm 1945"),
    ({"commune": "999999"}, "Không có xã, phường này trong địa bàn bạn được xem"),
    ({"category": "XX"}, "Không có diện đối tượng này"),
    ({"until": "31/12/2024"}, "Ngày không hợp lệ"),
])
def test_bad_filters_are_answered_not_a_500(province, leader_all, params, message):
    response = client_for(leader_all).get("/thong-ke/", params)
    assert response.status_code == 200
    text = response.content.decode()
    assert "Điều kiện lọc không dùng được, đã bỏ qua" in text
    assert message in text


def test_each_role_sees_its_own_dashboard(province, make_user):
    admin = client_for(make_user(Role.ADMIN, username="qt")).get("/thong-ke/").content.decode()
    assert "Kho hồ sơ giấy" in admin and "Thủ tục một cửa" not in admin and "thập niên sinh" not in admin
    archivist = client_for(make_user(Role.ARCHIVIST, username="lt")).get("/thong-ke/").content.decode()
    assert "Số hóa: trang ảnh" in archivist and "Thủ tục một cửa" not in archivist
    officer = client_for(make_user(Role.POLICY_OFFICER, username="cb")).get("/thong-ke/").content.decode()
    assert "Thủ tục một cửa" in officer and "Số hóa: trang ảnh" not in officer and "thập niên sinh" in officer
    for role in (Role.DATA_ENTRY, Role.VERIFIER, Role.COMMUNE_OFFICER, Role.AUDITOR):
        assert client_for(make_user(role)).get("/thong-ke/").status_code == 403
    nobody = client_for(make_user(Role.LEADER, username="khongdiaban", scope=None)).get("/thong-ke/")
    assert nobody.status_code == 200 and "chưa được giao địa bàn nào" in nobody.content.decode()


def test_a_commune_officers_dashboard_is_their_commune(province, commune_officer):
    response = client_for(commune_officer).get("/thong-ke/")
    assert [row[0] for row in response.context["commune"].rows] == [["Xã Triệu Phong"]]
    assert response.context["total"] == visible_dossiers(actor=commune_officer).count()


def test_excel_download_of_a_table(province, leader_all):
    client = client_for(leader_all)
    response = client.get("/thong-ke/excel/category/", {"commune": today_unit("Xã Hải Lăng").pk})
    assert response.status_code == 200 and response["Content-Disposition"].endswith('.xlsx"')
    rows = list(load_workbook(io.BytesIO(response.content)).active.values)
    header = rows.index(("Diện đối tượng", "Số hồ sơ"))
    body, total = rows[header + 1:-1], rows[-1]
    assert all(isinstance(n, int) for _, n in body) and total == ("Tổng cộng", sum(n for _, n in body))
    assert total[1] == sum(brute_force(leader_all, [], commune=today_unit("Xã Hải Lăng").pk).values())
    assert AuditEvent.objects.filter(actor=leader_all, action="export_statistics").exists()
    for table in ("commune", "alive", "sex", "decade", "status", "pages", "procedures"):
        assert client.get(f"/thong-ke/excel/{table}/").status_code == 200, table
    assert client.get("/thong-ke/excel/khong-co/").status_code == 404


def test_mau_100_from_the_web(province, leader_all):
    client = client_for(leader_all)
    assert client.get("/thong-ke/mau-100/").status_code == 200
    response = client.get("/thong-ke/mau-100/", {"year": "2024", "format": "pdf"})
    assert response.status_code == 200 and response.content.startswith(b"%PDF")
    for year, message in (("3000", "chưa đến"), ("1930", "trước năm 1945"), ("năm nay", "Năm không hợp lệ")):
        refused = client.get("/thong-ke/mau-100/", {"year": year})
        assert refused.status_code == 400 and message in refused.content.decode()


def test_benefits_page(province, leader_all):
    response = client_for(leader_all).get("/thong-ke/tro-cap/", {"until": "2025-01-01"})
    assert response.status_code == 200
    assert response.context["beneficiaries"] > 0 and "đồng/tháng" in response.content.decode()
