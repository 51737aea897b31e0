"""One-stop procedures (thủ tục hành chính theo cơ chế một cửa) and moves of dossiers between provinces.

- The catalogue (`ProcedureKind`, its `ProcedureVersion`s and their `ProcedureStep`s): what each procedure
  requires, who acts at each step and in how many days. An administrator's change makes a new version
  (procedures/catalogue.py); a case keeps the version it started on.
- A `Case` (hồ sơ thủ tục): one request received at the desk, its steps with their due dates, the papers
  received, its history and the papers produced for it. Only procedures/cases.py writes cases.
- `Transfer` is one outgoing move with its slip (phiếu báo di chuyển hồ sơ, Mẫu 93): created → sent → received,
  or returned by the receiving province (di chuyển hồ sơ, Điều 131 Nghị định 131/2021/NĐ-CP). Only
  `procedures.services` writes it.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

from hoso.access.models import User
from hoso.archive.models import Loan
from hoso.records.models import Dossier


class Transfer(models.Model):
    class State(models.TextChoices):
        CREATED = "created", _("Đã lập phiếu, chờ gửi")
        SENT = "sent", _("Đã gửi")
        RECEIVED = "received", _("Nơi nhận đã tiếp nhận")
        RETURNED = "returned", _("Bị trả lại")

    class Kind(models.TextChoices):
        ORIGINAL = "original", _("Hồ sơ gốc")
        EXTRACT = "extract", _("Bản trích lục (hồ sơ gốc giữ lại)")

    OPEN_STATES = (State.CREATED, State.SENT)

    number = models.CharField(_("số phiếu"), max_length=30, unique=True)
    dossier = models.ForeignKey(Dossier, on_delete=models.PROTECT, related_name="transfers")
    kind = models.CharField(_("hình thức"), max_length=10, choices=Kind.choices, default=Kind.ORIGINAL)
    kind_reason = models.CharField(_("lý do giữ hồ sơ gốc"), max_length=500, blank=True)
    to_province = models.CharField(_("chuyển đến tỉnh/thành phố"), max_length=120)
    to_province_code = models.CharField(_("mã tỉnh nơi đến"), max_length=3, blank=True)
    recipient_agency = models.CharField(_("cơ quan nhận"), max_length=200)
    new_address = models.CharField(_("nơi cư trú mới"), max_length=300, blank=True)
    reason = models.CharField(_("lý do di chuyển"), max_length=300)
    requested_on = models.DateField(_("ngày nhận đơn đề nghị"))
    state = models.CharField(_("trạng thái"), max_length=10, choices=State.choices, default=State.CREATED,
                             db_index=True)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    sent_on = models.DateField(_("ngày gửi"), null=True, blank=True)
    sent_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    received_on = models.DateField(_("ngày nơi nhận tiếp nhận"), null=True, blank=True)
    returned_on = models.DateField(_("ngày bị trả lại"), null=True, blank=True)
    return_reason = models.CharField(_("lý do trả lại"), max_length=300, blank=True)
    package_sha256 = models.CharField(_("gói hồ sơ điện tử (SHA-256)"), max_length=64, blank=True)
    package_size = models.BigIntegerField(null=True, blank=True)
    note = models.CharField(_("ghi chú"), max_length=300, blank=True)
    # The case (Điều 131) whose decision started this transfer, if any (procedures/links.py).
    case = models.ForeignKey("Case", null=True, blank=True, on_delete=models.SET_NULL, related_name="transfers",
                             verbose_name=_("hồ sơ thủ tục"))

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("phiếu di chuyển hồ sơ")
        verbose_name_plural = _("di chuyển hồ sơ")
        db_table = "archive_transfer"  # kept from before the re-cut (the model moved from archive)

    def __str__(self) -> str:
        return f"Phiếu {self.number}"

    @property
    def is_open(self) -> bool:
        return self.state in self.OPEN_STATES


# --- the catalogue -------------------------------------------------------------------------------------------


class ProcedureKind(models.Model):
    """A procedure of the catalogue, known by a stable code (`trich-luc`, `di-chuyen-ho-so`); what it says lives in
    its versions, the newest being the one new cases follow."""

    code = models.SlugField(_("mã thủ tục"), max_length=60, unique=True)
    sort_order = models.PositiveSmallIntegerField(_("thứ tự"), default=0)
    active = models.BooleanField(_("đang áp dụng"), default=True)

    class Meta:
        ordering = ["sort_order", "code"]
        verbose_name = _("thủ tục")
        verbose_name_plural = _("danh mục thủ tục")

    def __str__(self) -> str:
        return self.code

    def current_version(self) -> "ProcedureVersion | None":
        return self.versions.order_by("-number").first()


class ProcedureVersion(models.Model):
    """What a procedure says at one time: name, legal basis, papers, effect on the dossier, and its steps."""

    class Effect(models.TextChoices):
        NONE = "none", _("Không thay đổi hồ sơ")
        OPENS = "opens", _("Lập hồ sơ người có công mới")
        CHANGES = "changes", _("Thay đổi hồ sơ đang quản lý")

    kind = models.ForeignKey(ProcedureKind, on_delete=models.PROTECT, related_name="versions")
    number = models.PositiveIntegerField(_("phiên bản"))
    name = models.CharField(_("tên thủ tục"), max_length=300)
    basis = models.CharField(_("căn cứ pháp lý"), max_length=300)
    papers_required = models.JSONField(_("giấy tờ phải nộp"), default=list, blank=True)
    result_papers = models.JSONField(_("giấy tờ kết quả"), default=list, blank=True)
    effect = models.CharField(_("tác động đến hồ sơ"), max_length=8, choices=Effect.choices, default=Effect.NONE)
    note = models.CharField(_("lý do thay đổi"), max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["kind", "-number"]
        constraints = [models.UniqueConstraint(fields=["kind", "number"], name="procedure_version_once")]
        verbose_name = _("phiên bản thủ tục")
        verbose_name_plural = _("phiên bản thủ tục")

    def __str__(self) -> str:
        return f"{self.name} (phiên bản {self.number})"


class ProcedureStep(models.Model):
    """One step: who acts (xã, Sở, Bộ, a medical board, another province) and the legal time, in working days
    ("ngày làm việc") or days ("ngày"); 0 when the text sets none."""

    class Unit(models.TextChoices):  # the values of core.calendar.WORKING / CALENDAR
        WORKING = "working", _("ngày làm việc")
        CALENDAR = "calendar", _("ngày")

    version = models.ForeignKey(ProcedureVersion, on_delete=models.CASCADE, related_name="steps")
    position = models.PositiveSmallIntegerField(_("bước"))
    actor = models.CharField(_("cơ quan thực hiện"), max_length=200)
    task = models.CharField(_("việc phải làm"), max_length=300, blank=True)
    duration = models.PositiveSmallIntegerField(_("thời hạn"))
    unit = models.CharField(_("đơn vị thời hạn"), max_length=8, choices=Unit.choices)
    # The step works on the paper original: a case reaching it asks the archive to lend it (procedures/links.py).
    needs_original = models.BooleanField(_("cần hồ sơ gốc (bản giấy)"), default=False)

    class Meta:
        ordering = ["version", "position"]
        constraints = [models.UniqueConstraint(fields=["version", "position"], name="procedure_step_once")]
        verbose_name = _("bước thủ tục")
        verbose_name_plural = _("các bước thủ tục")

    def __str__(self) -> str:
        return f"{self.position}. {self.actor}: {self.duration_text}"

    @property
    def duration_text(self) -> str:
        return f"{self.duration} {self.get_unit_display()}" if self.duration else str(_("không quy định thời hạn"))


# --- cases ---------------------------------------------------------------------------------------------------


class Case(models.Model):
    """Hồ sơ thủ tục: a request received at the desk, about one or more dossiers, following one version of a
    procedure. received → processing (step N, by whom) → waiting for papers (the clock stops) → sent to another
    body → result ready → returned; or refused (with written reasons) or withdrawn."""

    class State(models.TextChoices):
        RECEIVED = "received", _("Đã tiếp nhận")
        PROCESSING = "processing", _("Đang thụ lý")
        WAITING_PAPERS = "waiting_papers", _("Chờ bổ sung giấy tờ")
        SENT = "sent", _("Đã chuyển cơ quan khác")
        RESULT_READY = "result_ready", _("Có kết quả, chờ trả")
        RETURNED = "returned", _("Đã trả kết quả")
        REFUSED = "refused", _("Từ chối giải quyết")
        WITHDRAWN = "withdrawn", _("Người nộp đã rút")

    # States in which the legal clock runs (a case in one of them past its due date is overdue).
    RUNNING = (State.RECEIVED, State.PROCESSING, State.SENT)
    OPEN = (*RUNNING, State.WAITING_PAPERS)
    CLOSED = (State.RETURNED, State.REFUSED, State.WITHDRAWN)

    number = models.CharField(_("số hồ sơ thủ tục"), max_length=20, unique=True)
    tracking_code = models.CharField(_("mã tra cứu"), max_length=12, unique=True)
    kind = models.ForeignKey(ProcedureKind, on_delete=models.PROTECT, related_name="cases", verbose_name=_("thủ tục"))
    version = models.ForeignKey(ProcedureVersion, on_delete=models.PROTECT, related_name="cases",
                                verbose_name=_("phiên bản thủ tục"))
    dossiers = models.ManyToManyField(Dossier, blank=True, related_name="cases", verbose_name=_("hồ sơ liên quan"))
    applicant_name = models.CharField(_("họ tên người nộp"), max_length=200, blank=True)
    applicant_relationship = models.CharField(_("quan hệ với người có công"), max_length=100, blank=True)
    applicant_id_number = models.CharField(_("số định danh cá nhân người nộp"), max_length=12, blank=True)
    applicant_address = models.CharField(_("địa chỉ người nộp"), max_length=300, blank=True)
    applicant_phone = models.CharField(_("điện thoại người nộp"), max_length=20, blank=True)
    received_on = models.DateField(_("ngày tiếp nhận"))
    due_on = models.DateField(_("ngày hẹn trả kết quả"))
    state = models.CharField(_("trạng thái"), max_length=16, choices=State.choices, default=State.RECEIVED,
                             db_index=True)
    step = models.PositiveSmallIntegerField(_("đang ở bước"), default=0)
    assignee = models.ForeignKey(User, null=True, blank=True, on_delete=models.PROTECT, related_name="+",
                                 verbose_name=_("người thụ lý"))
    sent_to = models.CharField(_("đã chuyển đến"), max_length=200, blank=True)
    decision_number = models.CharField(_("số văn bản kết quả"), max_length=60, blank=True)
    decided_on = models.DateField(_("ngày có kết quả"), null=True, blank=True)
    reasons = models.TextField(_("lý do từ chối, rút hồ sơ"), blank=True)
    closed_on = models.DateField(_("ngày kết thúc"), null=True, blank=True)
    external_ref = models.CharField(_("mã hồ sơ trên Cổng dịch vụ công"), max_length=60, blank=True)
    # What the decision changes in the dossier (procedures/changes.py), proposed while the case is processed and
    # applied through records services when the decision is recorded; then it also says when and how.
    change = models.JSONField(_("thay đổi hồ sơ theo kết quả"), default=dict, blank=True)
    received_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.PROTECT, related_name="+",
                                    verbose_name=_("người tiếp nhận"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-received_on", "-id"]
        verbose_name = _("hồ sơ thủ tục")
        verbose_name_plural = _("hồ sơ thủ tục")

    def __str__(self) -> str:
        return self.number


class CaseStep(models.Model):
    """A case's own copy of a step's schedule: its due date (moved by pauses) and when it was done."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="steps")
    step = models.ForeignKey(ProcedureStep, on_delete=models.PROTECT, related_name="+")
    position = models.PositiveSmallIntegerField(_("bước"))
    due_on = models.DateField(_("hạn của bước"))
    done_on = models.DateField(_("xong ngày"), null=True, blank=True)
    done_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["case", "position"]
        constraints = [models.UniqueConstraint(fields=["case", "position"], name="case_step_once")]


class CasePaper(models.Model):
    """A line of the checklist: a paper the applicant must file (or was asked to add) and when it arrived."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="papers")
    name = models.CharField(_("giấy tờ"), max_length=300)
    received_on = models.DateField(_("ngày nhận"), null=True, blank=True)

    class Meta:
        ordering = ["case", "id"]


class CaseEvent(models.Model):
    """The case's status history (what the desk, the leader and a portal adapter read); the audit trail has the same
    with who did it. `on` is the day it took effect, which the legal clock counts from."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="history")
    on = models.DateField(_("ngày"))
    at = models.DateTimeField(auto_now_add=True)
    state = models.CharField(_("trạng thái"), max_length=16, choices=Case.State.choices)
    step = models.PositiveSmallIntegerField(_("bước"), default=0)
    actor = models.ForeignKey(User, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    note = models.CharField(_("ghi chú"), max_length=500, blank=True)

    class Meta:
        ordering = ["case", "id"]


class CaseDocument(models.Model):
    """A paper produced for a case (PDF to print, DOCX to edit before signing), kept in the blob store."""

    class Kind(models.TextChoices):
        RECEIPT = "receipt", _("Phiếu tiếp nhận và hẹn trả kết quả")
        SUPPLEMENT = "supplement", _("Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ")
        REFUSAL = "refusal", _("Phiếu từ chối giải quyết hồ sơ")
        HANDOVER = "handover", _("Phiếu chuyển hồ sơ")
        EXTRACT = "extract", _("Bản trích lục hồ sơ người có công")

    class Format(models.TextChoices):
        PDF = "pdf", _("PDF")
        DOCX = "docx", _("DOCX (Word)")

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="documents")
    kind = models.CharField(_("loại giấy tờ"), max_length=10, choices=Kind.choices)
    format = models.CharField(_("định dạng"), max_length=4, choices=Format.choices)
    dossier = models.ForeignKey(Dossier, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    sha256 = models.CharField(_("mã SHA-256 của tệp"), max_length=64)
    size = models.BigIntegerField(_("kích thước (byte)"))
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["case", "id"]

    @property
    def filename(self) -> str:
        return f"{self.kind}-{self.case.number}.{self.format}"


class CaseLoan(models.Model):
    """A loan of a paper original (archive.Loan, phiếu mượn hồ sơ) requested for a case, at a step that needs it."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="loans")
    loan = models.OneToOneField(Loan, on_delete=models.CASCADE, related_name="case_link")
    step = models.PositiveSmallIntegerField(_("bước"), default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["case", "id"]


class CaseFile(models.Model):
    """A paper the applicant filed, scanned or photographed and uploaded to the case (checked as capture checks a
    scan: imaging/checks.py), kept byte for byte in the blob store."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="files")
    paper = models.ForeignKey(CasePaper, null=True, blank=True, on_delete=models.SET_NULL, related_name="files",
                              verbose_name=_("giấy tờ trong danh sách"))
    title = models.CharField(_("giấy tờ"), max_length=300)
    original_name = models.CharField(_("tên tệp"), max_length=255)
    kind = models.CharField(_("định dạng"), max_length=8)
    pages = models.PositiveIntegerField(_("số trang"), default=1)
    sha256 = models.CharField(_("mã SHA-256 của tệp"), max_length=64)
    size = models.BigIntegerField(_("kích thước (byte)"))
    uploaded_at = models.DateTimeField(auto_now_add=True)
    uploaded_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["case", "id"]

    @property
    def content_type(self) -> str:
        return {"pdf": "application/pdf", "jpeg": "image/jpeg", "png": "image/png",
                "tiff": "image/tiff"}.get(self.kind, "application/octet-stream")


class TrackingLookup(models.Model):
    """One look-up on the public tracking page (tra cứu hồ sơ): who asked (a keyed hash of the address, never the
    address) and whether a case was found. Counted to slow down guessing (procedures/tracking.py)."""

    client = models.CharField(max_length=64, db_index=True)
    at = models.DateTimeField(db_index=True)
    found = models.BooleanField(default=False)

    class Meta:
        ordering = ["-at"]
