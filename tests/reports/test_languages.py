"""The statistics pages in the user's language (issue #17): refusals and labels on the dashboard read in English for a
user who chose English, while the Excel file stays Vietnamese, as every file written down does."""

import io

from django.test import Client
from django.utils import timezone
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


def _sheet(response) -> list[tuple]:
    assert response.status_code == 200, response.content[:300]
    return list(load_workbook(io.BytesIO(response.content)).active.values)


def test_category_rows_read_in_english_on_the_page_and_stay_vietnamese_in_the_files(make_user, make_dossier):
    """The dashboard names each category in the reader's language (its catalogue label); the Excel tables and
    Mẫu 100 are made under in_vietnamese and keep the stored Vietnamese names."""
    for name in ("Trần Văn Bình", "Lê Văn Đức"):
        make_dossier(name, category="LS")
    make_dossier("Phạm Thị Ân", category="BM")
    leader = set_language(user=make_user(Role.LEADER, username="leader_en"), language=Language.ENGLISH)
    web = client_for(leader)
    text = web.get("/thong-ke/").content.decode()
    assert "Martyr" in text and "Heroic Vietnamese Mother" in text
    assert "Liệt sĩ" not in text and "Bà mẹ Việt Nam anh hùng" not in text

    for table in ("category", "alive"):
        rows = _sheet(web.get(f"/thong-ke/excel/{table}/"))
        assert any(row[0] == "Liệt sĩ" for row in rows) and not any(row[0] == "Martyr" for row in rows), table
    year = timezone.localdate().year - 1
    report = _sheet(web.get("/thong-ke/mau-100/", {"year": str(year), "format": "xlsx"}))
    cells = {cell for row in report for cell in row if isinstance(cell, str)}
    assert "Liệt sĩ" in cells and "Bà mẹ Việt Nam anh hùng" in cells and "Martyr" not in cells

    vietnamese = client_for(make_user(Role.LEADER, username="leader_vi")).get("/thong-ke/").content.decode()
    assert "Liệt sĩ" in vietnamese and "Martyr" not in vietnamese
