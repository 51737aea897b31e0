"""The digitisation workflow of a dossier (chưa số hóa → đã quét → đã nhập liệu → đã kiểm tra → đã lưu trữ)."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from hoso.access.models import User
from hoso.access.permissions import CAPTURE, EDIT_DOSSIER, MANAGE_ARCHIVE, VERIFY_DOSSIER
from hoso.access.rules import user_can
from hoso.core.audit import record_event
from hoso.core.events import AuditAction
from hoso.core.i18n import vietnamese
from hoso.core.models import AuditEvent
from hoso.records.models import Dossier, Page
from hoso.records.services.dossiers import update_dossier

WORKFLOW = (Dossier.Status.NOT_STARTED, Dossier.Status.SCANNED, Dossier.Status.ENTERED, Dossier.Status.VERIFIED,
            Dossier.Status.ARCHIVED)


def may_change_status(actor: User | None, current: str, target: str) -> bool:
    """Forward, the permission of the step reached (scan: CAPTURE, entered: EDIT_DOSSIER, verified:
    VERIFY_DOSSIER, archived: MANAGE_ARCHIVE); back, the permission of the step undone — and a verifier may
    send data back to be entered again."""
    if actor is None:
        return True
    needs = {Dossier.Status.NOT_STARTED: CAPTURE, Dossier.Status.SCANNED: CAPTURE,
             Dossier.Status.ENTERED: EDIT_DOSSIER, Dossier.Status.VERIFIED: VERIFY_DOSSIER,
             Dossier.Status.ARCHIVED: MANAGE_ARCHIVE}
    forward = WORKFLOW.index(target) > WORKFLOW.index(current)
    if user_can(actor, needs[target if forward else current]):
        return True
    return not forward and current == Dossier.Status.ENTERED and user_can(actor, VERIFY_DOSSIER)


def data_enterers(*, dossier: Dossier) -> set[int]:
    """Users who entered this dossier's data: who marked it "đã nhập liệu" (latest time), and who created or
    edited its documents. Read from the audit trail, which nobody can rewrite unnoticed."""
    users: set[int] = set()
    events = AuditEvent.objects.filter(object_type="dossier", object_id=str(dossier.pk),
                                       action__in=[AuditAction.UPDATE, AuditAction.SET_STATUS]).order_by("-id")
    for event in events.only("actor_id", "after").iterator():
        if isinstance(event.after, dict) and event.after.get("status") == Dossier.Status.ENTERED:
            if event.actor_id:
                users.add(event.actor_id)
            break
    doc_ids = [str(i) for i in dossier.documents.values_list("pk", flat=True)]
    users |= set(AuditEvent.objects.filter(object_type="document", object_id__in=doc_ids,
                                           action__in=[AuditAction.CREATE, AuditAction.UPDATE], actor__isnull=False)
                 .values_list("actor_id", flat=True))
    return users


def set_dossier_status(*, actor: User, dossier: Dossier, status: str, note: str = "") -> Dossier:
    """Move a dossier along scanned → entered → verified → archived (one step forward, or back with a note).

    "Đã kiểm tra" (verified) means a second person compared the entered data with the page images: it must
    be someone other than who entered the data, and needs the VERIFY_DOSSIER permission."""
    if status not in WORKFLOW:
        raise ValidationError(_("Tình trạng số hóa không hợp lệ."))
    note = (note or "").strip()[:300]
    with transaction.atomic():
        dossier = Dossier.objects.select_for_update().get(pk=dossier.pk)
        current = WORKFLOW.index(dossier.status)
        target = WORKFLOW.index(status)
        label = Dossier.Status(status).label
        if target != current and not may_change_status(actor, dossier.status, status):
            raise PermissionDenied(_("Bạn không có quyền chuyển hồ sơ sang «%(status)s».") % {"status": label})
        if target == current:
            raise ValidationError(_("Hồ sơ đã ở tình trạng «%(status)s».") % {"status": label})
        if target > current + 1:
            raise ValidationError(_("Chưa thể chuyển sang «%(status)s»: hồ sơ đang ở «%(current)s», cần qua "
                                    "«%(next)s» trước.") % {"status": label, "current": dossier.get_status_display(),
                                                            "next": WORKFLOW[current + 1].label})
        if target < current and not note:
            raise ValidationError(_("Khi trả hồ sơ về bước trước, hãy ghi lý do."))
        if status == Dossier.Status.SCANNED and target > current and not dossier.pages.exists():
            raise ValidationError(_("Hồ sơ chưa có trang số hóa nào, chưa thể đánh dấu «Đã quét»."))
        pending = dossier.pages.filter(state__in=Page.PENDING)
        if status == Dossier.Status.ENTERED and target > current and pending.exists():
            raise ValidationError(_("Còn trang đang chờ xử lý: hãy đợi xử lý xong rồi đánh dấu «Đã nhập liệu»."))
        if status == Dossier.Status.VERIFIED and actor is not None and actor.pk in data_enterers(dossier=dossier):
            raise ValidationError(_("Người kiểm tra phải khác người đã nhập liệu hồ sơ này: hãy nhờ một cán bộ khác "
                                    "đối chiếu dữ liệu với ảnh trang."))
        before = dossier.status
        update_dossier(actor=actor, dossier=dossier, status=status)
        record_event(actor=actor, action=AuditAction.SET_STATUS, obj=dossier,
                     summary=f"{dossier.number}: {vietnamese(label)}",
                     before={"status": before}, after={"status": status, "note": note or None})
    return dossier


def reopen_after_edit(*, actor: User | None, dossier: Dossier, reason: str) -> Dossier:
    """Data changed after a second person verified it (or after it went to the archive) is no longer verified:
    the dossier goes back to «Đã nhập liệu», waiting for a verifier, with the reason in the audit trail."""
    reason = (reason or "").strip()[:300]
    if not reason:
        raise ValidationError({"edit_reason": _("Hồ sơ đã kiểm tra hoặc đã lưu trữ: hãy ghi lý do sửa.")})
    with transaction.atomic():
        dossier = Dossier.objects.select_for_update().get(pk=dossier.pk)
        if WORKFLOW.index(dossier.status) <= WORKFLOW.index(Dossier.Status.ENTERED):
            return dossier
        before = dossier.status
        update_dossier(actor=actor, dossier=dossier, status=Dossier.Status.ENTERED)
        record_event(actor=actor, action=AuditAction.SET_STATUS, obj=dossier,
                     summary=f"{dossier.number}: {vietnamese(Dossier.Status.ENTERED.label)} (sửa sau kiểm tra)",
                     before={"status": before}, after={"status": Dossier.Status.ENTERED, "note": reason})
    return dossier
