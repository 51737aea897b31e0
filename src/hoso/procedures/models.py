"""Moving dossiers between provinces (di chuyển hồ sơ, Điều 131 Nghị định 131/2021/NĐ-CP).

`Transfer` is one outgoing move with its slip (phiếu báo di chuyển hồ sơ, Mẫu 93): created → sent → received,
or returned by the receiving province. Only `procedures.services` writes it.
"""

from django.db import models

from hoso.access.models import User
from hoso.records.models import Dossier


class Transfer(models.Model):
    class State(models.TextChoices):
        CREATED = "created", "Đã lập phiếu, chờ gửi"
        SENT = "sent", "Đã gửi"
        RECEIVED = "received", "Nơi nhận đã tiếp nhận"
        RETURNED = "returned", "Bị trả lại"

    class Kind(models.TextChoices):
        ORIGINAL = "original", "Hồ sơ gốc"
        EXTRACT = "extract", "Bản trích lục (hồ sơ gốc giữ lại)"

    OPEN_STATES = (State.CREATED, State.SENT)

    number = models.CharField("số phiếu", max_length=30, unique=True)
    dossier = models.ForeignKey(Dossier, on_delete=models.PROTECT, related_name="transfers")
    kind = models.CharField("hình thức", max_length=10, choices=Kind.choices, default=Kind.ORIGINAL)
    kind_reason = models.CharField("lý do giữ hồ sơ gốc", max_length=500, blank=True)
    to_province = models.CharField("chuyển đến tỉnh/thành phố", max_length=120)
    to_province_code = models.CharField("mã tỉnh nơi đến", max_length=3, blank=True)
    recipient_agency = models.CharField("cơ quan nhận", max_length=200)
    new_address = models.CharField("nơi cư trú mới", max_length=300, blank=True)
    reason = models.CharField("lý do di chuyển", max_length=300)
    requested_on = models.DateField("ngày nhận đơn đề nghị")
    state = models.CharField("trạng thái", max_length=10, choices=State.choices, default=State.CREATED,
                             db_index=True)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    sent_on = models.DateField("ngày gửi", null=True, blank=True)
    sent_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    received_on = models.DateField("ngày nơi nhận tiếp nhận", null=True, blank=True)
    returned_on = models.DateField("ngày bị trả lại", null=True, blank=True)
    return_reason = models.CharField("lý do trả lại", max_length=300, blank=True)
    package_sha256 = models.CharField("gói hồ sơ điện tử (SHA-256)", max_length=64, blank=True)
    package_size = models.BigIntegerField(null=True, blank=True)
    note = models.CharField("ghi chú", max_length=300, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = "phiếu di chuyển hồ sơ"
        verbose_name_plural = "di chuyển hồ sơ"
        db_table = "archive_transfer"  # kept from before the re-cut (the model moved from archive)

    def __str__(self) -> str:
        return f"Phiếu {self.number}"

    @property
    def is_open(self) -> bool:
        return self.state in self.OPEN_STATES
