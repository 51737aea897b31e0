"""The paper archive: where each original dossier (hồ sơ gốc) is, who has it, and since when.

Storage is a tree kho → giá → tầng/ngăn → hộp; a dossier's place (`Placement`) is a box. Loans of originals
(phiếu mượn hồ sơ) go requested → approved → checked_out → returned (or refused / cancelled); at most one loan
of a dossier is open at a time. Inventory checks (kiểm kê) keep what was scanned and what differed.
Only `archive.services` writes these models.
"""

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from hoso.access.models import User
from hoso.records.models import Dossier, PhysicalCondition


class Location(models.Model):
    """A place in the store. `code` is the path (K01-G02-T03-H015): printed on box labels, scanned in
    inventory checks, and the descendants of a location are the codes that start with its code and "-"."""

    class Kind(models.TextChoices):
        STORE = "kho", _("Kho")
        RACK = "gia", _("Giá")
        SHELF = "tang", _("Tầng / ngăn")
        BOX = "hop", _("Hộp")

    kind = models.CharField(_("loại"), max_length=4, choices=Kind.choices)
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="children")
    code = models.CharField(_("mã vị trí"), max_length=40, unique=True)
    name = models.CharField(_("tên"), max_length=120, blank=True)
    capacity = models.PositiveIntegerField(
        _("sức chứa"), null=True, blank=True,
        help_text=_("Hộp: số hồ sơ tối đa; kho, giá, tầng: số vị trí con tối đa. Để trống: không giới hạn."))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("vị trí lưu trữ")
        verbose_name_plural = _("vị trí lưu trữ")

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        """Its name if it has one, else the kind and the last part of the code ("Hộp H015")."""
        return self.name or f"{self.get_kind_display()} {self.code.rsplit('-', 1)[-1]}"

    @property
    def is_box(self) -> bool:
        return self.kind == self.Kind.BOX


# The level below each kind (a box holds dossiers, not locations).
CHILD_KIND = {Location.Kind.STORE: Location.Kind.RACK, Location.Kind.RACK: Location.Kind.SHELF,
              Location.Kind.SHELF: Location.Kind.BOX}
CODE_LETTER = {Location.Kind.STORE: "K", Location.Kind.RACK: "G", Location.Kind.SHELF: "T", Location.Kind.BOX: "H"}


class Placement(models.Model):
    """Where a dossier belongs: its box. A dossier on loan keeps its placement (its home)."""

    dossier = models.OneToOneField(Dossier, on_delete=models.CASCADE, related_name="placement")
    box = models.ForeignKey(Location, on_delete=models.PROTECT, related_name="placements")
    placed_at = models.DateTimeField(_("đặt vào từ"))
    placed_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["box", "dossier__number"]


class Movement(models.Model):
    """One move of a dossier between boxes (history of where it was; the audit trail has the same)."""

    class Reason(models.TextChoices):
        MOVE = "move", _("Chuyển hộp")
        INVENTORY = "inventory", _("Cập nhật theo kiểm kê")

    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="movements")
    from_box = models.ForeignKey(Location, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    to_box = models.ForeignKey(Location, on_delete=models.PROTECT, related_name="+")
    reason = models.CharField(max_length=10, choices=Reason.choices, default=Reason.MOVE)
    at = models.DateTimeField()
    by = models.ForeignKey(User, null=True, blank=True, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-at", "-id"]


class Loan(models.Model):
    """Phiếu mượn hồ sơ: one loan of a paper original, from request to return."""

    class State(models.TextChoices):
        REQUESTED = "requested", _("Chờ duyệt")
        APPROVED = "approved", _("Đã duyệt, chờ giao")
        CHECKED_OUT = "checked_out", _("Đang mượn")
        RETURNED = "returned", _("Đã trả")
        REFUSED = "refused", _("Bị từ chối")
        CANCELLED = "cancelled", _("Đã hủy")

    OPEN_STATES = (State.REQUESTED, State.APPROVED, State.CHECKED_OUT)

    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="loans")
    borrower = models.ForeignKey(User, on_delete=models.PROTECT, related_name="archive_loans",
                                 verbose_name=_("người mượn"))
    purpose = models.CharField(_("mục đích mượn"), max_length=300)
    procedure = models.CharField(_("phục vụ thủ tục"), max_length=200, blank=True)
    digitised = models.BooleanField(_("hồ sơ đã số hóa khi đề nghị"), default=False)
    paper_reason = models.CharField(_("lý do cần bản giấy"), max_length=500, blank=True)
    state = models.CharField(_("trạng thái"), max_length=12, choices=State.choices, default=State.REQUESTED,
                             db_index=True)
    requested_at = models.DateTimeField(_("ngày đề nghị"))
    decided_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.CharField(_("ghi chú duyệt / lý do từ chối, hủy"), max_length=300, blank=True)
    checked_out_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    checked_out_at = models.DateTimeField(_("ngày giao"), null=True, blank=True)
    due_on = models.DateField(_("hạn trả"), null=True, blank=True)
    condition_out = models.CharField(_("tình trạng khi giao"), max_length=20, choices=PhysicalCondition.choices,
                                     blank=True)
    reminded_at = models.DateTimeField(_("đã nhắc trả lúc"), null=True, blank=True)
    returned_to = models.ForeignKey(User, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    returned_at = models.DateTimeField(_("ngày trả"), null=True, blank=True)
    condition_back = models.CharField(_("tình trạng khi trả"), max_length=20, choices=PhysicalCondition.choices,
                                      blank=True)
    complete_back = models.BooleanField(_("trả đủ số tờ"), null=True, blank=True)
    return_note = models.CharField(_("ghi chú khi trả"), max_length=300, blank=True)

    class Meta:
        ordering = ["-requested_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["dossier"], condition=Q(state__in=["requested", "approved", "checked_out"]),
                                    name="archive_one_open_loan_per_dossier"),
        ]
        verbose_name = _("phiếu mượn hồ sơ")
        verbose_name_plural = _("phiếu mượn hồ sơ")

    def __str__(self) -> str:
        return f"Phiếu mượn số {self.pk}"

    @property
    def is_open(self) -> bool:
        return self.state in self.OPEN_STATES

    @property
    def holder(self) -> str:
        return self.borrower.get_full_name() or self.borrower.get_username()

    @property
    def overdue(self) -> bool:
        return self.state == self.State.CHECKED_OUT and self.due_on is not None and self.due_on < timezone.localdate()


class InventoryCheck(models.Model):
    """Kiểm kê: a walk of a shelf or box with the scanner, and what differed from the records.

    `results` holds lists of entries {"number", "detail"} under found / missing / misplaced / unexpected /
    on_loan; `moves` the (dossier id, box id) pairs that "cập nhật vị trí theo kiểm kê" would apply."""

    location = models.ForeignKey(Location, on_delete=models.PROTECT, related_name="inventory_checks")
    checked_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    checked_at = models.DateTimeField(_("ngày kiểm kê"))
    scanned = models.JSONField(default=list)
    results = models.JSONField(default=dict)
    moves = models.JSONField(default=list)
    note = models.CharField(_("ghi chú"), max_length=300, blank=True)
    applied_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    applied_at = models.DateTimeField(_("đã cập nhật vị trí lúc"), null=True, blank=True)

    class Meta:
        ordering = ["-checked_at", "-id"]
        verbose_name = _("đợt kiểm kê")
        verbose_name_plural = _("kiểm kê")

    def count(self, key: str) -> int:
        return len(self.results.get(key, []))


