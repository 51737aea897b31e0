"""Papers produced for a case (procedures/papers.py through cases.make_document): real PDF text (pypdfium2) and DOCX
paragraphs holding the case number, the applicant's name and the due date; stored in the blob store beside the
case; the extract filled from the dossier as the officer may see it."""

import datetime as dt
import io

import pypdfium2 as pdfium
import pytest
from django.core.exceptions import ValidationError
from docx import Document as Docx

from hoso.core.blobs import blob_store
from hoso.core.models import AuditEvent
from hoso.procedures import cases
from hoso.procedures.models import CaseDocument
from hoso.records import services as records

D = dt.date


@pytest.fixture(autouse=True)
def _own_store(blob_dir):
    """Papers go to the test's own blob store (tests/conftest.py)."""


@pytest.fixture
def case(desk, martyr_dossier):
    return cases.receive_case(
        actor=desk, kind="trich-luc", dossiers=[martyr_dossier], received_on=D(2026, 4, 24),
        applicant=cases.Applicant(name="Nguyễn Thị Hoa", relationship="Con đẻ", id_number="044190001234",
                                  address="thôn An Hưng, xã Triệu Long", phone="0912345678"),
        papers_received=["Văn bản đề nghị trích lục, sao hồ sơ"])


def pdf_text(data: bytes) -> str:
    return "\n".join(page.get_textpage().get_text_range() for page in pdfium.PdfDocument(data))


def docx_text(data: bytes) -> str:
    doc = Docx(io.BytesIO(data))
    cells = [cell.text for table in doc.tables for row in table.rows for cell in row.cells]
    footer = [p.text for p in doc.sections[0].footer.paragraphs]
    return "\n".join([p.text for p in doc.paragraphs] + cells + footer)


def stored(document: CaseDocument) -> bytes:
    return blob_store().read_bytes(document.sha256)


def test_the_receipt_shows_the_case_the_applicant_and_the_appointment_date(desk, case):
    document = cases.make_document(actor=desk, case=case, kind="receipt", on=D(2026, 4, 24))
    assert (document.case, document.format, document.created_by) == (case, "pdf", desk)
    text = pdf_text(stored(document))
    for expected in ("PHIẾU TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ", f"Số: {case.number}", case.tracking_code,
                     "Nguyễn Thị Hoa", "Con đẻ", "044190001234", "0912345678", "Ngày hẹn trả kết quả: 06/05/2026",
                     "Trích lục, sao hồ sơ người có công", "Điều 129 Nghị định 131/2021/NĐ-CP",
                     "QTI/LS-07956/CM — Nguyễn Văn Đức",
                     "Văn bản đề nghị trích lục, sao hồ sơ: đã nhận ngày 24/04/2026",
                     "1. Sở Nội vụ: 12 ngày, hạn 06/05/2026", "ngày 24 tháng 04 năm 2026", "Lê Thị Một Cửa",
                     f"Hồ sơ thủ tục {case.number} · Mã tra cứu {case.tracking_code}"):
        assert expected in text, expected
    event = AuditEvent.objects.get(action="case_document")
    assert event.after["sha256"] == document.sha256 and event.after["document"] == "Phiếu tiếp nhận và hẹn trả kết quả"
    assert cases.document_bytes(actor=desk, document=document).startswith(b"%PDF")
    assert AuditEvent.objects.filter(action="download", object_id=str(case.pk)).count() == 1


def test_the_request_for_papers_lists_what_is_missing(desk, specialist, case):
    case = cases.start_processing(actor=specialist, case=case, on=D(2026, 4, 27))
    case = cases.request_papers(actor=specialist, case=case, missing=["Giấy ủy quyền của thân nhân liệt sĩ"],
                                on=D(2026, 4, 28), note="Người nộp không phải thân nhân chủ yếu")
    for fmt, read in (("pdf", pdf_text), ("docx", docx_text)):
        text = read(stored(cases.make_document(actor=specialist, case=case, kind="supplement", format=fmt)))
        for expected in ("PHIẾU YÊU CẦU BỔ SUNG, HOÀN THIỆN HỒ SƠ", case.number, "Kính gửi: Nguyễn Thị Hoa",
                         "Giấy ủy quyền của thân nhân liệt sĩ", "Người nộp không phải thân nhân chủ yếu",
                         "không tính vào thời hạn giải quyết"):
            assert expected in text, (fmt, expected)


def test_the_refusal_gives_the_reasons_and_exists_only_for_a_refused_case(desk, chief, case):
    with pytest.raises(ValidationError, match="đã bị từ chối"):
        cases.make_document(actor=chief, case=case, kind="refusal")
    case = cases.refuse(actor=chief, case=case, reasons="Người đề nghị không có quan hệ với liệt sĩ.\n"
                                                        "Hồ sơ không thuộc tỉnh quản lý.", on=D(2026, 4, 28))
    pdf = pdf_text(stored(cases.make_document(actor=chief, case=case, kind="refusal")))
    docx = docx_text(stored(cases.make_document(actor=chief, case=case, kind="refusal", format="docx")))
    for text in (pdf, docx):
        for expected in ("PHIẾU TỪ CHỐI GIẢI QUYẾT HỒ SƠ", case.number, "Nguyễn Thị Hoa",
                         "Người đề nghị không có quan hệ với liệt sĩ.", "Hồ sơ không thuộc tỉnh quản lý.",
                         "Phạm Văn Giám Đốc"):
            assert expected in text, expected
    with pytest.raises(ValidationError, match="chỉ lập dạng PDF"):
        cases.make_document(actor=chief, case=case, kind="receipt", format="docx")


def test_the_hand_over_names_the_body_that_receives_the_case(desk, specialist, martyr_dossier):
    case = cases.receive_case(actor=desk, kind="di-chuyen-ho-so", dossiers=[martyr_dossier],
                              received_on=D(2026, 10, 1), applicant=cases.Applicant(name="Lê Văn Chuyển"))
    case = cases.start_processing(actor=specialist, case=case, on=D(2026, 10, 2))
    case = cases.send(actor=specialist, case=case, to_body="Sở Nội vụ tỉnh Hà Tĩnh", on=D(2026, 10, 5))
    text = pdf_text(stored(cases.make_document(actor=specialist, case=case, kind="handover")))
    for expected in ("PHIẾU CHUYỂN HỒ SƠ", "Kính gửi: Sở Nội vụ tỉnh Hà Tĩnh", case.number, "Lê Văn Chuyển",
                     f"Hạn của bước này: {case.steps.get(position=2).due_on:%d/%m/%Y}",
                     f"Ngày hẹn trả kết quả cho người nộp: {case.due_on:%d/%m/%Y}"):
        assert expected in text, expected


def test_the_extract_is_filled_from_the_dossier_as_the_officer_may_see_it(desk, actor, case, martyr_dossier):
    records.add_document(actor=actor, dossier=martyr_dossier, doc_type="Giấy báo tử", number="125",
                         symbol="GBT", issuer="Trung đoàn 48")
    records.add_document(actor=actor, dossier=martyr_dossier, doc_type="Công văn xác minh", confidentiality="mat")
    records.add_decision(actor=actor, dossier=martyr_dossier, kind="tho_cung", number="55/QĐ-SNV")
    pdf = pdf_text(stored(cases.make_document(actor=desk, case=case, kind="extract")))
    document = cases.make_document(actor=desk, case=case, kind="extract", format="docx")
    assert document.dossier == martyr_dossier and document.filename == f"extract-{case.number}.docx"
    docx = docx_text(stored(document))
    for text in (pdf, docx):
        for expected in ("TRÍCH LỤC HỒ SƠ NGƯỜI CÓ CÔNG VỚI CÁCH MẠNG", case.number, "Nguyễn Thị Hoa",
                         "Nguyễn Văn Đức", "Ba Đức", "QTI/LS-07956/CM", "Thành cổ Quảng Trị", "Trung đoàn 48",
                         "Nghĩa trang liệt sĩ quốc gia Đường 9", "1. Giấy báo tử số 125/GBT — Trung đoàn 48",
                         "Trợ cấp thờ cúng: quyết định số 55/QĐ-SNV", "06/05/2026"):
            assert expected in text, expected
        assert "Công văn xác minh" not in text  # a "mật" document stays out for an officer not cleared
