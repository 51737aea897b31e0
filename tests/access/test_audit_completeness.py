"""House rule 3: every read of personal data is audited. Every route the product serves is classified here; a new
route fails until it is. Each route that shows personal data is requested and must write at least one event in the
name of the user who read it."""

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from PIL import Image
from rest_framework.test import APIClient

from hoso.archive import services as archive
from hoso.capture.models import Batch, BatchItem
from hoso.core.models import AuditEvent
from hoso.imports.models import DuplicateCandidate, ImportRun
from hoso.imports.services.runs import upload_register
from hoso.procedures import cases, links
from hoso.procedures import services as transfers
from hoso.procedures.catalogue import load_catalogue
from hoso.records import services
from hoso.records.models import Page

# Routes that show people's data on GET: each writes an event (requested below, or by the test named).
AUDITED = {
    "dossier_list", "dossier_detail", "dossier_edit", "dossier_export", "dossier_pdf", "search", "page_viewer",
    "dossier-list", "dossier-detail", "person-list", "person-detail", "document-list", "document-detail",
    "api-search", "loan_list", "loan_detail", "loan_request", "archive_location", "duplicate_list", "batch_detail",
    "import_preview", "import_report", "import_download", "transfer_list", "transfer_detail", "transfer_create",
    "transfer_slip", "transfer_package", "package_export", "page_image", "page_photo", "relative_edit",
    "relative_remove",
    "case_queue", "case_detail", "case_document", "case_dossier_lookup", "case_file",
    "reports_dashboard", "reports_export", "reports_benefits",  # figures: counts, audited as statistics reads
    "loan_slip",
}
# Routes embedded in an audited page (polled parts, thumbnails of the page strip) or that show no personal data
# (forms, counts, the user's own account, administration of staff accounts, the audit trail itself).
NOT_PERSONAL_READS = {
    "page_thumbnail": "the strip of the page viewer (audited) and of the batch page",
    "page_strip": "polled by the page viewer (audited) while pages are processed",
    "import_progress": "counts of a run whose preview and report are audited",
    "home": "counts per category (the loan reminders it lists are audited as loan_reminders)",
    "batch_list": "batch names and counts (visible batches only)",
    "archive_home": "the storage tree", "archive_inventory": "an inventory check's codes, audited when applied",
    "archive_inventory_new": "a form", "archive_location_create": "a form", "archive_move": "a form",
    "archive_labels": "a form (printing is audited)", "loan_return_scan": "a form", "capture_upload": "a form",
    "dossier_upload": "an upload form", "dossier_shoot": "an upload form (photos from a tablet)",
    "shot_preview": "a shot flattened for the capture page, nothing stored, no personal data",
    "dossier_create": "a form", "package_import": "an upload form",
    "login": "sign-in", "logout": "sign-out", "password_change": "own account", "otp_verify": "own account",
    "otp_setup": "own account", "user_list": "staff accounts (administration)", "user_create": "a form",
    "javascript_catalog": "the texts of the interface's scripts in the user's language",
    "user_edit": "staff accounts (administration)", "audit_list": "the audit trail itself",
    "audit_export": "the audit trail itself (the export is audited)", "api-schema": "the API's schema",
    "api-root": "links", "api-capture-upload": "an upload (POST) endpoint",
    "case_intake": "the intake form (the dossier it finds is a search, audited; a POST receives the case)",
    "case_intake_papers": "the checklist of a procedure of the catalogue",
    "reports_mau100": "the form of Mẫu 100 (the report it makes is audited as export_report)",
    "procedure_catalogue": "the catalogue of procedures (codes, steps, durations)",
    "procedure_kind": "a procedure of the catalogue and its form (a POST makes a new version, audited)",
    "procedure_calendar": "the days off and working days of a year, and its form (a POST is audited)",
    "case_tracking": "public tracking: the procedure, the state in plain words and the appointment date, no personal "
                     "data (a code that finds a case is audited as view_case anyway)",
}
# POST-only routes: writes, audited by their services (tests/access/test_write_matrix.py and each app's tests).
WRITES = {
    "duplicate_scan", "duplicate_decide", "duplicate_undo", "import_upload", "import_retry", "import_real",
    "archive_inventory_apply", "loan_approve",
    "loan_refuse", "loan_cancel", "loan_check_out", "loan_return", "loan_remind", "transfer_send",
    "transfer_received", "transfer_returned", "batch_retry", "page_retry", "page_reorder", "page_document",
    "page_outline",
    "dossier_status", "relative_add", "user_reset", "audit_check",
    "case_start", "case_advance", "case_send", "case_request_papers", "case_papers_complete", "case_tick_papers",
    "case_decide", "case_refuse", "case_return", "case_withdraw", "case_document_make", "case_change",
    "case_original_request", "case_file_upload", "case_register_dossier", "procedure_calendar_clear",
    "dossier_bulk",  # bulk actions: each dossier through its service; the confirmation page is a list read
    "saved_view_create", "saved_view_delete",  # the user's own saved list views (save_list_view, delete_list_view)
    "language_set",  # the user's own interface language (set_language)
}


def _route_names(resolver: URLResolver):
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            yield from _route_names(entry)
        elif isinstance(entry, URLPattern):
            yield entry.name


def test_every_route_is_classified_as_audited_read_other_read_or_write():
    names = set(_route_names(get_resolver()))
    unclassified = names - AUDITED - set(NOT_PERSONAL_READS) - WRITES
    assert unclassified == set(), "classify the new route here (and audit it if it shows people's data)"
    assert not (AUDITED & set(NOT_PERSONAL_READS)) and not (AUDITED & WRITES)


@pytest.fixture
def world(actor, archivist, martyr_dossier, make_dossier, tmp_path, blob_dir):
    other = make_dossier("Trần Văn Bình")
    document = services.add_document(actor=actor, dossier=martyr_dossier, doc_type="Giấy báo tử")
    loan = archive.request_loan(actor=archivist, dossier=martyr_dossier, purpose="Trích lục")
    Page.objects.create(dossier=martyr_dossier, sequence=1, state=Page.State.DONE, ocr_text="giấy báo tử")
    kho = archive.create_location(actor=archivist, kind="kho", name="Kho A")
    box = archive.create_location(actor=archivist, kind="hop", parent=archive.create_location(
        actor=archivist, kind="tang", parent=archive.create_location(actor=archivist, kind="gia", parent=kho)))
    archive.move_dossiers(actor=archivist, dossiers=[martyr_dossier], box=box)
    DuplicateCandidate.objects.create(first=martyr_dossier.subject, second=other.subject, score=90)
    batch = Batch.objects.create(name="Đợt 1", operator=actor)
    BatchItem.objects.create(batch=batch, dossier=martyr_dossier, page=martyr_dossier.pages.get(), source_name="a.jpg",
                             outcome=BatchItem.Outcome.ADDED)
    transfer = transfers.create_transfer(actor=archivist, dossier=other, to_province="Quảng Bình",
                                         recipient_agency="Sở Nội vụ tỉnh Quảng Bình", reason="Chuyển nơi ở")
    register = tmp_path / "so.csv"
    register.write_text("Số hồ sơ;Họ và tên;Năm sinh\nQTI/LS-00501/CM;Phạm Văn Sổ;1950\n", encoding="utf-8-sig")
    previewed = upload_register(actor=archivist, source=register, file_name="so.csv")
    reported = upload_register(actor=archivist, source=register, file_name="so-2.csv")
    ImportRun.objects.filter(pk=reported.pk).update(state=ImportRun.State.DONE)
    relative = services.link_relative(actor=actor, dossier=martyr_dossier, relationship="me",
                                      person=services.create_person(actor=actor, full_name="Lê Thị Mẹ"))
    load_catalogue()
    case = cases.receive_case(actor=None, kind="trich-luc", dossiers=[martyr_dossier],
                              applicant=cases.Applicant(name="Nguyễn Thị Hoa"))
    receipt = cases.make_document(actor=None, case=case, kind="receipt")
    scan = tmp_path / "ban-khai.png"
    Image.new("L", (320, 420), 230).save(scan)
    attached = links.attach_file(actor=None, case=case, path=scan, name="ban-khai.png", title="Bản khai")
    return {"dossier": martyr_dossier, "document": document, "loan": loan, "box": box, "batch": batch,
            "case": case, "receipt": receipt, "case_file": attached, "transfer": transfer, "previewed": previewed,
            "reported": reported,
            "relative": relative}


def _requests(world) -> dict[str, str]:
    number = world["dossier"].number
    return {
        "dossier_list": "/ho-so/", "dossier_detail": f"/ho-so/{number}/", "dossier_edit": f"/ho-so/{number}/sua/",
        "dossier_export": "/ho-so/xuat/?format=csv", "dossier_pdf": f"/ho-so/{number}/pdf/",
        "search": "/tim-kiem/?q=nguyen+van+duc", "page_viewer": f"/so-hoa/ho-so/{number}/",
        "dossier-list": "/api/dossiers/", "dossier-detail": f"/api/dossiers/{number}/",
        "person-list": "/api/people/", "person-detail": f"/api/people/{world['dossier'].subject_id}/",
        "document-list": "/api/documents/", "document-detail": f"/api/documents/{world['document'].pk}/",
        "api-search": "/api/search/?q=nguyen+van+duc", "loan_list": "/muon/",
        "loan_detail": f"/muon/{world['loan'].pk}/", "loan_request": f"/muon/de-nghi/{number}/",
        "archive_location": f"/kho/vi-tri/{world['box'].pk}/", "duplicate_list": "/trung-lap/",
        "batch_detail": f"/so-hoa/dot/{world['batch'].pk}/", "transfer_list": "/chuyen-ho-so/",
        "transfer_create": f"/chuyen-ho-so/lap-phieu/{number}/",
        "transfer_detail": f"/chuyen-ho-so/{world['transfer'].pk}/",
        "import_preview": f"/nhap-so/{world['previewed'].pk}/",
        "import_report": f"/nhap-so/{world['reported'].pk}/bao-cao/",
        "import_download": f"/nhap-so/{world['reported'].pk}/tai/tep-goc/",
        "relative_edit": f"/ho-so/{number}/than-nhan/{world['relative'].pk}/",
        "relative_remove": f"/ho-so/{number}/than-nhan/{world['relative'].pk}/bo/",
        "case_queue": "/thu-tuc/", "case_detail": f"/thu-tuc/{world['case'].number}/",
        "case_document": f"/thu-tuc/giay-to/{world['receipt'].pk}/",
        "case_file": f"/thu-tuc/tep/{world['case_file'].pk}/",
        "loan_slip": f"/muon/{world['loan'].pk}/in/",
        "reports_dashboard": "/thong-ke/", "reports_export": "/thong-ke/excel/category/",
        "reports_benefits": "/thong-ke/tro-cap/",
    }


# Audited routes whose reads are proved by other tests (they need real files or runs to answer at all).
PROVED_ELSEWHERE = {
    "page_image": "tests/capture/test_file_access.py",
    "page_photo": "tests/capture/test_photo_outline.py (the master photo of a photographed page: VIEW_PAGE)",
    "transfer_slip": "tests/procedures/test_transfers.py",
    "transfer_package": "tests/preservation/test_package_findings.py",
    "package_export": "tests/preservation/test_package_findings.py",
    "case_dossier_lookup": "tests/procedures/test_web_cases.py (the desk's search as it types: RECEIVE_CASE)",
}


def test_every_read_of_personal_data_writes_an_event(world, archivist):
    requests = _requests(world)
    assert set(requests) | set(PROVED_ELSEWHERE) == AUDITED
    web, api = Client(), APIClient()
    web.force_login(archivist)
    api.force_login(archivist)
    silent = []
    for name, url in requests.items():
        before = AuditEvent.objects.filter(actor=archivist).count()
        response = (api if url.startswith("/api/") else web).get(url)
        assert response.status_code == 200, (name, response.status_code)
        if AuditEvent.objects.filter(actor=archivist).count() == before:
            silent.append(name)
    assert silent == []
