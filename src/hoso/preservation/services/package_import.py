"""`hoso import_package`: check a transfer package and register its dossier here, with its provenance.

Order of work: unpack safely and bounded while it streams (no paths out of the folder, no links; no more than the
bag declares, a hard cap and a compression ratio: preservation.package_files) → BagIt checks with one exact reason
per fault (a file missing, changed or not listed) → metadata.json and mets.xml agree with the files → already
imported (same manifest checksum: nothing changes) or already here (same content: nothing changes; different
content: refused, never overwritten) → the checks of an upload: masters as `inspect_file` checks them, access PDFs
without active content, thumbnails made again here (package_files.checked_files) → files into the blob store,
re-hashed → people, dossier, documents, relatives, decisions and pages through the services, one transaction,
audited. A refused package leaves no dossier, and a "refuse_package" event with the reason.
"""

import json
import tempfile
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import bagit
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from hoso.access.models import User
from hoso.access.permissions import MANAGE_ARCHIVE
from hoso.access.rules import require
from hoso.capture.services import restore_pages
from hoso.core.audit import record_event
from hoso.core.blobs import blob_store
from hoso.core.events import AuditAction
from hoso.core.i18n import in_vietnamese
from hoso.gazetteer.models import AdminUnit
from hoso.preservation.mets import mets_files
from hoso.preservation.models import PackageImport
from hoso.preservation.package_files import CheckedFiles, checked_files, unpack
from hoso.preservation.services.packages import (
    FORMAT,
    PackageError,
    comparable,
    differences,
    dossier_content,
    file_sha256,
)
from hoso.records import services as records
from hoso.records.fields import PartialDateField
from hoso.records.models import BenefitDecision, Document, Dossier, InjuryAssessment, MartyrRecord, Person
from hoso.records.visibility import NUMBER_UNAVAILABLE, reachable_numbers
from hoso.vntext.dates import PartialDate


@dataclass
class ImportResult:
    status: str  # imported, already_imported, unchanged
    dossier_number: str
    message: str
    pages: int = 0
    files: int = 0
    size: int = 0
    bag_sha256: str = ""
    zip_sha256: str = ""
    source_province: str = ""
    slip_number: str = ""
    warnings: list[str] = field(default_factory=list)
    seconds: float = 0.0

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


# --- unpacking and checking ----------------------------------------------------------------------------


def _summarise(problems: list[tuple[str, str]]) -> PackageError:
    code, reason = problems[0]
    if len(problems) > 1:
        reason += f" Cùng {len(problems) - 1} lỗi khác: " + " ".join(r for _, r in problems[1:4])
        if len(problems) > 4:
            reason += " …"
    return PackageError(reason, code)


def check_bag(root: Path) -> bagit.Bag:
    """The BagIt checks, each fault with its exact reason (first the tag files, then the payload)."""
    try:
        bag = bagit.Bag(str(root))
    except bagit.BagError as exc:
        raise PackageError(f"Gói không đúng cấu trúc BagIt: {exc}", "not_a_bag") from exc
    if "sha256" not in bag.algorithms:
        raise PackageError("Gói không có danh sách kiểm tra SHA-256 (manifest-sha256.txt).", "no_sha256")
    if not (root / "tagmanifest-sha256.txt").is_file():
        raise PackageError("Gói thiếu tagmanifest-sha256.txt (danh sách kiểm tra của các tệp mô tả gói).",
                           "missing_file")
    problems: list[tuple[str, str]] = []
    entries = sorted(bag.entries.items(), key=lambda kv: (kv[0].startswith("data/"), kv[0]))
    for rel, hashes in entries:
        path = root / rel
        if not path.is_file():
            problems.append(("missing_file", f"Thiếu tệp {rel} (có trong danh sách kiểm tra của gói)."))
            continue
        expected = hashes.get("sha256")
        if expected:
            actual = file_sha256(path)
            if actual != expected:
                problems.append(("checksum_mismatch", f"Tệp {rel} đã bị thay đổi: SHA-256 ghi trong gói là "
                                 f"{expected[:16]}…, tính lại được {actual[:16]}…."))
    listed = set(bag.entries)
    for path in sorted((root / "data").rglob("*")) if (root / "data").is_dir() else []:
        rel = path.relative_to(root).as_posix()
        if path.is_file() and rel not in listed:
            problems.append(("unexpected_file", f"Tệp {rel} không có trong danh sách kiểm tra của gói (tệp lạ)."))
    if problems:
        raise _summarise(problems)
    try:
        bag.validate()
    except bagit.BagValidationError as exc:
        raise PackageError(f"Gói không hợp lệ theo BagIt: {exc}", "invalid_bag") from exc
    for required in ("data/metadata.json", "data/mets.xml"):
        if not (root / required).is_file():
            raise PackageError(f"Gói thiếu tệp {required}.", "missing_file")
    return bag


@dataclass
class Package:
    root: Path
    metadata: dict[str, Any]
    content: dict[str, Any]
    files: dict[str, dict[str, str]]  # href (under data/) → mets entry
    bag_sha256: str
    info: dict[str, Any]


def read_package(root: Path, *, expect_sha256: str = "", zip_sha256: str = "") -> Package:
    """A checked bag's contents. `expect_sha256`: the checksum written on the transfer slip (of the manifest or
    of the .zip), checked right after the BagIt checks: it alone catches a bag rebuilt around edited files."""
    bag = check_bag(root)
    bag_sha256 = file_sha256(root / "manifest-sha256.txt")
    if expect_sha256 and expect_sha256.lower() not in (bag_sha256, zip_sha256):
        raise PackageError(f"Mã kiểm tra của gói ({bag_sha256[:16]}…) khác mã ghi trên phiếu "
                           f"({expect_sha256[:16]}…).", "checksum_mismatch")
    try:
        metadata = json.loads((root / "data/metadata.json").read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise PackageError(f"metadata.json không đọc được: {exc}", "bad_metadata") from exc
    if not isinstance(metadata, dict) or metadata.get("format") != FORMAT:
        raise PackageError(f"metadata.json không phải định dạng {FORMAT}.", "bad_metadata")
    content = metadata.get("dossier")
    if not isinstance(content, dict) or not content.get("dossier_number"):
        raise PackageError("metadata.json không có hồ sơ (dossier).", "bad_metadata")
    identifier = bag.info.get("External-Identifier")
    if identifier and identifier != content["dossier_number"]:
        raise PackageError(f"Số hồ sơ trong bag-info.txt ({identifier}) khác trong metadata.json "
                           f"({content['dossier_number']}).", "bad_metadata")
    try:
        files = mets_files((root / "data/mets.xml").read_bytes())
    except ValueError as exc:
        raise PackageError(str(exc), "bad_mets") from exc
    package = Package(root=root, metadata=metadata, content=content, files=files, bag_sha256=bag_sha256,
                      info=dict(bag.info))
    _check_agreement(package, bag)
    return package


def _by_id(package: Package) -> dict[str, tuple[str, dict[str, str]]]:
    return {entry["id"]: (href, entry) for href, entry in package.files.items()}


def _check_agreement(package: Package, bag: bagit.Bag) -> None:
    """metadata.json, mets.xml and the files say the same thing (a bag rebuilt around an edited file is
    still caught when the three disagree)."""
    ids = _by_id(package)
    for href, entry in package.files.items():
        listed = bag.entries.get(f"data/{href}", {}).get("sha256")
        if listed is None:
            raise PackageError(f"mets.xml nêu tệp {href} nhưng gói không có tệp này.", "mets_mismatch")
        if entry["sha256"] != listed:
            raise PackageError(f"Tệp {href}: SHA-256 trong mets.xml khác trong manifest.", "mets_mismatch")
    for page in package.content.get("pages", []):
        seq = page["sequence"]
        for key, prefix, what in (("master_sha256", "M", "Ảnh gốc"), ("access_sha256", "A", "Bản PDF"),
                                  ("thumbnail_sha256", "TH", "Ảnh thu nhỏ")):
            if not page.get(key):
                continue
            found = ids.get(f"{prefix}{seq:04d}")
            if found is None:
                raise PackageError(f"{what} trang {seq} có trong metadata.json nhưng không có trong gói.",
                                   "missing_file")
            if found[1]["sha256"] != page[key]:
                raise PackageError(f"{what} trang {seq} ({found[0]}) không khớp SHA-256 trong metadata.json.",
                                   "metadata_mismatch")
        text = ids.get(f"T{seq:04d}")
        if text is not None:
            on_disk = (package.root / "data" / text[0]).read_text(encoding="utf-8")
            if on_disk != (page.get("ocr_text") or ""):
                raise PackageError(f"Chữ nhận dạng trang {seq} ({text[0]}) khác trong metadata.json.",
                                   "metadata_mismatch")
    copy = package.content.get("access_copy")
    if copy:
        found = ids.get("PDF")
        if found is None or found[1]["sha256"] != copy["sha256"]:
            raise PackageError("Bản PDF/A của hồ sơ (access/dossier.pdf) thiếu hoặc không khớp metadata.json.",
                               "metadata_mismatch")


# --- registering -----------------------------------------------------------------------------------------


def _dates(model, values: dict[str, Any]) -> dict[str, Any]:
    out = {}
    for key, value in values.items():
        try:
            model_field = model._meta.get_field(key)
        except Exception:  # noqa: BLE001 - a field this install does not have
            continue
        if isinstance(model_field, PartialDateField):
            value = PartialDate.from_iso(value) if value else None
        out[key] = value
    return out


def _unit(data: dict[str, Any] | None, warnings: list[str]) -> AdminUnit | None:
    if not data:
        return None
    unit = AdminUnit.objects.filter(code=data["code"], level=data["level"], valid_from=data.get("valid_from")).first()
    if unit is None:
        warnings.append(f"Đơn vị hành chính {data['name']} ({data['code']}) chưa có trong danh mục ở đây: "
                        "giữ địa chỉ như ghi trong hồ sơ.")
    return unit


def _person(actor: User | None, data: dict[str, Any], warnings: list[str]) -> Person:
    fields = {"family_name": data.get("family_name") or "", "middle_name": data.get("middle_name") or "",
              "given_name": data.get("given_name") or "", "sex": data.get("sex") or "",
              "birth_date": data.get("birth_date"), "death_date": data.get("death_date"),
              "ethnicity": data.get("ethnicity") or "", "hometown_text": data.get("hometown") or "",
              "residence_text": data.get("residence") or "", "national_id": data.get("national_id") or "",
              "notes": data.get("notes") or "",
              "hometown_unit": _unit(data.get("hometown_unit"), warnings),
              "residence_unit": _unit(data.get("residence_unit"), warnings)}
    return records.create_person(actor=actor, full_name=data["full_name"], aliases=data.get("aliases") or [],
                                 category_codes=data.get("categories") or [], **_dates(Person, fields))


def _register(actor: User | None, content: dict[str, Any], warnings: list[str]) -> Dossier:
    subject = _person(actor, content["person"], warnings)
    fields = {k: v for k, v in content.get("metadata", {}).items() if k in records.DOSSIER_FIELDS}
    dossier = records.register_dossier(actor=actor, number=content["dossier_number"],
                                       category_code=content["category"]["code"], subject=subject,
                                       **_dates(Dossier, fields))
    if content.get("martyr"):
        facts = {k: v for k, v in content["martyr"].items() if k in records.MARTYR_FIELDS}
        records.set_martyr_facts(actor=actor, dossier=dossier, **_dates(MartyrRecord, facts))
    for item in content.get("assessments") or []:
        values = {k: v for k, v in item.items() if k in records.ASSESSMENT_FIELDS}
        records.add_assessment(actor=actor, dossier=dossier, **_dates(InjuryAssessment, values))
    for item in content.get("documents") or []:
        values = {k: v for k, v in item.items() if k in records.DOCUMENT_FIELDS}
        records.add_document(actor=actor, dossier=dossier, **_dates(Document, values))
    people = {"subject": subject}
    for index, item in enumerate(content.get("relatives") or []):
        person = _person(actor, item["person"], warnings)
        people[f"relative:{index}"] = person
        records.link_relative(actor=actor, dossier=dossier, person=person, relationship=item["relationship"],
                              receives_benefit=item.get("receives_benefit", False),
                              keeps_worship=item.get("keeps_worship", False), note=item.get("note") or "")
    for item in content.get("decisions") or []:
        values = {k: v for k, v in item.items() if k in records.DECISION_FIELDS and k != "beneficiary"}
        values["beneficiary"] = people.get(item.get("beneficiary") or "")
        records.add_decision(actor=actor, dossier=dossier, **_dates(BenefitDecision, values))
    return dossier


def _store_files(package: Package, checked: CheckedFiles) -> None:
    """The checked files into the blob store (the address the store computes must be the one the package gave), and
    the thumbnails made here, which the pages then point to. Nothing else of the package is stored: not its
    thumbnails, not a file no page refers to."""
    store = blob_store()
    for href in checked.hrefs:
        blob = store.put_file(package.root / "data" / href)
        if blob.sha256 != package.files[href]["sha256"]:
            raise PackageError(f"Tệp {href} đọc lại từ kho tệp không khớp SHA-256.", "store_mismatch")
    for page in package.content.get("pages", []):
        if page.get("thumbnail_sha256"):
            page["thumbnail_sha256"] = store.put_bytes(checked.thumbnails[page["sequence"]]).sha256


def import_package(*, actor: User | None, path: Path, expect_sha256: str = "") -> ImportResult:
    """Import a transfer package (.zip). Idempotent; refuses (PackageError) with the exact reason, recorded in the
    audit trail ("refuse_package")."""
    require(actor, MANAGE_ARCHIVE)
    path = Path(path)
    zip_sha = file_sha256(path) if path.is_file() else ""
    if not zip_sha:
        raise PackageError(f"Không có tệp {path}.", "not_found")
    try:
        # A refusal is written to the audit trail, so it is worded in Vietnamese — the records services' messages
        # it quotes as well, whatever the language of the user's screen.
        with in_vietnamese():
            return _import(actor=actor, path=path, zip_sha=zip_sha, expect_sha256=expect_sha256)
    except PackageError as exc:
        record_event(actor=actor, action=AuditAction.REFUSE_PACKAGE, object_type="package", object_id=zip_sha,
                     summary=f"Không nhận gói {path.name}: {exc.reason}",
                     after={"code": exc.code, "reason": exc.reason, "file": path.name, "zip_sha256": zip_sha})
        raise


def _check_reachable(actor: User | None, number: str) -> None:
    """A package whose dossier is already here beyond the user's reach (another commune, "mật") gets the words a
    number that cannot be used gets — never "unchanged" or "differs in …", which would say what it holds."""
    if number not in reachable_numbers(actor, [number]):
        raise PackageError(NUMBER_UNAVAILABLE.format(number=number), "unavailable")


def _import(*, actor: User | None, path: Path, zip_sha: str, expect_sha256: str) -> ImportResult:
    started = time.perf_counter()
    same_file = PackageImport.objects.filter(zip_sha256=zip_sha).select_related("dossier").first()
    if same_file is not None:  # the very same .zip, checked when it was imported: nothing to unpack
        _check_reachable(actor, same_file.dossier.number)
        return ImportResult(status="already_imported", dossier_number=same_file.dossier.number,
                            bag_sha256=same_file.bag_sha256, zip_sha256=zip_sha,
                            source_province=same_file.source_province, slip_number=same_file.slip_number,
                            pages=same_file.dossier.pages.count(), files=same_file.file_count,
                            message=_already(same_file))
    with tempfile.TemporaryDirectory(prefix="hoso-import-") as tmp:
        package = read_package(unpack(path, Path(tmp)), expect_sha256=expect_sha256, zip_sha256=zip_sha)
        number = package.content["dossier_number"]
        source = package.metadata.get("source") or {}
        slip = package.metadata.get("transfer") or {}
        common = dict(dossier_number=number, bag_sha256=package.bag_sha256, zip_sha256=zip_sha,
                      source_province=source.get("province", ""), slip_number=slip.get("number", ""),
                      pages=len(package.content.get("pages", [])), files=len(package.files))
        earlier = PackageImport.objects.filter(bag_sha256=package.bag_sha256).select_related("dossier").first()
        if earlier is not None:
            _check_reachable(actor, earlier.dossier.number)
            return ImportResult(status="already_imported", message=_already(earlier), **common)
        existing = Dossier.objects.filter(number=number).first()
        if existing is not None:
            _check_reachable(actor, number)
            diff = differences(dossier_content(existing), package.content)
            if not diff:
                return ImportResult(status="unchanged", message=(
                    f"Hồ sơ {number} đã có ở đây với nội dung giống hệt gói: không thay đổi gì."), **common)
            raise PackageError(f"Số hồ sơ {number} đã có trong hệ thống với nội dung khác gói (khác ở: "
                               f"{', '.join(diff)}): không ghi đè. Hãy đối chiếu hai bản trước khi xử lý.",
                               "conflict")
        checked = checked_files(package.root / "data", package.content.get("pages", []), package.files,
                                package.content.get("access_copy"))
        _store_files(package, checked)
        warnings: list[str] = []
        try:
            with transaction.atomic():
                dossier = _register(actor, package.content, warnings)
                restore_pages(actor=actor, dossier=dossier, pages=package.content.get("pages", []),
                              access_copy=package.content.get("access_copy"))
                size = sum((package.root / "data" / href).stat().st_size for href in package.files)
                PackageImport.objects.create(
                    dossier=dossier, bag_sha256=package.bag_sha256, zip_sha256=zip_sha,
                    source_province=source.get("province", "")[:120],
                    source_province_code=source.get("province_code", "")[:3],
                    source_agency=source.get("agency", "")[:200], slip_number=slip.get("number", "")[:30],
                    slip_date=slip.get("date") or None, exported_at=parse_datetime(package.metadata.get(
                        "exported_at") or ""), imported_at=timezone.now(), imported_by=_real(actor),
                    file_count=len(package.files), size=size, source_events=package.metadata.get("events") or [])
                record_event(actor=actor, action=AuditAction.IMPORT_PACKAGE, obj=dossier,
                             summary=f"Nhận gói hồ sơ {number} từ {source.get('agency') or 'nơi khác'}",
                             after={"bag_sha256": package.bag_sha256, "zip_sha256": zip_sha, "source": source,
                                    "slip": slip.get("number"), "files": len(package.files)})
                if comparable(dossier_content(dossier)) != comparable(package.content):
                    diff = differences(dossier_content(dossier), package.content)
                    raise PackageError(f"Hồ sơ nhập vào không giống gói (khác ở: {', '.join(diff)}): đã hủy.",
                                       "roundtrip_mismatch")
        except ValidationError as exc:
            raise PackageError(f"Không đăng ký được hồ sơ {number} từ gói: {'; '.join(exc.messages)}",
                               "invalid_content") from exc
        except (KeyError, TypeError, ValueError) as exc:
            raise PackageError(f"metadata.json thiếu hoặc sai dữ liệu ({type(exc).__name__}: {exc}).",
                               "bad_metadata") from exc
    return ImportResult(status="imported", size=size, warnings=warnings,
                        message=f"Đã nhận hồ sơ {number} ({common['pages']} trang) từ "
                                f"{source.get('agency') or 'nơi khác'}.",
                        seconds=round(time.perf_counter() - started, 3), **common)


def _already(earlier: PackageImport) -> str:
    return (f"Gói này đã được nhập ngày {timezone.localtime(earlier.imported_at):%d/%m/%Y %H:%M} "
            f"(hồ sơ {earlier.dossier.number}): không thay đổi gì.")


def _real(actor: User | None) -> User | None:
    return actor if actor is not None and actor.pk else None
