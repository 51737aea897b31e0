"""Cases of one-stop procedures (procedures/cases.py): the desk receives, the specialist processes, the leader decides,
the desk returns the result; the clock stops while papers are awaited; wrong moves are refused with a message; a
case keeps the version of the procedure it started on; everyone sees only cases of dossiers they may see."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from hoso.access.permissions import Role
from hoso.core.models import AuditEvent
from hoso.procedures import cases
from hoso.procedures.catalogue import StepSpec, change_procedure
from hoso.procedures.models import Case, ProcedureKind
from hoso.procedures.queue import work_queue
from hoso.records import services as records

D = dt.date
State = Case.State


APRIL_24 = D(2026, 4, 24)


def receive(desk, dossier, kind="trich-luc", on=APRIL_24, **applicant):
    who = cases.Applicant(**({"name": "Nguyễn Thị Hoa", "relationship": "Con đẻ", "id_number": "044190001234",
                              "address": "xã Triệu Long", "phone": "0912345678"} | applicant))
    papers = ProcedureKind.objects.get(code=kind).current_version().papers_required  # all filed at the desk
    return cases.receive_case(actor=desk, kind=kind, dossiers=[dossier], received_on=on, applicant=who,
                              papers_received=papers)


def actions(case: Case) -> list[str]:
    return list(AuditEvent.objects.filter(object_type="case", object_id=str(case.pk)).order_by("id")
                .values_list("action", flat=True))


def test_an_extract_request_goes_from_the_desk_to_the_specialist_the_leader_and_back(desk, specialist, chief,
                                                                                      martyr_dossier):
    case = receive(desk, martyr_dossier)
    # Received Friday 24/4/2026; 12 days (Điều 129) end Wednesday 6/5/2026, a working day.
    assert (case.state, case.step, case.received_on, case.due_on) == (State.RECEIVED, 0, D(2026, 4, 24),
                                                                      D(2026, 5, 6))
    assert case.number == "TTHC-2026-00001" and len(case.tracking_code) == 8
    assert case.version.basis == "Điều 129 Nghị định 131/2021/NĐ-CP" and case.received_by == desk
    assert [(p.name, p.received_on) for p in case.papers.all()] == [
        ("Văn bản đề nghị trích lục, sao hồ sơ", D(2026, 4, 24))]

    case = cases.start_processing(actor=specialist, case=case, on=D(2026, 4, 28))
    assert (case.state, case.step, case.assignee) == (State.PROCESSING, 1, specialist)
    case = cases.decide(actor=chief, case=case, on=D(2026, 5, 4), note="Đồng ý trích lục")
    assert (case.state, case.decided_on) == (State.RESULT_READY, D(2026, 5, 4))
    assert case.steps.get().done_on == D(2026, 5, 4)
    case = cases.return_result(actor=desk, case=case, on=D(2026, 5, 5))
    assert (case.state, case.closed_on) == (State.RETURNED, D(2026, 5, 5))
    assert [(e.state, e.on) for e in case.history.all()] == [
        (State.RECEIVED, D(2026, 4, 24)), (State.PROCESSING, D(2026, 4, 28)), (State.RESULT_READY, D(2026, 5, 4)),
        (State.RETURNED, D(2026, 5, 5))]
    assert actions(case) == ["case_receive", "case_process", "case_decide", "case_return"]
    decided = AuditEvent.objects.get(action="case_decide")
    assert decided.actor == chief and decided.before["state"] == "processing"
    assert decided.after["state"] == "result_ready" and decided.after["note"] == "Đồng ý trích lục"
    assert list(martyr_dossier.cases.all()) == [case]  # the dossier knows its cases


def test_wrong_moves_are_refused_with_a_vietnamese_message(desk, specialist, chief, martyr_dossier):
    case = receive(desk, martyr_dossier)
    with pytest.raises(ValidationError, match="đang ở trạng thái «Đã tiếp nhận»: không thể trả kết quả"):
        cases.return_result(actor=desk, case=case)
    with pytest.raises(ValidationError, match="không thể duyệt kết quả"):
        cases.decide(actor=chief, case=case)
    with pytest.raises(ValidationError, match="lý do từ chối"):
        cases.refuse(actor=chief, case=case, reasons="  ")
    with pytest.raises(ValidationError, match="không thể trước ngày của bước trước \\(24/04/2026\\)"):
        cases.start_processing(actor=specialist, case=case, on=D(2026, 4, 23))
    with pytest.raises(ValidationError, match="không thể sau hôm nay"):
        cases.start_processing(actor=specialist, case=case, on=dt.date.today() + dt.timedelta(days=2))
    # Who may do what: the desk does not decide, the leader does not receive, nobody processes for someone who may not.
    with pytest.raises(PermissionDenied, match="Duyệt, quyết định"):
        cases.decide(actor=desk, case=case)
    with pytest.raises(PermissionDenied):
        receive(chief, martyr_dossier)
    with pytest.raises(ValidationError, match="không có quyền thụ lý"):
        cases.start_processing(actor=specialist, case=case, assignee=chief)
    case = cases.start_processing(actor=specialist, case=case, on=D(2026, 4, 27))
    with pytest.raises(ValidationError, match="đã ở bước cuối: trình lãnh đạo duyệt"):
        cases.advance(actor=specialist, case=case)
    case = cases.refuse(actor=chief, case=case, reasons="Người đề nghị không phải thân nhân của liệt sĩ.",
                        on=D(2026, 4, 29))
    assert (case.state, case.reasons, case.closed_on) == (State.REFUSED, "Người đề nghị không phải thân nhân của "
                                                          "liệt sĩ.", D(2026, 4, 29))
    for move in (lambda: cases.withdraw(actor=desk, case=case), lambda: cases.advance(actor=specialist, case=case),
                 lambda: cases.request_papers(actor=desk, case=case, missing=["Đơn"])):
        with pytest.raises(ValidationError, match="«Từ chối giải quyết»: không thể"):
            move()
    assert actions(case) == ["case_receive", "case_process", "case_refuse"]


def test_the_clock_stops_while_papers_are_awaited_and_restarts_when_they_are_complete(desk, specialist,
                                                                                     martyr_dossier):
    # Worship allowance (Điều 28): commune 5 working days → 7 working days → Sở 12 days. Received Thursday 20/8/2026
    # (Saturday 22/8 is worked, Monday 31/8, 1/9 and 2/9 are off): steps due 26/8, 9/9 and 21/9.
    case = receive(desk, martyr_dossier, kind="tro-cap-tho-cung-liet-si", on=D(2026, 8, 20))
    assert [s.due_on for s in case.steps.all()] == [D(2026, 8, 26), D(2026, 9, 9), D(2026, 9, 21)]
    assert case.due_on == D(2026, 9, 21)
    case = cases.start_processing(actor=specialist, case=case, on=D(2026, 8, 21))
    case = cases.request_papers(actor=specialist, case=case, missing=["Giấy ủy quyền thờ cúng"], on=D(2026, 8, 24),
                                note="Thiếu giấy ủy quyền của các thân nhân")
    assert case.state == State.WAITING_PAPERS
    assert case.papers.get(name="Giấy ủy quyền thờ cúng").received_on is None
    with pytest.raises(ValidationError, match="Còn thiếu giấy tờ: Giấy ủy quyền thờ cúng"):
        cases.papers_complete(actor=desk, case=case, received=[], on=D(2026, 9, 3))
    # Complete on Thursday 3/9: 25–28/8 and 3/9 (five working days) did not count; every due date moves.
    case = cases.papers_complete(actor=desk, case=case, on=D(2026, 9, 3))
    assert (case.state, case.step) == (State.PROCESSING, 1)  # back where it was
    assert case.papers.get(name="Giấy ủy quyền thờ cúng").received_on == D(2026, 9, 3)
    assert [s.due_on for s in case.steps.all()] == [D(2026, 9, 7), D(2026, 9, 16), D(2026, 9, 28)]
    assert case.due_on == D(2026, 9, 28)
    assert cases.pauses(case, on=D(2026, 9, 10)) == [(D(2026, 8, 24), D(2026, 9, 3))]
    assert actions(case)[-2:] == ["case_request_papers", "case_papers_complete"]


def test_a_case_waiting_for_papers_is_not_overdue_and_a_running_one_is(desk, specialist, chief, martyr_dossier,
                                                                       make_dossier):
    late = receive(desk, martyr_dossier, on=D(2026, 3, 2))  # due 16/3/2026
    waiting = receive(desk, make_dossier("Trần Văn Bình"), on=D(2026, 3, 2))
    cases.request_papers(actor=desk, case=waiting, missing=["Bản sao giấy khai sinh"], on=D(2026, 3, 3))
    overdue = cases.case_list(actor=desk, overdue=True, on=D(2026, 3, 20))
    assert list(overdue) == [late]
    assert list(cases.case_list(actor=desk, overdue=True, on=D(2026, 3, 16))) == []  # due today is not late
    late = cases.start_processing(actor=specialist, case=late, on=D(2026, 3, 3))
    queue = work_queue(actor=chief, on=D(2026, 3, 20))
    assert queue.overdue == [late] and queue.waiting_papers == [waiting]
    assert [s.case for s in queue.escalated] == [late]  # the leader sees the step past its date
    assert work_queue(actor=specialist, on=D(2026, 3, 20)).mine == [late]
    cases.decide(actor=chief, case=late, on=D(2026, 3, 20))
    assert list(cases.case_list(actor=desk, overdue=True, on=D(2026, 3, 20))) == []


def test_a_case_sent_to_another_body_comes_back_to_a_decision(desk, specialist, chief, martyr_dossier):
    case = receive(desk, martyr_dossier, kind="di-chuyen-ho-so", on=D(2026, 10, 1))
    assert [s.step.actor for s in case.steps.all()] == ["Sở Nội vụ", "Sở Nội vụ tỉnh nơi chuyển đến"]
    case = cases.start_processing(actor=specialist, case=case, on=D(2026, 10, 2))
    case = cases.send(actor=specialist, case=case, on=D(2026, 10, 5))
    assert (case.state, case.step, case.sent_to) == (State.SENT, 2, "Sở Nội vụ tỉnh nơi chuyển đến")
    assert case.steps.get(position=1).done_on == D(2026, 10, 5)
    with pytest.raises(ValidationError, match="không thể chuyển đến cơ quan khác"):
        cases.send(actor=specialist, case=case)
    case = cases.propose_change(actor=specialist, case=case, item={
        "to_province": "Hà Tĩnh", "recipient_agency": "Sở Nội vụ tỉnh Hà Tĩnh", "reason": "Chuyển nơi cư trú"})
    case = cases.decide(actor=chief, case=case, decision_number="0001/2026/PBDC", on=D(2026, 10, 14))
    assert (case.state, case.decision_number) == (State.RESULT_READY, "0001/2026/PBDC")
    assert case.transfers.get().to_province == "Hà Tĩnh"  # the decision started the transfer (Điều 131)


def test_the_applicant_may_withdraw_an_open_case(desk, martyr_dossier):
    case = receive(desk, martyr_dossier, on=D(2026, 5, 4))
    case = cases.withdraw(actor=desk, case=case, reason="Người nộp xin rút theo đơn", on=D(2026, 5, 5))
    assert (case.state, case.closed_on, case.reasons) == (State.WITHDRAWN, D(2026, 5, 5), "Người nộp xin rút theo đơn")


def test_a_change_to_the_catalogue_is_a_new_version_and_a_case_keeps_the_one_it_started_on(desk, admin_user,
                                                                                         officer, martyr_dossier):
    before = receive(desk, martyr_dossier, on=D(2026, 3, 2))
    kind = ProcedureKind.objects.get(code="trich-luc")
    with pytest.raises(PermissionDenied):
        change_procedure(actor=officer, kind=kind, note="x", steps=[StepSpec("UBND xã", 5)])
    with pytest.raises(ValidationError, match="lý do thay đổi"):
        change_procedure(actor=admin_user, kind=kind, note=" ", steps=[StepSpec("UBND xã", 5)])
    version = change_procedure(actor=admin_user, kind=kind, note="Phân cấp theo NĐ 129/2025/NĐ-CP",
                               steps=[StepSpec("UBND xã", 5, "working", "Trích lục")])
    assert version.number == 2 and version.name == before.version.name
    after = receive(desk, martyr_dossier, on=D(2026, 3, 2))
    assert (after.version, after.due_on) == (version, D(2026, 3, 9))  # 5 working days
    before.refresh_from_db()
    assert (before.version.number, before.due_on) == (1, D(2026, 3, 16))  # 12 days, as when it was received
    assert before.steps.get().step.actor == "Sở Nội vụ"
    event = AuditEvent.objects.get(action="procedure_version")
    assert event.before["steps"] == [["Sở Nội vụ", "Trích lục hoặc sao hồ sơ, lưu phiếu theo dõi", 12, "calendar",
                                     "bản gốc"]]
    assert event.after["steps"] == [["UBND xã", "Trích lục", 5, "working"]]


def test_receiving_needs_a_dossier_the_desk_may_see(desk, communes, make_user, actor):
    person = records.create_person(actor=actor, full_name="Lê Văn An", residence_unit=communes["b"])
    dossier = records.register_dossier(actor=actor, number="QTI/LS-00001/CM", category_code="LS", subject=person)
    commune_a = make_user(Role.COMMUNE_OFFICER, username="xa-a", scope=communes["a"])
    with pytest.raises(PermissionDenied, match="QTI/LS-00001/CM"):
        receive(commune_a, dossier)
    with pytest.raises(ValidationError, match="ít nhất một hồ sơ"):
        cases.receive_case(actor=desk, kind="trich-luc", dossiers=[])
    with pytest.raises(ValidationError, match="Không có thủ tục mã «khong-co»"):
        cases.receive_case(actor=desk, kind="khong-co", dossiers=[dossier])
    with pytest.raises(ValidationError, match="12 chữ số"):
        receive(desk, dossier, id_number="12345")


def test_a_commune_officer_sees_only_cases_of_dossiers_in_scope(desk, communes, make_user, actor, scanner):
    def dossier_in(commune, name, number):
        person = records.create_person(actor=actor, full_name=name, residence_unit=communes[commune])
        return records.register_dossier(actor=actor, number=number, category_code="LS", subject=person)

    in_a, in_b = dossier_in("a", "Lê Văn An", "QTI/LS-00001/CM"), dossier_in("b", "Trần Văn Bình", "QTI/LS-00002/CM")
    case_a, case_b = receive(desk, in_a), receive(desk, in_b)
    both = cases.receive_case(actor=desk, kind="trich-luc", dossiers=[in_a, in_b], received_on=D(2026, 4, 24))
    commune_a = make_user(Role.COMMUNE_OFFICER, username="xa-a", scope=communes["a"])
    assert set(cases.list_cases(actor=commune_a)) == {case_a, both}
    assert cases.view_case(actor=commune_a, number=case_b.number) is None
    assert cases.view_case(actor=commune_a, number=case_a.number.lower()) == case_a
    with pytest.raises(PermissionDenied):
        cases.start_processing(actor=commune_a, case=case_b)
    assert cases.start_processing(actor=commune_a, case=case_a).state == State.PROCESSING
    assert set(cases.list_cases(actor=desk)) == {case_a, case_b, both}
    assert cases.list_cases(actor=scanner) == []  # no case permission: no cases, even of visible dossiers
    reads = AuditEvent.objects.filter(action__in=["view_cases", "view_case"], actor=commune_a)
    assert [(e.action, e.after and e.after.get("total")) for e in reads] == [("view_cases", 2), ("view_case", None)]
