"""Files of a digitised dossier as people receive them: thumbnails and page images through the access selector,
PDF downloads and prints watermarked on every page with the user, the time and the purpose, all audited."""

import io
import json

import numpy as np
import pypdfium2 as pdfium
import pytest
from django.core.management import call_command
from django.test import Client
from PIL import Image

from hoso.access.permissions import Role
from hoso.capture import services
from hoso.capture.worker import run_worker
from hoso.core.blobs import blob_store
from hoso.core.models import AuditEvent
from hoso.gazetteer.models import AdminUnit
from hoso.imaging.raster import SCREEN_WIDTH, render_for_screen
from hoso.records import services as records
from hoso.records.models import Page

from .conftest import make_folder


@pytest.fixture
def digitised(tmp_path, scans, scanner, actor):
    """A dossier of commune A with two processed pages (OCR off: the files, not the text, are under test)."""
    unit = AdminUnit.objects.create(code="90001", name="Xã An Phú", name_folded="xa an phu", level="commune")
    person = records.create_person(actor=actor, full_name="Trần Văn Lành", residence_unit=unit, birth_date="1948")
    dossier = records.register_dossier(actor=actor, number="QTI/LS-00777/CM", category_code="LS", subject=person)
    folder = make_folder(tmp_path / "in", {"": {"1.jpg": scans["small"][0], "2.jpg": scans["typical"][0]}})
    batch = services.start_batch(actor=scanner, name="thử", run_ocr=False)
    for name in ("1.jpg", "2.jpg"):
        services.receive_file(actor=scanner, batch=batch, dossier=dossier, path=folder / name, name=name)
    run_worker(until_empty=True)
    assert list(dossier.pages.values_list("state", flat=True)) == [Page.State.DONE] * 2
    return dossier


def client_for(user):
    client = Client()
    client.force_login(user)
    return client


def pdf_texts(data: bytes) -> list[str]:
    document = pdfium.PdfDocument(data)
    try:
        return [document[i].get_textpage().get_text_range() for i in range(len(document))]
    finally:
        document.close()


def test_thumbnails_and_page_images_are_served_to_who_may_see_them_and_reading_is_audited(digitised, officer):
    client = client_for(officer)
    first, second = digitised.pages.order_by("sequence")
    thumb = client.get(f"/trang/{first.pk}/anh-nho/")
    assert thumb.status_code == 200 and thumb["Content-Type"] == "image/webp"
    assert Image.open(io.BytesIO(thumb.content)).format == "WEBP"
    before = AuditEvent.objects.filter(action="view_page").count()
    image = client.get(f"/trang/{second.pk}/anh/?w=800")
    assert image.status_code == 200 and image["Content-Type"] == "image/jpeg"
    shown = Image.open(io.BytesIO(image.content))
    assert shown.width == 800 and shown.height > 800  # an A4 page, upright, with the viewer's footer
    event = AuditEvent.objects.filter(action="view_page").latest("id")
    assert AuditEvent.objects.filter(action="view_page").count() == before + 1
    assert event.actor == officer and event.summary == f"{digitised.number} trang 2"


def test_another_communes_officer_cannot_reach_files_by_id_or_number(digitised, actor, make_user, leader):
    elsewhere = AdminUnit.objects.create(code="90002", name="Xã Bình Minh", name_folded="xa binh minh",
                                         level="commune")
    commune = make_user(Role.COMMUNE_OFFICER, username="canboxa", scope=elsewhere)
    client = client_for(commune)
    page = digitised.pages.first()
    assert client.get(f"/trang/{page.pk}/anh-nho/").status_code == 404
    assert client.get(f"/trang/{page.pk}/anh/").status_code == 404
    assert client.get(f"/ho-so/{digitised.number}/pdf/").status_code == 404
    refused = client.post(f"/ho-so/{digitised.number}/pdf/", {"purpose": "thanh_tra", "action": "download"})
    assert refused.status_code == 404
    assert not AuditEvent.objects.filter(action__in=["download", "view_page"], actor=commune).exists()
    # The same officer in the right commune sees them.
    home = AdminUnit.objects.get(code="90001")
    neighbour = make_user(Role.COMMUNE_OFFICER, username="canboxa2", scope=home)
    assert client_for(neighbour).get(f"/trang/{page.pk}/anh-nho/").status_code == 200
    # A leader reads statistics, not files.
    assert client_for(leader).get(f"/trang/{page.pk}/anh-nho/").status_code == 403


def test_pages_of_a_secret_document_need_a_clearance(digitised, officer, actor):
    document = records.add_document(actor=actor, dossier=digitised, sequence=1, doc_type="Giấy báo tử",
                                    confidentiality="mat")
    secret_page = digitised.pages.get(sequence=2)
    Page.objects.filter(pk=secret_page.pk).update(document=document)
    client = client_for(officer)
    assert client.get(f"/trang/{secret_page.pk}/anh-nho/").status_code == 404
    assert client.get(f"/trang/{secret_page.pk}/anh/").status_code == 404
    form = client.get(f"/ho-so/{digitised.number}/pdf/")
    assert "1 trang không có trong bản này" in form.content.decode()
    pdf = client.post(f"/ho-so/{digitised.number}/pdf/", {"purpose": "giai_quyet_che_do", "action": "download"})
    assert pdf.status_code == 200
    assert len(pdf_texts(b"".join(pdf.streaming_content))) == 1


def test_a_download_asks_why_and_every_page_carries_user_time_and_purpose(digitised, officer):
    client = client_for(officer)
    url = f"/ho-so/{digitised.number}/pdf/"
    page = client.get(url)
    assert page.status_code == 200 and "2 trang đã số hóa" in page.content.decode()
    missing = client.post(url, {"purpose": "", "action": "download"})
    assert missing.status_code == 400 and "Hãy chọn mục đích" in missing.content.decode()
    vague = client.post(url, {"purpose": "khac", "detail": "", "action": "download"})
    assert vague.status_code == 400 and "Hãy ghi rõ mục đích" in vague.content.decode()
    assert not AuditEvent.objects.filter(action="download").exists()

    response = client.post(url, {"purpose": "khac", "detail": "Cấp trích lục cho thân nhân <b>", "action": "download"})
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert "attachment" in response["Content-Disposition"]
    data = b"".join(response.streaming_content)
    texts = pdf_texts(data)
    assert len(texts) == 2
    for text in texts:
        flat = " ".join(text.split())
        assert "canbo" in flat and "Mục đích: Cấp trích lục cho thân nhân <b>" in flat
        assert digitised.number in flat
    event = AuditEvent.objects.get(action="download")
    assert event.actor == officer and event.after["pages"] == 2
    assert event.after["purpose"] == "Cấp trích lục cho thân nhân <b>"
    import hashlib

    assert event.after["sha256"] == hashlib.sha256(data).hexdigest()  # a leaked copy can be traced to this event

    printed = client.post(url, {"purpose": "thanh_tra", "action": "print"})
    assert printed.status_code == 200 and "inline" in printed["Content-Disposition"]
    assert "In lúc" in " ".join(pdf_texts(b"".join(printed.streaming_content))[0].split())
    assert AuditEvent.objects.get(action="print").after["purpose"] == "Thanh tra, kiểm tra"


def test_a_missing_stored_file_gives_a_clear_message_not_a_server_error(digitised, officer, blob_dir):
    page = digitised.pages.first()
    path = next(p for p in blob_dir.rglob(page.thumbnail_sha256) if p.is_file())
    path.unlink()
    response = client_for(officer).get(f"/trang/{page.pk}/anh-nho/")
    assert response.status_code == 503 and "bị thiếu trong kho" in response.content.decode()
    assert blob_store().exists(page.master_sha256)  # nothing else was touched


def test_a_dossier_without_processed_pages_says_so(officer, martyr_dossier):
    client = client_for(officer)
    page = client.get(f"/ho-so/{martyr_dossier.number}/pdf/")
    assert page.status_code == 200 and "chưa có trang nào số hóa xong" in page.content.decode()
    response = client.post(f"/ho-so/{martyr_dossier.number}/pdf/", {"purpose": "thanh_tra"})
    assert response.status_code == 400 and "chưa có trang nào số hóa xong" in response.content.decode()


def test_data_entry_may_read_pages_but_not_take_a_copy_out(digitised, scanner):
    client = client_for(scanner)
    page = digitised.pages.first()
    assert client.get(f"/trang/{page.pk}/anh-nho/").status_code == 200
    form = client.get(f"/ho-so/{digitised.number}/pdf/")
    assert form.status_code == 200 and "không được tải về hay in" in form.content.decode()
    refused = client.post(f"/ho-so/{digitised.number}/pdf/", {"purpose": "thanh_tra", "action": "download"})
    assert refused.status_code == 403
    assert not AuditEvent.objects.filter(action="download").exists()


def test_the_readability_view_is_served_audited_and_unknown_views_are_refused(digitised, officer):
    page = digitised.pages.order_by("sequence").first()
    client = client_for(officer)
    plain = client.get(f"/trang/{page.pk}/anh/")
    before = AuditEvent.objects.filter(action="view_page", actor=officer).count()
    for view in ("ro", "den-trang"):
        response = client.get(f"/trang/{page.pk}/anh/", {"xem": view})
        assert response.status_code == 200 and response["Content-Type"] == "image/jpeg"
        assert response.content != plain.content
    assert AuditEvent.objects.filter(action="view_page", actor=officer).count() == before + 2
    assert client.get(f"/trang/{page.pk}/anh/", {"xem": "xanh"}).status_code == 400


def grey(data: bytes, size: tuple[int, int]) -> np.ndarray:
    return np.asarray(Image.open(io.BytesIO(data)).convert("L").resize(size), dtype=float)


def test_the_page_image_comes_from_the_screen_image_made_at_intake_and_shows_what_the_pdf_shows(digitised,
                                                                                                  officer):
    page = digitised.pages.get(sequence=2)  # the typical scan: skewed, levelled in the access copy
    assert page.screen_sha256 and blob_store().exists(page.screen_sha256)
    served = client_for(officer).get(f"/trang/{page.pk}/anh/").content
    rendered = render_for_screen(blob_store().read_bytes(page.access_sha256), width=SCREEN_WIDTH)
    shown = Image.open(io.BytesIO(served))
    assert shown.width == SCREEN_WIDTH and shown.height > rendered.height  # the viewer's footer below the page
    page_part = shown.crop((0, 0, rendered.width, rendered.height))
    out = io.BytesIO()
    page_part.save(out, "PNG")
    difference = np.abs(grey(out.getvalue(), rendered.size) - np.asarray(rendered.convert("L"), dtype=float))
    assert difference.mean() < 2  # the same page, level, at the same place (the page 3 pixels lower: ~4)


def test_pages_without_a_screen_image_are_rendered_and_hoso_screens_makes_them(digitised, officer, blob_dir):
    first, second = digitised.pages.order_by("sequence")
    missing = next(p for p in blob_dir.rglob(second.screen_sha256) if p.is_file())
    missing.unlink()  # a damaged store: the access copy is rendered instead
    Page.objects.filter(pk=first.pk).update(screen_sha256="")  # taken in before screen images were made
    client = client_for(officer)
    for page in (first, second):
        response = client.get(f"/trang/{page.pk}/anh/")
        assert response.status_code == 200 and Image.open(io.BytesIO(response.content)).width == SCREEN_WIDTH
    out = io.StringIO()
    call_command("screens", json=True, stdout=out)
    assert json.loads(out.getvalue())["made"] == 1
    first.refresh_from_db()
    assert first.screen_sha256 and blob_store().exists(first.screen_sha256)
    assert Image.open(io.BytesIO(blob_store().read_bytes(first.screen_sha256))).width == SCREEN_WIDTH
    assert first.master_sha256 and first.access_sha256 == Page.objects.get(pk=first.pk).access_sha256
