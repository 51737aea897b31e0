"""The statistics pages in the user's language (issue #17): refusals and labels on the dashboard read in English for a
user who chose English, while the Excel file stays Vietnamese, as every file written down does."""

import io

from django.test import Client
from openpyxl import load_workbook

from hoso.access.models import Language
from hoso.access.permissions import Role
from hoso.access.services import set_language


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_the_dashboard_refuses_in_english_and_the_file_stays_vietnamese(make_user):
    leader = set_language(user=make_user(Role.LEADER, username="leader_en"), language=Language.ENGLISH)
    web = client_for(leader)
    page = web.get("/thong-ke/", {"until": "2999-01-01"})
    text = page.content.decode()
    assert page.status_code == 200
    assert "Filters that could not be used were ignored: " in text and "has not come yet" in text
    assert "Điều kiện lọc không dùng được" not in text

    for year, message in (("1930", "Year 1930 is before 1945: there is no Form 100 report for that year."),
                          ("this year", "Invalid year: “this year” (a number is needed, for example 2025).")):
        refused = web.get("/thong-ke/mau-100/", {"year": year})
        assert refused.status_code == 400 and message in refused.content.decode()

    rows = list(load_workbook(io.BytesIO(web.get("/thong-ke/excel/sex/").content)).active.values)
    assert ("Giới tính", "Số hồ sơ") in rows and rows[-1][0] == "Tổng cộng"


def test_a_vietnamese_user_reads_the_same_refusals_in_vietnamese(make_user):
    web = client_for(make_user(Role.LEADER, username="leader_vi"))
    refused = web.get("/thong-ke/mau-100/", {"year": "1930"})
    assert "Năm 1930 trước năm 1945: không có báo cáo Mẫu 100 cho năm này." in refused.content.decode()
    text = web.get("/thong-ke/", {"until": "2999-01-01"}).content.decode()
    assert "Điều kiện lọc không dùng được, đã bỏ qua: " in text and "chưa đến" in text
