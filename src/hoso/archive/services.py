"""The one write path of the paper archive: locations, moves, loans and inventory checks.

Each function checks the actor's permission, validates, writes and appends the audit event in one
transaction. Requesting a loan needs VIEW_DOSSIER on a dossier the actor may see; everything else needs
MANAGE_ARCHIVE (the archivist). Messages raised to users (`ValidationError`) go through gettext: they read in the
user's language; audit summaries stay Vietnamese.
"""

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from hoso.access.models import User
from hoso.access.permissions import MANAGE_ARCHIVE, VIEW_DOSSIER
from hoso.access.rules import require
from hoso.core.audit import record_event
from hoso.core.events import AuditAction
from hoso.core.i18n import in_vietnamese
from hoso.records import services as records_services
from hoso.records.models import Dossier, PhysicalCondition
from hoso.records.selectors import visible_dossiers

from . import selectors
from .inventory import Seen, diff, within
from .models import CHILD_KIND, CODE_LETTER, InventoryCheck, Loan, Location, Movement, Placement

# --- locations and moves -------------------------------------------------------------------------------


def create_location(*, actor: User | None, kind: str, parent: Location | None = None, name: str = "",
                    capacity: int | None = None) -> Location:
    """Add a store (no parent), or a rack / shelf / box under the level above it; the code follows the path."""
    require(actor, MANAGE_ARCHIVE)
    if kind not in Location.Kind.values:
        raise ValidationError({"kind": _("Loại vị trí không có: %(kind)s") % {"kind": kind}})
    if parent is None and kind != Location.Kind.STORE:
        raise ValidationError({"parent": _("Giá, tầng và hộp phải nằm trong một vị trí cấp trên.")})
    if parent is not None and CHILD_KIND.get(parent.kind) != kind:
        below = CHILD_KIND.get(parent.kind)
        if below:
            message = _("Trong %(place)s chỉ đặt được %(kind)s.") % {
                "place": parent.label, "kind": Location.Kind(below).label.lower()}
        else:
            message = _("Trong %(place)s chỉ đặt được hồ sơ.") % {"place": parent.label}
        raise ValidationError({"kind": message})
    if capacity is not None and capacity < 1:
        raise ValidationError({"capacity": _("Sức chứa phải từ 1 trở lên (để trống nếu không giới hạn).")})
    with transaction.atomic():
        siblings = Location.objects.filter(parent=parent, kind=kind)
        if parent is not None:
            parent = Location.objects.select_for_update().get(pk=parent.pk)
            if parent.capacity is not None and siblings.count() >= parent.capacity:
                raise ValidationError(_("%(place)s đã đủ %(capacity)s vị trí con, không thêm được nữa.") % {
                    "place": parent.label, "capacity": parent.capacity})
        used = [int(code.rsplit("-", 1)[-1][1:]) for code in siblings.values_list("code", flat=True)]
        number = max(used, default=0) + 1
        segment = f"{CODE_LETTER[kind]}{number:0{3 if kind == Location.Kind.BOX else 2}d}"
        location = Location(kind=kind, parent=parent, name=name.strip(), capacity=capacity,
                            code=f"{parent.code}-{segment}" if parent else segment)
        location.full_clean()
        location.save()
        with in_vietnamese():
            summary = f"{location.code} {location.label}"
        record_event(actor=actor, action=AuditAction.ARCHIVE_LOCATION_CREATE, obj=location, summary=summary,
                     after={"code": location.code, "name": location.name, "capacity": capacity})
    return location


RUN_LIMIT = 5000  # places made by one "tạo hàng loạt"


def create_location_run(*, actor: User | None, kind: str, parent: Location | None, counts: list[int],
                        capacity: int | None = None) -> list[Location]:
    """Make a run of places in one action: `counts[0]` places of `kind` under `parent`, each holding `counts[1]` of
    the level below, and so on («3 × 5 × 40» under a store: 3 racks of 5 shelves of 40 boxes). `capacity` is given
    to the deepest level. All or nothing; each place is audited as one made by hand."""
    if not counts or any(n < 1 for n in counts):
        raise ValidationError({"count": _("Số lượng mỗi cấp phải từ 1 trở lên.")})
    total, product = 0, 1
    for n in counts:
        product *= n
        total += product
    if total > RUN_LIMIT:
        asked, limit = (f"{n:,}".replace(",", ".") for n in (total, RUN_LIMIT))
        raise ValidationError({"count": _("Một lần tạo tối đa %(limit)s vị trí (yêu cầu %(asked)s).") % {
            "limit": limit, "asked": asked}})
    made: list[Location] = []
    with transaction.atomic():
        def make(level_kind: str, under: Location | None, rest: list[int]) -> None:
            for _index in range(rest[0]):
                deepest = len(rest) == 1
                location = create_location(actor=actor, kind=level_kind, parent=under,
                                           capacity=capacity if deepest else None)
                made.append(location)
                if not deepest:
                    below = CHILD_KIND.get(level_kind)
                    if below is None:
                        raise ValidationError({"count": _("Hộp là cấp cuối: không đặt được vị trí nào bên trong hộp.")})
                    make(below, location, rest[1:])

        make(kind, parent, counts)
    return made


def update_location(*, actor: User | None, location: Location, name: str, capacity: int | None) -> Location:
    require(actor, MANAGE_ARCHIVE)
    with transaction.atomic():
        location = Location.objects.select_for_update().get(pk=location.pk)
        used = location.placements.count() if location.is_box else location.children.count()
        if capacity is not None and capacity < max(used, 1):
            raise ValidationError({"capacity": _("Sức chứa không được nhỏ hơn số đang chứa (%(used)s).") % {
                "used": used}})
        before = {"name": location.name, "capacity": location.capacity}
        location.name, location.capacity = name.strip(), capacity
        location.save(update_fields=["name", "capacity"])
        record_event(actor=actor, action=AuditAction.ARCHIVE_LOCATION_UPDATE, obj=location, summary=location.code,
                     before=before, after={"name": location.name, "capacity": capacity})
    return location


@dataclass
class MoveResult:
    moved: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    lent: list[str] = field(default_factory=list)  # moved while out on loan: its home box changed
    beyond_reach: int = 0  # inventory: dossiers found there that the actor may not see (counted, never named)


def move_dossiers(*, actor: User | None, dossiers: Iterable[Dossier], box: Location,
                  reason: str = Movement.Reason.MOVE) -> MoveResult:
    """Put many dossiers in `box` in one action (scanned or picked). Refused as a whole when the box would
    hold more than its capacity. Each moved dossier gets a Movement row and an audit event."""
    require(actor, MANAGE_ARCHIVE)
    if not box.is_box:
        raise ValidationError({"box": _("%(place)s không phải là hộp: hồ sơ chỉ xếp vào hộp.") % {"place": box.label}})
    dossiers = list({d.pk: d for d in dossiers}.values())
    result = MoveResult()
    now = timezone.now()
    with transaction.atomic():
        box = Location.objects.select_for_update().get(pk=box.pk)
        current = {p.dossier_id: p for p in Placement.objects.filter(dossier__in=dossiers).select_related("box")}
        incoming = [d for d in dossiers if d.pk not in current or current[d.pk].box_id != box.pk]
        result.unchanged = [d.number for d in dossiers if d not in incoming]
        if box.capacity is not None:
            held = box.placements.count()
            if held + len(incoming) > box.capacity:
                raise ValidationError(
                    _("%(place)s (%(code)s) chỉ chứa được %(capacity)s hồ sơ: đang có %(held)s, thêm %(adding)s sẽ "
                      "vượt %(over)s. Hãy chọn hộp khác hoặc chuyển bớt.")
                    % {"place": box.label, "code": box.code, "capacity": box.capacity, "held": held,
                       "adding": len(incoming), "over": held + len(incoming) - box.capacity})
        lent = set(Loan.objects.filter(dossier__in=incoming, state=Loan.State.CHECKED_OUT)
                   .values_list("dossier_id", flat=True))
        for dossier in incoming:
            placement = current.get(dossier.pk)
            old = placement.box if placement else None
            if placement is None:
                Placement.objects.create(dossier=dossier, box=box, placed_at=now, placed_by=_real(actor))
            else:
                placement.box, placement.placed_at, placement.placed_by = box, now, _real(actor)
                placement.save(update_fields=["box", "placed_at", "placed_by"])
            Movement.objects.create(dossier=dossier, from_box=old, to_box=box, reason=reason, at=now,
                                    by=_real(actor))
            record_event(actor=actor, action=AuditAction.ARCHIVE_MOVE, obj=dossier,
                         summary=f"{dossier.number}: {old.code if old else 'chưa có vị trí'} → {box.code}",
                         before={"box": old.code if old else None}, after={"box": box.code, "reason": reason})
            result.moved.append(dossier.number)
            if dossier.pk in lent:
                result.lent.append(dossier.number)
    return result


def _real(actor: User | None) -> User | None:
    """The acting user as a foreign key (None for the system acting internally)."""
    return actor if actor is not None and actor.pk else None


# --- loans (phiếu mượn hồ sơ) --------------------------------------------------------------------------


def _date(value: dt.datetime | None) -> str:
    return timezone.localtime(value).strftime("%d/%m/%Y") if value else ""


def _loan_state(loan: Loan) -> dict:
    return {"state": loan.state, "borrower": loan.borrower.get_username(), "due_on": loan.due_on,
            "condition_out": loan.condition_out, "condition_back": loan.condition_back}


def _locked(loan: Loan) -> Loan:
    return Loan.objects.select_for_update().select_related("dossier", "borrower").get(pk=loan.pk)


def _expect(loan: Loan, *states: str, doing: str) -> None:
    """Refuse a step the loan's state does not allow; `doing` names the step (approve, refuse, cancel, check_out,
    remind)."""
    if loan.state not in states:
        refusals = {
            "approve": _("Không thể duyệt: phiếu mượn số %(number)s đang ở trạng thái «%(state)s»."),
            "refuse": _("Không thể từ chối: phiếu mượn số %(number)s đang ở trạng thái «%(state)s»."),
            "cancel": _("Không thể hủy: phiếu mượn số %(number)s đang ở trạng thái «%(state)s»."),
            "check_out": _("Không thể giao hồ sơ: phiếu mượn số %(number)s đang ở trạng thái «%(state)s»."),
            "remind": _("Không thể nhắc trả: phiếu mượn số %(number)s đang ở trạng thái «%(state)s»."),
        }
        raise ValidationError(refusals[doing] % {"number": loan.pk, "state": loan.get_state_display()})


def _event(actor: User | None, action: str, loan: Loan, text: str, before: dict | None = None) -> None:
    record_event(actor=actor, action=action, obj=loan, summary=f"{loan.dossier.number}: {text}",
                 before=before, after=_loan_state(loan))


def request_loan(*, actor: User, dossier: Dossier, purpose: str, procedure: str = "",
                 paper_reason: str = "") -> Loan:
    """Đề nghị mượn bản gốc. A dossier with a digital copy should be read on screen: asking for its paper
    needs a reason. Refused while another loan of the dossier is open."""
    require(actor, VIEW_DOSSIER)
    if not visible_dossiers(actor=actor).filter(pk=dossier.pk).exists():
        raise PermissionDenied(_("Bạn không có quyền xem hồ sơ này nên không thể đề nghị mượn."))
    purpose, procedure, paper_reason = purpose.strip(), procedure.strip(), paper_reason.strip()
    if not purpose:
        raise ValidationError({"purpose": _("Hãy ghi mục đích mượn hồ sơ.")})
    digitised = selectors.is_digitised(dossier)
    if digitised and not paper_reason:
        raise ValidationError({"paper_reason": _("Hồ sơ đã được số hóa: hãy dùng bản số, hoặc ghi rõ vì sao cần "
                                                 "bản giấy (ví dụ: đối chiếu bút tích, dấu gốc).")})
    with transaction.atomic():
        Dossier.objects.select_for_update().filter(pk=dossier.pk).first()  # one request at a time per dossier
        _refuse_if_open(dossier)
        loan = Loan(dossier=dossier, borrower=actor, purpose=purpose[:300], procedure=procedure[:200],
                    paper_reason=paper_reason[:500], digitised=digitised, requested_at=timezone.now())
        try:
            with transaction.atomic():
                loan.save()
        except IntegrityError as exc:  # a concurrent request won the race: the constraint says no
            raise ValidationError(_("Hồ sơ %(number)s vừa có đề nghị mượn khác.") % {"number": dossier.number}) from exc
        _event(actor, AuditAction.LOAN_REQUEST, loan, f"đề nghị mượn — {purpose[:120]}")
    return loan


def _refuse_if_open(dossier: Dossier) -> None:
    current = selectors.open_loan(dossier=dossier)
    if current is None:
        return
    who = current.borrower.get_full_name() or current.borrower.get_username()
    if current.state == Loan.State.CHECKED_OUT:
        raise ValidationError(_("Hồ sơ %(number)s đang được mượn: %(who)s giữ từ ngày %(date)s.") % {
            "number": dossier.number, "who": who, "date": _date(current.checked_out_at)})
    raise ValidationError(_("Hồ sơ %(number)s đã có phiếu mượn số %(loan)s của %(who)s (%(state)s).") % {
        "number": dossier.number, "loan": current.pk, "who": who, "state": current.get_state_display().lower()})


def approve_loan(*, actor: User | None, loan: Loan, note: str = "") -> Loan:
    require(actor, MANAGE_ARCHIVE)
    with transaction.atomic():
        loan = _locked(loan)
        _expect(loan, Loan.State.REQUESTED, doing="approve")
        loan.state, loan.decided_by, loan.decided_at = Loan.State.APPROVED, _real(actor), timezone.now()
        loan.decision_note = note.strip()[:300]
        loan.save()
        _event(actor, AuditAction.LOAN_APPROVE, loan, "duyệt cho mượn")
    return loan


def refuse_loan(*, actor: User | None, loan: Loan, reason: str) -> Loan:
    require(actor, MANAGE_ARCHIVE)
    if not reason.strip():
        raise ValidationError({"reason": _("Hãy ghi lý do từ chối để người đề nghị biết.")})
    with transaction.atomic():
        loan = _locked(loan)
        _expect(loan, Loan.State.REQUESTED, Loan.State.APPROVED, doing="refuse")
        loan.state, loan.decided_by, loan.decided_at = Loan.State.REFUSED, _real(actor), timezone.now()
        loan.decision_note = reason.strip()[:300]
        loan.save()
        _event(actor, AuditAction.LOAN_REFUSE, loan, f"từ chối — {loan.decision_note[:120]}")
    return loan


def cancel_loan(*, actor: User, loan: Loan, reason: str = "") -> Loan:
    """The borrower withdraws a request not yet handed over (or the archivist cancels it)."""
    if loan.borrower_id != actor.pk:
        require(actor, MANAGE_ARCHIVE)
    with transaction.atomic():
        loan = _locked(loan)
        _expect(loan, Loan.State.REQUESTED, Loan.State.APPROVED, doing="cancel")
        loan.state, loan.decided_by, loan.decided_at = Loan.State.CANCELLED, _real(actor), timezone.now()
        loan.decision_note = reason.strip()[:300]
        loan.save()
        _event(actor, AuditAction.LOAN_CANCEL, loan, "hủy đề nghị")
    return loan


def check_out_dossier(*, actor: User | None, loan: Loan, due_on: dt.date | None = None,
                      condition: str = "") -> Loan:
    """Giao hồ sơ: the paper leaves the store with a due date (default HOSO_LOAN_WORKING_DAYS working days)."""
    require(actor, MANAGE_ARCHIVE)
    due_on = due_on or selectors.default_due_date()
    if due_on < selectors.today():
        raise ValidationError({"due_on": _("Hạn trả không được trước ngày hôm nay.")})
    if condition and condition not in PhysicalCondition.values:
        raise ValidationError({"condition": _("Tình trạng không hợp lệ: %(condition)s") % {"condition": condition}})
    with transaction.atomic():
        loan = _locked(loan)
        _expect(loan, Loan.State.APPROVED, doing="check_out")
        loan.state, loan.checked_out_by, loan.checked_out_at = (Loan.State.CHECKED_OUT, _real(actor),
                                                                timezone.now())
        loan.due_on, loan.condition_out = due_on, condition or loan.dossier.physical_condition
        loan.save()
        _event(actor, AuditAction.LOAN_CHECK_OUT, loan, f"giao cho {loan.borrower.get_username()}, hạn trả "
                                              f"{due_on:%d/%m/%Y}")
    return loan


def return_dossier(*, actor: User | None, dossier: Dossier, condition: str, complete: bool = True,
                   note: str = "") -> Loan:
    """Nhận trả: closes the dossier's checked-out loan after a condition check. A changed condition is written
    to the dossier (through records.services); pages missing must be explained in the note."""
    require(actor, MANAGE_ARCHIVE)
    if condition not in PhysicalCondition.values:
        raise ValidationError({"condition": _("Hãy chọn tình trạng hồ sơ khi nhận lại.")})
    if not complete and not note.strip():
        raise ValidationError({"note": _("Hồ sơ trả không đủ số tờ: hãy ghi rõ thiếu gì.")})
    with transaction.atomic():
        loan = (Loan.objects.select_for_update().select_related("dossier", "borrower")
                .filter(dossier=dossier, state=Loan.State.CHECKED_OUT).first())
        if loan is None:
            raise ValidationError(_("Hồ sơ %(number)s không được cho mượn: không có gì để nhận trả.") % {
                "number": dossier.number})
        loan.state, loan.returned_to, loan.returned_at = Loan.State.RETURNED, _real(actor), timezone.now()
        loan.condition_back, loan.complete_back, loan.return_note = condition, complete, note.strip()[:300]
        loan.save()
        _event(actor, AuditAction.LOAN_RETURN, loan, "nhận trả" + ("" if complete else " — THIẾU TỜ"))
        if condition != loan.dossier.physical_condition:
            records_services.update_dossier(actor=actor, dossier=loan.dossier, physical_condition=condition)
    return loan


def remind_borrower(*, actor: User | None, loan: Loan) -> Loan:
    """Nhắc trả: the borrower sees the reminder on their home page; the reminder is in the audit trail."""
    require(actor, MANAGE_ARCHIVE)
    with transaction.atomic():
        loan = _locked(loan)
        _expect(loan, Loan.State.CHECKED_OUT, doing="remind")
        loan.reminded_at = timezone.now()
        loan.save(update_fields=["reminded_at"])
        _event(actor, AuditAction.LOAN_REMIND, loan, f"nhắc trả (hạn {loan.due_on:%d/%m/%Y})")
    return loan


# --- inventory (kiểm kê) -------------------------------------------------------------------------------


def record_inventory(*, actor: User, location: Location, scans: Iterable[str], note: str = "") -> InventoryCheck:
    """Compare what was scanned under `location` (box labels switch the current box) with the records,
    through the actor's view of the dossiers, and keep the check with its results."""
    require(actor, MANAGE_ARCHIVE)
    lines = [s.strip() for s in scans if s.strip()]
    if not lines:
        raise ValidationError({"scans": _("Chưa quét hồ sơ nào.")})
    read = selectors.read_scans(lines)
    found = selectors.match_numbers(actor=actor, numbers=[s.value for s in read if s.kind == "dossier"])
    boxes = {b.code: b for b in Location.objects.filter(code__in=[s.value for s in read if s.kind == "location"])}
    placements = {p.dossier_id: p.box.code for p in Placement.objects.filter(
        dossier__in=found.values()).select_related("box")}
    placed = list(selectors.placed_dossiers(actor=actor, location=location))
    lent_ids = {loan.dossier_id: _holder(loan) for loan in Loan.objects.filter(
        state=Loan.State.CHECKED_OUT, dossier__in=[*found.values(), *placed]).select_related("borrower")}
    current = location.code if location.is_box else None
    seen: list[Seen] = []
    unknown: list[tuple[str, str]] = []
    for scan in read:
        if scan.kind == "location":
            box = boxes.get(scan.value)
            if box is not None and box.is_box and within(box.code, location.code):
                current = box.code
            else:
                unknown.append((scan.raw, "nhãn vị trí không phải hộp thuộc vị trí đang kiểm kê"))
        elif scan.kind == "dossier" and scan.value in found:
            d = found[scan.value]
            seen.append(Seen(d.number, current, placements.get(d.pk), lent_ids.get(d.pk, "")))
        else:
            unknown.append((scan.raw, "không có hồ sơ này, hoặc bạn không được xem"))
    expected = {d.number: d.placement.box.code for d in placed}
    numbers_lent = {d.number: lent_ids[d.pk] for d in placed if d.pk in lent_ids}
    result = diff(scope=location.code, expected=expected, seen=seen, unknown=unknown, lent=numbers_lent)
    by_number = {d.number: d.pk for d in found.values()}
    box_ids = dict(Location.objects.filter(code__in={code for _number, code in result.moves}).values_list("code", "pk"))
    with transaction.atomic():
        check = InventoryCheck.objects.create(
            location=location, checked_by=_real(actor), checked_at=timezone.now(), scanned=lines,
            results=result.as_dict(), moves=[[by_number[n], box_ids[c]] for n, c in result.moves], note=note[:300])
        counts = {key: len(value) for key, value in result.as_dict().items()}
        record_event(actor=actor, action=AuditAction.ARCHIVE_INVENTORY, obj=check,
                     summary=f"Kiểm kê {location.code}: " + ", ".join(f"{k} {v}" for k, v in counts.items()),
                     after={"location": location.code, **counts})
    return check


def _holder(loan: Loan) -> str:
    return f"{loan.borrower.get_full_name() or loan.borrower.get_username()} từ {_date(loan.checked_out_at)}"


def apply_inventory(*, actor: User, check: InventoryCheck) -> MoveResult:
    """«Cập nhật vị trí theo kiểm kê»: put every misplaced or unplaced dossier found in a box into that box.
    Missing dossiers keep their recorded place (they are listed on the check until found)."""
    require(actor, MANAGE_ARCHIVE)
    result = MoveResult()
    with transaction.atomic():
        check = InventoryCheck.objects.select_for_update().get(pk=check.pk)
        if check.applied_at is not None:
            raise ValidationError(_("Kết quả kiểm kê này đã được cập nhật vào vị trí rồi."))
        seen = visible_dossiers(actor=actor)
        for box in Location.objects.filter(pk__in={box_id for _dossier, box_id in check.moves}):
            ids = [d for d, b in check.moves if b == box.pk]
            reachable = seen.filter(pk__in=ids)
            result.beyond_reach += len(set(ids)) - reachable.count()
            moved = move_dossiers(actor=actor, dossiers=reachable, box=box, reason=Movement.Reason.INVENTORY)
            result.moved += moved.moved
            result.unchanged += moved.unchanged
        # Dossiers beyond the actor's reach stay where they were recorded, and the check stays open for someone
        # whose scope covers them (applying it again moves only what is still misplaced).
        if not result.beyond_reach:
            check.applied_by, check.applied_at = _real(actor), timezone.now()
            check.save(update_fields=["applied_by", "applied_at"])
        record_event(actor=actor, action=AuditAction.ARCHIVE_INVENTORY_APPLY, obj=check,
                     summary=f"Cập nhật vị trí theo kiểm kê {check.location.code}: {len(result.moved)} hồ sơ"
                             + (f"; {result.beyond_reach} hồ sơ ngoài phạm vi chưa cập nhật"
                                if result.beyond_reach else ""),
                     after={"moved": result.moved, "beyond_reach": result.beyond_reach})
    return result


def record_labels_printed(*, actor: User, box_labels: bool, codes: list[str]) -> None:
    """A sheet of cover or box labels was printed."""
    record_event(actor=actor, action=AuditAction.ARCHIVE_LABELS, object_type="labels",
                 summary=f"In {len(codes)} nhãn {'hộp' if box_labels else 'bìa'}", after={"codes": codes[:500]})
