"""Public tracking (tra cứu tình trạng hồ sơ): the applicant types the code printed on the receipt and sees the
procedure's name, where the case stands in plain words, and the appointment date — nothing else: no name, no address,
no dossier number, not even the case number.

Resistance to guessing: a code is 8 characters drawn by `secrets` from 32 (cases.TRACKING_ALPHABET: about 1.1 × 10¹²
codes), so a guess finds one of a hundred thousand cases about once in ten million tries; and each client (a keyed
hash of its address, never the address) may miss only TRACKING_MISSES times in TRACKING_WINDOW before it is told to
wait. A look-up that finds a case is audited as a view of the case by nobody signed in; a miss is only counted.
"""

import datetime as dt
import hashlib
import hmac
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from hoso.core.audit import record_event
from hoso.core.events import AuditAction

from .cases import TRACKING_ALPHABET
from .models import Case, TrackingLookup

TRACKING_MISSES = 10
TRACKING_WINDOW = dt.timedelta(minutes=15)
KEEP = dt.timedelta(days=2)  # look-ups older than this are forgotten

# The state as the applicant reads it.
PUBLIC_STATES = {
    Case.State.RECEIVED: _("Đã tiếp nhận, đang chờ xử lý"),
    Case.State.PROCESSING: _("Đang giải quyết"),
    Case.State.WAITING_PAPERS: _("Cần bổ sung giấy tờ: mời ông/bà liên hệ bộ phận một cửa"),
    Case.State.SENT: _("Đang giải quyết (đã chuyển cơ quan có thẩm quyền)"),
    Case.State.RESULT_READY: _("Đã có kết quả: mời ông/bà đến nhận"),
    Case.State.RETURNED: _("Đã trả kết quả"),
    Case.State.REFUSED: _("Không giải quyết (đã có văn bản trả lời): mời ông/bà đến nhận"),
    Case.State.WITHDRAWN: _("Người nộp đã rút hồ sơ"),
}


class TooManyLookups(Exception):
    """The client missed too often lately: it must wait."""

    def __init__(self, minutes: int) -> None:
        super().__init__(ngettext("Bạn đã tra cứu sai mã nhiều lần. Hãy thử lại sau %(count)s phút hoặc hỏi bộ phận "
                                  "một cửa.", "Bạn đã tra cứu sai mã nhiều lần. Hãy thử lại sau %(count)s phút hoặc "
                                  "hỏi bộ phận một cửa.", minutes) % {"count": minutes})
        self.minutes = minutes


@dataclass(frozen=True)
class Tracked:
    procedure: str
    state: str
    due_on: dt.date | None  # the appointment date while the case is open or its result waits; None once closed
    closed_on: dt.date | None


def normalise(code: str) -> str:
    """What the applicant typed, as a code: upper case, spaces and dashes dropped; "" when it cannot be one."""
    text = "".join(ch for ch in (code or "").upper() if ch not in " -.\t")
    return text if len(text) == 8 and all(ch in TRACKING_ALPHABET for ch in text) else ""


def client_key(address: str) -> str:
    """A keyed hash of the client's address: enough to count its misses, not enough to know who it was."""
    return hmac.new(settings.SECRET_KEY.encode(), (address or "?").encode(), hashlib.sha256).hexdigest()


def look_up(*, code: str, address: str) -> Tracked | None:
    """The case with tracking code `code` as the public may see it, or None. Raises TooManyLookups when the client
    missed TRACKING_MISSES times within TRACKING_WINDOW (checked before the code is even looked at)."""
    now, client = timezone.now(), client_key(address)
    misses = TrackingLookup.objects.filter(client=client, found=False, at__gte=now - TRACKING_WINDOW)
    if misses.count() >= TRACKING_MISSES:
        oldest = misses.order_by("at").values_list("at", flat=True)[0]
        raise TooManyLookups(max(1, int((oldest + TRACKING_WINDOW - now).total_seconds() // 60) + 1))
    wanted = normalise(code)
    case = (Case.objects.select_related("version").filter(tracking_code=wanted).first() if wanted else None)
    with transaction.atomic():
        TrackingLookup.objects.filter(at__lt=now - KEEP).delete()
        TrackingLookup.objects.create(client=client, at=now, found=case is not None)
        if case is not None:
            record_event(actor=None, action=AuditAction.VIEW_CASE, obj=case,
                         summary=f"{case.number}: tra cứu công khai bằng mã tra cứu (không đăng nhập)",
                         after={"public": True, "client": client[:16]})
    if case is None:
        return None
    closed = case.state in Case.CLOSED
    return Tracked(procedure=case.version.name, state=PUBLIC_STATES.get(case.state, case.get_state_display()),
                   due_on=None if closed else case.due_on, closed_on=case.closed_on if closed else None)
