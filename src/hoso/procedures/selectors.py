"""Reads of the procedures room for the pages that show them: the dossier page's transfers panel and case history,
a case page's timeline, the catalogue offered at the desk. A case itself is opened through `cases.view_case`
(audited); these read what belongs to a case already opened, or to a dossier already opened."""

import datetime as dt
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from hoso.access.models import User
from hoso.archive.models import Loan
from hoso.core import calendar
from hoso.core.models import CalendarDay
from hoso.preservation.models import PackageImport
from hoso.procedures import cases, changes, links, originals
from hoso.procedures.catalogue import current_versions
from hoso.procedures.models import (
    Case,
    CaseDocument,
    CaseEvent,
    CaseFile,
    CasePaper,
    ProcedureKind,
    ProcedureVersion,
    Transfer,
)
from hoso.procedures.services import current_window
from hoso.records.models import Dossier
from hoso.records.visibility import visible_dossiers


@dataclass
class TransferPanel:
    history: list[Transfer] = field(default_factory=list)
    current: Transfer | None = None
    window: object = None
    origins: list[PackageImport] = field(default_factory=list)


def transfer_panel(*, dossier: Dossier) -> TransferPanel:
    """The open transfer of a dossier (already opened through the visibility rule) with its legal window, the
    earlier ones, and where it came from if it arrived as a package."""
    history = list(Transfer.objects.filter(dossier=dossier).order_by("-created_at", "-id")[:10])
    current = next((t for t in history if t.is_open), None)
    return TransferPanel(history=history, current=current,
                         window=current_window(current) if current else None,
                         origins=list(PackageImport.objects.filter(dossier=dossier).order_by("imported_at")))


# --- cases --------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class StepRow:
    """One step of a case's timeline: who acts, the legal time, its due date, done or not, and whether it is late."""

    position: int
    actor: str
    task: str
    duration: str
    due_on: dt.date
    done_on: dt.date | None
    current: bool
    overdue: bool


@dataclass
class CasePage:
    """What a case page shows besides the case: the timeline, the checklist, the history, the papers produced, the
    dossiers the reader may see, how late it is, and which moves its state allows (cases.MOVES)."""

    case: Case
    steps: list[StepRow]
    papers: list[CasePaper]
    missing: list[str]
    history: list[CaseEvent]
    documents: list[CaseDocument]
    dossiers: list[Dossier]
    late_days: int  # working days past the due date while the clock runs (0: on time)
    moves: frozenset[str]
    open: bool
    last_step: bool
    next_actor: str
    change_kind: str = ""  # what the decision changes in the dossier (procedures/changes.py), "" for nothing
    change_lines: list[str] = field(default_factory=list)
    relatives: list = field(default_factory=list)  # the dossier's relatives, to name the worship keeper among them
    loans: list[Loan] = field(default_factory=list)  # originals lent for the case (links.py)
    needs_original: bool = False  # the current step works on the paper original
    lacks_original: bool = False  # … and no loan of the case is open for it
    files: list[CaseFile] = field(default_factory=list)  # papers uploaded to the case
    transfers: list[Transfer] = field(default_factory=list)  # transfers (Điều 131) the case started
    opens_dossier: bool = False  # the procedure opens a new dossier (the registration form is offered)


def case_page(*, actor: User | None, case: Case, on: dt.date | None = None) -> CasePage:
    """The parts of a case opened by `cases.view_case` (the audited read)."""
    on = on or cases.today()
    running = case.state in Case.RUNNING
    steps = []
    for s in case.steps.select_related("step").order_by("position"):
        current = s.position == case.step and case.state not in Case.CLOSED
        steps.append(StepRow(s.position, s.step.actor, s.step.task, s.step.duration_text, s.due_on, s.done_on,
                             current, running and s.done_on is None and s.position <= max(case.step, 1)
                             and s.due_on < on))
    papers = list(case.papers.all())
    following = next((s for s in steps if s.position == case.step + 1), None)
    dossiers = list(visible_dossiers(actor=actor).filter(cases=case).select_related("subject", "category")
                    .order_by("number"))
    change_kind = changes.kind_for(case)
    loans = links.case_loans(case)
    needs_original = originals.step_needs_original(case)
    return CasePage(
        case=case, steps=steps, papers=papers, missing=[p.name for p in papers if p.received_on is None],
        history=list(case.history.select_related("actor").order_by("id")),
        documents=list(case.documents.select_related("created_by", "dossier").order_by("-id")),
        dossiers=dossiers,
        late_days=calendar.current().working_days_between(case.due_on, on) if running and case.due_on < on else 0,
        moves=frozenset(move for move, (starts, _, _) in cases.MOVES.items() if case.state in starts),
        open=case.state in Case.OPEN,
        last_step=case.step >= len(steps), next_actor=following.actor if following else "",
        change_kind=change_kind, change_lines=changes.describe(case.change),
        relatives=(list(dossiers[0].relative_links.select_related("person").order_by("id"))
                   if change_kind == changes.WORSHIP and dossiers else []),
        loans=loans, needs_original=needs_original,
        lacks_original=needs_original and running and bool(dossiers) and not any(loan.is_open for loan in loans),
        files=list(case.files.select_related("uploaded_by").order_by("id")),
        transfers=list(case.transfers.order_by("-id")), opens_dossier=links.opens_dossier(case))


def dossier_cases(*, actor: User | None, dossier: Dossier) -> list[Case]:
    """The cases about a dossier (already opened through the visibility rule), newest first, for those who work on
    cases; nobody else sees them."""
    return list(cases.visible_cases(actor=actor).filter(dossiers=dossier).order_by("-received_on", "-id")[:50])


def case_document_for(*, actor: User | None, pk: int) -> CaseDocument | None:
    """A paper produced for a case the actor may see, or None (read it with `cases.document_bytes`, audited)."""
    return CaseDocument.objects.select_related("case").filter(
        pk=pk, case__in=cases.visible_cases(actor=actor)).first()


def desk_catalogue() -> list[ProcedureVersion]:
    """The procedures the desk may receive: the current version of each active one, in catalogue order."""
    return current_versions()


# --- the catalogue and the calendar, as the administrator sees them -----------------------------------------


@dataclass(frozen=True)
class KindRow:
    kind: ProcedureKind
    version: ProcedureVersion
    versions: int
    cases: int


def catalogue_rows() -> list[KindRow]:
    """Every procedure of the catalogue with its current version, how many versions it had and how many cases
    follow one of them (no personal data)."""
    rows = []
    for kind in ProcedureKind.objects.prefetch_related("versions__steps").order_by("sort_order", "code"):
        versions = sorted(kind.versions.all(), key=lambda v: -v.number)
        if versions:
            rows.append(KindRow(kind, versions[0], len(versions), kind.cases.count()))
    return rows


def kind_history(kind: ProcedureKind) -> list[ProcedureVersion]:
    return list(kind.versions.select_related("created_by").prefetch_related("steps").order_by("-number"))


@dataclass(frozen=True)
class DayRow:
    date: dt.date
    label: str
    set_here: CalendarDay | None  # the administrator's own day (removable), None for a public holiday


def calendar_rows(year: int) -> list[DayRow]:
    """The year's days that are not as a plain week would have them: the public holidays and days in lieu of the
    `holidays` package, and the administrator's days off and working days (which win)."""
    own = {row.date: row for row in CalendarDay.objects.filter(date__year=year)}
    cal = calendar.current()
    public = calendar._public(year)
    rows = {day: DayRow(day, cal.day_off_name(day) or _("Ngày làm việc"), None) for day in public if day.year == year}
    for day in getattr(public, "weekend_workdays", ()):  # a Saturday worked for a bridge day off, as announced
        if day.year == year:
            rows[day] = DayRow(day, _("Ngày làm việc (làm bù)") if cal.is_working_day(day) else cal.day_off_name(day),
                               None)
    for day, row in own.items():
        rows[day] = DayRow(day, row.get_kind_display() + (f" — {row.note}" if row.note else ""), row)
    return [rows[day] for day in sorted(rows)]
