"""Paper originals for a case (issue #14, «Links»): a step that works on the paper original (ProcedureStep.
needs_original: copying or extracting the dossier, sending it to another province) asks the archive to lend it.

The request is the archive's own (archive.services.request_loan: the actor as borrower, the visibility rule, one
open loan per dossier, a reason when the dossier is already digitised), its purpose naming the case; the loan is
linked to the case (CaseLoan) and the case page shows it and its state. A request the archive refuses (the dossier
already lent to someone else, say) does not stop the case: the refusal is reported and the officer may ask again
from the case page (links.request_original).

Imported by cases.py (the moves that reach such a step); reads no case through the visibility rule itself: callers
have checked the case.
"""

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from hoso.access.models import User
from hoso.access.permissions import VIEW_DOSSIER
from hoso.access.rules import user_can
from hoso.archive import services as archive
from hoso.archive.models import Loan
from hoso.records.models import Dossier
from hoso.records.visibility import visible_dossiers

from .models import Case, CaseLoan


@dataclass(frozen=True)
class Outcome:
    """What asking for one dossier's original gave: the loan (new or already open for the case) or why not."""

    number: str
    loan: Loan | None
    message: str

    @property
    def ok(self) -> bool:
        return self.loan is not None


def purpose_for(case: Case, position: int) -> str:
    """The loan's purpose: the case it serves, by number, and the step."""
    step = case.steps.select_related("step").filter(position=position).first()
    where = f", bước {position} ({step.step.actor})" if step is not None else ""
    return f"Hồ sơ thủ tục {case.number}{where}"[:300]


def _linked_open(case: Case, dossier: Dossier) -> Loan | None:
    return Loan.objects.filter(case_link__case=case, dossier=dossier, state__in=Loan.OPEN_STATES).first()


def open_loans(*, actor: User | None, case: Case, position: int, paper_reason: str = "") -> list[Outcome]:
    """Ask the archive for the originals of the case's dossiers that `actor` sees (a loan already open for the case
    is kept). Each request in a savepoint of its own: a refused one leaves the others, and the case, as they are."""
    if actor is None or not actor.pk or not user_can(actor, VIEW_DOSSIER):
        return []
    where = f"Bước {position} của thủ tục" if position else "Thủ tục"
    reason = paper_reason.strip() or f"{where} «{case.version.name}» cần bản gốc hồ sơ (hồ sơ thủ tục {case.number})."
    outcomes = []
    for dossier in visible_dossiers(actor=actor).filter(cases=case).order_by("number"):
        existing = _linked_open(case, dossier)
        if existing is not None:
            outcomes.append(Outcome(dossier.number, existing, _("Hồ sơ %(number)s: đã có phiếu mượn số %(loan)s "
                                                                "(%(state)s).") % {
                "number": dossier.number, "loan": existing.pk, "state": existing.get_state_display()}))
            continue
        try:
            with transaction.atomic():
                loan = archive.request_loan(actor=actor, dossier=dossier, purpose=purpose_for(case, position),
                                            procedure=f"{case.version.name} ({case.version.basis})"[:200],
                                            paper_reason=reason[:500])
                CaseLoan.objects.create(case=case, loan=loan, step=position)
        except (ValidationError, PermissionDenied) as exc:
            message = "; ".join(getattr(exc, "messages", None) or [str(exc)])
            outcomes.append(Outcome(dossier.number, None, _("Chưa đề nghị mượn được bản gốc hồ sơ %(number)s: "
                                                            "%(reason)s") % {"number": dossier.number,
                                                                             "reason": message}))
        else:
            outcomes.append(Outcome(dossier.number, loan, _("Đã đề nghị mượn bản gốc hồ sơ %(number)s (phiếu mượn "
                                                            "số %(loan)s, chờ bộ phận lưu trữ duyệt).") % {
                "number": dossier.number, "loan": loan.pk}))
    return outcomes


def step_needs_original(case: Case) -> bool:
    """Whether the step the case is at works on the paper original."""
    return bool(case.step) and case.steps.filter(position=case.step, step__needs_original=True).exists()
