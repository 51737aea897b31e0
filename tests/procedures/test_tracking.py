"""The public tracking page (tra-cuu/): reachable without signing in, it tells the holder of a receipt's code the
procedure, the state in plain Vietnamese and the appointment date — no name, no address, no dossier or case number —
and slows down whoever guesses codes."""

import pypdfium2 as pdfium
import pytest
from django.test import Client

from hoso.core.blobs import blob_store
from hoso.core.models import AuditEvent
from hoso.procedures import cases, tracking
from hoso.procedures.models import Case, TrackingLookup


@pytest.fixture
def case(desk, martyr_dossier) -> Case:
    return cases.receive_case(actor=desk, kind="trich-luc", dossiers=[martyr_dossier], applicant=cases.Applicant(
        name="Nguyễn Thị Hoa", address="thôn An Hưng", phone="0912345678", id_number="044190001234"))


def test_codes_are_long_random_and_from_an_unambiguous_alphabet(case):
    assert len(case.tracking_code) == 8 and set(case.tracking_code) <= set(cases.TRACKING_ALPHABET)
    assert len(cases.TRACKING_ALPHABET) ** 8 > 10 ** 12
    assert len({cases._tracking_code() for _ in range(200)}) == 200
    assert tracking.normalise(f" {case.tracking_code[:4].lower()}-{case.tracking_code[4:]} ") == case.tracking_code
    assert tracking.normalise("ABCD1234") == ""  # 1 is not in the alphabet


def test_an_applicant_sees_only_the_procedure_the_state_and_the_date(case, martyr_dossier):
    web = Client()
    page = web.get("/tra-cuu/")
    assert page.status_code == 200 and 'name="code"' in page.content.decode()
    response = web.post("/tra-cuu/", {"code": case.tracking_code.lower()})
    html = response.content.decode()
    assert response.status_code == 200 and response["Cache-Control"] == "no-store"
    assert "Trích lục, sao hồ sơ người có công" in html
    assert 'id="tracking-state"><strong>Đã tiếp nhận, đang chờ xử lý</strong>' in html
    assert f'id="tracking-due">{case.due_on:%d/%m/%Y}' in html
    for secret in ("Nguyễn Thị Hoa", "thôn An Hưng", "0912345678", "044190001234", martyr_dossier.number,
                   martyr_dossier.subject.full_name, case.number):
        assert secret not in html, secret
    event = AuditEvent.objects.get(action="view_case")
    assert event.actor is None and event.object_id == str(case.pk) and event.after["public"] is True

    cases.withdraw(actor=None, case=case, reason="Rút đơn")
    html = web.post("/tra-cuu/", {"code": case.tracking_code}).content.decode()
    assert "Người nộp đã rút hồ sơ" in html and "Ngày hẹn trả kết quả" not in html


def test_a_wrong_code_says_so_and_guessing_is_slowed_down(case):
    web = Client(REMOTE_ADDR="203.0.113.7")
    wrong = web.post("/tra-cuu/", {"code": "ABCDEFGH" if case.tracking_code != "ABCDEFGH" else "HGFEDCBA"})
    assert wrong.status_code == 200 and "Không có hồ sơ nào mang mã tra cứu này" in wrong.content.decode()
    for _ in range(tracking.TRACKING_MISSES - 1):
        web.post("/tra-cuu/", {"code": "ZZZZ2222"})
    blocked = web.post("/tra-cuu/", {"code": case.tracking_code})  # even the right code waits now
    assert blocked.status_code == 429 and "Hãy thử lại sau" in blocked.content.decode()
    assert "Trích lục" not in blocked.content.decode().split("</h1>", 1)[1]
    assert not AuditEvent.objects.filter(action="view_case").exists()
    assert TrackingLookup.objects.count() == tracking.TRACKING_MISSES  # the refused one is not even counted
    assert "203.0.113.7" not in "".join(TrackingLookup.objects.values_list("client", flat=True))
    other = Client(REMOTE_ADDR="198.51.100.9").post("/tra-cuu/", {"code": case.tracking_code})
    assert other.status_code == 200 and "Đã tiếp nhận" in other.content.decode()


def test_the_receipt_tells_where_to_track_the_case(case, blob_dir, settings):
    receipt = cases.make_document(actor=None, case=case, kind="receipt")
    pdf = pdfium.PdfDocument(blob_store().read_bytes(receipt.sha256))
    text = "\n".join(page.get_textpage().get_text_range() for page in pdf).replace("\r", "")
    assert f"{settings.HOSO_BASE_URL}/tra-cuu/" in text.replace("\n", "") and case.tracking_code in text
