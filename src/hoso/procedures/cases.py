"""Cases of one-stop procedures (hồ sơ thủ tục): reads through the visibility rule, the write path, the state
machine and the legal clock.

A user sees a case when they hold a case permission and may see at least one of its dossiers (records/visibility.py;
a case that concerns no dossier yet only with the whole province). Every write is one of the moves below, checked
against `MOVES`, dated (`on`: the day it took effect, not after today and not before the previous move), kept in
the case's history and written to the audit trail in the same transaction.

The clock: each step's due date follows the previous step's (core/calendar.py: working days or days, the day of
receipt not counted, Điều 148 BLDS for periods in days); the days a case waits for papers do not count, so every
due date is computed again after each move.
"""

import datetime as dt
import secrets
from collections.abc import Iterable
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from hoso.access.models import User
from hoso.access.permissions import DECIDE_CASE, PROCESS_CASE, RECEIVE_CASE, Permission
from hoso.access.rules import user_can
from hoso.core import calendar
from hoso.core.audit import record_event
from hoso.core.blobs import blob_store
from hoso.core.events import AuditAction
from hoso.core.i18n import in_vietnamese, vietnamese
from hoso.records.models import Dossier
from hoso.records.visibility import dossier_q, visible_dossiers, whole_province

from . import changes, originals, papers
from .catalogue import kind_by_code, steps_of
from .models import Case, CaseDocument, CaseEvent, CasePaper, CaseStep, ProcedureKind, ProcedureVersion

State = Case.State
CASE_PERMISSIONS = (RECEIVE_CASE, PROCESS_CASE, DECIDE_CASE)
OPEN = Case.OPEN

# The state machine: each move, the states it may start from, the state it leads to (None: back to the state the
# case was in before it waited for papers) and what the refusal says cannot be done (a whole sentence each, in
# the user's language: %(number)s the case, %(state)s the state it is in).
MOVES: dict[str, tuple[tuple[str, ...], str | None, str]] = {
    "start": ((State.RECEIVED,), State.PROCESSING,
              gettext_lazy("Hồ sơ %(number)s đang ở trạng thái «%(state)s»: không thể bắt đầu thụ lý.")),
    "advance": ((State.PROCESSING, State.SENT), State.PROCESSING,
                gettext_lazy("Hồ sơ %(number)s đang ở trạng thái «%(state)s»: không thể chuyển sang bước tiếp theo.")),
    "send": ((State.PROCESSING,), State.SENT,
             gettext_lazy("Hồ sơ %(number)s đang ở trạng thái «%(state)s»: không thể chuyển đến cơ quan khác.")),
    "request_papers": ((State.RECEIVED, State.PROCESSING, State.SENT), State.WAITING_PAPERS,
                       gettext_lazy("Hồ sơ %(number)s đang ở trạng thái «%(state)s»: không thể yêu cầu bổ sung giấy "
                                    "tờ.")),
    "papers_complete": ((State.WAITING_PAPERS,), None,
                        gettext_lazy("Hồ sơ %(number)s đang ở trạng thái «%(state)s»: không thể ghi nhận đủ giấy tờ "
                                     "bổ sung.")),
    "decide": ((State.PROCESSING, State.SENT), State.RESULT_READY,
               gettext_lazy("Hồ sơ %(number)s đang ở trạng thái «%(state)s»: không thể duyệt kết quả.")),
    "return": ((State.RESULT_READY,), State.RETURNED,
               gettext_lazy("Hồ sơ %(number)s đang ở trạng thái «%(state)s»: không thể trả kết quả.")),
    "refuse": (OPEN, State.REFUSED,
               gettext_lazy("Hồ sơ %(number)s đang ở trạng thái «%(state)s»: không thể từ chối giải quyết.")),
    "withdraw": (OPEN, State.WITHDRAWN,
                 gettext_lazy("Hồ sơ %(number)s đang ở trạng thái «%(state)s»: không thể rút hồ sơ.")),
}
TRACKING_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read over the phone


def today() -> dt.date:
    return timezone.localdate()


@dataclass(frozen=True)
class Applicant:
    """Người nộp hồ sơ: the person at the desk (the person with meritorious services, a relative, an authorised
    person)."""

    name: str = ""
    relationship: str = ""
    id_number: str = ""
    address: str = ""
    phone: str = ""


# --- reads --------------------------------------------------------------------------------------------------


def may_work_on_cases(actor: User | None) -> bool:
    return actor is None or any(user_can(actor, p) for p in CASE_PERMISSIONS)


def visible_cases(*, actor: User | None) -> QuerySet[Case]:
    """Cases of dossiers the actor may see, for those who work on cases (not audited: see `list_cases`)."""
    if not may_work_on_cases(actor):
        return Case.objects.none()
    q = dossier_q(actor=actor, path="dossier__")
    if q is None:
        return Case.objects.none()
    links = Case.dossiers.through.objects
    seen = Q(pk__in=links.filter(q).values("case_id"))
    if whole_province(actor):
        seen |= ~Q(pk__in=links.values("case_id"))
    return Case.objects.filter(seen).select_related("kind", "version")


def case_list(*, actor: User | None, overdue: bool = False, on: dt.date | None = None) -> QuerySet[Case]:
    """Visible cases, newest first; `overdue`: the clock running and the due date passed (as of `on`, today)."""
    cases = visible_cases(actor=actor).prefetch_related("dossiers")
    if overdue:
        cases = cases.filter(state__in=Case.RUNNING, due_on__lt=on or today()).order_by("due_on", "id")
    return cases


def list_cases(*, actor: User | None, overdue: bool = False, on: dt.date | None = None) -> list[Case]:
    """`case_list` read for someone to see (the read is audited: applicants' names and addresses)."""
    cases = list(case_list(actor=actor, overdue=overdue, on=on))
    record_event(actor=actor, action=AuditAction.VIEW_CASES, object_type="case",
                 summary=f"{len(cases)} hồ sơ thủ tục", after={"filters": {"overdue": overdue}, "total": len(cases)})
    return cases


def view_case(*, actor: User | None, number: str) -> Case | None:
    """One visible case opened to be read (audited), or None."""
    case = visible_cases(actor=actor).filter(number=number.strip().upper()).first()
    if case is not None:
        record_event(actor=actor, action=AuditAction.VIEW_CASE, obj=case, summary=case.number)
    return case


def pauses(case: Case, *, on: dt.date) -> list[calendar.Pause]:
    """The times the case waited for papers: (stopped on, restarted on); one still running ends on `on`."""
    found, stopped = [], None
    for event in case.history.order_by("id"):
        if event.state == State.WAITING_PAPERS and stopped is None:
            stopped = event.on
        elif event.state != State.WAITING_PAPERS and stopped is not None:
            found.append((stopped, event.on))
            stopped = None
    if stopped is not None:
        found.append((stopped, max(on, stopped)))
    return found


# --- writes -------------------------------------------------------------------------------------------------


def _require_any(actor: User | None, *permissions: Permission) -> None:
    if actor is not None and not any(user_can(actor, p) for p in permissions):
        raise PermissionDenied(_("Bạn không có quyền: %(permission)s.") % {"permission": permissions[0].label})


def _real(actor: User | None) -> User | None:
    return actor if actor is not None and actor.pk else None


def _next_number(year: int) -> str:
    prefix = f"TTHC-{year}-"
    last = Case.objects.filter(number__startswith=prefix).order_by("-number").values_list("number", flat=True).first()
    return f"{prefix}{int(last.rsplit('-', 1)[1]) + 1 if last else 1:05d}"


def _tracking_code() -> str:
    return "".join(secrets.choice(TRACKING_ALPHABET) for _ in range(8))


def _schedule(case: Case, *, on: dt.date) -> None:
    """Due dates of every step and of the case, from the day of receipt, leaving out the days spent waiting."""
    cal, waited = calendar.current(), pauses(case, on=on)
    start = case.received_on
    for case_step in case.steps.select_related("step").order_by("position"):
        due = cal.add(start, case_step.step.duration, case_step.step.unit, pauses=waited)
        if due != case_step.due_on:
            case_step.due_on = due
            case_step.save(update_fields=["due_on"])
        start = due
    case.due_on = start
    case.save(update_fields=["due_on"])


def receive_case(*, actor: User | None, kind: ProcedureKind | str, dossiers: Iterable[Dossier] = (),
                 received_on: dt.date | None = None, applicant: Applicant = Applicant(),
                 papers_received: Iterable[str] = (), external_ref: str = "") -> Case:
    """Tiếp nhận: a case of the procedure's current version about dossiers the actor may see, its steps scheduled
    and its checklist made from the papers the procedure requires (those in `papers_received` ticked)."""
    _require_any(actor, RECEIVE_CASE)
    kind = kind_by_code(kind) if isinstance(kind, str) else kind
    version = kind.current_version()
    if version is None:
        raise ValidationError({"kind": _("Thủ tục «%(code)s» chưa có nội dung trong danh mục.") % {"code": kind.code}})
    dossiers = list({d.pk: d for d in dossiers}.values())
    if not dossiers and version.effect != ProcedureVersion.Effect.OPENS:
        raise ValidationError({"dossiers": _("Cần chọn ít nhất một hồ sơ người có công liên quan.")})
    seen = set(visible_dossiers(actor=actor).filter(pk__in=[d.pk for d in dossiers]).values_list("pk", flat=True))
    hidden = [d.number for d in dossiers if d.pk not in seen]
    if hidden:
        raise PermissionDenied(_("Bạn không có quyền với hồ sơ %(numbers)s.") % {"numbers": ", ".join(hidden)})
    received_on = received_on or today()
    if received_on > today():
        raise ValidationError({"received_on": _("Ngày tiếp nhận không thể sau hôm nay.")})
    applicant = Applicant(*(value.strip() for value in (applicant.name, applicant.relationship, applicant.id_number,
                                                         applicant.address, applicant.phone)))
    if applicant.id_number and not (applicant.id_number.isdigit() and len(applicant.id_number) == 12):
        raise ValidationError({"applicant_id_number": _("Số định danh cá nhân gồm 12 chữ số.")})
    ticked = {p.strip() for p in papers_received}
    for _attempt in range(3):
        try:
            with transaction.atomic():
                case = Case.objects.create(
                    number=_next_number(received_on.year), tracking_code=_tracking_code(), kind=kind,
                    version=version, applicant_name=applicant.name[:200],
                    applicant_relationship=applicant.relationship[:100], applicant_id_number=applicant.id_number,
                    applicant_address=applicant.address[:300], applicant_phone=applicant.phone[:20],
                    received_on=received_on, due_on=received_on, external_ref=external_ref.strip()[:60],
                    received_by=_real(actor))
                case.dossiers.set(dossiers)
                CaseStep.objects.bulk_create(CaseStep(case=case, step=s, position=s.position, due_on=received_on)
                                             for s in steps_of(version))
                CasePaper.objects.bulk_create(CasePaper(case=case, name=name, received_on=received_on
                                                        if name in ticked else None)
                                              for name in version.papers_required)
                CaseEvent.objects.create(case=case, on=received_on, state=State.RECEIVED, actor=_real(actor))
                _schedule(case, on=received_on)
                record_event(actor=actor, action=AuditAction.CASE_RECEIVE, obj=case,
                             summary=f"{case.number}: {version.name}"[:300],
                             after={"kind": kind.code, "version": version.number,
                                    "numbers": [d.number for d in dossiers], "applicant_name": case.applicant_name,
                                    "received_on": received_on.isoformat(), "due_on": case.due_on.isoformat()})
            return case
        except IntegrityError:  # two cases numbered at once, or a tracking code drawn twice: draw again
            continue
    raise ValidationError(_("Không cấp được số hồ sơ thủ tục, hãy thử lại."))


def _check_move(case: Case, move: str) -> None:
    starts, _target, refusal = MOVES[move]
    if case.state not in starts:
        raise ValidationError(str(refusal) % {"number": case.number, "state": case.get_state_display()})


def _move(*, actor: User | None, case: Case, move: str, action: str, on: dt.date | None, note: str = "",
          finish_step: bool = False, step: int | None = None, **changes) -> Case:
    """One move of the state machine, under a lock, with its history line, new due dates and audit event."""
    target = MOVES[move][1]
    with transaction.atomic():
        if not visible_cases(actor=actor).filter(pk=case.pk).exists():
            raise PermissionDenied(_("Bạn không có quyền với hồ sơ thủ tục này."))
        case = Case.objects.select_for_update().get(pk=case.pk)
        _check_move(case, move)
        last = case.history.order_by("-id").first()
        on = on or today()
        if on > today():
            raise ValidationError(_("Ngày thực hiện không thể sau hôm nay."))
        if last is not None and on < last.on:
            raise ValidationError(_("Ngày thực hiện không thể trước ngày của bước trước (%(date)s).")
                                  % {"date": f"{last.on:%d/%m/%Y}"})
        if target is None:  # back to where it was before waiting
            target = case.history.exclude(state=State.WAITING_PAPERS).order_by("-id").values_list(
                "state", flat=True).first() or State.RECEIVED
        before = {"state": case.state, "step": case.step, "due_on": case.due_on.isoformat()}
        if finish_step and case.step:
            case.steps.filter(position=case.step, done_on=None).update(done_on=on, done_by=_real(actor))
        case.state = target
        if step is not None:
            case.step = step
        for name, value in changes.items():
            setattr(case, name, value)
        if target in Case.CLOSED:
            case.closed_on = on
        case.save()
        CaseEvent.objects.create(case=case, on=on, state=target, step=case.step, actor=_real(actor), note=note[:500])
        _schedule(case, on=on)
        after = {"state": target, "step": case.step, "due_on": case.due_on.isoformat(), "note": note or None}
        after.update({name: str(value) if value is not None else None for name, value in changes.items()})
        record_event(actor=actor, action=action, obj=case,
                     summary=f"{case.number}: {vietnamese(State(target).label)}"[:300], before=before, after=after)
    return case


def start_processing(*, actor: User | None, case: Case, assignee: User | None = None, on: dt.date | None = None,
                     note: str = "") -> Case:
    """Thụ lý: the case goes to its first step, handled by `assignee` (the actor by default)."""
    _require_any(actor, PROCESS_CASE)
    assignee = assignee or _real(actor)
    if assignee is not None and not user_can(assignee, PROCESS_CASE):
        raise ValidationError({"assignee": _("%(name)s không có quyền thụ lý hồ sơ thủ tục.") % {
            "name": assignee.get_full_name() or assignee.username}})
    case = _move(actor=actor, case=case, move="start", action=AuditAction.CASE_PROCESS, on=on, note=note, step=1,
                 assignee=assignee)
    return _ask_for_originals(actor, case)


def _ask_for_originals(actor: User | None, case: Case) -> Case:
    """A step that works on the paper original asks the archive for it (originals.py); what was asked, or why it
    could not be, rides on the case as `original_requests` for the page that made the move to say."""
    case.original_requests = (originals.open_loans(actor=actor, case=case, position=case.step)
                              if originals.step_needs_original(case) else [])
    return case


def _next_step(case: Case, move: str) -> int:
    case.refresh_from_db()
    _check_move(case, move)
    if case.step >= case.steps.count():
        raise ValidationError(_("Hồ sơ %(number)s đã ở bước cuối: trình lãnh đạo duyệt kết quả.")
                              % {"number": case.number})
    return case.step + 1


def advance(*, actor: User | None, case: Case, on: dt.date | None = None, note: str = "") -> Case:
    """The current step is done; the next one starts here (or the other body sent the case back)."""
    _require_any(actor, PROCESS_CASE)
    position = _next_step(case, "advance")
    case = _move(actor=actor, case=case, move="advance", action=AuditAction.CASE_PROCESS, on=on, note=note,
                 finish_step=True, step=position, sent_to="")
    return _ask_for_originals(actor, case)


def send(*, actor: User | None, case: Case, to_body: str = "", on: dt.date | None = None, note: str = "") -> Case:
    """The current step is done; the case goes to another body for the next step (its actor, or `to_body`)."""
    _require_any(actor, PROCESS_CASE)
    position = _next_step(case, "send")
    body = to_body.strip() or case.steps.select_related("step").get(position=position).step.actor
    return _move(actor=actor, case=case, move="send", action=AuditAction.CASE_SEND, on=on, note=note,
                 finish_step=True, step=position, sent_to=body[:200])


def request_papers(*, actor: User | None, case: Case, missing: Iterable[str], on: dt.date | None = None,
                   note: str = "") -> Case:
    """Yêu cầu bổ sung: the clock stops until the papers arrive complete. `missing` are added to the checklist
    (or put back as not received)."""
    _require_any(actor, RECEIVE_CASE, PROCESS_CASE)
    missing = [m.strip()[:300] for m in missing if m.strip()]
    if not missing:
        raise ValidationError({"missing": _("Cần ghi giấy tờ phải bổ sung.")})
    with transaction.atomic():
        case = _move(actor=actor, case=case, move="request_papers", action=AuditAction.CASE_REQUEST_PAPERS, on=on,
                     note=note or "Bổ sung: " + "; ".join(missing))
        for name in missing:
            if not case.papers.filter(name=name).update(received_on=None):
                CasePaper.objects.create(case=case, name=name)
    return case


def papers_complete(*, actor: User | None, case: Case, received: Iterable[str] | None = None,
                    on: dt.date | None = None, note: str = "") -> Case:
    """Đủ giấy tờ: the papers arrived (all outstanding ones, or those named); the clock runs again from `on`."""
    _require_any(actor, RECEIVE_CASE, PROCESS_CASE)
    on = on or today()
    with transaction.atomic():
        outstanding = case.papers.filter(received_on=None)
        if received is not None:
            outstanding.filter(name__in=[r.strip() for r in received]).update(received_on=on)
            still = list(outstanding.values_list("name", flat=True))
            if still:
                raise ValidationError(_("Còn thiếu giấy tờ: %(papers)s.") % {"papers": "; ".join(still)})
        outstanding.update(received_on=on)
        return _move(actor=actor, case=case, move="papers_complete", action=AuditAction.CASE_PAPERS_COMPLETE, on=on,
                     note=note)


def tick_papers(*, actor: User | None, case: Case, names: Iterable[str], on: dt.date | None = None) -> Case:
    """Giấy tờ đã nhận: tick lines of the checklist of an open case."""
    _require_any(actor, RECEIVE_CASE, PROCESS_CASE)
    names = [n.strip() for n in names if n.strip()]
    on = on or today()
    with transaction.atomic():
        case = visible_cases(actor=actor).filter(pk=case.pk).first()
        if case is None:
            raise PermissionDenied(_("Bạn không có quyền với hồ sơ thủ tục này."))
        if case.state not in OPEN:
            raise ValidationError(_("Hồ sơ %(number)s đã kết thúc: không cập nhật được giấy tờ.")
                                  % {"number": case.number})
        ticked = case.papers.filter(name__in=names, received_on=None).update(received_on=on)
        record_event(actor=actor, action=AuditAction.CASE_PAPERS, obj=case, summary=case.number,
                     after={"papers": names, "count": ticked})
    return case


def decide(*, actor: User | None, case: Case, decision_number: str = "", on: dt.date | None = None,
           note: str = "") -> Case:
    """Duyệt: the leader approves; the result (a decision, an extract …) is ready to be returned. A change of the
    dossier proposed for the case (changes.py) is made now, with the decision's number and date, or nothing is."""
    _require_any(actor, DECIDE_CASE)
    on, number = on or today(), decision_number.strip()[:60]
    with transaction.atomic():
        case = _move(actor=actor, case=case, move="decide", action=AuditAction.CASE_DECIDE, on=on, note=note,
                     finish_step=True, decision_number=number, decided_on=on)
        if case.change or changes.kind_for(case) == changes.TRANSFER:
            case.change = changes.apply(actor=actor, case=case, number=number, on=on)
            case.save(update_fields=["change"])
    return case


def propose_change(*, actor: User | None, case: Case, item: dict | None) -> Case:
    """Đề xuất thay đổi hồ sơ: one more part of what the decision will change in the case's dossier (changes.merge),
    or nothing (`item` None: the proposal is dropped). Only while the case is open; audited as processing."""
    _require_any(actor, PROCESS_CASE)
    with transaction.atomic():
        case = visible_cases(actor=actor).select_for_update().filter(pk=case.pk).first()
        if case is None:
            raise PermissionDenied(_("Bạn không có quyền với hồ sơ thủ tục này."))
        if case.state not in OPEN:
            raise ValidationError(_("Hồ sơ %(number)s đã kết thúc hoặc đã duyệt: không đề xuất thay đổi được.")
                                  % {"number": case.number})
        dossier = visible_dossiers(actor=actor).filter(cases=case).select_related("subject").order_by("number").first()
        if dossier is None:
            raise ValidationError(_("Hồ sơ thủ tục không có hồ sơ người có công để thay đổi."))
        before, case.change = case.change, changes.merge(case, dossier, item) if item is not None else {}
        case.save(update_fields=["change"])
        record_event(actor=actor, action=AuditAction.CASE_PROCESS, obj=case,
                     summary=f"{case.number}: đề xuất thay đổi hồ sơ {dossier.number}"[:300],
                     before={"change": before or None}, after={"change": case.change or None,
                                                              "numbers": [dossier.number]})
    return case


def return_result(*, actor: User | None, case: Case, on: dt.date | None = None, note: str = "") -> Case:
    """Trả kết quả to the applicant."""
    _require_any(actor, RECEIVE_CASE)
    return _move(actor=actor, case=case, move="return", action=AuditAction.CASE_RETURN, on=on, note=note)


def refuse(*, actor: User | None, case: Case, reasons: str, on: dt.date | None = None) -> Case:
    """Từ chối: in writing, with the reasons (Điều 126(4) NĐ 131/2021)."""
    _require_any(actor, DECIDE_CASE)
    reasons = (reasons or "").strip()
    if not reasons:
        raise ValidationError({"reasons": _("Cần ghi rõ lý do từ chối (trả lời bằng văn bản).")})
    return _move(actor=actor, case=case, move="refuse", action=AuditAction.CASE_REFUSE, on=on, note=reasons,
                 reasons=reasons)


def withdraw(*, actor: User | None, case: Case, reason: str = "", on: dt.date | None = None) -> Case:
    """The applicant withdrew the request."""
    _require_any(actor, RECEIVE_CASE)
    return _move(actor=actor, case=case, move="withdraw", action=AuditAction.CASE_WITHDRAW, on=on, note=reason,
                 reasons=reason.strip())


# --- papers produced ----------------------------------------------------------------------------------------

DOCX_KINDS = {CaseDocument.Kind.SUPPLEMENT, CaseDocument.Kind.REFUSAL, CaseDocument.Kind.EXTRACT}


def make_document(*, actor: User | None, case: Case, kind: str, format: str = CaseDocument.Format.PDF,
                  dossier: Dossier | None = None, on: dt.date | None = None) -> CaseDocument:
    """Lập giấy tờ: draw one paper of the case, keep it in the blob store beside the case. The extract is of
    `dossier` (the case's first one the actor sees, by default), as the actor may see it."""
    _require_any(actor, *CASE_PERMISSIONS)
    case = visible_cases(actor=actor).filter(pk=case.pk).first()
    if case is None:
        raise PermissionDenied(_("Bạn không có quyền với hồ sơ thủ tục này."))
    if format == CaseDocument.Format.DOCX and kind not in DOCX_KINDS:
        raise ValidationError({"format": _("Giấy tờ này chỉ lập dạng PDF.")})
    on, by = on or today(), _real(actor)
    if kind == CaseDocument.Kind.EXTRACT:
        dossiers = visible_dossiers(actor=actor).filter(cases=case).select_related("subject", "category")
        dossier = (dossiers.filter(pk=dossier.pk) if dossier is not None else dossiers.order_by("number")).first()
        if dossier is None:
            raise ValidationError({"dossier": _("Hồ sơ thủ tục không có hồ sơ người có công để trích lục.")})
    elif kind == CaseDocument.Kind.REFUSAL and case.state != State.REFUSED:
        raise ValidationError({"kind": _("Chỉ lập phiếu từ chối cho hồ sơ đã bị từ chối (có lý do).")})
    elif kind not in CaseDocument.Kind.values:
        raise ValidationError({"kind": _("Loại giấy tờ không có.")})
    with in_vietnamese():  # the papers are drawn in Vietnamese, whatever the language of the clerk's screen
        if kind == CaseDocument.Kind.EXTRACT:
            sheet = papers.extract_sheet(case, dossier, on=on, actor=actor, by=by)
        elif kind == CaseDocument.Kind.RECEIPT:
            sheet = papers.receipt_sheet(case, on=on)
        elif kind == CaseDocument.Kind.SUPPLEMENT:
            last = case.history.filter(state=State.WAITING_PAPERS).order_by("-id").first()
            sheet = papers.supplement_sheet(case, on=on, note=last.note if last else "", by=by)
        elif kind == CaseDocument.Kind.REFUSAL:
            sheet = papers.refusal_sheet(case, on=on, by=by)
        else:  # the handover slip (the kind was checked above)
            sheet = papers.handover_sheet(case, on=on, by=by)
        data = papers.sheet_docx(sheet) if format == CaseDocument.Format.DOCX else papers.sheet_pdf(sheet)
    blob = blob_store().put_bytes(data)
    with transaction.atomic():
        document = CaseDocument.objects.create(case=case, kind=kind, format=format, sha256=blob.sha256,
                                               size=blob.size, created_by=by,
                                               dossier=dossier if kind == CaseDocument.Kind.EXTRACT else None)
        name = vietnamese(CaseDocument.Kind(kind).label)
        record_event(actor=actor, action=AuditAction.CASE_DOCUMENT, obj=case,
                     summary=f"{case.number}: {name} ({format.upper()})"[:300],
                     after={"document": name, "format": format, "sha256": blob.sha256,
                            "size": blob.size, "numbers": [dossier.number] if document.dossier_id else None})
    return document


def document_bytes(*, actor: User | None, document: CaseDocument) -> bytes:
    """A stored paper of a case the actor may see, read back (audited as a download)."""
    if not visible_cases(actor=actor).filter(pk=document.case_id).exists():
        raise PermissionDenied(_("Bạn không có quyền với hồ sơ thủ tục này."))
    data = blob_store().read_bytes(document.sha256)
    record_event(actor=actor, action=AuditAction.DOWNLOAD, obj=document.case, summary=document.filename,
                 after={"file": document.filename, "sha256": document.sha256})
    return data
