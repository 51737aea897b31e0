"""Việc của tôi: the cases waiting for someone, by urgency (overdue, due today, due soon, new, to decide, waiting for
papers, ready to return …) through the visibility rule of procedures/cases.py; and the escalation a leader sees when
the step being done is past its own due date (as Mayan's workflow escalations)."""

import datetime as dt
from dataclasses import dataclass

from django.db.models import Exists, F, OuterRef, QuerySet
from django.utils.translation import gettext_lazy as _

from hoso.access.models import User
from hoso.access.permissions import DECIDE_CASE
from hoso.access.rules import user_can
from hoso.core import calendar

from .cases import OPEN, State, today, visible_cases
from .models import Case, CaseStep


@dataclass
class Queue:
    """Việc của tôi: what needs doing, by urgency; `escalated`: steps past their own due date (for leaders)."""

    overdue: list[Case]
    due_today: list[Case]
    due_soon: list[Case]
    waiting_papers: list[Case]
    returned_this_week: list[Case]
    mine: list[Case]
    escalated: list[CaseStep]


# The lists of the queue, by name, with what the page calls them.
BUCKETS = {
    "overdue": _("Quá hạn"), "today": _("Đến hạn hôm nay"), "soon": _("Sắp đến hạn"),
    "received": _("Mới tiếp nhận, chờ thụ lý"), "mine": _("Tôi đang thụ lý"), "to_decide": _("Chờ lãnh đạo duyệt"),
    "escalated": _("Bước đang làm đã quá hạn"), "waiting": _("Chờ bổ sung giấy tờ"),
    "result_ready": _("Có kết quả, chờ trả"), "returned": _("Đã trả trong tuần"), "open": _("Tất cả đang giải quyết"),
}


def queue_buckets(*, actor: User | None, on: dt.date | None = None, soon_days: int = 3) -> dict[str, QuerySet[Case]]:
    """The visible cases of each list of the queue (BUCKETS) as of `on` (today), most urgent first; `soon`: due
    within `soon_days` working days; `to_decide`: at their last step, for the leader; `escalated`: the step being
    done is past its own due date. Not audited: the page that shows them decides."""
    on = on or today()
    cases = visible_cases(actor=actor)
    running = cases.filter(state__in=Case.RUNNING).order_by("due_on", "id")
    current_step = CaseStep.objects.filter(case=OuterRef("pk"), position=OuterRef("step"))
    return {
        "overdue": running.filter(due_on__lt=on),
        "today": running.filter(due_on=on),
        "soon": running.filter(due_on__gt=on, due_on__lte=calendar.current().add(on, soon_days)),
        "received": cases.filter(state=State.RECEIVED).order_by("due_on", "id"),
        "mine": (cases.filter(state__in=OPEN, assignee=actor).order_by("due_on", "id") if actor is not None
                 else cases.none()),
        "to_decide": cases.filter(state__in=(State.PROCESSING, State.SENT), step__gte=1).exclude(
            Exists(CaseStep.objects.filter(case=OuterRef("pk"), position__gt=OuterRef("step")))).order_by("due_on",
                                                                                                         "id"),
        "escalated": running.filter(Exists(current_step.filter(done_on=None, due_on__lt=on))),
        "waiting": cases.filter(state=State.WAITING_PAPERS),
        "result_ready": cases.filter(state=State.RESULT_READY).order_by("due_on", "id"),
        "returned": cases.filter(state=State.RETURNED, closed_on__gte=on - dt.timedelta(days=on.weekday())),
        "open": cases.filter(state__in=OPEN).order_by("due_on", "id"),
    }


def work_queue(*, actor: User, on: dt.date | None = None, soon_days: int = 3, limit: int = 50) -> Queue:
    """The queue of visible cases as of `on` (today); `due_soon`: within `soon_days` working days. Not audited: the
    page that shows it decides (as `list_cases` does)."""
    on = on or today()
    buckets = queue_buckets(actor=actor, on=on, soon_days=soon_days)
    escalated = []
    if actor is None or user_can(actor, DECIDE_CASE):
        escalated = list(CaseStep.objects.filter(case__in=buckets["escalated"], position=F("case__step"))
                         .select_related("case", "step")[:limit])
    return Queue(overdue=list(buckets["overdue"][:limit]), due_today=list(buckets["today"][:limit]),
                 due_soon=list(buckets["soon"][:limit]), waiting_papers=list(buckets["waiting"][:limit]),
                 returned_this_week=list(buckets["returned"][:limit]),
                 mine=list(buckets["mine"][:limit]) if actor else [], escalated=escalated)
