"""Transfers between provinces (di chuyển hồ sơ): the slip (Mẫu 93) as real PDF text, the states and their
dates, the 12-working-day windows, the stay-and-extract case, and the archivist's pages (export button,
package upload, transfers list)."""

import datetime as dt
import io
import json
import zipfile

import pypdfium2 as pdfium
import pytest
from django.core.exceptions import ValidationError
from django.test import Client

from hoso.access.models import Language
from hoso.access.permissions import Role
from hoso.access.services import set_language
from hoso.core.blobs import blob_store
from hoso.core.models import AuditEvent
from hoso.preservation.services.packages import export_package
from hoso.procedures import services as transfers
from hoso.procedures.models import Transfer
from hoso.records import services as records
from hoso.vntext import PartialDate


@pytest.fixture(autouse=True)
def _own_store(blob_dir):
    """tests/conftest.py blob_dir for every test."""


@pytest.fixture
def desk(archivist) -> Client:
    client = Client()
    client.force_login(archivist)
    return client


def pdf_text(data: bytes) -> str:
    return "\n".join(page.get_textpage().get_text_range() for page in pdfium.PdfDocument(data))


def _transfer(archivist, dossier, **kwargs) -> Transfer:
    values = dict(to_province="Hà Tĩnh", to_province_code="HTH", recipient_agency="Sở Nội vụ tỉnh Hà Tĩnh",
                  reason="Chuyển nơi cư trú về quê vợ", new_address="xã Thạch Hà, tỉnh Hà Tĩnh")
    values.update(kwargs)
    return transfers.create_transfer(actor=archivist, dossier=dossier, **values)


def test_the_slip_carries_the_persons_data_and_both_agencies(desk, archivist, martyr_dossier):
    records.add_decision(actor=archivist, dossier=martyr_dossier, kind="hang_thang", number="88/QĐ-SNV",
                         signed_on=PartialDate(2020, 3, 1), monthly_amount=2_055_000)
    response = desk.post(f"/chuyen-ho-so/lap-phieu/{martyr_dossier.number}/", {
        "to_province": "Hà Tĩnh", "to_province_code": "hth", "recipient_agency": "Sở Nội vụ tỉnh Hà Tĩnh",
        "reason": "Chuyển nơi cư trú", "new_address": "xã Thạch Hà", "requested_on": "02/11/2026", "note": ""})
    transfer = Transfer.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/chuyen-ho-so/{transfer.pk}/"
    assert transfer.number == "0001/2026/PBDC" and transfer.to_province_code == "HTH"
    assert transfer.kind == Transfer.Kind.ORIGINAL and transfer.requested_on == dt.date(2026, 11, 2)
    slip = desk.get(f"/chuyen-ho-so/{transfer.pk}/phieu.pdf")
    assert slip.status_code == 200 and slip["Content-Type"] == "application/pdf"
    text = pdf_text(slip.content)
    for expected in ("PHIẾU BÁO DI CHUYỂN HỒ SƠ NGƯỜI CÓ CÔNG", "Nguyễn Văn Đức", "QTI/LS-07956/CM",
                     "Sở Nội vụ tỉnh Hà Tĩnh", "SỞ NỘI VỤ TỈNH QUẢNG TRỊ", "Số: 0001/2026/PBDC",
                     "ngày 02 tháng 11 năm 2026", "xã Triệu Long", "2.055.000 đồng/tháng", "GIÁM ĐỐC",
                     "NGƯỜI LẬP PHIẾU", "Hồ sơ gốc"):
        assert expected in text, expected
    assert AuditEvent.objects.filter(action="print_transfer_slip", object_id=str(transfer.pk)).exists()


def test_states_move_forward_only_with_dates_in_order(archivist, martyr_dossier):
    transfer = _transfer(archivist, martyr_dossier, requested_on=dt.date(2026, 11, 2))
    with pytest.raises(ValidationError, match="đang có phiếu di chuyển chưa xong"):
        _transfer(archivist, martyr_dossier)
    with pytest.raises(ValidationError, match="Chờ gửi|chờ gửi"):
        transfers.mark_received(actor=archivist, transfer=transfer)
    with pytest.raises(ValidationError, match="Ngày gửi không thể trước ngày nhận đơn"):
        transfers.mark_sent(actor=archivist, transfer=transfer, sent_on=dt.date(2026, 10, 30))
    transfer = transfers.mark_sent(actor=archivist, transfer=transfer, sent_on=dt.date(2026, 11, 10))
    assert transfer.state == Transfer.State.SENT
    with pytest.raises(ValidationError, match="Đã gửi"):
        transfers.mark_sent(actor=archivist, transfer=transfer)
    with pytest.raises(ValidationError, match="lý do"):
        transfers.mark_returned(actor=archivist, transfer=transfer, reason="  ")
    transfer = transfers.mark_received(actor=archivist, transfer=transfer, received_on=dt.date(2026, 11, 13))
    assert (transfer.state, transfer.received_on) == (Transfer.State.RECEIVED, dt.date(2026, 11, 13))
    actions = list(AuditEvent.objects.filter(object_type="transfer").values_list("action", flat=True))
    assert actions == ["transfer_create", "transfer_send", "transfer_receive"]
    # A closed transfer allows a new one (the dossier may move again later), and a return is recorded.
    again = _transfer(archivist, martyr_dossier, to_province="Quảng Bình", recipient_agency="Sở Nội vụ Quảng Bình")
    assert again.number == "0002/2026/PBDC"
    again = transfers.mark_sent(actor=archivist, transfer=again)
    again = transfers.mark_returned(actor=archivist, transfer=again, reason="Thiếu giấy báo tử bản gốc")
    assert again.state == Transfer.State.RETURNED and again.return_reason == "Thiếu giấy báo tử bản gốc"


def test_a_transfer_to_our_own_province_or_without_agency_is_refused(archivist, martyr_dossier):
    with pytest.raises(ValidationError) as info:
        _transfer(archivist, martyr_dossier, to_province="Quảng Trị", recipient_agency="")
    assert set(info.value.error_dict) == {"to_province", "recipient_agency"}


def test_the_twelve_working_day_windows(archivist, martyr_dossier):
    # Friday 24/04/2026: Giỗ Tổ (Sunday 26/4) is taken on Monday 27/4, then 30/4 and 1/5 are off, and two weekends
    # are skipped → due Friday 15/05/2026.
    transfer = _transfer(archivist, martyr_dossier, requested_on=dt.date(2026, 4, 24))
    (sender,) = transfers.windows(transfer, on=dt.date(2026, 5, 12))
    assert sender.due == dt.date(2026, 5, 15) and sender.days_left == 3 and sender.text == "còn 3 ngày làm việc"
    (sender,) = transfers.windows(transfer, on=dt.date(2026, 5, 19))
    assert sender.overdue and sender.text == "quá hạn 2 ngày làm việc"
    transfer = transfers.mark_sent(actor=archivist, transfer=transfer, sent_on=dt.date(2026, 5, 18))
    sender, receiver = transfers.windows(transfer, on=dt.date(2026, 5, 19))
    assert sender.late and "quá hạn" in sender.text and not sender.overdue
    assert receiver.due == dt.date(2026, 6, 3) and receiver.days_left == 11


def test_the_transfers_page_lists_open_ones_with_days_left_or_overdue(desk, archivist, martyr_dossier, make_dossier):
    late = _transfer(archivist, martyr_dossier, requested_on=dt.date(2026, 10, 1))
    fresh = _transfer(archivist, make_dossier("Trần Văn Bình"), requested_on=dt.date.today())
    page = desk.get("/chuyen-ho-so/").content.decode()
    assert page.index(late.number) < page.index(fresh.number)  # the most urgent first
    assert "quá hạn" in page and "còn 12 ngày làm việc" in page
    detail = desk.get(f"/chuyen-ho-so/{late.pk}/").content.decode()
    assert "Nơi gửi chuyển hồ sơ" in detail and "19/10/2026" in detail  # Thursday 1/10 + 12 working days


def test_relatives_drawing_benefits_here_keep_the_original_and_an_extract_goes(desk, archivist, actor,
                                                                               martyr_dossier):
    widow = records.create_person(actor=actor, full_name="Phan Thị Mai", sex="nu")
    records.link_relative(actor=actor, dossier=martyr_dossier, person=widow, relationship="vo")
    records.add_decision(actor=actor, dossier=martyr_dossier, beneficiary=widow, kind="tuat", number="5/QĐ",
                         monthly_amount=2_789_000)
    page = desk.get(f"/chuyen-ho-so/lap-phieu/{martyr_dossier.number}/").content.decode()
    assert "Giữ hồ sơ gốc, gửi bản trích lục" in page
    assert "Phan Thị Mai (vợ) đang hưởng trợ cấp tại tỉnh" in page
    transfer = _transfer(archivist, martyr_dossier)
    assert transfer.kind == Transfer.Kind.EXTRACT
    text = pdf_text(desk.get(f"/chuyen-ho-so/{transfer.pk}/phieu.pdf").content)
    assert "Bản trích lục" in text and "Hồ sơ gốc được giữ lại" in text
    # Once her allowance stops, the original may go.
    records.add_decision(actor=actor, dossier=martyr_dossier, beneficiary=widow, kind="dinh_chi", number="9/QĐ")
    assert transfers.stay_reasons(martyr_dossier) == []


def test_sending_attaches_the_package_and_it_can_be_downloaded(desk, archivist, martyr_dossier):
    transfer = _transfer(archivist, martyr_dossier)
    response = desk.post(f"/chuyen-ho-so/{transfer.pk}/da-gui/", {"sent_on": "", "attach_package": "on"})
    assert response.status_code == 302
    transfer.refresh_from_db()
    assert transfer.state == Transfer.State.SENT and transfer.package_sha256
    download = desk.get(f"/chuyen-ho-so/{transfer.pk}/goi.zip")
    data = b"".join(download.streaming_content)
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        meta = json.loads(zf.read("QTI-LS-07956-CM/data/metadata.json"))
        info = zf.read("QTI-LS-07956-CM/bag-info.txt").decode()
    assert meta["transfer"]["number"] == transfer.number and meta["transfer"]["to_province"] == "Hà Tĩnh"
    assert f"Hoso-Transfer-Slip: {transfer.number}" in info
    assert blob_store().read_bytes(transfer.package_sha256) == data
    assert "Kèm gói hồ sơ điện tử" in pdf_text(desk.get(f"/chuyen-ho-so/{transfer.pk}/phieu.pdf").content)


def test_the_dossier_page_offers_the_export_button_to_the_archivist_only(desk, officer, martyr_dossier):
    page = desk.get(f"/ho-so/{martyr_dossier.number}/").content.decode()
    assert "Xuất gói" in page and "Di chuyển hồ sơ sang tỉnh khác" in page
    response = desk.post(f"/chuyen-ho-so/xuat-goi/{martyr_dossier.number}/")
    assert response.status_code == 200 and response["Content-Type"] == "application/zip"
    with zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content))) as zf:
        assert "QTI-LS-07956-CM/data/metadata.json" in zf.namelist()
    other = Client()
    other.force_login(officer)
    assert "Xuất gói" not in other.get(f"/ho-so/{martyr_dossier.number}/").content.decode()
    assert other.post(f"/chuyen-ho-so/xuat-goi/{martyr_dossier.number}/").status_code == 403
    assert other.get("/chuyen-ho-so/").status_code == 403


def _with_metadata_changed(package, out):
    """A copy of `package` whose metadata.json names someone else, its manifest left as it was."""
    with zipfile.ZipFile(package) as src, zipfile.ZipFile(out, "w") as dst:
        for item in src.infolist():
            data = src.read(item)
            if item.filename.endswith("data/metadata.json"):
                data = data.replace("Nguyễn Văn Đức".encode(), "Nguyễn Văn Được".encode())
            dst.writestr(item, data)
    return out


def test_uploading_a_package_reports_unchanged_or_the_reason_it_was_refused(desk, archivist, martyr_dossier,
                                                                           tmp_path):
    out = tmp_path / "goi.zip"
    export_package(actor=archivist, number=martyr_dossier.number, out=out)
    with open(out, "rb") as fh:
        page = desk.post("/chuyen-ho-so/nhap-goi/", {"package": fh, "checksum": ""}).content.decode()
    assert "đã có ở đây với nội dung giống hệt gói" in page
    broken = _with_metadata_changed(out, tmp_path / "sua.zip")
    with open(broken, "rb") as fh:
        page = desk.post("/chuyen-ho-so/nhap-goi/", {"package": fh}).content.decode()
    assert "Không nhận gói" in page and "Tệp data/metadata.json đã bị thay đổi" in page
    with open(out, "rb") as fh:
        page = desk.post("/chuyen-ho-so/nhap-goi/", {"package": fh, "checksum": "ab" * 32}).content.decode()
    assert "khác mã ghi trên phiếu" in page
    page = desk.post("/chuyen-ho-so/nhap-goi/", {}).content.decode()
    assert "Trường này là bắt buộc" in page or "bắt buộc" in page


def test_a_commune_officer_has_no_transfer_pages(martyr_dossier, make_user):
    user = make_user(Role.COMMUNE_OFFICER, username="xa1", full_name="Cán bộ xã")
    client = Client()
    client.force_login(user)
    assert client.get(f"/chuyen-ho-so/lap-phieu/{martyr_dossier.number}/").status_code == 403
    assert client.get("/chuyen-ho-so/nhap-goi/").status_code == 403


def test_an_uploaded_package_registers_the_dossier_and_its_page_shows_where_it_came_from(desk, archivist, actor,
                                                                                         make_dossier, tmp_path):
    dossier = make_dossier("Đặng Thị Thu", category="BM", number="QTI/BM-00077/CM")
    out = tmp_path / "goi.zip"
    export_package(actor=archivist, number=dossier.number, out=out)
    records.delete_dossier(actor=actor, dossier=dossier)  # as if it had never been here
    with open(out, "rb") as fh:
        page = desk.post("/chuyen-ho-so/nhap-goi/", {"package": fh}).content.decode()
    assert "Đã nhận hồ sơ QTI/BM-00077/CM" in page
    detail = desk.get("/ho-so/QTI/BM-00077/CM/").content.decode()
    assert "Chuyển đến từ <strong>Sở Nội vụ tỉnh Quảng Trị</strong>" in detail and "Xuất gói" in detail
    with open(out, "rb") as fh:
        again = desk.post("/chuyen-ho-so/nhap-goi/", {"package": fh}).content.decode()
    assert "Gói này đã được nhập" in again and "không thay đổi gì" in again
    listing = desk.get("/chuyen-ho-so/").content.decode()
    assert "QTI/BM-00077/CM" in listing and "Đặng Thị Thu" in listing


def test_markup_typed_into_a_transfer_is_shown_as_text(desk, archivist, martyr_dossier):
    payload = '<script>alert("x")</script>'
    transfer = _transfer(archivist, martyr_dossier, to_province=f"Hà Tĩnh {payload}",
                         recipient_agency=f"Sở {payload}", reason=f"Lý do {payload}", new_address=payload)
    for url in ("/chuyen-ho-so/", f"/chuyen-ho-so/{transfer.pk}/", f"/ho-so/{martyr_dossier.number}/"):
        page = desk.get(url).content.decode()
        assert "<script>alert" not in page and "&lt;script&gt;" in page, url


def test_a_refused_package_reads_in_english_for_an_english_archivist_and_stays_vietnamese_in_the_audit(
        desk, archivist, martyr_dossier, tmp_path):
    out = tmp_path / "goi.zip"
    export_package(actor=archivist, number=martyr_dossier.number, out=out)
    broken = _with_metadata_changed(out, tmp_path / "sua.zip")
    set_language(user=archivist, language=Language.ENGLISH)
    with open(broken, "rb") as fh:
        page = desk.post("/chuyen-ho-so/nhap-goi/", {"package": fh}).content.decode()
    assert "does not match its SHA-256 checksum" in page  # the fault, named in English
    assert "Details (as written in the audit trail):" in page and "Tệp data/metadata.json đã bị thay đổi" in page
    refusal = AuditEvent.objects.filter(action="refuse_package").latest("id")
    assert "đã bị thay đổi" in refusal.after["reason"] and refusal.summary.startswith("Không nhận gói")
    with open(out, "rb") as fh:
        page = desk.post("/chuyen-ho-so/nhap-goi/", {"package": fh}).content.decode()
    assert f"Dossier {martyr_dossier.number} is already here with the same content as the package" in page
