"""Reads of the procedures room for the pages that show them: the dossier page's transfers panel and case history,
a case page's timeline, the catalogue offered at the desk. A case itself is opened through `cases.view_case`
(audited); these read what belongs to a case already opened, or to a dossier already opened."""

import datetime as dt
from dataclasses import dataclass, field

from hoso.access.models import User
from hoso.core import calendar
from hoso.preservation.models import PackageImport
from hoso.procedures import cases, changes
from hoso.procedures.catalogue import current_versions
from hoso.procedures.models import Case, CaseDocument, CaseEvent, CasePaper, ProcedureVersion, Transfer
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
                   if change_kind == changes.WORSHIP and dossiers else []))


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
