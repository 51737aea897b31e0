"""Loans of paper originals through archive.services: the life cycle, every refusal, overdue and reminders."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from hoso.access.permissions import Role
from hoso.archive import selectors
from hoso.archive import services as archive
from hoso.archive.models import Loan
from hoso.core.audit import verify_chain
from hoso.core.calendar import add_working_days, set_day
from hoso.core.models import AuditEvent
from hoso.records import services as records


def lend(officer, archivist, dossier, **due) -> Loan:
    loan = archive.request_loan(actor=officer, dossier=dossier, purpose="Trích lục cho thân nhân",
                                procedure="Trích lục, sao hồ sơ (Điều 129)")
    archive.approve_loan(actor=archivist, loan=loan)
    return archive.check_out_dossier(actor=archivist, loan=loan, **due)


def loan_actions(loan: Loan) -> list[str]:
    return list(AuditEvent.objects.filter(object_type="loan", object_id=str(loan.pk))
                .order_by("id").values_list("action", flat=True))


def test_the_life_cycle_request_approve_check_out_return(officer, archivist, martyr_dossier):
    loan = archive.request_loan(actor=officer, dossier=martyr_dossier, purpose="Đối chiếu bút tích",
                                procedure="Điều chỉnh thông tin cá nhân trong hồ sơ (Điều 130)")
    assert (loan.state, loan.borrower, loan.digitised) == (Loan.State.REQUESTED, officer, False)
    assert selectors.open_loan(dossier=martyr_dossier) == loan

    archive.approve_loan(actor=archivist, loan=loan)
    loan = archive.check_out_dossier(actor=archivist, loan=loan)
    today = timezone.localdate()
    assert loan.state == Loan.State.CHECKED_OUT
    assert loan.due_on == add_working_days(today, 10)
    assert loan.condition_out == martyr_dossier.physical_condition
    badge = selectors.checked_out_by_number(actor=officer, numbers=[martyr_dossier.number])
    assert badge[martyr_dossier.number].holder == "Cán bộ chính sách"

    loan = archive.return_dossier(actor=archivist, dossier=martyr_dossier, condition=loan.condition_out)
    assert (loan.state, loan.returned_to, loan.complete_back) == (Loan.State.RETURNED, archivist, True)
    assert selectors.open_loan(dossier=martyr_dossier) is None
    assert selectors.checked_out_by_number(actor=officer, numbers=[martyr_dossier.number]) == {}
    assert loan_actions(loan) == ["loan_request", "loan_approve", "loan_check_out", "loan_return"]
    assert AuditEvent.objects.filter(action="loan_return", summary__startswith=martyr_dossier.number).exists()
    assert verify_chain().ok


def test_a_dossier_already_on_loan_cannot_be_requested_again(officer, archivist, martyr_dossier, make_user):
    other = make_user(Role.POLICY_OFFICER, username="canbo2", full_name="Lê Văn Khác")
    first = archive.request_loan(actor=officer, dossier=martyr_dossier, purpose="Trích lục")
    with pytest.raises(ValidationError, match=f"đã có phiếu mượn số {first.pk} của Cán bộ chính sách"):
        archive.request_loan(actor=other, dossier=martyr_dossier, purpose="Xác minh")
    archive.approve_loan(actor=archivist, loan=first)
    archive.check_out_dossier(actor=archivist, loan=first)
    today = timezone.localdate().strftime("%d/%m/%Y")
    with pytest.raises(ValidationError, match=f"đang được mượn: Cán bộ chính sách giữ từ ngày {today}"):
        archive.request_loan(actor=other, dossier=martyr_dossier, purpose="Xác minh")
    assert Loan.objects.count() == 1


def test_the_database_itself_allows_one_open_loan_per_dossier(officer, archivist, martyr_dossier):
    now = timezone.now()
    Loan.objects.create(dossier=martyr_dossier, borrower=officer, purpose="a", requested_at=now)
    with pytest.raises(IntegrityError), transaction.atomic():
        Loan.objects.create(dossier=martyr_dossier, borrower=archivist, purpose="b", requested_at=now,
                            state=Loan.State.APPROVED)
    Loan.objects.create(dossier=martyr_dossier, borrower=archivist, purpose="c", requested_at=now,
                        state=Loan.State.RETURNED)  # closed loans are history: any number of them


def test_only_the_archivist_approves_hands_over_takes_back_and_reminds(officer, archivist, martyr_dossier):
    loan = archive.request_loan(actor=officer, dossier=martyr_dossier, purpose="Trích lục")
    for step in (lambda: archive.approve_loan(actor=officer, loan=loan),
                 lambda: archive.refuse_loan(actor=officer, loan=loan, reason="không"),
                 lambda: archive.check_out_dossier(actor=officer, loan=loan),
                 lambda: archive.return_dossier(actor=officer, dossier=martyr_dossier, condition="tot"),
                 lambda: archive.remind_borrower(actor=officer, loan=loan)):
        with pytest.raises(PermissionDenied, match="Quản lý kho"):
            step()
    loan.refresh_from_db()
    assert loan.state == Loan.State.REQUESTED


def test_requesting_needs_the_right_to_see_the_dossier(db, actor, martyr_dossier, make_dossier, make_user):
    auditor = make_user(Role.AUDITOR, username="kiemsoat")
    with pytest.raises(PermissionDenied):
        archive.request_loan(actor=auditor, dossier=martyr_dossier, purpose="Xem")
    officer = make_user(Role.POLICY_OFFICER, username="cb")
    secret = make_dossier("Nguyễn Văn Mật", confidentiality="mat")
    with pytest.raises(PermissionDenied, match="không có quyền xem hồ sơ này"):
        archive.request_loan(actor=officer, dossier=secret, purpose="Xem")
    assert not Loan.objects.exists()


def test_returning_what_was_never_lent_is_refused(officer, archivist, martyr_dossier):
    with pytest.raises(ValidationError, match="không được cho mượn: không có gì để nhận trả"):
        archive.return_dossier(actor=archivist, dossier=martyr_dossier, condition="tot")
    loan = archive.request_loan(actor=officer, dossier=martyr_dossier, purpose="Trích lục")
    with pytest.raises(ValidationError, match="không có gì để nhận trả"):  # requested is not lent
        archive.return_dossier(actor=archivist, dossier=martyr_dossier, condition="tot")
    with pytest.raises(ValidationError, match="Không thể giao hồ sơ: .* «Chờ duyệt»"):  # not approved yet
        archive.check_out_dossier(actor=archivist, loan=loan)
    archive.approve_loan(actor=archivist, loan=loan)
    with pytest.raises(ValidationError, match="Không thể duyệt"):
        archive.approve_loan(actor=archivist, loan=loan)
    archive.check_out_dossier(actor=archivist, loan=loan)
    archive.return_dossier(actor=archivist, dossier=martyr_dossier, condition="binh_thuong")
    with pytest.raises(ValidationError, match="không có gì để nhận trả"):  # returned twice
        archive.return_dossier(actor=archivist, dossier=martyr_dossier, condition="binh_thuong")
    with pytest.raises(ValidationError, match="Không thể nhắc trả"):
        archive.remind_borrower(actor=archivist, loan=loan)


def test_a_digitised_dossier_asks_why_the_paper_is_needed(officer, make_dossier):
    scanned = make_dossier("Hoàng Thị Số Hóa", status="da_quet")
    with pytest.raises(ValidationError) as error:
        archive.request_loan(actor=officer, dossier=scanned, purpose="Trích lục")
    assert "dùng bản số" in error.value.message_dict["paper_reason"][0]
    loan = archive.request_loan(actor=officer, dossier=scanned, purpose="Trích lục",
                                paper_reason="Cơ quan điều tra yêu cầu xuất trình bản gốc có dấu")
    assert loan.digitised and loan.paper_reason.startswith("Cơ quan điều tra")


def test_refused_and_cancelled_requests_free_the_dossier(officer, archivist, martyr_dossier, make_user):
    loan = archive.request_loan(actor=officer, dossier=martyr_dossier, purpose="Trích lục")
    with pytest.raises(ValidationError, match="lý do từ chối"):
        archive.refuse_loan(actor=archivist, loan=loan, reason="  ")
    loan = archive.refuse_loan(actor=archivist, loan=loan, reason="Đã có bản số hóa đầy đủ")
    assert (loan.state, loan.decided_by) == (Loan.State.REFUSED, archivist)
    again = archive.request_loan(actor=officer, dossier=martyr_dossier, purpose="Trích lục lần 2")
    stranger = make_user(Role.POLICY_OFFICER, username="cb3")
    with pytest.raises(PermissionDenied):
        archive.cancel_loan(actor=stranger, loan=again)
    assert archive.cancel_loan(actor=officer, loan=again).state == Loan.State.CANCELLED
    assert loan_actions(again) == ["loan_request", "loan_cancel"]


def test_return_condition_check_and_missing_sheets(officer, archivist, martyr_dossier):
    lend(officer, archivist, martyr_dossier, condition="binh_thuong")
    with pytest.raises(ValidationError, match="không đủ số tờ"):
        archive.return_dossier(actor=archivist, dossier=martyr_dossier, condition="hu_hong_nhe", complete=False)
    loan = archive.return_dossier(actor=archivist, dossier=martyr_dossier, condition="hu_hong_nhe", complete=False,
                                  note="Thiếu tờ 3 (giấy báo tử)")
    martyr_dossier.refresh_from_db()
    assert martyr_dossier.physical_condition == "hu_hong_nhe"  # the worse condition is now the dossier's
    assert loan.complete_back is False
    assert AuditEvent.objects.filter(action="update", object_type="dossier", object_id=str(martyr_dossier.pk),
                                     after__physical_condition="hu_hong_nhe").exists()


def test_due_date_cannot_be_in_the_past_and_follows_the_setting(officer, archivist, martyr_dossier, settings):
    settings.HOSO_LOAN_WORKING_DAYS = 3
    loan = archive.request_loan(actor=officer, dossier=martyr_dossier, purpose="Trích lục")
    archive.approve_loan(actor=archivist, loan=loan)
    with pytest.raises(ValidationError, match="Hạn trả không được trước ngày hôm nay"):
        archive.check_out_dossier(actor=archivist, loan=loan, due_on=timezone.localdate() - dt.timedelta(days=1))
    loan = archive.check_out_dossier(actor=archivist, loan=loan)
    assert loan.due_on == add_working_days(timezone.localdate(), 3)


def test_working_days_skip_weekends_public_holidays_and_configured_days(db):
    # The one calendar (core/calendar.py): in 2025 Saturday 26/4 was worked in exchange for Friday 2/5, so 30/4, 1/5
    # and 2/5 were off, then a weekend.
    friday = dt.date(2025, 4, 25)
    assert add_working_days(friday, 1) == dt.date(2025, 4, 26)
    assert add_working_days(friday, 3) == dt.date(2025, 4, 29)
    assert add_working_days(friday, 10) == dt.date(2025, 5, 13)
    set_day(actor=None, day=dt.date(2025, 5, 12), kind="day_off", note="Ngày nghỉ do quản trị đặt")
    assert add_working_days(friday, 10) == dt.date(2025, 5, 14)


def test_overdue_list_reminders_and_the_borrowers_view(officer, archivist, martyr_dossier, make_dossier):
    late = lend(officer, archivist, martyr_dossier)
    Loan.objects.filter(pk=late.pk).update(due_on=timezone.localdate() - dt.timedelta(days=3))
    soon = lend(officer, archivist, make_dossier("Đỗ Văn Sắp"), due_on=timezone.localdate())
    pending = archive.request_loan(actor=officer, dossier=make_dossier("Vũ Thị Chờ"), purpose="Trích lục")

    assert list(selectors.overdue_loans(actor=archivist)) == [late]
    desk = selectors.reminders(actor=archivist)
    assert ([x.pk for x in desk.overdue], [x.pk for x in desk.due_soon]) == ([late.pk], [soon.pk])
    assert (desk.waiting_approval, desk.waiting_checkout) == (1, 0)

    archive.remind_borrower(actor=archivist, loan=late)
    mine = selectors.reminders(actor=officer)
    assert mine.overdue == [] and mine.waiting_approval == 0  # the queue is the archivist's
    assert {x.pk for x in mine.mine} == {late.pk, soon.pk, pending.pk}
    assert next(x for x in mine.mine if x.pk == late.pk).reminded_at is not None
    assert "loan_remind" in loan_actions(late)


def test_a_dossier_out_on_loan_cannot_be_deleted(officer, archivist, martyr_dossier, actor):
    lend(officer, archivist, martyr_dossier)
    with pytest.raises(ValidationError, match="phiếu mượn chưa đóng"):
        records.delete_dossier(actor=actor, dossier=martyr_dossier)
    archive.return_dossier(actor=archivist, dossier=martyr_dossier, condition="binh_thuong")
    records.delete_dossier(actor=actor, dossier=martyr_dossier)
