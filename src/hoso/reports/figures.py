"""The other figures a department reports, through the same visibility rule: digitisation (pages by state, per
day and per operator), the paper archive (originals on loan, overdue), one-stop procedures (received, settled on
time or late, by procedure) and benefits (beneficiaries and the monthly total by category, as of a date).

Counts only: nothing here lists a person. Not audited here: the page or command that shows them decides.
"""

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Count, F, Q
from django.utils import timezone

from hoso.access.models import User
from hoso.archive.models import Loan
from hoso.capture.selectors import capture_stats
from hoso.procedures.cases import may_work_on_cases, visible_cases
from hoso.procedures.models import Case, ProcedureVersion
from hoso.records.models import Page
from hoso.records.visibility import dossier_q

from .benefits import BenefitRow, benefits  # noqa: F401  (benefits as of a date: reports/benefits.py)


@dataclass
class Digitisation:
    """Pages of visible dossiers by processing state; handed-in pages per day and per operator in the period."""

    pages: dict[str, int]
    per_day: list[tuple[dt.date, int, int]]  # day, pages handed in, pages processed (done)
    per_operator: list[tuple[str, int, int]]  # operator, pages handed in, pages done

    @property
    def pages_total(self) -> int:
        return sum(self.pages.values())


def _handed_in(stages: dict[str, int]) -> int:
    """Pages taken in (refused and quarantined files are not pages)."""
    return sum(stages.values()) - stages.get("refused", 0) - stages.get("quarantined", 0)


def digitisation(*, actor: User | None, since: dt.date, until: dt.date) -> Digitisation:
    q = dossier_q(actor=actor, path="dossier__")
    pages = {} if q is None else dict(Page.objects.filter(q).order_by().values_list("state").annotate(n=Count("id")))
    start = timezone.make_aware(dt.datetime.combine(since, dt.time.min))
    end = timezone.make_aware(dt.datetime.combine(until + dt.timedelta(days=1), dt.time.min))
    stats = capture_stats(actor=actor, since=start, until=end)
    handed_in = {day: _handed_in(stages) for day, stages in stats.received_by_day.items()}
    done = {day: row.get("done", 0) for day, row in stats.processed_by_day.items()}
    days = sorted(d for d in set(handed_in) | set(done) if since <= d <= until)
    per_operator = sorted(((name or "—", _handed_in(stages), stages.get("done", 0))
                           for name, stages in stats.by_operator.items()), key=lambda row: (-row[1], row[0]))
    return Digitisation(pages={state: pages.get(state, 0) for state in Page.State.values},
                        per_day=[(d, handed_in.get(d, 0), done.get(d, 0)) for d in days], per_operator=per_operator)


PAGE_STATE_LABELS = dict(Page.State.choices)


@dataclass
class Archive:
    """Loans of paper originals of visible dossiers."""

    requested: int
    approved: int
    checked_out: int
    overdue: int
    returned_in_period: int


def archive(*, actor: User | None, since: dt.date, until: dt.date) -> Archive:
    q = dossier_q(actor=actor, path="dossier__")
    if q is None:
        return Archive(0, 0, 0, 0, 0)
    today = timezone.localdate()
    start = timezone.make_aware(dt.datetime.combine(since, dt.time.min))
    end = timezone.make_aware(dt.datetime.combine(until + dt.timedelta(days=1), dt.time.min))
    State = Loan.State
    counts = Loan.objects.filter(q).aggregate(
        requested=Count("id", filter=Q(state=State.REQUESTED)), approved=Count("id", filter=Q(state=State.APPROVED)),
        checked_out=Count("id", filter=Q(state=State.CHECKED_OUT)),
        overdue=Count("id", filter=Q(state=State.CHECKED_OUT, due_on__lt=today)),
        returned=Count("id", filter=Q(state=State.RETURNED, returned_at__gte=start, returned_at__lt=end)))
    return Archive(requested=counts["requested"], approved=counts["approved"], checked_out=counts["checked_out"],
                   overdue=counts["overdue"], returned_in_period=counts["returned"])


@dataclass
class ProcedureRow:
    code: str
    name: str
    received: int = 0
    settled_on_time: int = 0
    settled_late: int = 0
    open_overdue: int = 0

    @property
    def settled(self) -> int:
        return self.settled_on_time + self.settled_late


@dataclass
class Procedures:
    rows: list[ProcedureRow] = field(default_factory=list)

    def total(self, name: str) -> int:
        return sum(getattr(r, name) for r in self.rows)


SETTLED = (Case.State.RETURNED, Case.State.REFUSED)


def procedures(*, actor: User | None, since: dt.date, until: dt.date) -> Procedures | None:
    """Cases received in the period, settled in it (returned or refused) on time or late against their due date
    (pauses for missing papers already move it), and open now past their due date — by procedure. None for a user
    who does not work on cases (their visibility is the cases' own: procedures/cases.py)."""
    if not may_work_on_cases(actor):
        return None
    today = timezone.localdate()
    cases = visible_cases(actor=actor).order_by()
    settled = Q(state__in=SETTLED, closed_on__gte=since, closed_on__lte=until)
    rows = (cases.values("kind__code", "kind__sort_order").annotate(
        received=Count("id", filter=Q(received_on__gte=since, received_on__lte=until)),
        on_time=Count("id", filter=settled & Q(closed_on__lte=F("due_on"))),
        late=Count("id", filter=settled & Q(closed_on__gt=F("due_on"))),
        overdue=Count("id", filter=Q(state__in=Case.RUNNING, due_on__lt=today))).order_by("kind__sort_order"))
    names = {}
    for version in ProcedureVersion.objects.select_related("kind").order_by("kind_id", "number"):
        names[version.kind.code] = version.name  # the newest version's name
    found = Procedures()
    for row in rows:
        entry = ProcedureRow(code=row["kind__code"], name=names.get(row["kind__code"], row["kind__code"]),
                             received=row["received"], settled_on_time=row["on_time"], settled_late=row["late"],
                             open_overdue=row["overdue"])
        if entry.received or entry.settled or entry.open_overdue:
            found.rows.append(entry)
    return found
