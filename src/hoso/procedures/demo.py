"""A few one-stop cases for `hoso demo`, made through the same services as the desk (cases.py): something in each list
of «Việc của tôi» — new, in progress, overdue (the leader's escalation), waiting for papers, ready to return,
returned this week — and two whose decision will change the dossier (a relative to add, the worship keeper).
Made once (none when cases exist); a few tenths of a second."""

import datetime as dt

from hoso.access.models import User
from hoso.records.models import Confidentiality, Dossier

from . import cases
from .catalogue import kind_by_code
from .models import Case

APPLICANTS = [("Nguyễn Thị Hoa", "Con đẻ"), ("Lê Văn Nam", "Cháu nội, được ủy quyền"), ("Trần Thị Mai", "Vợ"),
              ("Phạm Văn Hùng", "Con đẻ"), ("Hoàng Thị Lan", "Con dâu"), ("Võ Văn Tâm", "Anh ruột"),
              ("Đặng Thị Thu", "Con đẻ")]


def demo_cases(*, desk: User | None, specialist: User | None, leader: User | None, today: dt.date | None = None) -> int:
    """The demo's cases about the first martyrs' dossiers; returns how many were made."""
    if Case.objects.exists():
        return 0
    today = today or cases.today()
    dossiers = list(Dossier.objects.filter(category__code="LS").filter(confidentiality=Confidentiality.NORMAL)
                    .select_related("subject").order_by("number")[:7])
    if len(dossiers) < 7:
        return 0
    people = iter(zip(dossiers, APPLICANTS, strict=True))

    def receive(kind: str, days_ago: int) -> Case:
        dossier, (name, relationship) = next(people)
        papers = kind_by_code(kind).current_version().papers_required
        return cases.receive_case(actor=desk, kind=kind, dossiers=[dossier], applicant=cases.Applicant(
            name=name, relationship=relationship, address=dossier.subject.residence_text or "",
            phone="09" + f"{dossier.pk:08d}"[-8:]), received_on=today - dt.timedelta(days=days_ago),
            papers_received=papers)

    def ago(days: int) -> dt.date:
        return today - dt.timedelta(days=days)

    receive("trich-luc", 0)  # new: waiting to be processed
    late = receive("trich-luc", 30)  # processed, past its date: overdue and escalated to the leader
    cases.start_processing(actor=specialist, case=late, on=ago(29))
    waiting = receive("di-chuyen-ho-so", 6)
    cases.start_processing(actor=specialist, case=waiting, on=ago(5))
    cases.request_papers(actor=specialist, case=waiting, missing=["Giấy xác nhận nơi cư trú mới"], on=ago(4))
    ready = receive("trich-luc", 8)  # approved, the extract drawn: to return
    cases.start_processing(actor=specialist, case=ready, on=ago(7))
    cases.decide(actor=leader, case=ready, decision_number=f"{ready.pk}/TL-SNV", on=ago(2))
    cases.make_document(actor=specialist, case=ready, kind="extract", on=ago(2))
    done = receive("trich-luc", 10)  # returned this week
    cases.start_processing(actor=specialist, case=done, on=ago(9))
    cases.decide(actor=leader, case=done, decision_number=f"{done.pk}/TL-SNV", on=ago(min(3, today.weekday())))
    cases.return_result(actor=desk, case=done, on=ago(min(3, today.weekday())))
    relatives = receive("bo-sung-than-nhan-liet-si", 3)  # at the leader's: adds a relative when approved
    cases.start_processing(actor=specialist, case=relatives, on=ago(2))
    cases.propose_change(actor=specialist, case=relatives, item={"full_name": "Nguyễn Thị Hương", "relationship": "con",
                                                                "birth_date": "1969"})
    worship = receive("tro-cap-tho-cung-liet-si", 1)
    cases.start_processing(actor=specialist, case=worship, on=today)
    cases.propose_change(actor=specialist, case=worship, item={"full_name": "Lê Văn Thờ", "relationship": "anh_chi_em"})
    return Case.objects.count()
