"""Page work in the web UI: viewer, reorder, grouping into documents, uploads, batches and the digitisation
workflow (verified by a second person), with the access rules of each page."""

import datetime
import io
import re

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from PIL import Image

from hoso.access.permissions import Role
from hoso.capture import services
from hoso.capture.models import Batch, BatchItem
from hoso.capture.worker import run_worker
from hoso.core.models import AuditEvent
from hoso.gazetteer.models import AdminUnit
from hoso.records import services as records
from hoso.records import services as records_services
from hoso.records.models import Document, Dossier, Page


def png(shade: int) -> bytes:
    """A small distinct page image (distinct bytes: distinct pages)."""
    buffer = io.BytesIO()
    Image.new("L", (320, 420), shade).save(buffer, "PNG")
    return buffer.getvalue()


def add_pages(actor, dossier, tmp_path, count: int) -> list[Page]:
    batch = services.start_batch(actor=actor, name="thử", run_ocr=False)
    for i in range(count):
        path = tmp_path / f"{i + 1:03d}.png"
        path.write_bytes(png(250 - i * 7))
        services.receive_file(actor=actor, batch=batch, dossier=dossier, path=path, name=path.name)
    return list(dossier.pages.order_by("sequence"))


def settle(page: Page, text: str) -> None:
    """Mark a page processed with this OCR text (as the worker would), without running the pipeline."""
    claim = services.claim_page(page_id=page.pk, worker="test")
    assert services.finish_page(claim=claim, access_sha256="a" * 64, thumbnail_sha256="", text=text)


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def communes(db):
    province = AdminUnit.objects.create(code="44", name="Tỉnh Quảng Trị", name_folded="tinh quang tri",
                                        level="province", valid_from=datetime.date(2025, 7, 1))
    return [AdminUnit.objects.create(code=code, name=name, name_folded=name.lower(), level="commune",
                                     parent=province, valid_from=datetime.date(2025, 7, 1))
            for code, name in (("90001", "Xã An Phú"), ("90002", "Xã Bình Minh"))]


# --- reorder ------------------------------------------------------------------------------------------------


def test_reorder_rewrites_sequences_under_the_unique_constraint_and_is_audited(scanner, martyr_dossier, tmp_path):
    pages = add_pages(scanner, martyr_dossier, tmp_path, 4)
    order = [pages[3].pk, pages[0].pk, pages[2].pk, pages[1].pk]
    services.reorder_pages(actor=scanner, dossier=martyr_dossier, page_ids=order)
    assert list(martyr_dossier.pages.order_by("sequence").values_list("pk", flat=True)) == order
    assert list(martyr_dossier.pages.order_by("sequence").values_list("sequence", flat=True)) == [1, 2, 3, 4]
    event = AuditEvent.objects.get(action="reorder_pages")
    assert event.actor == scanner and event.before["order"] == [p.pk for p in pages] and event.after["order"] == order


def test_reorder_refuses_a_stale_or_partial_order(scanner, martyr_dossier, tmp_path):
    pages = add_pages(scanner, martyr_dossier, tmp_path, 3)
    for bad in ([pages[0].pk, pages[1].pk], [pages[0].pk, pages[0].pk, pages[1].pk],
                [pages[0].pk, pages[1].pk, pages[2].pk, 999999]):
        with pytest.raises(ValidationError, match="không khớp"):
            services.reorder_pages(actor=scanner, dossier=martyr_dossier, page_ids=bad)
    assert list(martyr_dossier.pages.order_by("sequence").values_list("pk", flat=True)) == [p.pk for p in pages]


def test_reorder_needs_the_capture_permission(officer, scanner, martyr_dossier, tmp_path):
    pages = add_pages(scanner, martyr_dossier, tmp_path, 2)
    with pytest.raises(PermissionDenied):
        services.reorder_pages(actor=officer, dossier=martyr_dossier, page_ids=[pages[1].pk, pages[0].pk])


def test_moving_a_page_carries_its_document_range_along(scanner, martyr_dossier, tmp_path):
    pages = add_pages(scanner, martyr_dossier, tmp_path, 4)
    doc = services.group_pages(actor=scanner, dossier=martyr_dossier, page_from=3, page_to=4, doc_type="Giấy báo tử")
    services.move_page(actor=scanner, page=pages[3], to=1)  # the document's last page goes first
    doc.refresh_from_db()
    assert (doc.page_from, doc.page_to) == (1, 4)
    assert Page.objects.get(pk=pages[3].pk).sequence == 1


def test_move_buttons_in_the_viewer(scanner, martyr_dossier, tmp_path):
    pages = add_pages(scanner, martyr_dossier, tmp_path, 3)
    client = client_for(scanner)
    url = f"/so-hoa/ho-so/{martyr_dossier.number}/sap-xep/"
    response = client.post(url, {"page": pages[2].pk, "dir": "up", "p": 3})
    assert response.status_code == 302 and response["Location"].endswith("?p=2")
    assert [p.pk for p in martyr_dossier.pages.order_by("sequence")] == [pages[0].pk, pages[2].pk, pages[1].pk]
    response = client.post(url, {"order": f"{pages[1].pk},{pages[0].pk}"}, HTTP_ACCEPT="application/json")
    assert response.status_code == 400 and "không khớp" in response.json()["error"]
    response = client.post(url, {"order": "abc"}, HTTP_ACCEPT="application/json")
    assert response.status_code == 400


# --- grouping into documents ---------------------------------------------------------------------------------


def test_grouping_pages_makes_a_document_with_its_range(scanner, martyr_dossier, tmp_path):
    pages = add_pages(scanner, martyr_dossier, tmp_path, 5)
    doc = services.group_pages(actor=scanner, dossier=martyr_dossier, page_from=2, page_to=3, doc_type="Giấy báo tử",
                               number="12", symbol="GBT", issued_on="5/1972", issuer="Trung đoàn 48")
    assert (doc.page_from, doc.page_to, doc.page_count, doc.sequence) == (2, 3, 2, 1)
    assert str(doc.issued_on.display()) == "05/1972"
    assert [p.document_id for p in martyr_dossier.pages.order_by("sequence")] == [None, doc.pk, doc.pk, None, None]
    # Editing the range releases pages outside it and takes the new ones.
    services.group_pages(actor=scanner, dossier=martyr_dossier, document=doc, page_from=3, page_to=4,
                         doc_type="Giấy báo tử")
    assert [p.document_id for p in martyr_dossier.pages.order_by("sequence")] == [None, None, doc.pk, doc.pk, None]
    assert AuditEvent.objects.filter(action="group_pages").count() == 2
    assert pages  # the pages themselves are never deleted


def test_grouping_refuses_overlaps_and_impossible_ranges(scanner, martyr_dossier, tmp_path):
    add_pages(scanner, martyr_dossier, tmp_path, 3)
    services.group_pages(actor=scanner, dossier=martyr_dossier, page_from=1, page_to=2, doc_type="Bản khai")
    with pytest.raises(ValidationError, match="đã thuộc văn bản số 1"):
        services.group_pages(actor=scanner, dossier=martyr_dossier, page_from=2, page_to=3, doc_type="Quyết định")
    with pytest.raises(ValidationError, match="chỉ có 3 trang"):
        services.group_pages(actor=scanner, dossier=martyr_dossier, page_from=3, page_to=7, doc_type="Quyết định")
    with pytest.raises(ValidationError):
        services.group_pages(actor=scanner, dossier=martyr_dossier, page_from=3, page_to=2, doc_type="Quyết định")
    assert Document.objects.count() == 1


def test_document_form_beside_the_image_saves_and_moves_on(scanner, martyr_dossier, tmp_path):
    add_pages(scanner, martyr_dossier, tmp_path, 4)
    client = client_for(scanner)
    url = f"/so-hoa/ho-so/{martyr_dossier.number}/van-ban/"
    response = client.post(url, {"page_from": 1, "page_to": 2, "doc_type": "Giấy báo tử", "issued_on": "12/05/1972",
                                 "confidentiality": "thuong"})
    assert response.status_code == 302 and response["Location"].endswith("?p=3#nhap")
    doc = Document.objects.get()
    assert doc.issued_on.iso() == "1972-05-12" and (doc.page_from, doc.page_to) == (1, 2)
    # An impossible date is explained and what was typed is kept.
    response = client.post(url, {"page_from": 3, "page_to": 4, "doc_type": "Quyết định", "issuer": "UBND tỉnh",
                                 "issued_on": "31/02/1972", "confidentiality": "thuong"})
    assert response.status_code == 400
    html = response.content.decode()
    assert "Ngày không tồn tại: 31/02/1972" in html and 'value="UBND tỉnh"' in html
    assert Document.objects.count() == 1


# --- viewer and access ---------------------------------------------------------------------------------------


def test_viewer_shows_pages_states_and_escaped_ocr_text(scanner, martyr_dossier, tmp_path):
    pages = add_pages(scanner, martyr_dossier, tmp_path, 3)
    settle(pages[0], "GIẤY BÁO TỬ <script>alert('x')</script> Nguyễn Văn Đức")
    claim = services.claim_page(page_id=pages[1].pk, worker="test")
    services.fail_page(claim=claim, reason="Hết thời gian nhận dạng chữ (tesseract).")
    response = client_for(scanner).get(f"/so-hoa/ho-so/{martyr_dossier.number}/?p=1")
    assert response.status_code == 200
    html = response.content.decode()
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in html and "<script>alert" not in html
    assert "Nguyễn Văn Đức" in html
    assert f'/trang/{pages[0].pk}/anh/' in html  # the image of a processed page
    assert "Hết thời gian nhận dạng chữ (tesseract)." in html and "Thử lại" in html
    assert "Chờ xử lý" in html and "Hoàn tất" in html and "Lỗi" in html
    assert 'id="next-page"' in html and 'id="prev-page"' not in html
    # The strip polls while a page is still waiting.
    assert 'hx-trigger="every 2s"' in html
    strip = client_for(scanner).get(f"/so-hoa/ho-so/{martyr_dossier.number}/trang-thai/?p=2")
    assert strip.status_code == 200 and "Trang 3" in strip.content.decode()


def test_retrying_a_failed_page_queues_it_again(scanner, martyr_dossier, tmp_path):
    pages = add_pages(scanner, martyr_dossier, tmp_path, 1)
    claim = services.claim_page(page_id=pages[0].pk, worker="test")
    services.fail_page(claim=claim, reason="hỏng")
    response = client_for(scanner).post(f"/so-hoa/trang/{pages[0].pk}/thu-lai/")
    assert response.status_code == 302
    page = Page.objects.get(pk=pages[0].pk)
    assert page.state == Page.State.QUEUED and page.error == ""


def test_commune_officers_see_only_their_commune_and_cannot_reorder(actor, scanner, communes, tmp_path, make_user):
    here, there = communes
    mine = records.register_dossier(actor=actor, number="QTI/LS-00001/CM", category_code="LS",
                                    subject=records.create_person(actor=actor, full_name="Lê Văn A",
                                                                  residence_unit=here))
    other = records.register_dossier(actor=actor, number="QTI/LS-00002/CM", category_code="LS",
                                     subject=records.create_person(actor=actor, full_name="Lê Văn B",
                                                                   residence_unit=there))
    mine_pages = add_pages(scanner, mine, tmp_path, 2)
    other_pages = add_pages(scanner, other, tmp_path, 2)
    officer = make_user(Role.COMMUNE_OFFICER, username="xa", scope=here)
    client = client_for(officer)
    assert client.get(f"/so-hoa/ho-so/{mine.number}/").status_code == 200
    assert client.get(f"/so-hoa/ho-so/{other.number}/").status_code == 404
    assert client.get(f"/so-hoa/ho-so/{other.number}/trang-thai/").status_code == 404
    assert client.post(f"/so-hoa/ho-so/{mine.number}/sap-xep/",
                       {"order": f"{mine_pages[1].pk},{mine_pages[0].pk}"}).status_code == 403
    assert client.post(f"/so-hoa/trang/{other_pages[0].pk}/thu-lai/").status_code == 403
    assert client.get(f"/so-hoa/ho-so/{mine.number}/tai-len/").status_code == 403
    assert client.get("/so-hoa/").status_code == 403
    # A data-entry operator scoped to the first commune gets 404 on the other commune's dossier.
    scoped = make_user(Role.DATA_ENTRY, username="nhap-xa", scope=here)
    client = client_for(scoped)
    assert client.post(f"/so-hoa/ho-so/{other.number}/sap-xep/",
                       {"order": f"{other_pages[1].pk},{other_pages[0].pk}"}).status_code == 404
    assert client.post(f"/so-hoa/trang/{other_pages[0].pk}/thu-lai/").status_code == 404
    assert client.get(f"/so-hoa/ho-so/{other.number}/tai-len/").status_code == 404
    assert client.post(f"/so-hoa/ho-so/{other.number}/van-ban/", {"page_from": 1, "page_to": 1,
                                                                  "doc_type": "X"}).status_code == 404


def test_the_dossier_page_links_to_the_viewer_and_the_upload(scanner, martyr_dossier, tmp_path):
    add_pages(scanner, martyr_dossier, tmp_path, 1)
    html = client_for(scanner).get(f"/ho-so/{martyr_dossier.number}/").content.decode()
    assert f'href="/so-hoa/ho-so/{martyr_dossier.number}/"' in html
    assert f'href="/so-hoa/ho-so/{martyr_dossier.number}/tai-len/"' in html


# --- workflow: scanned → entered → verified (by another person) → archived -------------------------------------


def test_verified_must_be_done_by_someone_other_than_who_entered(scanner, verifier, archivist, martyr_dossier,
                                                                 tmp_path):
    pages = add_pages(scanner, martyr_dossier, tmp_path, 2)
    for page in pages:
        settle(page, "chữ")
    records_services.set_dossier_status(actor=scanner, dossier=martyr_dossier, status=Dossier.Status.SCANNED)
    with pytest.raises(ValidationError, match="cần qua «Đã nhập liệu» trước"):
        records_services.set_dossier_status(actor=verifier, dossier=martyr_dossier, status=Dossier.Status.VERIFIED)
    services.group_pages(actor=scanner, dossier=martyr_dossier, page_from=1, page_to=2, doc_type="Giấy báo tử")
    records_services.set_dossier_status(actor=scanner, dossier=martyr_dossier, status=Dossier.Status.ENTERED)
    # The operator who entered the data cannot verify it, even holding the permission (a verifier role here).
    scanner.role = Role.VERIFIER
    scanner.save()
    with pytest.raises(ValidationError, match="Người kiểm tra phải khác người đã nhập liệu"):
        records_services.set_dossier_status(actor=scanner, dossier=martyr_dossier, status=Dossier.Status.VERIFIED)
    records_services.set_dossier_status(actor=verifier, dossier=martyr_dossier, status=Dossier.Status.VERIFIED)
    martyr_dossier.refresh_from_db()
    assert martyr_dossier.status == Dossier.Status.VERIFIED
    event = AuditEvent.objects.filter(action="set_status").latest("id")
    assert event.actor == verifier and event.after["status"] == "da_kiem_tra"
    with pytest.raises(PermissionDenied):  # archiving is for the archive's keepers
        records_services.set_dossier_status(actor=verifier, dossier=martyr_dossier, status=Dossier.Status.ARCHIVED)
    records_services.set_dossier_status(actor=archivist, dossier=martyr_dossier, status=Dossier.Status.ARCHIVED)
    martyr_dossier.refresh_from_db()
    assert martyr_dossier.status == Dossier.Status.ARCHIVED


def test_a_verifier_can_send_data_back_with_a_reason_but_not_without(scanner, verifier, martyr_dossier, tmp_path):
    for page in add_pages(scanner, martyr_dossier, tmp_path, 1):
        settle(page, "")
    records_services.set_dossier_status(actor=scanner, dossier=martyr_dossier, status=Dossier.Status.SCANNED)
    records_services.set_dossier_status(actor=scanner, dossier=martyr_dossier, status=Dossier.Status.ENTERED)
    client = client_for(verifier)
    url = f"/so-hoa/ho-so/{martyr_dossier.number}/tinh-trang/"
    response = client.post(url, {"status": "da_quet", "note": ""}, follow=True)
    assert "hãy ghi lý do" in response.content.decode()
    response = client.post(url, {"status": "da_quet", "note": "Sai ngày sinh so với ảnh trang 1"}, follow=True)
    assert "đã chuyển sang «Đã quét»" in response.content.decode()
    martyr_dossier.refresh_from_db()
    assert martyr_dossier.status == Dossier.Status.SCANNED
    response = client.post(url, {"status": "da_kiem_tra"}, follow=True)  # not a step the verifier may skip to
    assert martyr_dossier.status == Dossier.Status.SCANNED and "cần qua" in response.content.decode()


def test_entered_needs_every_page_processed(scanner, martyr_dossier, tmp_path):
    pages = add_pages(scanner, martyr_dossier, tmp_path, 2)
    settle(pages[0], "")
    records_services.set_dossier_status(actor=scanner, dossier=martyr_dossier, status=Dossier.Status.SCANNED)
    with pytest.raises(ValidationError, match="Còn trang đang chờ xử lý"):
        records_services.set_dossier_status(actor=scanner, dossier=martyr_dossier, status=Dossier.Status.ENTERED)


# --- upload and batches ----------------------------------------------------------------------------------------


def test_plain_multi_file_upload_without_javascript(scanner, martyr_dossier):
    client = client_for(scanner)
    url = f"/so-hoa/ho-so/{martyr_dossier.number}/tai-len/"
    assert client.get(url).status_code == 200
    files = [SimpleUploadedFile("1.png", png(200)), SimpleUploadedFile("2.png", png(190)),
             SimpleUploadedFile("ghi-chu.txt", b"khong phai anh")]
    response = client.post(url, {"files": files, "batch_name": "Đợt thử", "run_ocr": ""})
    batch = Batch.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/so-hoa/dot/{batch.pk}/"
    assert batch.name == "Đợt thử" and not batch.run_ocr and batch.source == Batch.Source.UPLOAD
    assert list(martyr_dossier.pages.values_list("original_name", flat=True)) == ["1.png", "2.png"]
    page = client.get(response["Location"]).content.decode()
    assert "ghi-chu.txt" in page and "không phải ảnh quét hay PDF" in page
    # Sending the same file again adds nothing twice.
    again = client.post(url, {"files": [SimpleUploadedFile("1.png", png(200))]})
    assert again.status_code == 302, again.content.decode()[-2000:]
    assert martyr_dossier.pages.count() == 2
    assert BatchItem.objects.filter(outcome=BatchItem.Outcome.SKIPPED).count() == 1


def test_drag_and_drop_posts_one_file_per_request_into_one_batch(scanner, martyr_dossier):
    client = client_for(scanner)
    url = f"/so-hoa/ho-so/{martyr_dossier.number}/tai-len/"
    first = client.post(url, {"files": SimpleUploadedFile("a.png", png(200)), "paths": "a.png", "run_ocr": "on"},
                        HTTP_ACCEPT="application/json").json()
    second = client.post(url, {"files": SimpleUploadedFile("b.png", b""), "paths": "b.png", "batch": first["batch"]},
                         HTTP_ACCEPT="application/json").json()
    assert first["batch"] == second["batch"] and first["items"][0]["sequence"] == 1
    assert second["items"][0]["outcome"] == "refused" and "rỗng" in second["items"][0]["reason"]
    assert Batch.objects.count() == 1 and Batch.objects.get().run_ocr
    empty = client.post(url, {}, HTTP_ACCEPT="application/json")
    assert empty.status_code == 400 and "ít nhất một tệp" in empty.json()["error"]


def test_a_dropped_folder_of_dossier_folders_goes_to_each_dossier(scanner, martyr_dossier, tmp_path):
    client = client_for(scanner)
    answers = []
    for path, data in (("QTI-LS-07956-CM/002.png", png(180)), ("QTI-LS-07956-CM/010.png", png(170)),
                       ("QTI-LS-99999-CM/001.png", png(160)), ("le.png", png(150))):
        name = path.rsplit("/", 1)[-1]
        answers.append(client.post("/so-hoa/tai-len/", {"files": SimpleUploadedFile(name, data), "paths": path,
                                                       "batch": answers[0]["batch"] if answers else ""},
                                   HTTP_ACCEPT="application/json").json())
    assert [a["items"][0]["outcome"] for a in answers] == ["added", "added", "refused", "refused"]
    assert answers[1]["items"][0]["dossier"] == martyr_dossier.number and answers[1]["items"][0]["sequence"] == 2
    assert "Không có hồ sơ số QTI/LS-99999/CM" in answers[2]["items"][0]["reason"]
    assert "nằm ngoài thư mục hồ sơ" in answers[3]["items"][0]["reason"]
    assert len({a["batch"] for a in answers}) == 1


def test_a_batch_page_counts_stages_operators_and_days_and_retries_failures(scanner, officer, martyr_dossier,
                                                                           tmp_path):
    pages = add_pages(scanner, martyr_dossier, tmp_path, 3)
    batch = Batch.objects.get()
    services.refuse(actor=scanner, batch=batch, source_name="hong.jpg", reason="Tệp «hong.jpg» rỗng (0 byte).")
    run_worker(until_empty=True)
    claim = services.claim_page(page_id=pages[2].pk, worker="t")  # already done: nothing to claim
    assert claim is None
    Page.objects.filter(pk=pages[2].pk).update(state=Page.State.FAILED, error="Lỗi thử <b>đậm</b>")
    client = client_for(scanner)
    html = client.get(f"/so-hoa/dot/{batch.pk}/").content.decode()
    assert re.search(r"Hoàn tất</span> <strong>2</strong>", html)
    assert re.search(r"Lỗi</span> <strong>1</strong>", html)
    assert re.search(r"Từ chối</span> <strong>1</strong>", html)
    assert "soho" in html and "Lỗi thử &lt;b&gt;đậm&lt;/b&gt;" in html and "hong.jpg" in html
    assert "Thử lại 1 trang lỗi" in html
    response = client.post(f"/so-hoa/dot/{batch.pk}/thu-lai/", follow=True)
    assert "Đã xếp lại 1 trang lỗi" in response.content.decode()
    assert Page.objects.get(pk=pages[2].pk).state == Page.State.QUEUED
    listing = client.get("/so-hoa/").content.decode()
    assert "thử" in listing and f"/so-hoa/dot/{batch.pk}/" in listing
    assert client_for(officer).get("/so-hoa/").status_code == 200  # statistics readers see the batches
    assert client_for(officer).post(f"/so-hoa/dot/{batch.pk}/thu-lai/").status_code == 403
    assert client.get("/so-hoa/dot/999999/").status_code == 404


def test_the_dossier_form_cannot_skip_the_workflow(scanner, martyr_dossier):
    client = client_for(scanner)
    form = client.get(f"/ho-so/{martyr_dossier.number}/sua/").content.decode()
    assert re.search(r'<select name="status"[^>]*disabled', form)
    data = {"number": martyr_dossier.number, "category": "LS", "full_name": "Nguyễn Văn Đức",
            "title": martyr_dossier.title, "confidentiality": "thuong", "status": "da_kiem_tra",
            "physical_condition": "binh_thuong"}
    response = client.post(f"/ho-so/{martyr_dossier.number}/sua/", data)
    assert response.status_code == 302
    martyr_dossier.refresh_from_db()
    assert martyr_dossier.status == Dossier.Status.NOT_STARTED


def test_the_viewer_on_a_demo_digitised_dossier(actor, scanner, martyr_dossier):
    """The demo's pages (typeset, aged, OCR'd by the real pipeline): image, thumbnails and OCR text in the viewer."""
    from hoso.capture.demo import digitise_demo

    assert digitise_demo(actor=actor, seed=7, jobs=1, dossier_count=1) == 3
    client = client_for(scanner)
    html = client.get(f"/so-hoa/ho-so/{martyr_dossier.number}/").content.decode()
    pages = list(martyr_dossier.pages.order_by("sequence"))
    assert "GIẤY BÁO TỬ" in html and "Nguyễn Văn Đức" in html  # the first page's OCR text beside the image
    assert html.count('class="thumb state-done') == 3
    for page in pages:
        assert client.get(f"/trang/{page.pk}/anh-nho/").status_code == 200
    assert client.get(f"/trang/{pages[0].pk}/anh/").status_code == 200
    html = client.get(f"/so-hoa/ho-so/{martyr_dossier.number}/?p=2").content.decode()
    assert 'id="prev-page"' in html and 'id="next-page"' in html and "Trang 2" in html


def test_too_many_files_in_one_plain_post_is_explained(scanner, martyr_dossier, settings):
    settings.DATA_UPLOAD_MAX_NUMBER_FILES = 2
    client = client_for(scanner)
    url = f"/so-hoa/ho-so/{martyr_dossier.number}/tai-len/"
    files = [SimpleUploadedFile(f"{i}.png", png(200 - i)) for i in range(3)]
    response = client.post(url, {"files": files}, follow=True)
    assert "Mỗi lần gửi tối đa 2 tệp" in response.content.decode()
    assert not martyr_dossier.pages.exists()
    csrf_client = Client(enforce_csrf_checks=True)  # in real use the CSRF check reads the body first
    csrf_client.force_login(scanner)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', csrf_client.get(url).content.decode())[1]
    response = csrf_client.post(url, {"csrfmiddlewaretoken": token, "files": files})
    assert response.status_code == 400 and "tối đa 100 tệp" in response.content.decode()


def test_viewer_empty_state_and_odd_page_numbers(scanner, martyr_dossier, tmp_path):
    client = client_for(scanner)
    html = client.get(f"/so-hoa/ho-so/{martyr_dossier.number}/?p=abc").content.decode()
    assert "Hồ sơ chưa có trang số hóa nào" in html and "tải ảnh trang lên" in html
    add_pages(scanner, martyr_dossier, tmp_path, 2)
    for odd in ("abc", "-4", "999", "1.5"):
        response = client.get(f"/so-hoa/ho-so/{martyr_dossier.number}/?p={odd}")
        assert response.status_code == 200 and 'id="page-label"' in response.content.decode()
    bad = client.post(f"/so-hoa/ho-so/{martyr_dossier.number}/sap-xep/", {"page": "x", "dir": "up"}, follow=True)
    assert "Không tìm thấy trang cần di chuyển" in bad.content.decode()
    bad = client.post(f"/so-hoa/ho-so/{martyr_dossier.number}/tinh-trang/", {"status": "khong-co"}, follow=True)
    assert "Tình trạng số hóa không hợp lệ" in bad.content.decode()
