"""The lists of issue #17: one pager, sortable columns, bulk actions on ticked dossiers, saved views per user."""

import html
import io
import re

import pytest
from django.contrib.messages import get_messages
from django.template.loader import get_template
from django.test import Client
from openpyxl import load_workbook

from hoso.access.permissions import Role
from hoso.archive import services as archive
from hoso.archive.models import Loan, Placement
from hoso.core.events import AuditAction
from hoso.core.models import AuditEvent
from hoso.records import services
from hoso.records.models import Dossier
from hoso.vntext import PartialDate
from hoso.web.models import SavedView

NAMES = ["Trần Văn Bình", "Nguyễn Thị Ánh", "Lê Văn Đức", "Nguyễn Văn An", "Phạm Thị Ân"]


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def listed_numbers(response) -> list[str]:
    table = re.search(r'<table class="grid" id="dossiers">(.*?)</table>', response.content.decode(), re.S)
    return re.findall(r'<td class="mono">([^<]+)</td>', table.group(1)) if table else []


def listed_names(response) -> list[str]:
    table = re.search(r'<table class="grid" id="dossiers">(.*?)</table>', response.content.decode(), re.S)
    return [html.unescape(n) for n in re.findall(r'<td><a href="/ho-so/[^"]+">(.*?)</a>', table.group(1))]


def messages_of(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


@pytest.fixture
def five(actor):
    """Five dossiers (numbers 00601…00605 in NAMES order), born in different years, at different statuses."""
    made = []
    for i, name in enumerate(NAMES):
        person = services.create_person(actor=actor, full_name=name, birth_date=PartialDate(1940 + (i * 7) % 11))
        made.append(services.register_dossier(actor=actor, number=f"QTI/LS-{601 + i:05d}/CM", category_code="LS",
                                               subject=person))
    Dossier.objects.filter(number="QTI/LS-00602/CM").update(status=Dossier.Status.ENTERED)
    Dossier.objects.filter(number="QTI/LS-00604/CM").update(status=Dossier.Status.SCANNED)
    return made


# --- sortable columns ------------------------------------------------------------------------------------------

def test_the_list_sorts_by_vietnamese_name_order_by_default_and_both_ways(officer, five):
    web = client_for(officer)
    # tên, then họ, đệm; a < ă < â, and a tone after the letters: An, Ánh, Ân
    by_name = ["Nguyễn Văn An", "Nguyễn Thị Ánh", "Phạm Thị Ân", "Trần Văn Bình", "Lê Văn Đức"]
    assert listed_names(web.get("/ho-so/")) == by_name
    assert listed_names(web.get("/ho-so/", {"sap_xep": "ten"})) == by_name
    assert listed_names(web.get("/ho-so/", {"sap_xep": "-ten"})) == by_name[::-1]


def test_sorting_by_number_status_and_birth_date(officer, five):
    web = client_for(officer)
    numbers = [f"QTI/LS-{601 + i:05d}/CM" for i in range(5)]
    assert listed_numbers(web.get("/ho-so/", {"sap_xep": "so"})) == numbers
    assert listed_numbers(web.get("/ho-so/", {"sap_xep": "-so"})) == numbers[::-1]
    # the workflow's order (chưa số hóa → đã quét → đã nhập liệu), not the codes' alphabetical order
    statuses = listed_numbers(web.get("/ho-so/", {"sap_xep": "tinh_trang"}))
    assert statuses[-2:] == ["QTI/LS-00604/CM", "QTI/LS-00602/CM"]
    births = [d.subject.birth_date.year for d in Dossier.objects.select_related("subject")]
    shown = listed_numbers(web.get("/ho-so/", {"sap_xep": "sinh"}))
    years = {d.number: d.subject.birth_date.year for d in Dossier.objects.select_related("subject")}
    assert [years[n] for n in shown] == sorted(births)


def test_an_unknown_sort_key_is_the_default_order_and_never_reaches_the_database(officer, five):
    web = client_for(officer)
    default = listed_numbers(web.get("/ho-so/"))
    for key in ("subject__national_id", "-id", "password", "ten; drop table", "--ten"):
        response = web.get("/ho-so/", {"sap_xep": key})
        assert response.status_code == 200
        assert listed_numbers(response) == default


def test_headers_are_sort_links_with_aria_sort_keeping_the_filters(officer, five):
    page = client_for(officer).get("/ho-so/", {"category": "LS", "sap_xep": "so", "page": "1"}).content.decode()
    assert '<th scope="col" aria-sort="ascending" class="sorted"><a href="?category=LS&amp;sap_xep=-so"' in page
    assert '<a href="?category=LS&amp;sap_xep=ten" title="Sắp xếp theo họ và tên, tăng dần">Họ và tên' in page
    assert page.count('aria-sort=') == 1
    assert '<th scope="col">Nguyên quán</th>' in page  # not sortable: no link, no aria-sort
    assert '<input type="hidden" name="sap_xep" value="so">' in page  # filtering again keeps the order


def test_search_results_are_ranked_so_their_headers_are_not_sort_links(officer, five):
    page = client_for(officer).get("/ho-so/", {"q": "nguyen"}).content.decode()
    assert "xếp theo mức khớp" in page
    assert "sap_xep=" not in page.split('id="dossiers"')[1]


# --- the one pager -------------------------------------------------------------------------------------------

def test_the_pager_says_trang_n_of_m_keeps_filters_and_sort_and_offers_a_jump(officer, five, settings):
    settings.HOSO_PAGE_SIZE = 2
    web = client_for(officer)
    first = web.get("/ho-so/", {"category": "LS", "sap_xep": "-ten"}).content.decode()
    pager = re.search(r'<nav class="pager" aria-label="Phân trang">(.*?)</nav>', first, re.S).group(1)
    assert '<span class="where" aria-current="page">trang 1/3</span>' in pager
    assert 'rel="next" href="?category=LS&amp;sap_xep=-ten&amp;page=2"' in pager
    assert 'href="?category=LS&amp;sap_xep=-ten&amp;page=3">Trang cuối »</a>' in pager
    assert '<input type="hidden" name="category" value="LS"><input type="hidden" name="sap_xep" value="-ten">' in pager
    assert '<label>Đến trang <input type="number" name="page" min="1" max="3" value="1"' in pager
    last = web.get("/ho-so/", {"category": "LS", "sap_xep": "-ten", "page": 3})
    assert listed_names(last) == ["Nguyễn Văn An"]
    assert "trang 3/3" in last.content.decode()


@pytest.mark.parametrize("template", ["web/dossier_list.html", "access/audit_list.html", "archive/loan_list.html",
                                      "procedures/queue.html", "capture/batch_list.html", "web/search.html",
                                      "registers/duplicates.html", "registers/import_upload.html"])
def test_every_paginated_list_uses_the_one_pager(template):
    source = get_template(template).template.source
    assert '{% include "web/_pager.html"' in source or "_search_results" in source
    assert "has_next" not in source  # no pager of its own


# --- bulk actions ----------------------------------------------------------------------------------------------

def test_bulk_loan_request_asks_for_confirmation_then_requests_each_loan(officer, five):
    web = client_for(officer)
    ticked = ["QTI/LS-00601/CM", "QTI/LS-00603/CM"]
    confirm = web.post("/ho-so/hang-loat/", {"action": "loan", "chon": ticked, "tro_ve": "sap_xep=so"})
    assert confirm.status_code == 200
    page = confirm.content.decode()
    assert "Đề nghị mượn bản gốc: 2 hồ sơ" in page
    assert "Trần Văn Bình" in page and "Lê Văn Đức" in page and "Nguyễn Văn An" not in page
    assert not Loan.objects.exists()  # nothing done before the confirmation
    assert AuditEvent.objects.filter(actor=officer, action=AuditAction.VIEW_LIST, object_type="dossier_bulk").exists()

    done = web.post("/ho-so/hang-loat/", {"action": "loan", "xac_nhan": "1", "chon": ticked, "purpose": "Trích lục",
                                          "tro_ve": "sap_xep=so"})
    assert done.status_code == 302 and done["Location"] == "/ho-so/?sap_xep=so"
    assert messages_of(done) == ["Đã xử lý 2 hồ sơ."]
    assert sorted(Loan.objects.values_list("dossier__number", flat=True)) == ticked
    assert AuditEvent.objects.filter(actor=officer, action=AuditAction.LOAN_REQUEST).count() == 2


def test_a_bulk_action_names_visible_refusals_and_only_counts_dossiers_out_of_scope(make_user, communes, actor):
    def dossier(number: str, name: str, commune):
        person = services.create_person(actor=actor, full_name=name, residence_unit=commune)
        return services.register_dossier(actor=actor, number=number, category_code="LS", subject=person)

    ours = dossier("QTI/LS-00701/CM", "Hồ Văn Trong", communes["a"])
    busy = dossier("QTI/LS-00702/CM", "Hồ Văn Bận", communes["a"])
    theirs = dossier("QTI/LS-00703/CM", "Hồ Văn Ngoài", communes["b"])
    archive.request_loan(actor=actor, dossier=busy, purpose="Số hóa")  # an open loan: a refusal by the service
    clerk = make_user(Role.COMMUNE_OFFICER, username="xa-a", scope=communes["a"])
    web = client_for(clerk)
    numbers = [ours.number, busy.number, theirs.number, "QTI/LS-99999/CM"]

    confirm = web.post("/ho-so/hang-loat/", {"action": "loan", "chon": numbers}).content.decode()
    assert "2 hồ sơ đã chọn không tìm thấy hoặc nằm ngoài phạm vi" in confirm
    assert "Hồ Văn Ngoài" not in confirm and theirs.number not in confirm

    done = web.post("/ho-so/hang-loat/", {"action": "loan", "xac_nhan": "1", "chon": numbers, "purpose": "Trích lục"})
    shown = messages_of(done)
    assert shown[0] == "Đã xử lý 1 hồ sơ; 3 hồ sơ không thực hiện được (xem bên dưới)."
    assert shown[1].startswith("1 hồ sơ không thực hiện được: QTI/LS-00702/CM (Hồ Văn Bận): Hồ sơ QTI/LS-00702/CM đã "
                               "có phiếu mượn")
    assert shown[2] == ("2 hồ sơ không thực hiện được: không tìm thấy hoặc nằm ngoài phạm vi bạn được giao.")
    assert all("Ngoài" not in m and theirs.number not in m for m in shown)
    assert list(Loan.objects.filter(borrower=clerk).values_list("dossier__number", flat=True)) == [ours.number]
    assert not theirs.loans.exists()


def test_only_out_of_scope_dossiers_ticked_is_a_refusal(make_user, communes, actor):
    person = services.create_person(actor=actor, full_name="Hồ Văn Ngoài", residence_unit=communes["b"])
    theirs = services.register_dossier(actor=actor, number="QTI/LS-00703/CM", category_code="LS", subject=person)
    clerk = make_user(Role.COMMUNE_OFFICER, username="xa-a", scope=communes["a"])
    response = client_for(clerk).post("/ho-so/hang-loat/", {"action": "loan", "xac_nhan": "1", "chon": [theirs.number],
                                                             "purpose": "Trích lục"})
    assert response.status_code == 302
    assert messages_of(response) == ["1 hồ sơ không thực hiện được: không tìm thấy hoặc nằm ngoài phạm vi bạn được "
                                     "giao."]
    assert not Loan.objects.exists()


def test_bulk_move_to_a_box_goes_through_the_archive_service(archivist, five, actor):
    box = archive.create_location(actor=actor, kind="kho", name="Kho A")
    for kind in ("gia", "tang", "hop"):
        box = archive.create_location(actor=actor, kind=kind, parent=box)
    web = client_for(archivist)
    ticked = ["QTI/LS-00601/CM", "QTI/LS-00602/CM"]
    confirm = web.post("/ho-so/hang-loat/", {"action": "move", "chon": ticked}).content.decode()
    assert "Mã hộp đích" in confirm and f'<option value="{box.code}">' in confirm
    wrong = web.post("/ho-so/hang-loat/", {"action": "move", "xac_nhan": "1", "chon": ticked, "box": "K99-X"})
    assert wrong.status_code == 200 and "Không có vị trí mã K99-X." in wrong.content.decode()
    done = web.post("/ho-so/hang-loat/", {"action": "move", "xac_nhan": "1", "chon": ticked, "box": box.code})
    assert messages_of(done) == ["Đã xử lý 2 hồ sơ."]
    assert sorted(Placement.objects.filter(box=box).values_list("dossier__number", flat=True)) == ticked
    assert AuditEvent.objects.filter(actor=archivist, action=AuditAction.ARCHIVE_MOVE).count() == 2


def test_moving_to_a_box_is_not_offered_nor_done_without_the_archive_permission(officer, five):
    web = client_for(officer)
    assert 'value="move"' not in web.get("/ho-so/").content.decode()
    response = web.post("/ho-so/hang-loat/", {"action": "move", "xac_nhan": "1", "chon": ["QTI/LS-00601/CM"],
                                              "box": "K01"})
    assert messages_of(response) == ["Hãy chọn một thao tác bạn được phép làm."]
    assert not Placement.objects.exists()


def test_bulk_status_change_follows_the_workflow_per_dossier(verifier, five):
    web = client_for(verifier)
    ticked = ["QTI/LS-00602/CM", "QTI/LS-00601/CM"]  # entered (may be verified); not digitised (may not)
    done = web.post("/ho-so/hang-loat/", {"action": "status", "xac_nhan": "1", "chon": ticked,
                                          "status": Dossier.Status.VERIFIED})
    shown = messages_of(done)
    assert shown[0] == "Đã xử lý 1 hồ sơ; 1 hồ sơ không thực hiện được (xem bên dưới)."
    assert shown[1].startswith("1 hồ sơ không thực hiện được: QTI/LS-00601/CM (Trần Văn Bình): Chưa thể chuyển sang "
                               "«Đã kiểm tra»")
    assert Dossier.objects.get(number="QTI/LS-00602/CM").status == Dossier.Status.VERIFIED
    assert Dossier.objects.get(number="QTI/LS-00601/CM").status == Dossier.Status.NOT_STARTED
    assert AuditEvent.objects.filter(actor=verifier, action=AuditAction.SET_STATUS).count() == 1


def test_bulk_export_writes_the_ticked_dossiers_with_typed_cells(officer, five, actor):
    person = Dossier.objects.get(number="QTI/LS-00603/CM").subject
    services.update_person(actor=actor, person=person, birth_date=PartialDate(1949, 5, 12))
    response = client_for(officer).post("/ho-so/hang-loat/", {"action": "export",
                                                              "chon": ["QTI/LS-00603/CM", "QTI/LS-00601/CM"]})
    assert response["Content-Disposition"] == 'attachment; filename="ho-so-da-chon.xlsx"'
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(min_row=2))
    assert [r[2].value for r in rows] == ["Trần Văn Bình", "Lê Văn Đức"]  # the list's name order
    assert [(r[0].value, r[0].data_type, r[0].number_format) for r in rows] == [(1, "n", "#,##0"), (2, "n", "#,##0")]
    born = rows[1][5]
    assert born.is_date and born.value.date().isoformat() == "1949-05-12" and born.number_format == "dd/mm/yyyy"
    year = rows[0][5]
    assert (year.value, year.data_type, year.number_format) == (1940, "n", "0")
    event = AuditEvent.objects.get(actor=officer, action=AuditAction.EXPORT)
    assert event.after["filters"]["selected"] == ["QTI/LS-00601/CM", "QTI/LS-00603/CM"]


def test_bulk_without_ticks_or_with_a_tampered_return_address(officer, five):
    web = client_for(officer)
    response = web.post("/ho-so/hang-loat/", {"action": "loan", "tro_ve": "x=1&next=https://evil.example/"})
    assert messages_of(response) == ["Chưa chọn hồ sơ nào: hãy đánh dấu các hồ sơ trong danh sách trước."]
    assert response["Location"].startswith("/ho-so/?")
    assert web.get("/ho-so/hang-loat/").status_code == 405


def test_the_list_offers_labelled_ticks_and_a_select_all(officer, five):
    page = client_for(officer).get("/ho-so/").content.decode()
    assert 'aria-label="Chọn tất cả hồ sơ trong trang này"' in page
    assert '<input type="checkbox" name="chon" value="QTI/LS-00604/CM" aria-label="Chọn hồ sơ QTI/LS-00604/CM — ' \
           'Nguyễn Văn An">' in page
    assert 'action="/ho-so/hang-loat/"' in page and "csrfmiddlewaretoken" in page


# --- saved views ---------------------------------------------------------------------------------------------

def test_a_saved_view_is_listed_opened_and_deleted_by_its_owner_only(officer, make_user, five):
    web = client_for(officer)
    saved = web.post("/ho-so/bo-loc/", {"name": "  LS  chờ kiểm tra ", "query":
                                        "category=LS&status=da_nhap&sap_xep=-ten&page=4&csrfmiddlewaretoken=x"})
    assert saved.status_code == 302 and saved["Location"] == "/ho-so/?category=LS&status=da_nhap&sap_xep=-ten"
    assert messages_of(saved) == ["Đã lưu bộ lọc «LS chờ kiểm tra»."]
    view = SavedView.objects.get()
    assert (view.owner, view.name, view.query) == (officer, "LS chờ kiểm tra",
                                                   "category=LS&status=da_nhap&sap_xep=-ten")
    event = AuditEvent.objects.get(action=AuditAction.SAVE_LIST_VIEW)
    assert event.actor == officer and event.after["query"] == view.query

    page = web.get("/ho-so/", {"category": "LS", "status": "da_nhap", "sap_xep": "-ten"}).content.decode()
    link = '<a href="/ho-so/?category=LS&amp;status=da_nhap&amp;sap_xep=-ten" aria-current="true" class="current">'
    assert link + "LS chờ kiểm tra</a>" in page
    assert listed_names(web.get("/ho-so/?" + view.query)) == ["Nguyễn Thị Ánh"]

    other = client_for(make_user(Role.POLICY_OFFICER, username="nguoi-khac"))
    assert "LS chờ kiểm tra" not in other.get("/ho-so/").content.decode()
    assert other.post(f"/ho-so/bo-loc/{view.pk}/xoa/").status_code == 404
    assert SavedView.objects.exists()

    # the same name again replaces the query
    web.post("/ho-so/bo-loc/", {"name": "LS chờ kiểm tra", "query": "sap_xep=so"})
    assert SavedView.objects.get().query == "sap_xep=so"

    gone = web.post(f"/ho-so/bo-loc/{view.pk}/xoa/", {"tro_ve": "sap_xep=so"})
    assert gone["Location"] == "/ho-so/?sap_xep=so"
    assert messages_of(gone)[-1] == "Đã xóa bộ lọc «LS chờ kiểm tra»."
    assert not SavedView.objects.exists()
    assert AuditEvent.objects.filter(actor=officer, action=AuditAction.DELETE_LIST_VIEW).count() == 1


def test_a_saved_view_needs_a_name(officer):
    web = client_for(officer)
    response = web.post("/ho-so/bo-loc/", {"name": "   ", "query": "sap_xep=so"})
    assert messages_of(response) == ["Hãy đặt tên cho bộ lọc (tối đa 80 ký tự)."]
    assert not SavedView.objects.exists()



# --- the loans' register: sortable too -------------------------------------------------------------------------

def test_the_loan_register_sorts_by_name_or_number_and_keeps_its_filter(archivist, five, actor):
    for dossier in five:
        archive.request_loan(actor=actor, dossier=dossier, purpose="Trích lục")
    web = client_for(archivist)
    default = web.get("/muon/")
    assert len(re.findall(r'<td class="mono">', default.content.decode())) == 5
    assert "aria-sort" not in default.content.decode()  # the register's own order: no header marked

    by_name = web.get("/muon/", {"sap_xep": "ten"}).content.decode()
    names = re.findall(r"<td>([^<]+)</td>\s*<td>[^<]*</td>\s*<td>Trích lục", by_name)
    assert names == ["Nguyễn Văn An", "Nguyễn Thị Ánh", "Phạm Thị Ân", "Trần Văn Bình", "Lê Văn Đức"]
    assert '<th scope="col" aria-sort="ascending" class="sorted"><a href="?sap_xep=-ten"' in by_name
    assert '<input type="hidden" name="sap_xep" value="ten">' in by_name
    numbers = re.findall(r'<td class="mono">([^<]+)</td>', web.get("/muon/", {"sap_xep": "-so"}).content.decode())
    assert numbers == [f"QTI/LS-{n:05d}/CM" for n in (605, 604, 603, 602, 601)]
    # a sort alone keeps the default filter (loans not yet closed); with a state, the state's loans
    Loan.objects.filter(dossier__number="QTI/LS-00601/CM").update(state=Loan.State.REFUSED)
    def rows(**query) -> int:
        return len(re.findall(r'<td class="mono">', web.get("/muon/", query).content.decode()))

    assert rows(sap_xep="so") == 4
    assert rows(sap_xep="so", state="") == 5


def test_the_list_export_follows_the_chosen_order(officer, five):
    response = client_for(officer).get("/ho-so/xuat/", {"sap_xep": "-so"})
    rows = list(load_workbook(io.BytesIO(response.content)).active.values)[1:]
    assert [r[1] for r in rows] == [f"QTI/LS-{n:05d}/CM" for n in (605, 604, 603, 602, 601)]
    assert [r[0] for r in rows] == [1, 2, 3, 4, 5]
