"""The records core: people, dossiers (hồ sơ), documents (tài liệu), pages, and category facts.

Field names follow Thông tư 02/2019/TT-BNV (18 fields of a hồ sơ, 22 of a văn bản) and
Nghị định 131/2021/NĐ-CP for the category facts. Only `records.services` writes these models.
"""

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

from hoso.gazetteer.models import AdminUnit

from .fields import PartialDateField


class Confidentiality(models.TextChoices):
    NORMAL = "thuong", "Thường"
    SECRET = "mat", "Mật"


class PhysicalCondition(models.TextChoices):
    GOOD = "tot", "Tốt"
    WORN = "binh_thuong", "Bình thường"
    DAMAGED = "hu_hong_nhe", "Hư hỏng nhẹ"
    FRAGILE = "hu_hong_nang", "Hư hỏng nặng (chỉ chụp ảnh)"


class Category(models.Model):
    """A group of người có công (Pháp lệnh 02/2020, Điều 3) or relatives; codes match dossier type codes."""

    code = models.CharField(max_length=3, unique=True)
    clause = models.CharField(max_length=2, blank=True, help_text="Điểm của Điều 3 Pháp lệnh 02/2020")
    name = models.CharField(max_length=200)
    sort_order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["sort_order", "code"]
        verbose_name = "diện đối tượng"
        verbose_name_plural = "diện đối tượng"

    def __str__(self) -> str:
        return self.name


class Person(models.Model):
    class Sex(models.TextChoices):
        MALE = "nam", "Nam"
        FEMALE = "nu", "Nữ"
        UNKNOWN = "", "Không rõ"

    full_name = models.CharField("họ và tên (như ghi trong hồ sơ)", max_length=200)
    family_name = models.CharField("họ", max_length=60, blank=True)
    middle_name = models.CharField("chữ đệm", max_length=80, blank=True)
    given_name = models.CharField("tên", max_length=60, blank=True)
    name_folded = models.CharField(max_length=200, db_index=True)
    sort_key = models.CharField(max_length=1000, db_index=True)
    sex = models.CharField("giới tính", max_length=3, choices=Sex.choices, blank=True)
    birth_date = PartialDateField("ngày sinh")
    death_date = PartialDateField("ngày mất / hy sinh")
    ethnicity = models.CharField("dân tộc", max_length=40, blank=True)
    hometown_text = models.CharField("nguyên quán (như ghi)", max_length=300, blank=True)
    hometown_unit = models.ForeignKey(AdminUnit, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    residence_text = models.CharField("trú quán (như ghi)", max_length=300, blank=True)
    residence_unit = models.ForeignKey(AdminUnit, null=True, blank=True, on_delete=models.PROTECT,
                                       related_name="+")
    national_id = models.CharField("số định danh cá nhân", max_length=12, blank=True)
    categories = models.ManyToManyField(Category, blank=True, related_name="people")
    notes = models.TextField("ghi chú", blank=True)
    merged_into = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="merged",
                                    help_text="Bản ghi trùng đã gộp vào người này (giữ lại để còn lịch sử)")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["sort_key", "id"]
        verbose_name = "người"
        verbose_name_plural = "người"

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
        NOT_STARTED = "chua_so_hoa", "Chưa số hóa"
        SCANNED = "da_quet", "Đã quét"
        ENTERED = "da_nhap", "Đã nhập liệu"
        VERIFIED = "da_kiem_tra", "Đã kiểm tra"
        ARCHIVED = "da_luu_tru", "Đã lưu trữ"

    number = models.CharField("số hồ sơ", max_length=40, unique=True)
    category = models.ForeignKey(Category, on_delete=models.PROTECT, related_name="dossiers")
    subject = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="dossiers")
    relatives = models.ManyToManyField(Person, through="DossierRelative", related_name="relative_in")
    # Thông tư 02/2019 — 18 fields of a hồ sơ.
    archive_code = models.CharField("mã hồ sơ", max_length=80, blank=True)
    agency_code = models.CharField("mã cơ quan lưu trữ", max_length=20, blank=True)
    fonds_code = models.CharField("mã phông", max_length=20, blank=True)
    catalogue = models.CharField("mục lục số / năm hình thành", max_length=20, blank=True)
    file_notation = models.CharField("số và ký hiệu hồ sơ", max_length=40, blank=True)
    title = models.CharField("tiêu đề", max_length=500)
    retention = models.CharField("thời hạn bảo quản", max_length=40, default="Vĩnh viễn")
    usage_mode = models.CharField("chế độ sử dụng", max_length=40, default="Hạn chế")
    language = models.CharField("ngôn ngữ", max_length=40, default="Tiếng Việt")
    start_date = PartialDateField("thời gian bắt đầu")
    end_date = PartialDateField("thời gian kết thúc")
    document_total = models.PositiveIntegerField("tổng số văn bản", null=True, blank=True)
    annotation = models.TextField("chú giải", blank=True)
    info_symbol = models.CharField("ký hiệu thông tin", max_length=60, blank=True)
    keywords = models.CharField("từ khóa", max_length=300, blank=True)
    sheet_count = models.PositiveIntegerField("số lượng tờ", null=True, blank=True)
    page_total = models.PositiveIntegerField("số lượng trang", null=True, blank=True)
    physical_condition = models.CharField("tình trạng vật lý", max_length=20, choices=PhysicalCondition.choices,
                                          default=PhysicalCondition.WORN)
    # Handling.
    confidentiality = models.CharField("độ mật", max_length=6, choices=Confidentiality.choices,
                                       default=Confidentiality.NORMAL)
    status = models.CharField("tình trạng số hóa", max_length=12, choices=Status.choices,
                              default=Status.NOT_STARTED, db_index=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["number"]
        verbose_name = "hồ sơ"
        verbose_name_plural = "hồ sơ"

    def __str__(self) -> str:
        return self.number

    @property
    def is_secret(self) -> bool:
        """Marked "mật" (for display: who may see it is records/visibility.py's question)."""
        return self.confidentiality == Confidentiality.SECRET


class DossierRelative(models.Model):
    class Relationship(models.TextChoices):
        FATHER = "cha", "Cha đẻ"
        MOTHER = "me", "Mẹ đẻ"
        WIFE = "vo", "Vợ"
        HUSBAND = "chong", "Chồng"
        CHILD = "con", "Con đẻ"
        ADOPTED_CHILD = "con_nuoi", "Con nuôi"
        FOSTER = "nuoi_ls", "Người có công nuôi liệt sĩ"
        SIBLING = "anh_chi_em", "Anh, chị, em"
        OTHER = "khac", "Khác"

    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="relative_links")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="relative_links")
    relationship = models.CharField("quan hệ", max_length=12, choices=Relationship.choices)
    receives_benefit = models.BooleanField("đang hưởng trợ cấp", default=False)
    keeps_worship = models.BooleanField("người thờ cúng", default=False)
    note = models.CharField("ghi chú", max_length=300, blank=True)

    class Meta:
        ordering = ["id"]
        constraints = [models.UniqueConstraint(fields=["dossier", "person"], name="relative_once_per_dossier")]


class Document(models.Model):
    """Tài liệu / văn bản in a dossier — the 22 fields of Thông tư 02/2019 (the dossier-level codes
    are read from the dossier)."""

    class Reliability(models.TextChoices):
        DIGITISED = "so_hoa", "Số hóa"
        BORN_DIGITAL = "goc_dien_tu", "Gốc điện tử"
        MIXED = "hon_hop", "Hỗn hợp"

    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="documents")
    identifier = models.CharField("mã định danh văn bản", max_length=60, blank=True)
    sequence = models.PositiveIntegerField("số thứ tự văn bản trong hồ sơ")
    doc_type = models.CharField("tên loại văn bản", max_length=100)
    number = models.CharField("số", max_length=30, blank=True)
    symbol = models.CharField("ký hiệu", max_length=60, blank=True)
    issued_on = PartialDateField("ngày tháng năm văn bản")
    issuer = models.CharField("cơ quan ban hành", max_length=200, blank=True)
    summary = models.CharField("trích yếu nội dung", max_length=500, blank=True)
    language = models.CharField("ngôn ngữ", max_length=40, default="Tiếng Việt")
    page_count = models.PositiveIntegerField("số trang", null=True, blank=True)
    notes = models.TextField("ghi chú", blank=True)
    info_symbol = models.CharField("ký hiệu thông tin", max_length=60, blank=True)
    keywords = models.CharField("từ khóa", max_length=300, blank=True)
    usage_mode = models.CharField("chế độ sử dụng", max_length=40, default="Hạn chế")
    reliability = models.CharField("mức độ tin cậy", max_length=12, choices=Reliability.choices,
                                   default=Reliability.DIGITISED)
    handwriting = models.CharField("bút tích", max_length=300, blank=True)
    physical_condition = models.CharField("tình trạng vật lý", max_length=20, choices=PhysicalCondition.choices,
                                          default=PhysicalCondition.WORN)
    confidentiality = models.CharField("độ mật", max_length=6, choices=Confidentiality.choices,
                                       default=Confidentiality.NORMAL)
    page_from = models.PositiveIntegerField("từ trang", null=True, blank=True)
    page_to = models.PositiveIntegerField("đến trang", null=True, blank=True)

    class Meta:
        ordering = ["dossier", "sequence"]
        constraints = [models.UniqueConstraint(fields=["dossier", "sequence"], name="document_sequence_unique")]
        verbose_name = "văn bản"
        verbose_name_plural = "văn bản"

    def __str__(self) -> str:
        return f"{self.doc_type} {self.number}/{self.symbol}".strip(" /")


class Page(models.Model):
    """One page image of a dossier. Files are referenced by SHA-256 (filled by the capture capability)."""

    class State(models.TextChoices):
        QUEUED = "queued", "Chờ xử lý"
        PROCESSING = "processing", "Đang xử lý"
        DONE = "done", "Hoàn tất"
        FAILED = "failed", "Lỗi"

    PENDING = (State.QUEUED, State.PROCESSING)  # waiting for the processing pipeline

    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="pages")
    document = models.ForeignKey(Document, null=True, blank=True, on_delete=models.SET_NULL, related_name="pages")
    sequence = models.PositiveIntegerField("trang số")
    master_sha256 = models.CharField(max_length=64, blank=True)
    original_name = models.CharField(max_length=255, blank=True)
    access_sha256 = models.CharField(max_length=64, blank=True)
    thumbnail_sha256 = models.CharField(max_length=64, blank=True)
    state = models.CharField(max_length=12, choices=State.choices, default=State.QUEUED)
    error = models.CharField(max_length=500, blank=True)
    ocr_text = models.TextField(blank=True)

    class Meta:
        ordering = ["dossier", "sequence"]
        constraints = [models.UniqueConstraint(fields=["dossier", "sequence"], name="page_sequence_unique")]


class MartyrRecord(models.Model):
    """Facts of a martyr dossier (Điều 130 NĐ 131/2021): sacrifice, unit, Bằng Tổ quốc ghi công, grave."""

    class GraveStatus(models.TextChoices):
        FOUND = "da_tim_thay", "Đã xác định mộ"
        NOT_FOUND = "chua_tim_thay", "Chưa tìm thấy mộ"
        UNKNOWN = "", "Chưa có thông tin"

    dossier = models.OneToOneField(Dossier, on_delete=models.CASCADE, related_name="martyr")
    enlisted_on = PartialDateField("ngày nhập ngũ")
    place_of_sacrifice = models.CharField("nơi hy sinh", max_length=300, blank=True)
    unit = models.CharField("cơ quan, đơn vị khi hy sinh", max_length=200, blank=True)
    rank = models.CharField("cấp bậc", max_length=60, blank=True)
    position = models.CharField("chức vụ", max_length=100, blank=True)
    circumstance = models.CharField("trường hợp hy sinh", max_length=300, blank=True)
    certificate_number = models.CharField("số Bằng Tổ quốc ghi công", max_length=40, blank=True)
    certificate_date = PartialDateField("ngày cấp Bằng")
    certificate_decision = models.CharField("quyết định cấp Bằng", max_length=60, blank=True)
    grave_status = models.CharField("tình trạng mộ", max_length=14, choices=GraveStatus.choices, blank=True)
    cemetery = models.CharField("nghĩa trang", max_length=200, blank=True)
    grave_plot = models.CharField("khu", max_length=20, blank=True)
    grave_row = models.CharField("hàng", max_length=20, blank=True)
    grave_number = models.CharField("số mộ", max_length=20, blank=True)


class InjuryAssessment(models.Model):
    """A medical assessment (biên bản giám định y khoa, Mẫu 78) with the body-injury rate."""

    class Kind(models.TextChoices):
        WOUND = "thuong_tat", "Thương tật"
        SICKNESS = "benh_tat", "Bệnh tật"
        TOXIN = "chat_doc", "Nhiễm chất độc hóa học"

    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="assessments")
    kind = models.CharField("loại", max_length=12, choices=Kind.choices, default=Kind.WOUND)
    assessed_on = PartialDateField("ngày giám định")
    rate_percent = models.PositiveSmallIntegerField(
        "tỷ lệ tổn thương cơ thể (%)", validators=[MinValueValidator(0), MaxValueValidator(100)])
    record_number = models.CharField("số biên bản", max_length=40, blank=True)
    council = models.CharField("hội đồng giám định", max_length=200, blank=True)
    notes = models.CharField("ghi chú", max_length=300, blank=True)

    class Meta:
        ordering = ["dossier", "assessed_on", "id"]


class BenefitDecision(models.Model):
    """A decision (quyết định) on recognition or benefits, with number, date, signer and amount."""

    class Kind(models.TextChoices):
        RECOGNITION = "cong_nhan", "Công nhận"
        MONTHLY = "hang_thang", "Trợ cấp hằng tháng"
        ONE_OFF = "mot_lan", "Trợ cấp một lần"
        SURVIVOR = "tuat", "Trợ cấp tuất"
        WORSHIP = "tho_cung", "Trợ cấp thờ cúng"
        CHANGE = "dieu_chinh", "Điều chỉnh"
        STOP = "dinh_chi", "Đình chỉ / thôi hưởng"

    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="decisions")
    beneficiary = models.ForeignKey(Person, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField("loại quyết định", max_length=12, choices=Kind.choices)
    number = models.CharField("số quyết định", max_length=40)
    signed_on = PartialDateField("ngày ký")
    signer = models.CharField("người ký", max_length=120, blank=True)
    monthly_amount = models.PositiveBigIntegerField("mức trợ cấp (đồng/tháng)", null=True, blank=True)
    starts_on = PartialDateField("hưởng từ")
    ends_on = PartialDateField("đến")
    notes = models.CharField("ghi chú", max_length=300, blank=True)

    class Meta:
        ordering = ["dossier", "signed_on", "id"]

