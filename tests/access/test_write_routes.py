"""Every write, declared and tried: the role × scope × clearance matrix of issue #13 extended to writes.

Each URL route the product serves is declared here exactly once (a new route fails until it is):
- SCOPED_WRITES: it changes a dossier or what belongs to it. Its entry says how to make the request on one dossier
  (the objects the write needs — a loan, a transfer, pages, a register, a package … — are made first, as the system);
- UNSCOPED_WRITES: it writes something that is no dossier's (accounts, places in the store, the audit check …);
- READ_ONLY: it changes nothing (reads are audited: tests/access/test_audit_completeness.py).
The `--as USER` commands are declared the same way (SCOPED_COMMANDS, UNSCOPED_COMMANDS, READ_ONLY_COMMANDS).

Each scoped write is then tried, in a world of three dossiers — "in" (commune a), "out" (commune b) and "secret"
("mật", commune a) — by users of the least powerful role that holds the route's declared permission
(access/permissions.py): one scoped to commune a without clearance, one province-wide without clearance, one
province-wide with clearance. Where the user may not reach the dossier, the write must be refused: no success
shown, no write event in their name, the dossier's observable state (its rows and every row that hangs off it, its
people included) unchanged. Where they may, it must succeed with a write event in their name (the positive control
that proves the entry really writes). MOVES_OUT checks the other side of the rule: the dossier as it will be.
"""

import argparse
import datetime as dt
import functools
import io
import itertools
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.contrib.messages import ERROR, get_messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command, get_commands, load_command_class
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from PIL import Image
from rest_framework.test import APIClient

from hoso.access.permissions import (
    CAPTURE,
    EDIT_DOSSIER,
    MANAGE_ARCHIVE,
    RECEIVE_CASE,
    ROLE_PERMISSIONS,
    VERIFY_DOSSIER,
    Permission,
    Role,
)
from hoso.archive import services as archive
from hoso.capture.models import Batch, BatchItem
from hoso.core.blobs import blob_store
from hoso.core.events import AuditAction
from hoso.core.models import AuditEvent
from hoso.imports.models import DuplicateCandidate, ImportRun
from hoso.imports.services import duplicates
from hoso.imports.services.runs import upload_register
from hoso.preservation.services.packages import export_package
from hoso.procedures import cases
from hoso.procedures import services as transfers
from hoso.procedures.models import CasePaper
from hoso.records import services
from hoso.records.models import Dossier, Page, Person
from hoso.records.seeds import DossierSeed, PersonSeed

CASE_KIND = "tro-cap-tho-cung-liet-si"  # three steps: commune, district, province; its decision names a keeper
OPENING_KIND = "ba-me-viet-nam-anh-hung"  # opens a new dossier (registered from the case, linked to it)
WORSHIP_KEEPER = {"full_name": "Nguyễn Thị Thờ", "relationship": "con"}
IMMEDIATE_TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend",
                               "QUEUES": ["default", "capture"]}}
READS = {a for a in AuditAction.values if a.startswith(("view", "print"))} | {
    "search", "export", "download", "download_package", "verify_audit",
    "login", "logout", "login_failed", "totp_ok", "totp_failed", "password_change_failed"}
"""Audit actions that record a read (or a sign-in), not a write."""


# ---------------------------------------------------------------------------------- the world of one test
class World:
    """The three dossiers of a test, the user acting, and what a write needs beforehand — made as the system."""

    def __init__(self, actor, communes, tmp_path: Path, settings) -> None:
        self.actor, self.communes, self.tmp, self.settings = actor, communes, tmp_path, settings
        self.user = None
        self._serial = itertools.count(1)
        seeds = {key: DossierSeed(number=f"QTI/LS-{serial:05d}/CM", category="LS", values={"confidentiality": level},
                                  subject=PersonSeed(name, values={"residence_unit": communes[commune]}))
                 for key, serial, name, commune, level in (("in", 1, "Lê Văn Trong", "a", "thuong"),
                                                           ("out", 2, "Lê Văn Ngoài", "b", "thuong"),
                                                           ("secret", 3, "Lê Văn Mật", "a", "mat"))}
        services.bulk_register_dossiers(actor=actor, seeds=seeds.values(), source="thử")
        self.dossiers = {key: Dossier.objects.get(number=seed.number) for key, seed in seeds.items()}

    def new_number(self) -> str:
        return f"QTI/LS-{900 + next(self._serial):05d}/CM"

    def png(self) -> bytes:
        buffer = io.BytesIO()
        Image.new("L", (320, 420), 200 + next(self._serial) % 50).save(buffer, "PNG")
        return buffer.getvalue()

    def upload(self, name: str = "001.png") -> SimpleUploadedFile:
        return SimpleUploadedFile(name, self.png(), content_type="image/png")

    # digitisation: pages as the worker leaves them, batches
    def pages(self, d: Dossier, count: int = 1, state: str = Page.State.DONE) -> list[Page]:
        start = d.pages.count()
        return [Page.objects.create(dossier=d, sequence=start + i + 1, state=state) for i in range(count)]

    def document_form(self, d: Dossier, confidentiality: str = "thuong") -> dict:
        """The viewer's document form over a new page of d."""
        page = self.pages(d)[0]
        return {"page_from": page.sequence, "page_to": page.sequence, "doc_type": "Giấy báo tử",
                "confidentiality": confidentiality}

    def entered(self, d: Dossier) -> Dossier:
        """d with its data entered (by someone else than who will verify it)."""
        Dossier.objects.filter(pk=d.pk).update(status=Dossier.Status.ENTERED)
        return d

    def failed_page(self, d: Dossier) -> Page:
        return self.pages(d, state=Page.State.FAILED)[0]

    def photo_page(self, d: Dossier) -> Page:
        """A page of d taken in with a batch of photos and processed: its master a small photo in the store."""
        buffer = io.BytesIO()
        Image.new("RGB", (300, 400), (60, 50, 40)).save(buffer, "JPEG")
        blob = blob_store().put_bytes(buffer.getvalue())
        page = self.pages(d)[0]
        Page.objects.filter(pk=page.pk).update(master_sha256=blob.sha256)
        batch = Batch.objects.create(name=f"Ảnh chụp {d.number}", operator=self.actor, photos=True)
        BatchItem.objects.create(batch=batch, dossier=d, page=page, source_name="IMG_0001.jpg", kind="jpeg",
                                 master_sha256=blob.sha256, outcome=BatchItem.Outcome.ADDED)
        return page

    def failed_batch(self, d: Dossier) -> Batch:
        batch = Batch.objects.create(name=f"Đợt {d.number}", operator=self.actor)
        BatchItem.objects.create(batch=batch, dossier=d, page=self.failed_page(d), source_name="1.png",
                                 outcome=BatchItem.Outcome.ADDED)
        return batch

    def scan_folder(self, d: Dossier) -> Path:
        """A scanner's folder: one sub-folder named by the dossier's number, one page in it."""
        folder = self.tmp / f"quet-{next(self._serial)}" / d.number.replace("/", "-")
        folder.mkdir(parents=True)
        (folder / "001.png").write_bytes(self.png())
        return folder.parent

    # records
    def document(self, d: Dossier):
        return services.add_document(actor=self.actor, dossier=d, doc_type="Giấy báo tử")

    def new_dossier_json(self, d: Dossier) -> dict:
        """A new dossier like `d`: its subject living in d's commune, at d's level."""
        return {"number": self.new_number(), "category": "LS", "confidentiality": d.confidentiality,
                "subject": {"full_name": "Phạm Văn Mới", "residence_unit": d.subject.residence_unit_id}}

    def new_dossier_form(self, d: Dossier) -> dict:
        return {"number": self.new_number(), "category": "LS", "full_name": "Phạm Văn Mới",
                "residence_unit": d.subject.residence_unit_id, "confidentiality": d.confidentiality,
                "status": Dossier.Status.NOT_STARTED, "physical_condition": d.physical_condition}

    def edit_form(self, d: Dossier, **changes) -> dict:
        """The edit form as shown for `d`, with `changes` typed in."""
        person = d.subject
        return {"number": d.number, "category": d.category.code, "full_name": person.full_name,
                "residence_unit": person.residence_unit_id or "", "confidentiality": d.confidentiality,
                "physical_condition": d.physical_condition, "title": d.title, "notes": "Đã sửa ghi chú", **changes}

    def relative(self, d: Dossier, person: Person | None = None):
        """A relative of d (their link to the dossier): a new person, or `person`."""
        person = person or services.create_person(actor=self.actor, full_name="Nguyễn Thị Mẹ")
        return services.link_relative(actor=self.actor, dossier=d, person=person, relationship="me")

    def shared(self, d: Dossier):
        """The subject of the "out" dossier, linked as a relative of d (their link)."""
        return self.relative(d, self.dossiers["out"].subject)

    def candidate(self, d: Dossier, merged: bool = False) -> DuplicateCandidate:
        """A possible duplicate of d's subject: the subject of another dossier, in commune a. `merged`: the system
        merged that twin into d's subject (d keeps its subject; the twin's dossier now hangs off it too)."""
        twin = services.create_person(actor=self.actor, full_name=d.subject.full_name,
                                      residence_unit=self.communes["a"])
        services.register_dossier(actor=self.actor, number=self.new_number(), category_code="LS", subject=twin)
        candidate = DuplicateCandidate.objects.create(first=twin, second=d.subject, score=90)
        if merged:
            duplicates.decide(actor=self.actor, candidate=candidate, merge=True, keep_first=False, reason="Thử")
        return candidate

    # the paper archive
    def loan(self, d: Dossier, state: str = "requested", borrower=None):
        loan = archive.request_loan(actor=self.actor, dossier=d, purpose="Trích lục")
        if state in ("approved", "checked_out"):
            archive.approve_loan(actor=self.actor, loan=loan)
        if state == "checked_out":
            archive.check_out_dossier(actor=self.actor, loan=loan)
        if borrower is not None:
            type(loan).objects.filter(pk=loan.pk).update(borrower=borrower)
        return loan

    def box(self):
        kind = archive.create_location(actor=self.actor, kind="kho", name=f"Kho {next(self._serial)}")
        for level in ("gia", "tang", "hop"):
            kind = archive.create_location(actor=self.actor, kind=level, parent=kind)
        return kind

    def inventory(self, d: Dossier):
        """An inventory check (by the system) that found `d` in another box than the one it is recorded in."""
        archive.move_dossiers(actor=self.actor, dossiers=[d], box=self.box())
        return archive.record_inventory(actor=self.actor, location=self.box(), scans=[d.number])

    # transfers and packages
    def transfer(self, d: Dossier, sent: bool = False):
        transfer = transfers.create_transfer(actor=self.actor, dossier=d, to_province="Quảng Bình",
                                             recipient_agency="Sở Nội vụ tỉnh Quảng Bình", reason="Chuyển nơi ở")
        return transfers.mark_sent(actor=self.actor, transfer=transfer) if sent else transfer

    def package_file(self, d: Dossier) -> Path:
        """d's transfer package; d then takes another number here, so the package arrives as a new dossier."""
        out = self.tmp / f"goi-{next(self._serial)}.zip"
        export_package(actor=None, number=d.number, out=out)
        Dossier.objects.filter(pk=d.pk).update(number=self.new_number())
        return out

    def package(self, d: Dossier) -> SimpleUploadedFile:
        return SimpleUploadedFile("goi.zip", self.package_file(d).read_bytes(), content_type="application/zip")

    # one-stop procedures (thủ tục một cửa)
    def case(self, d: Dossier, *moves: str, kind: str = CASE_KIND) -> str:
        """A case of a three-step procedure about d, received and taken through `moves`: its address."""
        case = cases.receive_case(actor=self.actor, kind=kind, dossiers=[d],
                                  applicant=cases.Applicant(name="Nguyễn Thị Hoa"))
        for move in moves:
            if move == "request_papers":
                case = cases.request_papers(actor=self.actor, case=case, missing=["Giấy khai sinh"])
            elif move == "propose":  # the worship keeper the decision will record in the dossier
                case = cases.propose_change(actor=self.actor, case=case, item=WORSHIP_KEEPER)
            else:
                case = {"start": cases.start_processing, "decide": cases.decide}[move](actor=self.actor, case=case)
        return f"/thu-tuc/{case.number}"

    def case_paper_ticked(self, d: Dossier) -> tuple[str, dict]:
        """A case about d, and one paper of its checklist ticked as received."""
        url = self.case(d)
        paper = CasePaper.objects.filter(case__number=url.removeprefix("/thu-tuc/"), received_on=None).first()
        return f"{url}/giay-to-da-nhan/", {"names": [paper.name]}

    # registers
    def register_file(self, d: Dossier) -> Path:
        """A register naming d by its number, with a birth year the dossier does not have yet."""
        path = self.tmp / f"so-{next(self._serial)}.csv"
        path.write_text(f"Số hồ sơ;Họ và tên;Năm sinh\n{d.number};{d.subject.full_name};1951\n", encoding="utf-8-sig")
        return path

    def import_run(self, d: Dossier, state: str = ImportRun.State.UPLOADED, dry_run: bool = False) -> ImportRun:
        """d's register, uploaded in the name of the acting user (a run is its uploader's); runs at once."""
        self.settings.TASKS = IMMEDIATE_TASKS
        run = upload_register(actor=self.actor, source=self.register_file(d), file_name="so.csv")
        ImportRun.objects.filter(pk=run.pk).update(created_by=self.user, state=state, dry_run=dry_run)
        return run

    def import_start(self, d: Dossier) -> tuple[str, dict]:
        run = self.import_run(d)
        return f"/nhap-so/{run.pk}/", {"action": "start", **{f"col_{i}": f for i, f in run.columns.items()}}


# ------------------------------------------------------------------------------------------- the tables
@dataclass(frozen=True)
class Write:
    """One write of a route: its client ("web" or "api"), HTTP method, and `build(world, dossier) → (url, data)`.

    also: permissions the service needs besides the route's own (they choose the role tried).
    province_wide: the service needs a province-wide scope (importing a register): a commune user is refused on
    every dossier. passes_over: a request about many objects passes over those out of reach instead of failing
    (so its answer is not checked on a refusal). refusal_events: (action, object type) of the events a refusal
    itself writes (a refused file, a refused package, the run that refused a row) — nothing else may be written."""

    client: str
    method: str
    build: Callable[[World, Dossier], tuple[str, dict | None]]
    also: tuple[Permission, ...] = ()
    province_wide: bool = False
    passes_over: bool = False
    refusal_events: frozenset[tuple[str, str]] = frozenset()


def web(method: str, build, **options) -> Write:
    return Write("web", method, build, **options)


def api(method: str, build, **options) -> Write:
    return Write("api", method, build, **options)


BATCH_OPENED_FILE_REFUSED = frozenset({("create", "batch"), ("refuse_file", "batch")})
PACKAGE_REFUSED = frozenset({("refuse_package", "package")})
IMPORT_RUN = frozenset({("start_import", "importrun"), ("retry_import", "importrun"),
                        ("import_register", "register"), ("finish_import", "importrun")})

SCOPED_WRITES: dict[str, tuple[Write, ...]] = {
    # records (API, JSON)
    "dossier-list": (api("POST", lambda w, d: ("/api/dossiers/", w.new_dossier_json(d))),),
    "dossier-detail": (api("PATCH", lambda w, d: (f"/api/dossiers/{d.number}/", {"title": "Tiêu đề đã sửa"})),
                       api("DELETE", lambda w, d: (f"/api/dossiers/{d.number}/", None))),
    "person-detail": (api("PATCH", lambda w, d: (f"/api/people/{d.subject_id}/", {"notes": "Đã sửa"})),),
    "document-list": (api("POST", lambda w, d: ("/api/documents/", {"dossier": d.number, "doc_type": "Quyết định"})),),
    "document-detail": (api("PATCH", lambda w, d: (f"/api/documents/{w.document(d).pk}/", {"summary": "Đã sửa"})),
                        api("DELETE", lambda w, d: (f"/api/documents/{w.document(d).pk}/", None))),
    "api-capture-upload": (api("POST", lambda w, d: ("/api/capture/uploads/",
                                                    {"dossier_number": d.number, "files": [w.upload()]})),),
    # records (web)
    "dossier_create": (web("POST", lambda w, d: ("/ho-so/moi/", w.new_dossier_form(d))),),
    "dossier_edit": (web("POST", lambda w, d: (f"/ho-so/{d.number}/sua/", w.edit_form(d))),),
    "relative_add": (web("POST", lambda w, d: (f"/ho-so/{d.number}/than-nhan/",
                                               {"full_name": "Mẹ Liệt Sĩ", "relationship": "me"})),),
    "relative_edit": (web("POST", lambda w, d: (f"/ho-so/{d.number}/than-nhan/{w.relative(d).pk}/",
                                                {"full_name": "Nguyễn Thị Mẹ Đẻ", "relationship": "me"})),),
    "relative_remove": (web("POST", lambda w, d: (f"/ho-so/{d.number}/than-nhan/{w.relative(d).pk}/bo/", {})),),
    "duplicate_decide": (web("POST", lambda w, d: (f"/trung-lap/{w.candidate(d).pk}/", {
        "action": "keep_first", "confirm": "1", "reason": "Cùng số Bằng Tổ quốc ghi công"})),),
    "duplicate_undo": (web("POST", lambda w, d: (f"/trung-lap/{w.candidate(d, merged=True).pk}/hoan-tac/",
                                                 {"reason": "Gộp nhầm"})),),
    # digitisation
    "dossier_upload": (web("POST", lambda w, d: (f"/so-hoa/ho-so/{d.number}/tai-len/", {"files": [w.upload()]})),),
    "capture_upload": (web("POST", lambda w, d: ("/so-hoa/tai-len/", {
        "files": [w.upload()], "paths": [f"{d.number.replace('/', '-')}/001.png"]}),
        passes_over=True, refusal_events=BATCH_OPENED_FILE_REFUSED),),
    "page_reorder": (web("POST", lambda w, d: (f"/so-hoa/ho-so/{d.number}/sap-xep/",
                                               {"order": ",".join(str(p.pk) for p in reversed(w.pages(d, 2)))})),),
    "page_document": (web("POST", lambda w, d: (f"/so-hoa/ho-so/{d.number}/van-ban/", w.document_form(d))),),
    "dossier_status": (web("POST", lambda w, d: (f"/so-hoa/ho-so/{w.entered(d).number}/tinh-trang/",
                                                 {"status": Dossier.Status.VERIFIED}), also=(VERIFY_DOSSIER,)),),
    # bulk actions of the dossier list, confirmed: each ticked dossier through its service
    "dossier_bulk": (web("POST", lambda w, d: ("/ho-so/hang-loat/", {
                         "action": "loan", "xac_nhan": "1", "chon": [d.number], "purpose": "Trích lục"})),
                     web("POST", lambda w, d: ("/ho-so/hang-loat/", {
                         "action": "move", "xac_nhan": "1", "chon": [d.number], "box": w.box().code}),
                         also=(MANAGE_ARCHIVE,)),
                     web("POST", lambda w, d: ("/ho-so/hang-loat/", {
                         "action": "status", "xac_nhan": "1", "chon": [w.entered(d).number],
                         "status": Dossier.Status.VERIFIED}), also=(VERIFY_DOSSIER,))),
    "page_retry": (web("POST", lambda w, d: (f"/so-hoa/trang/{w.failed_page(d).pk}/thu-lai/", {})),),
    "batch_retry": (web("POST", lambda w, d: (f"/so-hoa/dot/{w.failed_batch(d).pk}/thu-lai/", {})),),
    "page_outline": (web("POST", lambda w, d: (f"/so-hoa/trang/{w.photo_page(d).pk}/khung-trang/", {
        "x1": 20, "y1": 20, "x2": 280, "y2": 25, "x3": 275, "y3": 380, "x4": 22, "y4": 375})),),
    # loans of originals
    "loan_request": (web("POST", lambda w, d: (f"/muon/de-nghi/{d.number}/", {"purpose": "Trích lục"})),),
    "loan_approve": (web("POST", lambda w, d: (f"/muon/{w.loan(d).pk}/duyet/", {})),),
    "loan_refuse": (web("POST", lambda w, d: (f"/muon/{w.loan(d).pk}/tu-choi/", {"reason": "Đang số hóa"})),),
    "loan_cancel": (web("POST", lambda w, d: (f"/muon/{w.loan(d, borrower=w.user).pk}/huy/", {})),),
    "loan_check_out": (web("POST", lambda w, d: (f"/muon/{w.loan(d, 'approved').pk}/giao/", {
        "out-due_on": f"{dt.date.today() + dt.timedelta(days=10):%d/%m/%Y}", "out-condition": "tot"})),),
    "loan_return": (web("POST", lambda w, d: (f"/muon/{w.loan(d, 'checked_out').pk}/tra/", {
        "back-condition": "tot", "back-complete": "on"})),),
    "loan_remind": (web("POST", lambda w, d: (f"/muon/{w.loan(d, 'checked_out').pk}/nhac/", {})),),
    # the paper archive
    "archive_move": (web("POST", lambda w, d: ("/kho/chuyen/", {"box": w.box().code, "scans": d.number})),),
    "archive_inventory_apply": (web("POST", lambda w, d: (f"/kho/kiem-ke/{w.inventory(d).pk}/cap-nhat/", {}),
                                    passes_over=True,
                                    refusal_events=frozenset({("archive_inventory_apply", "inventorycheck")})),),
    # transfers between provinces, packages
    "transfer_create": (web("POST", lambda w, d: (f"/chuyen-ho-so/lap-phieu/{d.number}/", {
        "to_province": "Quảng Bình", "recipient_agency": "Sở Nội vụ tỉnh Quảng Bình", "reason": "Chuyển nơi ở"})),),
    "transfer_send": (web("POST", lambda w, d: (f"/chuyen-ho-so/{w.transfer(d).pk}/da-gui/", {})),),
    "transfer_received": (web("POST", lambda w, d: (f"/chuyen-ho-so/{w.transfer(d, sent=True).pk}/da-tiep-nhan/",
                                                    {})),),
    "transfer_returned": (web("POST", lambda w, d: (f"/chuyen-ho-so/{w.transfer(d, sent=True).pk}/bi-tra-lai/",
                                                    {"reason": "Thiếu giấy tờ"})),),
    "package_import": (web("POST", lambda w, d: ("/chuyen-ho-so/nhap-goi/", {"package": w.package(d)}),
                           refusal_events=PACKAGE_REFUSED),),
    # one-stop procedures: cases about a dossier
    "case_intake": (web("POST", lambda w, d: ("/thu-tuc/tiep-nhan/", {
        "dossier": d.number, "kind": CASE_KIND, "applicant_name": "Nguyễn Thị Hoa"})),),
    "case_start": (web("POST", lambda w, d: (f"{w.case(d)}/thu-ly/", {})),),
    "case_advance": (web("POST", lambda w, d: (f"{w.case(d, 'start')}/buoc-tiep/", {})),),
    "case_send": (web("POST", lambda w, d: (f"{w.case(d, 'start')}/chuyen/", {})),),
    "case_request_papers": (web("POST", lambda w, d: (f"{w.case(d)}/yeu-cau-bo-sung/", {"missing": "Bản khai"})),),
    "case_papers_complete": (web("POST", lambda w, d: (f"{w.case(d, 'request_papers')}/du-giay-to/", {})),),
    "case_tick_papers": (web("POST", lambda w, d: w.case_paper_ticked(d)),),
    "case_change": (web("POST", lambda w, d: (f"{w.case(d)}/thay-doi/", WORSHIP_KEEPER)),),
    "case_decide": (web("POST", lambda w, d: (f"{w.case(d, 'start', 'propose')}/duyet/",  # changes the dossier
                                              {"decision_number": "12/QĐ-SNV"})),),
    "case_refuse": (web("POST", lambda w, d: (f"{w.case(d)}/tu-choi/", {"reasons": "Không đủ điều kiện"})),),
    "case_return": (web("POST", lambda w, d: (f"{w.case(d, 'start', 'decide')}/tra-ket-qua/", {})),),
    "case_withdraw": (web("POST", lambda w, d: (f"{w.case(d)}/rut/", {"reason": "Người nộp rút đơn"})),),
    "case_document_make": (web("POST", lambda w, d: (f"{w.case(d)}/lap-giay-to/", {"kind": "receipt",
                                                                                   "format": "pdf"})),),
    "case_original_request": (web("POST", lambda w, d: (f"{w.case(d)}/muon-ban-goc/", {})),),
    "case_file_upload": (web("POST", lambda w, d: (f"{w.case(d)}/tai-giay-to/", {"file": w.upload(),
                                                                                "title": "Bản khai"})),),
    "case_register_dossier": (web("POST", lambda w, d: (f"{w.case(d, kind=OPENING_KIND)}/lap-ho-so/", {
        "number": w.new_number(), "category": "LS", "full_name": "Phạm Thị Mới",
        "residence_unit": d.subject.residence_unit_id}), also=(EDIT_DOSSIER,)),),
    # registers (a run imports as the user who uploaded it)
    "import_preview": (web("POST", lambda w, d: w.import_start(d), province_wide=True, passes_over=True,
                           refusal_events=IMPORT_RUN),),
    "import_retry": (web("POST", lambda w, d: (f"/nhap-so/{w.import_run(d, ImportRun.State.FAILED).pk}/chay-lai/",
                                               {}), province_wide=True, passes_over=True, refusal_events=IMPORT_RUN),),
    "import_real": (web("POST", lambda w, d: (f"/nhap-so/{w.import_run(d, ImportRun.State.DONE, dry_run=True).pk}"
                                              "/nhap-that/", {}),
                        province_wide=True, passes_over=True, refusal_events=IMPORT_RUN),),
}

# Writes that can change where the "in" dossier belongs: to commune b ("commune") or to "mật" ("level").
MOVES_OUT: dict[str, tuple[str, Write]] = {
    "dossier-detail": ("level", api("PATCH", lambda w, d: (f"/api/dossiers/{d.number}/", {"confidentiality": "mat"}))),
    "person-detail": ("commune", api("PATCH", lambda w, d: (f"/api/people/{d.subject_id}/",
                                                            {"residence_unit": w.communes["b"].pk}))),
    "dossier_edit": ("commune", web("POST", lambda w, d: (f"/ho-so/{d.number}/sua/",
                                                          w.edit_form(d, residence_unit=w.communes["b"].pk)))),
    "document-detail": ("level", api("PATCH", lambda w, d: (f"/api/documents/{w.document(d).pk}/",
                                                            {"confidentiality": "mat"}))),
    "page_document": ("level", web("POST", lambda w, d: (f"/so-hoa/ho-so/{d.number}/van-ban/",
                                                         w.document_form(d, confidentiality="mat")))),
}

# Writes on a person of the "in" dossier who is also the subject of the "out" one (issue #13, H2): only a user who
# reaches both dossiers may change them. (Taking them out of the "in" dossier, relative_remove, changes only "in".)
SHARED_PERSON: dict[str, Write] = {
    "person-detail": api("PATCH", lambda w, d: (f"/api/people/{w.shared(d).person_id}/", {"notes": "Đã sửa"})),
    "relative_edit": web("POST", lambda w, d: (f"/ho-so/{d.number}/than-nhan/{w.shared(d).pk}/",
                                               {"full_name": "Lê Văn Ngoài Đã Sửa", "relationship": "me"})),
}

UNSCOPED_WRITES: dict[str, str] = {
    "person-list": "a person filed in no dossier (visible to nobody until register_dossier or link_relative, which "
                   "check the dossier, takes them in)",
    "login": "sign-in", "logout": "sign-out", "password_change": "own account", "otp_verify": "own account",
    "otp_setup": "own account",
    "user_create": "user administration", "user_edit": "user administration", "user_reset": "user administration",
    "audit_check": "the audit chain check (its result is an event)",
    "archive_location_create": "storage places", "archive_location": "storage places (name, capacity)",
    "archive_inventory_new": "records what was scanned in a place, through the user's view of the dossiers; moves "
                             "nothing (archive_inventory_apply does)",
    "import_upload": "keeps a register for its preview; no dossier is written until it is started (import_preview)",
    "duplicate_scan": "queues pairs of people for review; pairs are shown and decided only when both dossiers are "
                      "in reach (duplicate_decide)",
    "procedure_kind": "the catalogue of procedures (a new version of a kind's routing and durations)",
    "procedure_calendar": "the working-day calendar (a day off or a working day added)",
    "procedure_calendar_clear": "the working-day calendar (a day given back to the public calendar)",
    "saved_view_create": "the user's own saved view of the dossier list (filters and sort), seen by nobody else",
    "saved_view_delete": "deletes one of the user's own saved views",
    "language_set": "the user's own interface language (audited as set_language)",
}

READ_ONLY: dict[str, str] = {
    "home": "counts, reminders", "search": "search", "api-search": "search", "dossier_list": "list",
    "dossier_detail": "detail", "dossier_export": "export", "dossier_pdf": "a watermarked copy (POST: downloaded)",
    "page_viewer": "viewer", "page_strip": "viewer", "page_image": "file", "page_thumbnail": "file",
    "batch_list": "list", "batch_detail": "detail", "duplicate_list": "list", "loan_list": "list",
    "loan_detail": "detail", "loan_slip": "printed slip",
    "dossier_shoot": "the tablet capture form (the shots go through dossier_upload)",
    "shot_preview": "flattens one shot for the preview and stores nothing",
    "page_photo": "file (the master photo of a photographed page)",
    "loan_return_scan": "finds the loan of a scanned label",
    "transfer_list": "list",
    "transfer_detail": "detail", "transfer_slip": "printed slip", "transfer_package": "download",
    "package_export": "download (POST: built and streamed, nothing kept)", "import_progress": "progress",
    "import_report": "report", "import_download": "download", "archive_home": "the store", "archive_inventory":
    "a check's results", "archive_labels": "label sheets (POST: printed)", "user_list": "staff accounts",
    "audit_list": "audit trail", "audit_export": "audit trail", "api-schema": "schema", "api-root": "links",
    "case_queue": "the desk's queue", "case_detail": "a case", "case_document": "a case's paper (download)",
    "case_intake_papers": "the checklist of a procedure", "case_dossier_lookup": "search as the desk types",
    "case_file": "a paper uploaded to a case (download)", "procedure_catalogue": "the catalogue of procedures",
    "case_tracking": "public tracking: a case's procedure, state and appointment date (no sign-in; only look-ups "
                     "are counted, to slow guessing)",
    "reports_dashboard": "statistics", "reports_export": "statistics (Excel)", "reports_mau100": "the yearly report",
    "reports_benefits": "statistics",
    "javascript_catalog": "the texts of the interface's scripts in the user's language",
}

# --- commands with --as USER (`build(world, dossier)` → the command's arguments; "--as USER" is added) -----------


@dataclass(frozen=True)
class Command:
    permission: Permission
    build: Callable[[World, Dossier], list[str]]
    province_wide: bool = False
    passes_over: bool = False
    refusal_events: frozenset[tuple[str, str]] = frozenset()


SCOPED_COMMANDS: dict[str, Command] = {
    "ingest": Command(CAPTURE, lambda w, d: ["ingest", str(w.scan_folder(d)), "--enqueue", "--json"],
                      passes_over=True, refusal_events=BATCH_OPENED_FILE_REFUSED),
    "import_register": Command(EDIT_DOSSIER, lambda w, d: ["import_register", str(w.register_file(d)), "--json"],
                               province_wide=True, passes_over=True, refusal_events=IMPORT_RUN),
    "import_package": Command(MANAGE_ARCHIVE, lambda w, d: ["import_package", str(w.package_file(d)), "--json"],
                              refusal_events=PACKAGE_REFUSED),
    "worker": Command(CAPTURE, lambda w, d: ["worker", "--retry-failed", "--batch-id", str(w.failed_batch(d).pk),
                                             "--max-tasks", "0"], passes_over=True),
    "procedure open": Command(RECEIVE_CASE, lambda w, d: ["procedure", "open", "trich-luc", "--dossier", d.number,
                                                          "--json"]),
}
UNSCOPED_COMMANDS: dict[str, str] = {
    "load_admin_units": "loads the official list of administrative units",
    "backup": "copies the whole install; --as names who ran it in the audit trail",
    "verify": "checks every file and the audit chain; writes only its result",
}
READ_ONLY_COMMANDS: dict[str, str] = {
    "export_package": "a package written to a file (the export checks of the web)", "show": "a dossier as JSON",
    "search": "search", "procedure list": "cases the user may see", "stats": "statistics as the user sees them",
    "report mau-100": "the yearly report, as the user sees the dossiers",
}


# ------------------------------------------------------------------------------------ the declarations
def _routes(resolver: URLResolver | None = None):
    for entry in (resolver or get_resolver()).url_patterns:
        if isinstance(entry, URLResolver):
            yield from _routes(entry)
        elif isinstance(entry, URLPattern):
            yield entry.name, entry.callback


@functools.cache
def _callbacks() -> dict[str, Callable]:
    found: dict[str, Callable] = {}
    for name, callback in _routes():
        found.setdefault(name, callback)
    return found


def declared_permission(callback, method: str = "GET") -> Permission | None:
    """The permission a route declares for `method`: @rule on a view, `access_rule` on an API view, and on an API
    viewset the rule of the action the method maps to (`action_rules`, see api/views_records.ActionRules)."""
    cls = getattr(callback, "cls", None) or getattr(callback, "view_class", None)
    rule = getattr(callback, "access_rule", None) or getattr(cls, "access_rule", None)
    if hasattr(callback, "actions"):
        return getattr(cls, "action_rules", {}).get(callback.actions.get(method.lower()), rule)
    return rule


def tried_role(permissions: set[Permission]) -> str:
    """The least powerful role holding every permission (fewest permissions; an administrator only if no other)."""
    holders = [r for r in Role if r != Role.SYSTEM and permissions <= ROLE_PERMISSIONS[r]]
    assert holders, f"no role holds {sorted(map(str, permissions))}"
    return min([r for r in holders if r != Role.ADMIN] or holders, key=lambda r: len(ROLE_PERMISSIONS[r]))


def test_every_route_is_declared_once_with_a_permission():
    callbacks = _callbacks()
    tables = [set(SCOPED_WRITES), set(UNSCOPED_WRITES), set(READ_ONLY)]
    assert sum(map(len, tables)) == len(set().union(*tables)), "a route is declared twice"
    assert set(callbacks) - set().union(*tables) == set(), "declare the new route here (and test it if it writes)"
    assert set().union(*tables) - set(callbacks) == set(), "a declared route no longer exists"
    assert set(MOVES_OUT) | set(SHARED_PERSON) <= set(SCOPED_WRITES)
    for name, callback in callbacks.items():
        assert declared_permission(callback) is not None, f"{name} declares no permission"
    for name, writes in SCOPED_WRITES.items():
        for write in writes:
            assert declared_permission(callbacks[name], write.method) is not None, (name, write.method)
    for name in READ_ONLY:  # an API view declared read-only handles no write method
        callback, methods = callbacks[name], {"post", "put", "patch", "delete"}
        if hasattr(callback, "actions"):
            assert not methods & set(callback.actions), name
        elif hasattr(callback, "cls"):
            assert not [m for m in methods if hasattr(callback.cls, m)], name


def _as_options(parser: argparse.ArgumentParser, name: str):
    for action in parser._actions:
        if "--as" in action.option_strings:
            yield name
        if isinstance(action, argparse._SubParsersAction):
            for sub, subparser in action.choices.items():
                yield from _as_options(subparser, f"{name} {sub}")


def commands_with_as() -> set[str]:
    return {found for name, app in get_commands().items() if app.startswith("hoso")
            for found in _as_options(load_command_class(app, name).create_parser("hoso", name), name)}


def test_every_command_acting_as_a_user_is_declared_once():
    tables = [set(SCOPED_COMMANDS), set(UNSCOPED_COMMANDS), set(READ_ONLY_COMMANDS)]
    assert sum(map(len, tables)) == len(set().union(*tables))
    assert commands_with_as() == set().union(*tables), "declare the command (and test it if it writes)"


# ----------------------------------------------------------------------------------------- the matrix
USERS = {"commune-a": ("a", False), "province": ("all", False), "province-cleared": ("all", True)}
"""Who tries each write: (scope, cleared for "mật")."""


def acting(world: World, make_user, who: str, permissions: set[Permission]):
    """The user `who`, of the least powerful role holding `permissions`."""
    scope, cleared = USERS[who]
    world.user = make_user(tried_role(permissions), username=f"thu-{who}", clearance=cleared,
                           scope="all" if scope == "all" else world.communes[scope])
    return world.user


def may_reach(who: str, target: str, province_wide: bool) -> bool:
    scope, cleared = USERS[who]
    if scope != "all":
        return target == "in" and not province_wide
    return target != "secret" or cleared


@pytest.fixture(autouse=True)
def _own_blob_store(blob_dir):
    """Uploads, packages and registers go to a blob store of the test's own (tests/conftest.py)."""


@pytest.fixture
def world(actor, communes, tmp_path, settings) -> World:
    return World(actor, communes, tmp_path, settings)


def fingerprint(dossier_id: int) -> dict:
    """The dossier's observable state: its row, every row that refers to it (documents, pages, relatives, category
    facts, loans, transfers, placement, movements, cases …), its people's rows and every row that refers to them."""
    dossier = Dossier.objects.filter(pk=dossier_id).first()
    if dossier is None:
        return {}
    state = {"dossier": list(Dossier.objects.filter(pk=dossier_id).values())}
    for relation in Dossier._meta.related_objects:
        state[relation.name] = list(relation.related_model.objects.filter(**{relation.field.name: dossier})
                                    .order_by("pk").values())
    people = [dossier.subject_id, *dossier.relative_links.values_list("person_id", flat=True)]
    state["people"] = list(Person.objects.filter(pk__in=people).order_by("pk").values())
    state["categories"] = sorted(Person.categories.through.objects.filter(person_id__in=people)
                                 .values_list("person_id", "category_id"))
    for relation in Person._meta.related_objects:
        state[f"person {relation.name}"] = list(relation.related_model.objects.filter(
            **{f"{relation.field.name}__in": people}).order_by("pk").values())
    return state


def refusal_shown(response) -> bool:
    """How the product says no: an error status; an error message on the page it redirects to; a form shown again
    with its errors; a page naming what was refused (a package) or its problems (a register)."""
    if response.status_code >= 400:
        return True
    request = getattr(response, "wsgi_request", None)
    if request is not None and hasattr(request, "_messages") and any(
            m.level >= ERROR for m in get_messages(request)):
        return True
    context = getattr(response, "context", None)
    if context:
        form = context.get("form")
        if getattr(form, "errors", None) or context.get("refused") or context.get("problems"):
            return True
    return False


def writes_by(user, since: int) -> list[tuple[str, str]]:
    return list(AuditEvent.objects.filter(actor=user, pk__gt=since).exclude(action__in=READS)
                .values_list("action", "object_type"))


def _last_event() -> int:
    return AuditEvent.objects.order_by("-pk").values_list("pk", flat=True).first() or 0


def request(world: World, write: Write, dossier: Dossier) -> Callable[[], bool]:
    """Prepare the write on `dossier`; the returned function sends it and tells whether it succeeded."""
    url, data = write.build(world, dossier)
    client = Client() if write.client == "web" else APIClient()
    client.force_login(world.user)
    send = getattr(client, write.method.lower())
    if write.client == "web":
        return lambda: not refusal_shown(send(url, data or {}))
    has_files = any(isinstance(v, list) and v and hasattr(v[0], "read") for v in (data or {}).values())
    return lambda: not refusal_shown(send(url, data, format="multipart" if has_files else "json"))


def command(world: World, command: Command, dossier: Dossier) -> Callable[[], bool]:
    """Prepare the command on `dossier`; the returned function runs it: True when it finished, False when it
    refused (a CommandError, or exit code 1)."""
    args = [*command.build(world, dossier), "--as", world.user.username]

    def run() -> bool:
        try:
            call_command(*args, stdout=io.StringIO(), stderr=io.StringIO())
        except (CommandError, SystemExit):
            return False
        return True

    return run


def check(world: World, who: str, target: str, expected: bool, prepared: Callable[[], bool], *,
          passes_over: bool, refusal_events: frozenset, what: str) -> None:
    """`prepared`: the write, its prerequisites made; the `target` dossier's state is taken now, then the write
    sent."""
    dossier = world.dossiers[target]
    before, since = {} if expected else fingerprint(dossier.pk), _last_event()
    outcome = prepared()
    written = writes_by(world.user, since)
    context = (what, who, target, outcome, written)
    if expected:
        assert outcome is True, context
        assert set(written) - refusal_events, ("no write event: the entry's request writes nothing", *context)
    else:
        assert outcome is False or passes_over, ("shown as a success", *context)
        assert set(written) <= refusal_events, ("written", *context)
        assert fingerprint(dossier.pk) == before, ("the dossier changed", *context)


def _cases(table: dict) -> list:
    return [pytest.param(name, write, who, id=f"{name}-{write.method}-{who}" if len(writes) > 1 else f"{name}-{who}")
            for name, writes in table.items() for write in writes for who in USERS]


@pytest.mark.parametrize(("route", "write", "who"), _cases(SCOPED_WRITES))
def test_a_write_reaches_only_the_dossiers_in_reach(world, make_user, route, write, who):
    acting(world, make_user, who, {declared_permission(_callbacks()[route], write.method), *write.also})
    for target, dossier in world.dossiers.items():
        check(world, who, target, may_reach(who, target, write.province_wide), request(world, write, dossier),
              passes_over=write.passes_over, refusal_events=write.refusal_events, what=f"{write.method} {route}")


@pytest.mark.parametrize(("route", "who"), [pytest.param(r, w, id=f"{r}-{w}") for r in MOVES_OUT for w in USERS])
def test_a_write_cannot_move_a_dossier_out_of_reach(world, make_user, route, who):
    """The other side of the rule: the dossier as it will be. Moving the "in" dossier to commune b needs a
    province-wide scope; making it (or its document) "mật" needs a clearance."""
    kind, write = MOVES_OUT[route]
    acting(world, make_user, who, {declared_permission(_callbacks()[route], write.method), *write.also})
    scope, cleared = USERS[who]
    allowed = scope == "all" and (cleared or kind == "commune")
    check(world, who, "in", allowed, request(world, write, world.dossiers["in"]),
          passes_over=False, refusal_events=frozenset(), what=f"{route} moves it out ({kind})")


@pytest.mark.parametrize(("name", "who"), [pytest.param(n, w, id=f"{n}-{w}") for n in SCOPED_COMMANDS
                                           for w in USERS])
def test_a_command_acting_as_a_user_reaches_only_the_dossiers_in_reach(world, make_user, name, who):
    declared = SCOPED_COMMANDS[name]
    acting(world, make_user, who, {declared.permission})
    for target, dossier in world.dossiers.items():
        check(world, who, target, may_reach(who, target, declared.province_wide), command(world, declared, dossier),
              passes_over=declared.passes_over, refusal_events=declared.refusal_events, what=name)


@pytest.mark.parametrize(("route", "who"), [pytest.param(r, w, id=f"{r}-{w}") for r in SHARED_PERSON for w in USERS])
def test_a_write_cannot_change_a_person_of_a_dossier_out_of_reach(world, make_user, route, who):
    """A person of the "in" dossier (a relative) who is also the subject of the "out" one: changing them through
    the dossier in reach would change the one out of reach."""
    write = SHARED_PERSON[route]
    acting(world, make_user, who, {declared_permission(_callbacks()[route], write.method), *write.also})
    check(world, who, "out", USERS[who][0] == "all", request(world, write, world.dossiers["in"]),
          passes_over=False, refusal_events=frozenset(), what=f"{route} on a person shared with «out»")
