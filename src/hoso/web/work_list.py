"""Việc cần làm: the home page's work list, what waits for this user by what their role does. Each line is one
translated text with its count inside, so that English reads "1 page" / "2 pages"."""
from dataclasses import dataclass
from datetime import timedelta

from django.urls import reverse
from django.utils import timezone
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import mark_safe
from django.utils.translation import ngettext

from hoso.access.permissions import (
    CAPTURE,
    DECIDE_CASE,
    EDIT_DOSSIER,
    MANAGE_ARCHIVE,
    PROCESS_CASE,
    RECEIVE_CASE,
    VERIFY_DOSSIER,
    VIEW_AUDIT,
    VIEW_DOSSIER,
)
from hoso.access.rules import user_can
from hoso.archive import selectors as archive_selectors
from hoso.core.events import AuditAction
from hoso.procedures import cases as procedure_cases
from hoso.procedures import queue as procedure_queue
from hoso.records import selectors
from hoso.records.models import Dossier, Page
from hoso.reports import audit as audit_reports

from .templatetags.hoso import vn_number


@dataclass(frozen=True)
class WorkItem:
    text: str  # the whole line, through ngettext for this count: "%(count)s …", the count filled in by `line`
    count: int
    url: str
    urgent: bool = False

    @property
    def line(self) -> str:
        """The line as shown: the count, in Vietnamese digits and bold, inside the translated sentence."""
        number = format_html('<strong class="num">{}</strong>', vn_number(self.count))
        return mark_safe(conditional_escape(self.text) % {"count": number})  # noqa: S308 - both parts escaped


def work_list(actor) -> list[WorkItem]:
    """What waits for this user, by what their role does; each count links to the list behind it (the same
    visibility rule, so the list is as long as the count). Each line is one text with its count, so that English
    reads "1 page" / "2 pages"."""
    items: list[WorkItem] = []
    dossiers = reverse("dossier_list")
    steps = ((Dossier.Status.SCANNED, EDIT_DOSSIER), (Dossier.Status.ENTERED, VERIFY_DOSSIER),
             (Dossier.Status.VERIFIED, MANAGE_ARCHIVE))
    wanted = [status for status, permission in steps if user_can(actor, permission)]
    statuses = selectors.status_counts(actor=actor, statuses=wanted) if user_can(actor, VIEW_DOSSIER) else {}
    if user_can(actor, CAPTURE):
        pages = selectors.page_state_counts(actor=actor, states=[Page.State.FAILED, *Page.PENDING])
        n, batches = pages.get(Page.State.FAILED, 0), reverse("batch_list")
        items.append(WorkItem(ngettext("%(count)s Trang xử lý lỗi, cần quét lại hoặc thử lại",
                                       "%(count)s Trang xử lý lỗi, cần quét lại hoặc thử lại", n), n, batches,
                              urgent=True))
        n = sum(pages.get(state, 0) for state in Page.PENDING)
        items.append(WorkItem(ngettext("%(count)s Trang đang chờ xử lý", "%(count)s Trang đang chờ xử lý", n), n,
                              batches))
    if user_can(actor, EDIT_DOSSIER):
        n = statuses.get(Dossier.Status.SCANNED, 0)
        items.append(WorkItem(ngettext("%(count)s Hồ sơ đã quét, chờ nhập liệu",
                                       "%(count)s Hồ sơ đã quét, chờ nhập liệu", n), n,
                              f"{dossiers}?status={Dossier.Status.SCANNED}"))
    if user_can(actor, VERIFY_DOSSIER):
        n = statuses.get(Dossier.Status.ENTERED, 0)
        items.append(WorkItem(ngettext("%(count)s Hồ sơ đã nhập liệu, chờ kiểm tra",
                                       "%(count)s Hồ sơ đã nhập liệu, chờ kiểm tra", n), n,
                              f"{dossiers}?status={Dossier.Status.ENTERED}"))
    if user_can(actor, MANAGE_ARCHIVE):
        items += _archive_work(actor, statuses, dossiers)
    if user_can(actor, VIEW_AUDIT):
        since = timezone.now() - timedelta(days=7)
        n = audit_reports.failed_sign_in_windows_since(since)
        items.append(WorkItem(ngettext("%(count)s Lần đăng nhập sai trong 7 ngày (gộp theo phút)",
                                       "%(count)s Lần đăng nhập sai trong 7 ngày (gộp theo phút)", n), n,
                              f"{reverse('audit_list')}?action={AuditAction.LOGIN_FAILED}"
                              f"&since={timezone.localtime(since):%d/%m/%Y}"))
    if procedure_cases.may_work_on_cases(actor):
        items += _case_work(actor)
    return items


def _archive_work(actor, statuses: dict, dossiers: str) -> list[WorkItem]:
    loans = reverse("loan_list")
    reminders = archive_selectors.reminders(actor=actor)
    n = statuses.get(Dossier.Status.VERIFIED, 0)
    items = [WorkItem(ngettext("%(count)s Hồ sơ đã kiểm tra, chờ đưa vào kho",
                               "%(count)s Hồ sơ đã kiểm tra, chờ đưa vào kho", n), n,
                      f"{dossiers}?status={Dossier.Status.VERIFIED}")]
    n = reminders.waiting_approval
    items.append(WorkItem(ngettext("%(count)s Đề nghị mượn chờ duyệt", "%(count)s Đề nghị mượn chờ duyệt", n), n,
                          f"{loans}?state=requested"))
    n = reminders.waiting_checkout
    items.append(WorkItem(ngettext("%(count)s Phiếu mượn đã duyệt, chờ giao",
                                   "%(count)s Phiếu mượn đã duyệt, chờ giao", n), n, f"{loans}?state=approved"))
    n = archive_selectors.overdue_loans(actor=actor).count()
    items.append(WorkItem(ngettext("%(count)s Hồ sơ gốc quá hạn trả", "%(count)s Hồ sơ gốc quá hạn trả", n), n,
                          f"{loans}?state=overdue", urgent=True))
    return items


def _case_work(actor) -> list[WorkItem]:
    """One-stop procedures: each count is a list of «Việc của tôi»."""
    queue, buckets = reverse("case_queue"), procedure_queue.queue_buckets(actor=actor)

    def url(bucket: str) -> str:
        return f"{queue}?hang={bucket}"

    n = buckets["overdue"].count()
    items = [WorkItem(ngettext("%(count)s Hồ sơ thủ tục quá hạn", "%(count)s Hồ sơ thủ tục quá hạn", n), n,
                      url("overdue"), urgent=True)]
    if user_can(actor, DECIDE_CASE):
        n = buckets["to_decide"].count()
        items.append(WorkItem(ngettext("%(count)s Hồ sơ thủ tục chờ duyệt", "%(count)s Hồ sơ thủ tục chờ duyệt", n),
                              n, url("to_decide")))
        n = buckets["escalated"].count()
        items.append(WorkItem(ngettext("%(count)s Bước thủ tục quá hạn, cần đôn đốc",
                                       "%(count)s Bước thủ tục quá hạn, cần đôn đốc", n), n, url("escalated"),
                              urgent=True))
    if user_can(actor, PROCESS_CASE):
        n = buckets["received"].count()
        items.append(WorkItem(ngettext("%(count)s Hồ sơ thủ tục mới tiếp nhận, chờ thụ lý",
                                       "%(count)s Hồ sơ thủ tục mới tiếp nhận, chờ thụ lý", n), n, url("received")))
        n = buckets["mine"].count()
        items.append(WorkItem(ngettext("%(count)s Hồ sơ thủ tục tôi đang thụ lý",
                                       "%(count)s Hồ sơ thủ tục tôi đang thụ lý", n), n, url("mine")))
    if user_can(actor, RECEIVE_CASE):
        n = buckets["result_ready"].count()
        items.append(WorkItem(ngettext("%(count)s Hồ sơ thủ tục có kết quả, chờ trả",
                                       "%(count)s Hồ sơ thủ tục có kết quả, chờ trả", n), n, url("result_ready")))
    return items
