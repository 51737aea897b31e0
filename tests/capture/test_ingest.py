"""`hoso ingest`: a scanner folder in, searchable PDF/A out, every bad file refused with its reason."""

import io
import json

import pikepdf
import pytest
from django.core.management import call_command
from django_tasks_db.models import DBTaskResult

from hoso.capture.models import AccessCopy, BatchItem
from hoso.core.blobs import blob_store
from hoso.core.models import AuditEvent
from hoso.imaging.quality import cer
from hoso.imaging.specimen import hostile_files, scanned_page
from hoso.records.models import Dossier, Page
from hoso.search.services import search

from .conftest import make_folder


def ingest(folder, **options) -> dict:
    out = io.StringIO()
    call_command("ingest", str(folder), json=True, jobs=1, stdout=out, **options)
    return json.loads(out.getvalue())


@pytest.fixture
def scan_folder(tmp_path, scans, martyr_dossier, wounded_dossier):
    root = make_folder(tmp_path / "SCANS", {
        "QTI-LS-07956-CM": {"trang 2.jpg": scans["typical"][0], "trang 10.tif": scans["tiff"][0],
                            "trang 11.png": scans["cua_tung"][0], "Thumbs.db": b"\x00" * 10},
        "QTI AQ 123 CM": {"anh-dien-thoai.jpg": scans["phone"][0]},
        "QTI-LS-99999-CM": {"a.jpg": scans["small"][0]},
        "": {"nam-ngoai.jpg": scans["small"][0]},
    })
    hostile_files(root / "QTI AQ 123 CM", image=scanned_page(seed=2, sentences=2).image.reduce(2))
    outside = tmp_path / "ngoai.jpg"
    outside.write_bytes(scans["small"][0])
    (root / "QTI AQ 123 CM" / "lien-ket.jpg").symlink_to(outside)
    return root


def test_a_folder_is_taken_in_processed_and_reported(scan_folder, scans, martyr_dossier, wounded_dossier, officer):
    report = ingest(scan_folder, batch_name="Đợt 1 — phòng lưu trữ")
    assert report["batch"]["name"] == "Đợt 1 — phòng lưu trữ"
    assert (report["pages_added"], report["done"], report["failed"]) == (5, 5, 0)
    reasons = {item["file"]: item["reason"] for item in report["problems"]}
    aq = "QTI AQ 123 CM/"
    assert reasons[aq + "rong.jpg"] == "Tệp «rong.jpg» rỗng (0 byte)."
    assert "không phải ảnh" in reasons[aq + "van-ban.jpg"]
    assert "cắt cụt" in reasons[aq + "cat-cut.tif"]
    assert "900 triệu điểm ảnh" in reasons[aq + "qua-lon.png"]
    assert "JavaScript" in reasons[aq + "co-javascript.pdf"]
    assert "không an toàn" in reasons[aq + "..\\..\\thoat-ra.jpg"]
    assert "ra ngoài thư mục" in reasons[aq + "lien-ket.jpg"]
    assert "Không có hồ sơ số QTI/LS-99999/CM" in reasons["QTI-LS-99999-CM/"]
    assert "ngoài thư mục hồ sơ" in reasons["nam-ngoai.jpg"]
    assert report["quarantined"] == 1 and report["refused"] == 8
    assert not any("Thumbs.db" in item["file"] for item in report["items"])

    # The pages, in natural file order, with their text; the masters are the files, byte for byte.
    pages = list(Page.objects.filter(dossier=martyr_dossier).order_by("sequence"))
    assert [(p.sequence, p.original_name) for p in pages] == [
        (1, "trang 2.jpg"), (2, "trang 10.tif"), (3, "trang 10.tif"), (4, "trang 11.png")]
    store = blob_store()
    assert store.read_bytes(pages[0].master_sha256) == (scan_folder / "QTI-LS-07956-CM" / "trang 2.jpg").read_bytes()
    assert store.read_bytes(pages[1].master_sha256) == scans["tiff"][0]
    quarantined = BatchItem.objects.get(outcome=BatchItem.Outcome.QUARANTINED)
    assert store.read_bytes(quarantined.master_sha256) == (scan_folder / aq / "co-javascript.pdf").read_bytes()

    shown = io.StringIO()
    call_command("show", "QTI/LS-07956/CM", json=True, stdout=shown)
    shown_pages = json.loads(shown.getvalue())["pages"]
    assert [p["state"] for p in shown_pages] == ["done"] * 4
    assert cer(scans["typical"][1], shown_pages[0]["ocr_text"]) < 0.02
    assert cer(scans["tiff"][1], shown_pages[1]["ocr_text"] + "\n" + shown_pages[2]["ocr_text"]) < 0.02

    # The dossier's access copy: one PDF/A-2b of its four pages; the dossier now counts as scanned.
    copy = AccessCopy.objects.get(dossier=martyr_dossier)
    with store.local_path(copy.sha256) as path, pikepdf.open(path) as pdf:
        assert len(pdf.pages) == 4 == copy.page_count and pdf.open_metadata().pdfa_status == "2B"
    assert Dossier.objects.get(pk=martyr_dossier.pk).status == Dossier.Status.SCANNED
    phone = Page.objects.get(dossier=wounded_dossier)
    assert cer(scans["phone"][1], phone.ocr_text) < 0.02  # the phone photo was turned upright by its EXIF

    # Words that appear only on a page find the dossier.
    found = search(actor=officer, text="Cửa Tùng Bến Hải", limit=5)
    assert [h.dossier_number for h in found.hits][:1] == ["QTI/LS-07956/CM"]

    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {"add_pages", "process_page", "build_access_copy", "refuse_file", "quarantine_file"} <= actions

    # The same folder again adds nothing and queues nothing.
    tasks, events = DBTaskResult.objects.count(), AuditEvent.objects.filter(action="add_pages").count()
    again = ingest(scan_folder)
    assert again["pages_added"] == 0 and again["pages_skipped"] == 5
    assert Page.objects.count() == 5 and DBTaskResult.objects.count() == tasks
    assert AuditEvent.objects.filter(action="add_pages").count() == events


def test_enqueue_only_queues_and_a_worker_processes(tmp_path, scans, martyr_dossier):
    folder = make_folder(tmp_path / "in", {"QTI-LS-07956-CM": {"1.jpg": scans["small"][0]}})
    report = ingest(folder, enqueue=True, no_ocr=True)
    assert report["counts"]["queued"] == 1 and report["done"] == 0
    assert Page.objects.get().state == Page.State.QUEUED
    call_command("worker", until_empty=True, stdout=io.StringIO())
    page = Page.objects.get()
    assert page.state == Page.State.DONE and page.ocr_text == "" and page.access_sha256
    with blob_store().local_path(page.access_sha256) as path, pikepdf.open(path) as pdf:
        assert pdf.open_metadata().pdfa_status == "2B"  # an access copy even without OCR


def test_a_failed_page_shows_why_and_can_be_retried(tmp_path, scans, martyr_dossier, settings):
    settings.HOSO_OCR_TIMEOUT = 0.01  # a machine so busy that OCR runs out of time
    folder = make_folder(tmp_path / "in", {"QTI-LS-07956-CM": {"1.jpg": scans["small"][0]}})
    report = ingest(folder)
    assert report["failed"] == 1 and report["problems"][0]["reason"].startswith("Nhận dạng chữ quá thời gian")
    page = Page.objects.get()
    assert (page.state, page.error) == (Page.State.FAILED, "Nhận dạng chữ quá thời gian cho phép (0.01 giây).")
    shown = io.StringIO()
    call_command("show", "QTI/LS-07956/CM", json=True, stdout=shown)
    assert json.loads(shown.getvalue())["pages"][0]["state"] == "failed"

    settings.HOSO_OCR_TIMEOUT = 180
    out = io.StringIO()
    call_command("worker", retry_failed=True, until_empty=True, stdout=out)
    assert "Đã xếp hàng lại 1 trang" in out.getvalue()
    page.refresh_from_db()
    assert (page.state, page.error, page.capture.attempts) == (Page.State.DONE, "", 2)
    assert cer(scans["small"][1], page.ocr_text) < 0.02
    assert AuditEvent.objects.filter(action="retry_page", object_id=str(page.pk)).exists()


def test_a_folder_named_without_the_period_code_finds_its_one_dossier(tmp_path, scans, actor, martyr_dossier):
    from hoso.records import services as records

    twin = records.create_person(actor=actor, full_name="Hồ Văn Hai", birth_date="1950")
    for period in ("CM", "BV"):
        records.register_dossier(actor=actor, number=f"QTI/BB-00005/{period}", category_code="BB", subject=twin)
    root = make_folder(tmp_path / "IN", {"LS-7956": {"1.jpg": scans["small"][0]},
                                         "qti_bb_5": {"1.jpg": scans["small"][0]}})
    report = ingest(root, no_ocr=True)
    assert report["pages_added"] == 1
    assert Page.objects.filter(dossier=martyr_dossier).count() == 1
    (problem,) = report["problems"]
    assert problem["file"] == "qti_bb_5/" and "QTI/BB-00005/BV, QTI/BB-00005/CM" in problem["reason"]
