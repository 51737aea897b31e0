"""The records core: people, dossiers (hồ sơ), documents (tài liệu), pages, and category facts.

Field names follow Thông tư 02/2019/TT-BNV (18 fields of a hồ sơ, 22 of a văn bản) and
Nghị định 131/2021/NĐ-CP for the category facts. Only `records.services` writes these models.
"""

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from hoso.gazetteer.models import AdminUnit

from .categories import category_label
from .fields import PartialDateField


class Confidentiality(models.TextChoices):
    NORMAL = "thuong", _("Thường")
    SECRET = "mat", _("Mật")


class PhysicalCondition(models.TextChoices):
    GOOD = "tot", _("Tốt")
    WORN = "binh_thuong", _("Bình thường")
    DAMAGED = "hu_hong_nhe", _("Hư hỏng nhẹ")
    FRAGILE = "hu_hong_nang", _("Hư hỏng nặng (chỉ chụp ảnh)")


class Category(models.Model):
    """A group of người có công (Pháp lệnh 02/2020, Điều 3) or relatives; codes match dossier type codes."""

    code = models.CharField(max_length=3, unique=True)
    clause = models.CharField(max_length=2, blank=True, help_text=_("Điểm của Điều 3 Pháp lệnh 02/2020"))
    name = models.CharField(max_length=200)
    sort_order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["sort_order", "code"]
        verbose_name = _("diện đối tượng")
        verbose_name_plural = _("diện đối tượng")

    def __str__(self) -> str:
        return self.name  # as stored, in Vietnamese: what exports and the audit log write

    @property
    def label(self) -> str:
        """The name as the user reads it, in the user's language (the stored name stays Vietnamese)."""
        return category_label(self.name)


class Person(models.Model):
    class Sex(models.TextChoices):
        MALE = "nam", _("Nam")
        FEMALE = "nu", _("Nữ")
        UNKNOWN = "", _("Không rõ")

    full_name = models.CharField(_("họ và tên (như ghi trong hồ sơ)"), max_length=200)
    family_name = models.CharField(_("họ"), max_length=60, blank=True)
    middle_name = models.CharField(_("chữ đệm"), max_length=80, blank=True)
    given_name = models.CharField(_("tên"), max_length=60, blank=True)
    name_folded = models.CharField(max_length=200, db_index=True)
    sort_key = models.CharField(max_length=1000, db_index=True)
    sex = models.CharField(_("giới tính"), max_length=3, choices=Sex.choices, blank=True)
    birth_date = PartialDateField(_("ngày sinh"))
    death_date = PartialDateField(_("ngày mất / hy sinh"))
    ethnicity = models.CharField(_("dân tộc"), max_length=40, blank=True)
    hometown_text = models.CharField(_("nguyên quán (như ghi)"), max_length=300, blank=True)
    hometown_unit = models.ForeignKey(AdminUnit, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    residence_text = models.CharField(_("trú quán (như ghi)"), max_length=300, blank=True)
    residence_unit = models.ForeignKey(AdminUnit, null=True, blank=True, on_delete=models.PROTECT,
                                       related_name="+")
    national_id = models.CharField(_("số định danh cá nhân"), max_length=12, blank=True)
    categories = models.ManyToManyField(Category, blank=True, related_name="people")
    notes = models.TextField(_("ghi chú"), blank=True)
    merged_into = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="merged",
                                    help_text=_("Bản ghi trùng đã gộp vào người này (giữ lại để còn lịch sử)"))
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["sort_key", "id"]
        verbose_name = _("người")
        verbose_name_plural = _("người")

    def __str__(self) -> str:
        return self.full_name


class Alias(models.Model):
    """Bí danh: another name a person was known by."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="aliases")
    name = models.CharField(max_length=200)
    name_folded = models.CharField(max_length=200, db_index=True)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return self.name


class Dossier(models.Model):
    """Hồ sơ gốc: one paper dossier, its number and the archival fields of Thông tư 02/2019."""

    class Status(models.TextChoices):
        NOT_STARTED = "chua_so_hoa", _("Chưa số hóa")
        SCANNED = "da_quet", _("Đã quét")
        ENTERED = "da_nhap", _("Đã nhập liệu")
        VERIFIED = "da_kiem_tra", _("Đã kiểm tra")
        ARCHIVED = "da_luu_tru", _("Đã lưu trữ")

    number = models.CharField(_("số hồ sơ"), max_length=40, unique=True)
    category = models.ForeignKey(Category, on_delete=models.PROTECT, related_name="dossiers")
    subject = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="dossiers")
    relatives = models.ManyToManyField(Person, through="DossierRelative", related_name="relative_in")
    # Thông tư 02/2019 — 18 fields of a hồ sơ.
    archive_code = models.CharField(_("mã hồ sơ"), max_length=80, blank=True)
    agency_code = models.CharField(_("mã cơ quan lưu trữ"), max_length=20, blank=True)
    fonds_code = models.CharField(_("mã phông"), max_length=20, blank=True)
    catalogue = models.CharField(_("mục lục số / năm hình thành"), max_length=20, blank=True)
    file_notation = models.CharField(_("số và ký hiệu hồ sơ"), max_length=40, blank=True)
    title = models.CharField(_("tiêu đề"), max_length=500)
    retention = models.CharField(_("thời hạn bảo quản"), max_length=40, default="Vĩnh viễn")
    usage_mode = models.CharField(_("chế độ sử dụng"), max_length=40, default="Hạn chế")
    language = models.CharField(_("ngôn ngữ"), max_length=40, default="Tiếng Việt")
    start_date = PartialDateField(_("thời gian bắt đầu"))
    end_date = PartialDateField(_("thời gian kết thúc"))
    document_total = models.PositiveIntegerField(_("tổng số văn bản"), null=True, blank=True)
    annotation = models.TextField(_("chú giải"), blank=True)
    info_symbol = models.CharField(_("ký hiệu thông tin"), max_length=60, blank=True)
    keywords = models.CharField(_("từ khóa"), max_length=300, blank=True)
    sheet_count = models.PositiveIntegerField(_("số lượng tờ"), null=True, blank=True)
    page_total = models.PositiveIntegerField(_("số lượng trang"), null=True, blank=True)
    physical_condition = models.CharField(_("tình trạng vật lý"), max_length=20, choices=PhysicalCondition.choices,
                                          default=PhysicalCondition.WORN)
    # Handling.
    confidentiality = models.CharField(_("độ mật"), max_length=6, choices=Confidentiality.choices,
                                       default=Confidentiality.NORMAL)
    status = models.CharField(_("tình trạng số hóa"), max_length=12, choices=Status.choices,
                              default=Status.NOT_STARTED, db_index=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["number"]
        verbose_name = pgettext_lazy("model", "hồ sơ")
        verbose_name_plural = _("hồ sơ")

    def __str__(self) -> str:
        return self.number

    @property
    def is_secret(self) -> bool:
        """Marked "mật" (for display: who may see it is records/visibility.py's question)."""
        return self.confidentiality == Confidentiality.SECRET


class DossierRelative(models.Model):
    class Relationship(models.TextChoices):
        FATHER = "cha", _("Cha đẻ")
        MOTHER = "me", _("Mẹ đẻ")
        WIFE = "vo", _("Vợ")
        HUSBAND = "chong", _("Chồng")
        CHILD = "con", _("Con đẻ")
        ADOPTED_CHILD = "con_nuoi", _("Con nuôi")
        FOSTER = "nuoi_ls", _("Người có công nuôi liệt sĩ")
        SIBLING = "anh_chi_em", _("Anh, chị, em")
        OTHER = "khac", _("Khác")

    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="relative_links")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="relative_links")
    relationship = models.CharField(_("quan hệ"), max_length=12, choices=Relationship.choices)
    receives_benefit = models.BooleanField(_("đang hưởng trợ cấp"), default=False)
    keeps_worship = models.BooleanField(_("người thờ cúng"), default=False)
    note = models.CharField(_("ghi chú"), max_length=300, blank=True)

    class Meta:
        ordering = ["id"]
        constraints = [models.UniqueConstraint(fields=["dossier", "person"], name="relative_once_per_dossier")]


class Document(models.Model):
    """Tài liệu / văn bản in a dossier — the 22 fields of Thông tư 02/2019 (the dossier-level codes
    are read from the dossier)."""

    class Reliability(models.TextChoices):
        DIGITISED = "so_hoa", pgettext_lazy("model", "Số hóa")
        BORN_DIGITAL = "goc_dien_tu", _("Gốc điện tử")
        MIXED = "hon_hop", _("Hỗn hợp")

    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="documents")
    identifier = models.CharField(_("mã định danh văn bản"), max_length=60, blank=True)
    sequence = models.PositiveIntegerField(_("số thứ tự văn bản trong hồ sơ"))
    doc_type = models.CharField(_("tên loại văn bản"), max_length=100)
    number = models.CharField(_("số"), max_length=30, blank=True)
    symbol = models.CharField(_("ký hiệu"), max_length=60, blank=True)
    issued_on = PartialDateField(_("ngày tháng năm văn bản"))
    issuer = models.CharField(_("cơ quan ban hành"), max_length=200, blank=True)
    summary = models.CharField(_("trích yếu nội dung"), max_length=500, blank=True)
    language = models.CharField(_("ngôn ngữ"), max_length=40, default="Tiếng Việt")
    page_count = models.PositiveIntegerField(_("số trang"), null=True, blank=True)
    notes = models.TextField(_("ghi chú"), blank=True)
    info_symbol = models.CharField(_("ký hiệu thông tin"), max_length=60, blank=True)
    keywords = models.CharField(_("từ khóa"), max_length=300, blank=True)
    usage_mode = models.CharField(_("chế độ sử dụng"), max_length=40, default="Hạn chế")
    reliability = models.CharField(_("mức độ tin cậy"), max_length=12, choices=Reliability.choices,
                                   default=Reliability.DIGITISED)
    handwriting = models.CharField(_("bút tích"), max_length=300, blank=True)
    physical_condition = models.CharField(_("tình trạng vật lý"), max_length=20, choices=PhysicalCondition.choices,
                                          default=PhysicalCondition.WORN)
    confidentiality = models.CharField(_("độ mật"), max_length=6, choices=Confidentiality.choices,
                                       default=Confidentiality.NORMAL)
    page_from = models.PositiveIntegerField(_("từ trang"), null=True, blank=True)
    page_to = models.PositiveIntegerField(_("đến trang"), null=True, blank=True)

    class Meta:
        ordering = ["dossier", "sequence"]
        constraints = [models.UniqueConstraint(fields=["dossier", "sequence"], name="document_sequence_unique")]
        verbose_name = _("văn bản")
        verbose_name_plural = _("văn bản")

    def __str__(self) -> str:
        return f"{self.doc_type} {self.number}/{self.symbol}".strip(" /")


class Page(models.Model):
    """One page image of a dossier. Files are referenced by SHA-256 (filled by the capture capability)."""

    class State(models.TextChoices):
        QUEUED = "queued", _("Chờ xử lý")
        PROCESSING = "processing", _("Đang xử lý")
        DONE = "done", _("Hoàn tất")
        FAILED = "failed", pgettext_lazy("model", "Lỗi")

    PENDING = (State.QUEUED, State.PROCESSING)  # waiting for the processing pipeline

    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="pages")
    document = models.ForeignKey(Document, null=True, blank=True, on_delete=models.SET_NULL, related_name="pages")
    sequence = models.PositiveIntegerField(_("trang số"))
    master_sha256 = models.CharField(max_length=64, blank=True)
    original_name = models.CharField(max_length=255, blank=True)
    access_sha256 = models.CharField(max_length=64, blank=True)
    thumbnail_sha256 = models.CharField(max_length=64, blank=True)
    # The page as the viewer shows it (a JPEG made with the access copy; derived, made again by `hoso screens`).
    screen_sha256 = models.CharField(max_length=64, blank=True)
    state = models.CharField(max_length=12, choices=State.choices, default=State.QUEUED)
    error = models.CharField(max_length=500, blank=True)
    ocr_text = models.TextField(blank=True)

    class Meta:
        ordering = ["dossier", "sequence"]
        constraints = [models.UniqueConstraint(fields=["dossier", "sequence"], name="page_sequence_unique")]
        # The work list's counts of pages waiting or failed: a few among millions of done pages.
        indexes = [models.Index(fields=["state"], condition=~models.Q(state="done"), name="page_state_not_done")]


class MartyrRecord(models.Model):
    """Facts of a martyr dossier (Điều 130 NĐ 131/2021): sacrifice, unit, Bằng Tổ quốc ghi công, grave."""

    class GraveStatus(models.TextChoices):
        FOUND = "da_tim_thay", _("Đã xác định mộ")
        NOT_FOUND = "chua_tim_thay", _("Chưa tìm thấy mộ")
        UNKNOWN = "", _("Chưa có thông tin")

    dossier = models.OneToOneField(Dossier, on_delete=models.CASCADE, related_name="martyr")
    enlisted_on = PartialDateField(_("ngày nhập ngũ"))
    place_of_sacrifice = models.CharField(_("nơi hy sinh"), max_length=300, blank=True)
    unit = models.CharField(_("cơ quan, đơn vị khi hy sinh"), max_length=200, blank=True)
    rank = models.CharField(_("cấp bậc"), max_length=60, blank=True)
    position = models.CharField(_("chức vụ"), max_length=100, blank=True)
    circumstance = models.CharField(_("trường hợp hy sinh"), max_length=300, blank=True)
    certificate_number = models.CharField(_("số Bằng Tổ quốc ghi công"), max_length=40, blank=True)
    certificate_date = PartialDateField(_("ngày cấp Bằng"))
    certificate_decision = models.CharField(_("quyết định cấp Bằng"), max_length=60, blank=True)
    grave_status = models.CharField(_("tình trạng mộ"), max_length=14, choices=GraveStatus.choices, blank=True)
    cemetery = models.CharField(_("nghĩa trang"), max_length=200, blank=True)
    grave_plot = models.CharField(_("khu"), max_length=20, blank=True)
    grave_row = models.CharField(_("hàng"), max_length=20, blank=True)
    grave_number = models.CharField(_("số mộ"), max_length=20, blank=True)


class InjuryAssessment(models.Model):
    """A medical assessment (biên bản giám định y khoa, Mẫu 78) with the body-injury rate."""

    class Kind(models.TextChoices):
        WOUND = "thuong_tat", _("Thương tật")
        SICKNESS = "benh_tat", _("Bệnh tật")
        TOXIN = "chat_doc", _("Nhiễm chất độc hóa học")

    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="assessments")
    kind = models.CharField(_("loại"), max_length=12, choices=Kind.choices, default=Kind.WOUND)
    assessed_on = PartialDateField(_("ngày giám định"))
    rate_percent = models.PositiveSmallIntegerField(
        _("tỷ lệ tổn thương cơ thể (%)"), validators=[MinValueValidator(0), MaxValueValidator(100)])
    record_number = models.CharField(_("số biên bản"), max_length=40, blank=True)
    council = models.CharField(_("hội đồng giám định"), max_length=200, blank=True)
    notes = models.CharField(_("ghi chú"), max_length=300, blank=True)

    class Meta:
        ordering = ["dossier", "assessed_on", "id"]


class BenefitDecision(models.Model):
    """A decision (quyết định) on recognition or benefits, with number, date, signer and amount."""

    class Kind(models.TextChoices):
        RECOGNITION = "cong_nhan", _("Công nhận")
        MONTHLY = "hang_thang", _("Trợ cấp hằng tháng")
        ONE_OFF = "mot_lan", _("Trợ cấp một lần")
        SURVIVOR = "tuat", _("Trợ cấp tuất")
        WORSHIP = "tho_cung", _("Trợ cấp thờ cúng")
        CHANGE = "dieu_chinh", _("Điều chỉnh")
        STOP = "dinh_chi", _("Đình chỉ / thôi hưởng")

    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="decisions")
    beneficiary = models.ForeignKey(Person, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(_("loại quyết định"), max_length=12, choices=Kind.choices)
    number = models.CharField(_("số quyết định"), max_length=40)
    signed_on = PartialDateField(_("ngày ký"))
    signer = models.CharField(_("người ký"), max_length=120, blank=True)
    monthly_amount = models.PositiveBigIntegerField(_("mức trợ cấp (đồng/tháng)"), null=True, blank=True)
    starts_on = PartialDateField(_("hưởng từ"))
    ends_on = PartialDateField(_("đến"))
    notes = models.CharField(_("ghi chú"), max_length=300, blank=True)

    class Meta:
        ordering = ["dossier", "signed_on", "id"]

