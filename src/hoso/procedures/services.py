"""Moving a dossier to another province (di chuyển hồ sơ, Điều 131 Nghị định 131/2021/NĐ-CP): the write path
and the legal windows.

A transfer is created (the slip, Mẫu 93, can be printed), sent (with the digital package attached, if
wanted), then received by the other province, or returned with reasons. Each side has
HOSO_TRANSFER_WORKING_DAYS (12) working days: the sender from the day the request arrived, the receiver
from the day the dossier reaches it (counted here from the day it was sent, the only date we know until
they confirm). Working days are those of the one calendar (core/calendar.py).

When relatives still draw benefits here (thân nhân đang hưởng trợ cấp), the original dossier stays and an
extract (trích lục) is sent instead: the transfer says so from the start.
"""

import datetime as dt
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from hoso.access.models import User
from hoso.access.permissions import MANAGE_ARCHIVE
from hoso.access.rules import require
from hoso.archive.selectors import today
from hoso.core import calendar
from hoso.core.audit import record_event
from hoso.core.blobs import blob_store
from hoso.core.events import AuditAction
from hoso.core.i18n import vietnamese_display
from hoso.preservation.services.packages import PackageError, check_may_pack, export_package
from hoso.procedures.models import Transfer
from hoso.records.models import BenefitDecision, Dossier
from hoso.records.selectors import dossier_access_q

ONGOING_BENEFITS = (BenefitDecision.Kind.MONTHLY, BenefitDecision.Kind.SURVIVOR, BenefitDecision.Kind.WORSHIP)

# --- reads ----------------------------------------------------------------------------------------------


def visible_transfers(*, actor: User) -> QuerySet[Transfer]:
    """Transfers of dossiers the actor may see (the dossier access rule), for those who manage the archive."""
    require(actor, MANAGE_ARCHIVE)
    q = dossier_access_q(actor=actor, path="dossier__")
    qs = Transfer.objects.select_related("dossier", "dossier__subject", "dossier__category")
    return qs.none() if q is None else qs.filter(q)


def transfer_for(*, actor: User, pk: int) -> Transfer | None:
    return visible_transfers(actor=actor).filter(pk=pk).first()


def stay_reasons(dossier: Dossier) -> list[str]:
    """Why the original must stay here: relatives still drawing benefits at this province (Điều 131)."""
    reasons = []
    links = list(dossier.relative_links.select_related("person").order_by("id"))
    drawing = {link.person_id for link in links if link.receives_benefit}
    stopped = set(dossier.decisions.filter(kind=BenefitDecision.Kind.STOP).values_list("beneficiary_id", flat=True))
    for decision in dossier.decisions.filter(kind__in=ONGOING_BENEFITS).exclude(beneficiary=None) \
            .exclude(beneficiary_id=dossier.subject_id):
        if decision.ends_on is None and decision.beneficiary_id not in stopped:
            drawing.add(decision.beneficiary_id)
    for link in links:
        if link.person_id in drawing:
            reasons.append(f"{link.person.full_name} ({vietnamese_display(link, 'relationship').lower()}) đang hưởng "
                           "trợ cấp tại tỉnh")
    return reasons


@dataclass(frozen=True)
class Window:
    """One side's legal time: due date, working days left (negative: overdue), and whether it is over."""

    label: str  # in the reader's language (a lazy text)
    start: dt.date
    due: dt.date
    done_on: dt.date | None
    days_left: int

    @property
    def overdue(self) -> bool:
        return self.done_on is None and self.days_left < 0

    @property
    def late(self) -> bool:
        return self.done_on is not None and self.done_on > self.due

    @property
    def text(self) -> str:
        if self.done_on is not None:
            done = f"{self.done_on:%d/%m/%Y}"
            return (_("xong ngày %(date)s (quá hạn)") if self.late else _("xong ngày %(date)s (đúng hạn)")) % {
                "date": done}
        if self.days_left < 0:
            return ngettext("quá hạn %(count)s ngày làm việc", "quá hạn %(count)s ngày làm việc",
                            -self.days_left) % {"count": -self.days_left}
        if self.days_left == 0:
            return _("hết hạn hôm nay")
        return ngettext("còn %(count)s ngày làm việc", "còn %(count)s ngày làm việc", self.days_left) % {
            "count": self.days_left}


def windows(transfer: Transfer, *, on: dt.date | None = None) -> list[Window]:
    """The sender's window, and the receiver's once the dossier is sent."""
    on = on or today()
    cal = calendar.current()
    length = settings.HOSO_TRANSFER_WORKING_DAYS
    due = cal.add(transfer.requested_on, length)
    out = [Window(gettext_lazy("Nơi gửi chuyển hồ sơ"), transfer.requested_on, due, transfer.sent_on,
                  cal.working_days_between(on, due))]
    if transfer.sent_on:
        finished = transfer.received_on or transfer.returned_on
        due = cal.add(transfer.sent_on, length)
        out.append(Window(gettext_lazy("Nơi nhận tiếp nhận hoặc trả lại"), transfer.sent_on, due, finished,
                          cal.working_days_between(on, due)))
    return out


def current_window(transfer: Transfer, *, on: dt.date | None = None) -> Window | None:
    """The window still running (None when the transfer is closed)."""
    return next((w for w in windows(transfer, on=on) if w.done_on is None), None)


# --- writes ---------------------------------------------------------------------------------------------


def _next_number(year: int) -> str:
    used = Transfer.objects.filter(number__endswith=f"/{year}/PBDC").count()
    return f"{used + 1:04d}/{year}/PBDC"


# What each date of a transfer says when it is after today, or before the date it follows (%(date)s).
DATE_REFUSALS = {
    "requested_on": (gettext_lazy("Ngày nhận đơn không thể sau hôm nay."), ""),
    "sent_on": (gettext_lazy("Ngày gửi không thể sau hôm nay."),
                gettext_lazy("Ngày gửi không thể trước ngày nhận đơn (%(date)s).")),
    "received_on": (gettext_lazy("Ngày tiếp nhận không thể sau hôm nay."),
                    gettext_lazy("Ngày tiếp nhận không thể trước ngày gửi (%(date)s).")),
    "returned_on": (gettext_lazy("Ngày trả lại không thể sau hôm nay."),
                    gettext_lazy("Ngày trả lại không thể trước ngày gửi (%(date)s).")),
}


def _check_date(value: dt.date, *, after: dt.date | None, which: str) -> None:
    future, early = DATE_REFUSALS[which]
    if value > today():
        raise ValidationError(str(future))
    if after is not None and value < after:
        raise ValidationError(str(early) % {"date": f"{after:%d/%m/%Y}"})


def create_transfer(*, actor: User | None, dossier: Dossier, to_province: str, recipient_agency: str, reason: str,
                    new_address: str = "", to_province_code: str = "", requested_on: dt.date | None = None,
                    note: str = "") -> Transfer:
    """Lập phiếu báo di chuyển hồ sơ. An original stays (an extract goes) when relatives draw benefits here."""
    require(actor, MANAGE_ARCHIVE)
    return _open_transfer(actor=actor, dossier=dossier, to_province=to_province, recipient_agency=recipient_agency,
                          reason=reason, new_address=new_address, to_province_code=to_province_code,
                          requested_on=requested_on, note=note)


def transfer_for_case(*, actor: User | None, case, dossier: Dossier, to_province: str, recipient_agency: str,
                      reason: str, new_address: str = "", to_province_code: str = "",
                      requested_on: dt.date | None = None) -> Transfer:
    """The transfer a case of Điều 131 starts when its decision is recorded (procedures/changes.py, called by
    cases.decide, which checked DECIDE_CASE and the case's visibility): the dossier's open transfer if the archive
    already made one (linked to the case), else a new one (its slip, Mẫu 93, then printed and sent by the archive)."""
    if case is None or not case.dossiers.filter(pk=dossier.pk).exists():
        raise ValidationError(_("Hồ sơ cần di chuyển không thuộc hồ sơ thủ tục này."))
    with transaction.atomic():
        current = Transfer.objects.select_for_update().filter(dossier=dossier, state__in=Transfer.OPEN_STATES).first()
        if current is not None:
            if current.case_id not in (None, case.pk):
                raise ValidationError(_("Hồ sơ %(number)s đang có phiếu di chuyển %(transfer)s của hồ sơ thủ tục "
                                        "khác.") % {"number": dossier.number, "transfer": current.number})
            if current.case_id is None:
                current.case = case
                current.save(update_fields=["case"])
                record_event(actor=actor, action=AuditAction.TRANSFER_CREATE, obj=current,
                             summary=f"Phiếu {current.number}: gắn với hồ sơ thủ tục {case.number}",
                             after={"dossier": dossier.number, "case": case.number})
            return current
        return _open_transfer(actor=actor, dossier=dossier, to_province=to_province, recipient_agency=recipient_agency,
                              reason=reason, new_address=new_address, to_province_code=to_province_code,
                              requested_on=requested_on or case.received_on, note=f"Hồ sơ thủ tục {case.number}",
                              case=case)


def _open_transfer(*, actor: User | None, dossier: Dossier, to_province: str, recipient_agency: str, reason: str,
                   new_address: str = "", to_province_code: str = "", requested_on: dt.date | None = None,
                   note: str = "", case=None) -> Transfer:
    if actor is not None:
        q = dossier_access_q(actor=actor)
        if q is None or not Dossier.objects.filter(q, pk=dossier.pk).exists():
            raise ValidationError(_("Bạn không có quyền với hồ sơ này."))
    to_province, recipient_agency, reason = to_province.strip(), recipient_agency.strip(), reason.strip()
    errors = {}
    if not to_province:
        errors["to_province"] = _("Cần ghi tỉnh, thành phố nơi chuyển đến.")
    elif to_province.casefold() in {settings.HOSO_PROVINCE_NAME.casefold(), f"tỉnh {settings.HOSO_PROVINCE_NAME}"
                                    .casefold()}:
        errors["to_province"] = _("Nơi chuyển đến phải là tỉnh, thành phố khác.")
    if not recipient_agency:
        errors["recipient_agency"] = _("Cần ghi cơ quan nhận hồ sơ.")
    if not reason:
        errors["reason"] = _("Cần ghi lý do di chuyển (ví dụ: chuyển nơi cư trú).")
    if errors:
        raise ValidationError(errors)
    requested_on = requested_on or today()
    _check_date(requested_on, after=None, which="requested_on")
    stay = stay_reasons(dossier)
    for _attempt in range(3):
        try:
            with transaction.atomic():
                Dossier.objects.select_for_update().only("pk").get(pk=dossier.pk)
                if Transfer.objects.filter(dossier=dossier, state__in=Transfer.OPEN_STATES).exists():
                    raise ValidationError(_("Hồ sơ %(number)s đang có phiếu di chuyển chưa xong.") % {
                        "number": dossier.number})
                transfer = Transfer(
                    number=_next_number(requested_on.year), dossier=dossier,
                    kind=Transfer.Kind.EXTRACT if stay else Transfer.Kind.ORIGINAL,
                    kind_reason="; ".join(stay)[:500], to_province=to_province[:120],
                    to_province_code=to_province_code.strip().upper()[:3], recipient_agency=recipient_agency[:200],
                    new_address=new_address.strip()[:300], reason=reason[:300], requested_on=requested_on,
                    created_by=_real(actor), note=note.strip()[:300], case=case)
                transfer.full_clean()
                transfer.save()
                record_event(actor=actor, action=AuditAction.TRANSFER_CREATE, obj=transfer,
                             summary=f"Phiếu {transfer.number}: {dossier.number} → {to_province}",
                             after={"dossier": dossier.number, "to": to_province, "agency": recipient_agency,
                                    "kind": transfer.kind, "stay_reasons": stay or None,
                                    "case": case.number if case is not None else None})
            return transfer
        except IntegrityError:  # two slips numbered at once: take the next number
            continue
    raise ValidationError(_("Không cấp được số phiếu, hãy thử lại."))


def _locked(transfer: Transfer, *states: str) -> Transfer:
    transfer = Transfer.objects.select_for_update().select_related("dossier").get(pk=transfer.pk)
    if transfer.state not in states:
        raise ValidationError(_("Phiếu %(number)s đang ở trạng thái «%(state)s»: không làm được thao tác này.")
                              % {"number": transfer.number, "state": transfer.get_state_display()})
    return transfer


def mark_sent(*, actor: User | None, transfer: Transfer, sent_on: dt.date | None = None,
              attach_package: bool = False) -> Transfer:
    """Đã gửi: the date it left. With `attach_package`, the dossier's package is written (as the actor, with
    the slip in it) and kept in the file store beside the transfer."""
    require(actor, MANAGE_ARCHIVE)
    sent_on = sent_on or today()
    if transfer.state != Transfer.State.CREATED:  # checked again under the lock; saves writing a package first
        with transaction.atomic():
            _locked(transfer, Transfer.State.CREATED)
    _check_date(sent_on, after=transfer.requested_on, which="sent_on")
    package = None
    if attach_package:
        transfer.sent_on = sent_on
        with tempfile.TemporaryDirectory(prefix="hoso-transfer-") as tmp:
            out = Path(tmp) / "goi.zip"
            result = export_package(actor=actor, number=transfer.dossier.number, out=out, transfer=transfer)
            blob = blob_store().put_file(out)
        package = (blob.sha256, blob.size, result.bag_sha256)
    with transaction.atomic():
        transfer = _locked(transfer, Transfer.State.CREATED)
        transfer.state, transfer.sent_on, transfer.sent_by = Transfer.State.SENT, sent_on, _real(actor)
        if package:
            transfer.package_sha256, transfer.package_size = package[0], package[1]
        transfer.save()
        record_event(actor=actor, action=AuditAction.TRANSFER_SEND, obj=transfer,
                     summary=f"Gửi hồ sơ {transfer.dossier.number} theo phiếu {transfer.number}",
                     before={"state": Transfer.State.CREATED},
                     after={"state": transfer.state, "sent_on": sent_on.isoformat(),
                            "package_sha256": package[0] if package else None,
                            "bag_sha256": package[2] if package else None})
    return transfer


def mark_received(*, actor: User | None, transfer: Transfer, received_on: dt.date | None = None) -> Transfer:
    """Nơi nhận đã tiếp nhận (their confirmation arrived)."""
    require(actor, MANAGE_ARCHIVE)
    received_on = received_on or today()
    with transaction.atomic():
        transfer = _locked(transfer, Transfer.State.SENT)
        _check_date(received_on, after=transfer.sent_on, which="received_on")
        transfer.state, transfer.received_on = Transfer.State.RECEIVED, received_on
        transfer.save(update_fields=["state", "received_on"])
        record_event(actor=actor, action=AuditAction.TRANSFER_RECEIVE, obj=transfer,
                     summary=f"{transfer.to_province} đã tiếp nhận hồ sơ {transfer.dossier.number}",
                     before={"state": Transfer.State.SENT},
                     after={"state": transfer.state, "received_on": received_on.isoformat()})
    return transfer


def mark_returned(*, actor: User | None, transfer: Transfer, reason: str,
                  returned_on: dt.date | None = None) -> Transfer:
    """Bị trả lại: the receiving province sent the dossier back, with its reasons."""
    require(actor, MANAGE_ARCHIVE)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Cần ghi lý do nơi nhận trả lại hồ sơ.")})
    returned_on = returned_on or today()
    with transaction.atomic():
        transfer = _locked(transfer, Transfer.State.SENT)
        _check_date(returned_on, after=transfer.sent_on, which="returned_on")
        transfer.state, transfer.returned_on, transfer.return_reason = Transfer.State.RETURNED, returned_on, \
            reason[:300]
        transfer.save(update_fields=["state", "returned_on", "return_reason"])
        record_event(actor=actor, action=AuditAction.TRANSFER_RETURN, obj=transfer,
                     summary=f"{transfer.to_province} trả lại hồ sơ {transfer.dossier.number}",
                     before={"state": Transfer.State.SENT},
                     after={"state": transfer.state, "returned_on": returned_on.isoformat(), "reason": reason})
    return transfer


def open_transfers_due(*, actor: User, on: dt.date | None = None) -> list[tuple[Transfer, Window]]:
    """Open transfers with their running window, the most urgent first (for the transfers page)."""
    rows = []
    for transfer in visible_transfers(actor=actor).filter(Q(state__in=Transfer.OPEN_STATES)):
        window = current_window(transfer, on=on)
        if window is not None:
            rows.append((transfer, window))
    return sorted(rows, key=lambda row: row[1].days_left)


def _real(actor: User | None) -> User | None:
    return actor if actor is not None and actor.pk else None


def record_slip_printed(*, actor: User, transfer: Transfer) -> None:
    """The transfer slip (Mẫu 93) was printed."""
    record_event(actor=actor, action=AuditAction.PRINT_TRANSFER_SLIP, obj=transfer, summary=transfer.number)


def check_package_download(*, actor: User, transfer: Transfer) -> None:
    """The package stored on a transfer goes only to someone who could export the dossier's package now (the checks
    of `hoso export_package`, on the dossier as it is today: a "mật" document or health data added since it was
    sent keeps it from those not allowed to see them). Raises PackageError (no package, dossier not found) or
    PermissionDenied, with the Vietnamese reason."""
    if not transfer.package_sha256:
        raise PackageError("Phiếu này không kèm gói hồ sơ điện tử.", "no_package")
    check_may_pack(actor=actor, dossier=transfer.dossier)


def may_download_package(*, actor: User, transfer: Transfer) -> bool:
    """Whether to offer the stored package's link (the download itself checks again)."""
    try:
        check_package_download(actor=actor, transfer=transfer)
    except (PackageError, PermissionDenied):
        return False
    return True


def open_transfer_package(*, actor: User, transfer: Transfer) -> BinaryIO:
    """The package sent with a transfer, opened for `actor` after `check_package_download`; recorded as downloaded.
    A refusal reads nothing and records nothing."""
    check_package_download(actor=actor, transfer=transfer)
    stream = blob_store().open(transfer.package_sha256)
    record_package_download(actor=actor, transfer=transfer)
    return stream


def record_package_download(*, actor: User, transfer: Transfer) -> None:
    """The package sent with a transfer was downloaded."""
    record_event(actor=actor, action=AuditAction.DOWNLOAD_PACKAGE, obj=transfer, summary=transfer.number,
                 after={"sha256": transfer.package_sha256})
