"""A case's links to the rest of hoso (issue #14, «Links»), each made through the owning app's services and behind
the visibility rule of cases.py:

- the paper original lent for the case (archive loans; originals.py asks when a step needs it, `request_original`
  asks again from the case page);
- papers the applicant filed, uploaded to the case after capture's checks (imaging/checks.py: the file's real
  format, corrupt or truncated images, decompression bombs, PDFs with JavaScript or attachments, size limits),
  kept byte for byte in the blob store;
- the new dossier a procedure that opens one registers from the case's data (records services: create_person,
  register_dossier — the scope rule applies to the dossier as it will be).
The transfer a case of Điều 131 starts is in changes.py / services.py (it is made when the decision is recorded).
"""

import dataclasses
from pathlib import Path

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from hoso.access.models import User
from hoso.access.permissions import EDIT_DOSSIER, PROCESS_CASE, RECEIVE_CASE
from hoso.access.rules import require
from hoso.capture.reasons import rejection_text
from hoso.core.audit import record_event
from hoso.core.blobs import blob_store
from hoso.core.events import AuditAction
from hoso.gazetteer.models import AdminUnit
from hoso.imaging.checks import Rejected, inspect_file, safe_name
from hoso.imaging.limits import LIMITS
from hoso.records import services as records
from hoso.records.models import Dossier
from hoso.vntext import PartialDate

from . import originals
from .cases import OPEN, _real, _require_any, today, visible_cases
from .models import Case, CaseFile, CasePaper, ProcedureVersion

# What a paper filed with a case may be: a scan or a photo of a few pages (capture's limits, smaller).
CASE_FILE_LIMITS = dataclasses.replace(LIMITS, max_file_bytes=50 * 2**20, max_pages=300)
# The category of the dossier a procedure that opens one registers (ProcedureVersion.Effect.OPENS).
OPENS_CATEGORY = {"cong-nhan-liet-si": "LS", "cong-nhan-thuong-binh": "AQ", "chat-doc-hoa-hoc": "HH",
                  "ba-me-viet-nam-anh-hung": "BM"}
SELF = ("bản thân", "người có công")
# What `_open` says a closed case refuses (%(number)s: the case).
CLOSED = {"borrow": gettext_lazy("Hồ sơ %(number)s đã kết thúc hoặc đã có kết quả: không đề nghị mượn bản gốc được."),
          "attach": gettext_lazy("Hồ sơ %(number)s đã kết thúc hoặc đã có kết quả: không thêm giấy tờ được."),
          "register": gettext_lazy("Hồ sơ %(number)s đã kết thúc hoặc đã có kết quả: không lập hồ sơ mới được.")}


def _case_in_reach(actor: User | None, case: Case, *, lock: bool = False) -> Case:
    qs = visible_cases(actor=actor).filter(pk=case.pk)
    found = (qs.select_for_update(of=("self",)) if lock else qs).first()
    if found is None:
        raise PermissionDenied(_("Bạn không có quyền với hồ sơ thủ tục này."))
    return found


def _open(case: Case, doing: str) -> None:
    if case.state not in OPEN:
        raise ValidationError(str(CLOSED[doing]) % {"number": case.number})


# --- the paper original -------------------------------------------------------------------------------------


def request_original(*, actor: User | None, case: Case, paper_reason: str = "") -> list[originals.Outcome]:
    """Đề nghị mượn bản gốc for the case (its dossiers the actor sees), from the case page: the archive's request,
    its purpose naming the case. Raises ValidationError with the archive's reasons when none could be asked."""
    _require_any(actor, PROCESS_CASE)
    case = _case_in_reach(actor, case)
    _open(case, "borrow")
    outcomes = originals.open_loans(actor=actor, case=case, position=case.step, paper_reason=paper_reason)
    if not outcomes:
        raise ValidationError(_("Hồ sơ thủ tục không có hồ sơ người có công nào bạn được xem để mượn bản gốc."))
    if not any(o.ok for o in outcomes):
        raise ValidationError([o.message for o in outcomes])
    return outcomes


def case_loans(case: Case) -> list:
    """The loans asked for a case (already opened through the visibility rule), newest first."""
    return [link.loan for link in case.loans.select_related("loan", "loan__dossier", "loan__borrower")
            .order_by("-id")]


# --- uploaded papers ----------------------------------------------------------------------------------------


def attach_file(*, actor: User | None, case: Case, path: Path, name: str, title: str = "",
                paper: CasePaper | None = None) -> CaseFile:
    """Tải giấy tờ lên: a paper the applicant filed, checked as capture checks a scan and kept in the blob store with
    the case; `paper`, a line of its checklist, is then ticked as received. A file refused by the checks raises
    ValidationError with the reason and stores nothing."""
    _require_any(actor, RECEIVE_CASE, PROCESS_CASE)
    case = _case_in_reach(actor, case)
    _open(case, "attach")
    if paper is not None and paper.case_id != case.pk:
        raise ValidationError({"paper": _("Giấy tờ này không thuộc hồ sơ thủ tục.")})
    try:
        stored_name = safe_name(name)
        info = inspect_file(path, name=stored_name, limits=CASE_FILE_LIMITS)
    except Rejected as exc:
        reason = rejection_text(exc, name).replace(": đã cách ly, không xử lý.", ": không nhận vì lý do an toàn.")
        raise ValidationError({"file": _("%(reason)s Tệp không được lưu; hãy quét hoặc chụp lại giấy tờ.") % {
            "reason": reason}}) from exc
    except OSError as exc:
        raise ValidationError({"file": _("Không đọc được tệp «%(name)s»: %(error)s") % {
            "name": name[:120], "error": exc.strerror or exc}}) from exc
    title = " ".join((title or (paper.name if paper else "") or stored_name).split())[:300]
    blob = blob_store().put_file(path)  # byte for byte, before the row that names it
    with transaction.atomic():
        case = _case_in_reach(actor, case, lock=True)
        _open(case, "attach")
        attached = CaseFile.objects.create(case=case, paper=paper, title=title, original_name=stored_name,
                                           kind=info.kind, pages=info.pages, sha256=blob.sha256, size=blob.size,
                                           uploaded_by=_real(actor))
        ticked = bool(paper and CasePaper.objects.filter(pk=paper.pk, received_on=None).update(received_on=today()))
        record_event(actor=actor, action=AuditAction.CASE_PAPERS, obj=case,
                     summary=f"{case.number}: tải lên «{title}» ({info.pages} trang)"[:300],
                     after={"file": stored_name, "title": title, "kind": info.kind, "pages": info.pages,
                            "sha256": blob.sha256, "size": blob.size, "papers": [paper.name] if ticked else None})
    return attached


def case_file_for(*, actor: User | None, pk: int) -> CaseFile | None:
    """An uploaded paper of a case the actor may see, or None (read it with `file_bytes`, audited)."""
    return CaseFile.objects.select_related("case").filter(pk=pk, case__in=visible_cases(actor=actor)).first()


def file_bytes(*, actor: User | None, attached: CaseFile) -> bytes:
    if not visible_cases(actor=actor).filter(pk=attached.case_id).exists():
        raise PermissionDenied(_("Bạn không có quyền với hồ sơ thủ tục này."))
    data = blob_store().read_bytes(attached.sha256)
    record_event(actor=actor, action=AuditAction.DOWNLOAD, obj=attached.case, summary=attached.original_name,
                 after={"file": attached.original_name, "sha256": attached.sha256})
    return data


# --- a new dossier ------------------------------------------------------------------------------------------


def opens_dossier(case: Case) -> bool:
    return case.version.effect == ProcedureVersion.Effect.OPENS


def register_defaults(case: Case) -> dict:
    """What the case already says about the person whose dossier it opens (the applicant, when filing for
    themselves), for the registration form."""
    own = case.applicant_relationship.strip().casefold() in SELF
    return {"category": OPENS_CATEGORY.get(case.kind.code, ""),
            "number": f"{OPENS_CATEGORY.get(case.kind.code, 'LS')}/CM",
            "full_name": case.applicant_name if own else "", "national_id": case.applicant_id_number if own else "",
            "residence_text": case.applicant_address if own else ""}


def register_dossier(*, actor: User | None, case: Case, number: str, category_code: str, full_name: str,
                     sex: str = "", birth_date: PartialDate | None = None, death_date: PartialDate | None = None,
                     residence_text: str = "", residence_unit: AdminUnit | None = None, hometown_text: str = "",
                     national_id: str = "") -> Dossier:
    """Lập hồ sơ mới từ hồ sơ thủ tục: the person and their dossier registered through records services (a number
    typed without its serial, «LS/CM», takes the next one), linked to the case, in one transaction."""
    _require_any(actor, PROCESS_CASE, RECEIVE_CASE)
    require(actor, EDIT_DOSSIER)
    case = _case_in_reach(actor, case)
    _open(case, "register")
    if not opens_dossier(case):
        raise ValidationError(_("Thủ tục này không lập hồ sơ người có công mới."))
    full_name = " ".join(full_name.split())
    if not full_name:
        raise ValidationError({"full_name": _("Cần ghi họ tên người có công.")})
    with transaction.atomic():
        case = _case_in_reach(actor, case, lock=True)
        person = records.create_person(actor=actor, full_name=full_name, sex=sex, birth_date=birth_date,
                                       death_date=death_date, residence_text=residence_text,
                                       residence_unit=residence_unit, hometown_text=hometown_text,
                                       national_id=national_id)
        dossier = records.register_dossier(actor=actor, number=records.next_free_number(number) or number,
                                           category_code=category_code, subject=person)
        case.dossiers.add(dossier)
        record_event(actor=actor, action=AuditAction.CASE_PROCESS, obj=case,
                     summary=f"{case.number}: lập hồ sơ mới {dossier.number}"[:300],
                     after={"numbers": [dossier.number], "category": dossier.category.code})
    return dossier
