"""Transfer packages (gói hồ sơ điện tử): a dossier as a BagIt bag in a zip, written by `hoso export_package`.

    QTI-LS-07956-CM/
      bagit.txt  bag-info.txt  manifest-sha256.txt  tagmanifest-sha256.txt
      data/metadata.json              person, category facts, Thông tư 02/2019 fields, relatives, decisions…
      data/mets.xml                   documents → pages → files, with PREMIS events (capture, OCR, checks…)
      data/masters/page-0001.jpg …    the masters, byte for byte as scanned
      data/access/dossier.pdf         the dossier's access copy (PDF/A-2b with its text layer)
      data/access/pages/page-0001.pdf, data/access/thumbnails/page-0001.jpg   per-page copies
      data/text/page-0001.txt         OCR text of each page (UTF-8)

Every file is listed with its SHA-256 in the manifests; the importer (packages_import) refuses a bag
that does not match them. The content of metadata.json (`dossier_content`) is also what decides whether a
dossier already here is "the same" as a package's.
"""

import hashlib
import json
import tempfile
import time
import zipfile
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import bagit
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from hoso.access.models import User
from hoso.access.permissions import MANAGE_ARCHIVE
from hoso.access.rules import require
from hoso.core.audit import record_event
from hoso.core.blobs import blob_store
from hoso.core.events import AuditAction
from hoso.core.models import AuditEvent
from hoso.preservation.mets import FileEntry, build_mets, premis_type
from hoso.preservation.models import PackageImport
from hoso.records.as_json import dossier_to_dict, person_to_dict
from hoso.records.models import Dossier, Page
from hoso.records.selectors import visible_documents, visible_dossiers, visible_pages
from hoso.records.services import canonical_dossier_number
from hoso.records.visibility import sees_health

FORMAT = "hoso-package/1"
CHUNK = 1024 * 1024
VOLATILE_KEYS = ("hometown_unit", "residence_unit")  # resolved against each install's own unit lists


class PackageError(Exception):
    """A package cannot be written or read; `reason` is the message (Vietnamese when it is written down: an import
    refusal goes to the audit trail; an export refusal, only shown, reads in the user's language), `code` a stable
    key."""

    def __init__(self, reason: str, code: str = "error") -> None:
        super().__init__(reason)
        self.reason = reason
        self.code = code


@dataclass
class ExportResult:
    dossier_number: str
    out: str
    size: int
    files: int
    pages: int
    payload_bytes: int
    bag_sha256: str
    zip_sha256: str
    seconds: float

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def bag_name(number: str) -> str:
    return number.replace("/", "-")


def page_file(sequence: int, suffix: str) -> str:
    return f"page-{sequence:04d}{suffix}"


def _suffix(original_name: str) -> str:
    suffix = Path(original_name or "").suffix.lower()
    return suffix if suffix and len(suffix) <= 6 and suffix[1:].isalnum() else ".bin"


# --- what a package says about a dossier ----------------------------------------------------------------


def dossier_content(dossier: Dossier) -> dict[str, Any]:
    """The dossier as metadata.json holds it: the `hoso show --json` shape (all of it, health data and "mật"
    documents included), relatives with their notes, decisions naming their beneficiary by role rather than
    by this install's ids, and each page's files."""
    data = dossier_to_dict(dossier, actor=None)
    links = list(dossier.relative_links.select_related("person").order_by("id"))
    data["relatives"] = [
        {"relationship": link.relationship, "receives_benefit": link.receives_benefit,
         "keeps_worship": link.keeps_worship, "note": link.note, "person": person_to_dict(link.person)}
        for link in links]
    refs = {dossier.subject_id: "subject"} | {link.person_id: f"relative:{i}" for i, link in enumerate(links)}
    for decision in data["decisions"]:
        beneficiary = decision.pop("beneficiary", None)
        decision["beneficiary"] = refs.get(beneficiary) if beneficiary else None
    files = {p.sequence: p for p in dossier.pages.all()}
    for page in data["pages"]:
        p = files[page["sequence"]]
        page.update(original_name=p.original_name, access_sha256=p.access_sha256 or None,
                    thumbnail_sha256=p.thumbnail_sha256 or None)
    copy = getattr(dossier, "access_copy", None) if hasattr(dossier, "access_copy") else None
    data["access_copy"] = ({"sha256": copy.sha256, "size": copy.size, "page_count": copy.page_count,
                            "pages_digest": copy.pages_digest} if copy else None)
    return json.loads(json.dumps(data, ensure_ascii=False, default=str))


def comparable(content: dict[str, Any]) -> dict[str, Any]:
    """Content without what each install resolves or makes for itself: administrative units, and thumbnails (an
    importer makes them again from the masters rather than trusting the package's)."""
    def strip(person: dict[str, Any]) -> dict[str, Any]:
        return {k: v for k, v in person.items() if k not in VOLATILE_KEYS}

    out = dict(content)
    out["person"] = strip(content.get("person") or {})
    out["relatives"] = [{**r, "person": strip(r.get("person") or {})} for r in content.get("relatives") or []]
    out["pages"] = [{k: v for k, v in page.items() if k != "thumbnail_sha256"} for page in content.get("pages") or []]
    return out


def differences(a: dict[str, Any], b: dict[str, Any]) -> list[str]:
    """Top-level parts where two contents differ (for the "already here, different" message)."""
    a, b = comparable(a), comparable(b)
    return sorted(k for k in set(a) | set(b) if a.get(k) != b.get(k))


def _events(dossier: Dossier) -> list[dict[str, Any]]:
    """The preservation history: audit events of the dossier, its pages and children, its transfers, and
    those that came with it from another province (PackageImport.source_events)."""
    pk = str(dossier.pk)
    q = Q(object_type__in=["dossier", "accesscopy", "martyrrecord"], object_id=pk)
    q |= Q(object_type="page", object_id__in=[str(i) for i in dossier.pages.values_list("id", flat=True)])
    # `dossier.transfers`: the reverse side of procedures.Transfer.dossier (procedures sits above preservation).
    q |= Q(object_type="transfer", object_id__in=[str(i) for i in dossier.transfers.values_list("id", flat=True)])
    earlier: list[dict[str, Any]] = []
    for imported in PackageImport.objects.filter(dossier=dossier).order_by("imported_at"):
        earlier += imported.source_events
    own = []
    for event in AuditEvent.objects.filter(q).order_by("id").iterator():
        kind = premis_type(event.action, event.after)
        if kind is None:
            continue
        own.append({"type": kind, "action": event.action, "at": event.at.isoformat(), "agent": event.actor_name,
                    "detail": event.summary, "outcome": "failure" if (event.after or {}).get("state") == "failed"
                    else "success", "object": f"{event.object_type}:{event.object_id}",
                    "organization": settings.HOSO_AGENCY_NAME})
    return earlier + own


# --- export --------------------------------------------------------------------------------------------


# The refusals of an export are shown to the user who asked (web, or the command line in Vietnamese), never written.
SECRET_INSIDE = gettext_lazy("Hồ sơ có tài liệu Mật: chỉ người được phép xem tài liệu Mật mới xuất hoặc tải được gói "
                             "của hồ sơ.")
HEALTH_INSIDE = gettext_lazy("Hồ sơ có dữ liệu sức khỏe (giám định): bạn không có quyền xuất hoặc tải gói của hồ sơ.")
PAGES_HIDDEN = gettext_lazy("Bạn không có quyền xem ảnh trang của hồ sơ nên không xuất hoặc tải được gói của hồ sơ.")


def _not_found(number: str) -> PackageError:
    return PackageError(_("Không tìm thấy hồ sơ %(number)s (hoặc bạn không có quyền với hồ sơ này).") % {
        "number": number}, "not_found")


def check_may_pack(*, actor: User | None, dossier: Dossier) -> None:
    """May `actor` have this dossier's package, made now or stored on a transfer? MANAGE_ARCHIVE, the dossier
    visible to them, and everything a package holds visible to them too: every document (a "mật" one needs a
    clearance), every page image, and the health data (assessments) — a package is complete or not given.
    Raises PackageError("not_found") or PermissionDenied with a reason (in the user's language) that names no
    document.

    The web «Xuất gói», `hoso export_package`, sending a transfer with its package and downloading a stored package
    all ask this one function. It asks records' visibility rule and holds no rule of its own.
    """
    # VISIBILITY: one question of records.visibility ("may this user take this dossier's package?") once it offers
    # it; until then the rule is asked piece by piece below (selectors.visible_*, visibility.sees_health).
    require(actor, MANAGE_ARCHIVE)
    if actor is None:
        return
    if not visible_dossiers(actor=actor).filter(pk=dossier.pk).exists():
        raise _not_found(dossier.number)
    if dossier.documents.exclude(pk__in=visible_documents(actor=actor).values("pk")).exists():
        raise PermissionDenied(SECRET_INSIDE)
    if dossier.assessments.exists() and not sees_health(actor):
        raise PermissionDenied(HEALTH_INSIDE)
    if dossier.pages.exclude(pk__in=visible_pages(actor=actor).values("pk")).exists():
        raise PermissionDenied(PAGES_HIDDEN)


def exportable_dossier(*, actor: User | None, number: str) -> Dossier:
    """The dossier `actor` may pack now: `check_may_pack`, and its pages settled (none waiting for processing)."""
    require(actor, MANAGE_ARCHIVE)
    try:
        canonical = canonical_dossier_number(number)
    except ValidationError as exc:
        raise PackageError("; ".join(exc.messages), "bad_number") from exc
    qs = Dossier.objects.all() if actor is None else visible_dossiers(actor=actor)
    dossier = qs.select_related("subject", "category").filter(number=canonical).first()
    if dossier is None:
        raise _not_found(canonical)
    check_may_pack(actor=actor, dossier=dossier)
    waiting = dossier.pages.filter(state__in=[Page.State.QUEUED, Page.State.PROCESSING]).count()
    if waiting:
        raise PackageError(ngettext("Hồ sơ %(number)s còn %(count)s trang đang chờ xử lý: hãy đợi xử lý xong rồi "
                                    "xuất gói.",
                                    "Hồ sơ %(number)s còn %(count)s trang đang chờ xử lý: hãy đợi xử lý xong rồi "
                                    "xuất gói.", waiting) % {"number": canonical, "count": waiting}, "pages_pending")
    return dossier


def _copy_blob(store, sha256: str, target: Path, what: str) -> int:
    """Copy a stored file out, re-hashing it on the way: a damaged store never leaves in a package."""
    target.parent.mkdir(parents=True, exist_ok=True)
    digest, size = hashlib.sha256(), 0
    try:
        with store.open(sha256) as src, open(target, "wb") as dst:
            while chunk := src.read(CHUNK):
                digest.update(chunk)
                dst.write(chunk)
                size += len(chunk)
    except KeyError as exc:
        raise PackageError(f"Không có {what} trong kho tệp (SHA-256 {sha256[:12]}…).", "store_missing") from exc
    if digest.hexdigest() != sha256:
        raise PackageError(f"{what} trong kho tệp bị hỏng (SHA-256 không khớp): không xuất gói. "
                           "Hãy chạy «hoso verify --fixity».", "store_damaged")
    return size


def _write_payload(dossier: Dossier, content: dict[str, Any], root: Path) -> list[FileEntry]:
    store = blob_store()
    entries: list[FileEntry] = []
    pages = {p.sequence: p for p in dossier.pages.all()}
    for page in content["pages"]:
        seq = page["sequence"]
        p = pages[seq]
        if p.master_sha256:
            name = f"masters/{page_file(seq, _suffix(p.original_name))}"
            size = _copy_blob(store, p.master_sha256, root / name, f"Ảnh gốc trang {seq}")
            entries.append(FileEntry("master", name, p.master_sha256, size, seq))
        if p.access_sha256:
            name = f"access/pages/{page_file(seq, '.pdf')}"
            size = _copy_blob(store, p.access_sha256, root / name, f"Bản PDF trang {seq}")
            entries.append(FileEntry("access", name, p.access_sha256, size, seq))
        if p.thumbnail_sha256:
            name = f"access/thumbnails/{page_file(seq, '.jpg')}"
            size = _copy_blob(store, p.thumbnail_sha256, root / name, f"Ảnh thu nhỏ trang {seq}")
            entries.append(FileEntry("thumbnail", name, p.thumbnail_sha256, size, seq))
        if p.state == Page.State.DONE:
            data = (p.ocr_text or "").encode("utf-8")
            name = f"text/{page_file(seq, '.txt')}"
            (root / name).parent.mkdir(parents=True, exist_ok=True)
            (root / name).write_bytes(data)
            entries.append(FileEntry("text", name, hashlib.sha256(data).hexdigest(), len(data), seq))
    if content.get("access_copy"):
        sha = content["access_copy"]["sha256"]
        size = _copy_blob(store, sha, root / "access/dossier.pdf", "Bản PDF/A của hồ sơ")
        entries.append(FileEntry("dossier_pdf", "access/dossier.pdf", sha, size, None))
    return entries


def _zip_bag(bag_dir: Path, out: Path) -> None:
    """The bag under one top folder; images and PDFs are stored as they are (already compressed)."""
    with zipfile.ZipFile(out, "w", allowZip64=True) as zf:
        for path in sorted(bag_dir.rglob("*")):
            if path.is_file():
                arcname = f"{bag_dir.name}/{path.relative_to(bag_dir).as_posix()}"
                packed = path.suffix.lower() in {".txt", ".json", ".xml"}
                zf.write(path, arcname, compress_type=zipfile.ZIP_DEFLATED if packed else zipfile.ZIP_STORED)


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        while chunk := fh.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def export_package(*, actor: User | None, number: str, out: Path, transfer: Any = None) -> ExportResult:
    """Write the dossier's package to `out` (a .zip), for whoever `exportable_dossier` lets have it (the only way
    in: the web, the command line and transfers all come here); the export is an "export" event in the audit
    trail. `transfer`: the slip it travels with."""
    started = time.perf_counter()
    dossier = exportable_dossier(actor=actor, number=number)
    content = dossier_content(dossier)
    now = timezone.now()
    source = {"province": settings.HOSO_PROVINCE_NAME, "province_code": settings.HOSO_PROVINCE_CODE,
              "agency": settings.HOSO_AGENCY_NAME}
    slip = None
    if transfer is not None:
        slip = {"number": transfer.number, "date": (transfer.sent_on or timezone.localdate()).isoformat(),
                "to_province": transfer.to_province, "to_province_code": transfer.to_province_code,
                "recipient_agency": transfer.recipient_agency, "kind": transfer.kind, "reason": transfer.reason}
    events = _events(dossier)
    events.append({"type": "packing", "action": "export", "at": now.isoformat(),
                   "agent": actor.get_username() if actor is not None else "system",
                   "detail": f"Xuất gói {dossier.number}" + (f" theo phiếu {slip['number']}" if slip else ""),
                   "outcome": "success", "object": f"dossier:{dossier.pk}", "organization": source["agency"]})
    out = Path(out)
    with tempfile.TemporaryDirectory(prefix="hoso-package-") as tmp:
        bag_dir = Path(tmp) / bag_name(dossier.number)
        bag_dir.mkdir()
        entries = _write_payload(dossier, content, bag_dir)
        metadata = {"format": FORMAT, "exported_at": now.isoformat(), "source": source, "transfer": slip,
                    "dossier": content, "events": events}
        meta_bytes = json.dumps(metadata, ensure_ascii=False, indent=2, sort_keys=True).encode("utf-8")
        (bag_dir / "metadata.json").write_bytes(meta_bytes)
        meta_entry = FileEntry("metadata", "metadata.json", hashlib.sha256(meta_bytes).hexdigest(),
                               len(meta_bytes), None)
        (bag_dir / "mets.xml").write_bytes(build_mets(content=content, files=[meta_entry, *entries], events=events,
                                                      created=now, agency=source["agency"]))
        info = {"Source-Organization": source["agency"], "Organization-Address": f"tỉnh {source['province']}",
                "External-Identifier": dossier.number, "External-Description": dossier.title[:200],
                "Bagging-Date": timezone.localdate().isoformat(), "Hoso-Format": FORMAT,
                "Hoso-Province-Code": source["province_code"]}
        if slip:
            info.update({"Hoso-Transfer-Slip": slip["number"], "Hoso-Transfer-Date": slip["date"],
                         "Hoso-Recipient": slip["recipient_agency"]})
        bag = bagit.make_bag(str(bag_dir), bag_info=info, checksums=["sha256"])
        manifest = bag_dir / "manifest-sha256.txt"
        bag_sha = file_sha256(manifest)
        out.parent.mkdir(parents=True, exist_ok=True)
        partial = out.with_name(out.name + ".part")
        _zip_bag(bag_dir, partial)
        partial.replace(out)
        payload_bytes = sum(e.size for e in entries) + len(meta_bytes)
        files = len(bag.payload_entries())
    result = ExportResult(dossier_number=dossier.number, out=str(out), size=out.stat().st_size, files=files,
                          pages=len(content["pages"]), payload_bytes=payload_bytes, bag_sha256=bag_sha,
                          zip_sha256=file_sha256(out), seconds=round(time.perf_counter() - started, 3))
    with transaction.atomic():
        record_event(actor=actor, action=AuditAction.EXPORT, obj=dossier, summary=f"Xuất gói hồ sơ {dossier.number}",
                     after={"bag_sha256": bag_sha, "zip_sha256": result.zip_sha256, "size": result.size,
                            "files": files, "transfer": slip["number"] if slip else None})
    return result
