"""Serializers of the records API: `…Record` for what is read back, `…Write`/`…Create` for what is sent.

Write serializers only check shapes (lengths, choices, dates); records.services does the domain checks and
the writing. Messages are Vietnamese.
"""

from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from hoso.gazetteer.models import AdminUnit
from hoso.records.models import (
    Confidentiality,
    Document,
    Dossier,
    DossierRelative,
    MartyrRecord,
    Person,
    PhysicalCondition,
)
from hoso.records.visibility import SECRET_NOT_CLEARED, confidentiality_choices

from .fields import (
    Choice,
    Integer,
    PartialDateInput,
    Text,
    TextList,
    UnitId,
    VietnameseSerializer,
)
from .serializers import DossierSerializer

LONG_TEXT = 10_000


@extend_schema_field({"type": "string", "nullable": True, "pattern": r"^\d{4}(-\d{2}(-\d{2})?)?$",
                      "example": "1972-05", "description": "Ngày có thể thiếu, dạng ISO: 1947, 1972-05, 1972-05-12"})
class PartialDateOutput(serializers.Field):
    def __init__(self, **kwargs):
        kwargs["read_only"] = True
        super().__init__(**kwargs)

    def to_representation(self, value):
        return value.iso() if value else None


# ---- read -------------------------------------------------------------------------------------------------------

class PersonRecordSerializer(serializers.ModelSerializer):
    birth_date = PartialDateOutput()
    death_date = PartialDateOutput()
    aliases = serializers.SlugRelatedField(many=True, read_only=True, slug_field="name")
    categories = serializers.SlugRelatedField(many=True, read_only=True, slug_field="code")

    class Meta:
        model = Person
        fields = ["id", "full_name", "family_name", "middle_name", "given_name", "aliases", "sex", "birth_date",
                  "death_date", "ethnicity", "hometown_text", "hometown_unit", "residence_text", "residence_unit",
                  "national_id", "categories", "notes"]
        read_only_fields = fields


class MartyrFactsSerializer(serializers.ModelSerializer):
    enlisted_on = PartialDateOutput()
    certificate_date = PartialDateOutput()

    class Meta:
        model = MartyrRecord
        exclude = ["id", "dossier"]


class RelativeLinkSerializer(serializers.ModelSerializer):
    person_id = serializers.IntegerField(read_only=True)
    full_name = serializers.CharField(source="person.full_name", read_only=True)

    class Meta:
        model = DossierRelative
        fields = ["person_id", "full_name", "relationship", "receives_benefit", "keeps_worship", "note"]


class DossierRecordSerializer(DossierSerializer):
    """A dossier with its archival fields (Thông tư 02/2019), subject, relatives and martyr facts."""

    subject = PersonRecordSerializer(read_only=True)
    start_date = PartialDateOutput()
    end_date = PartialDateOutput()
    martyr = MartyrFactsSerializer(read_only=True, allow_null=True)
    relatives = RelativeLinkSerializer(source="relative_links", many=True, read_only=True)

    class Meta(DossierSerializer.Meta):
        fields = [*DossierSerializer.Meta.fields, "archive_code", "agency_code", "fonds_code", "catalogue",
                  "file_notation", "retention", "usage_mode", "language", "start_date", "end_date", "document_total",
                  "annotation", "info_symbol", "keywords", "sheet_count", "page_total", "martyr", "relatives",
                  "created_at", "updated_at"]
        read_only_fields = fields


class DocumentRecordSerializer(serializers.ModelSerializer):
    dossier = serializers.SlugRelatedField(read_only=True, slug_field="number")
    issued_on = PartialDateOutput()

    class Meta:
        model = Document
        fields = ["id", "dossier", "identifier", "sequence", "doc_type", "number", "symbol", "issued_on", "issuer",
                  "summary", "language", "page_count", "notes", "info_symbol", "keywords", "usage_mode",
                  "reliability", "handwriting", "physical_condition", "confidentiality", "page_from", "page_to"]
        read_only_fields = fields


# ---- write ------------------------------------------------------------------------------------------------------

def _units():
    return AdminUnit.objects.all()


class PersonWriteSerializer(VietnameseSerializer):
    """A person (người có công or thân nhân). Name parts are derived from full_name when not given."""

    full_name = Text(max_length=200, required=True, allow_blank=False, help_text="Họ và tên như ghi trong hồ sơ")
    family_name = Text(max_length=60)
    middle_name = Text(max_length=80)
    given_name = Text(max_length=60)
    sex = Choice(Person.Sex.choices)
    birth_date = PartialDateInput()
    death_date = PartialDateInput()
    ethnicity = Text(max_length=40)
    hometown_text = Text(max_length=300)
    hometown_unit = UnitId(queryset=_units(), required=False, allow_null=True)
    residence_text = Text(max_length=300)
    residence_unit = UnitId(queryset=_units(), required=False, allow_null=True)
    national_id = Text(max_length=12, help_text="12 chữ số (CMND cũ: 9 chữ số)")
    notes = Text(max_length=LONG_TEXT)
    aliases = TextList(item_length=200, help_text="Bí danh")
    categories = TextList(item_length=3, max_length=20, help_text="Mã diện đối tượng, ví dụ LS, TB, TN")


class MartyrFactsWriteSerializer(VietnameseSerializer):
    """Facts of a martyr dossier (hồ sơ liệt sĩ): sacrifice, unit, Bằng Tổ quốc ghi công, grave."""

    enlisted_on = PartialDateInput()
    place_of_sacrifice = Text(max_length=300)
    unit = Text(max_length=200)
    rank = Text(max_length=60)
    position = Text(max_length=100)
    circumstance = Text(max_length=300)
    certificate_number = Text(max_length=40)
    certificate_date = PartialDateInput()
    certificate_decision = Text(max_length=60)
    grave_status = Choice(MartyrRecord.GraveStatus.choices)
    cemetery = Text(max_length=200)
    grave_plot = Text(max_length=20)
    grave_row = Text(max_length=20)
    grave_number = Text(max_length=20)


class DossierWriteSerializer(VietnameseSerializer):
    """The fields of a dossier that can be changed (the subject person is changed at /api/people/)."""

    number = Text(max_length=60, required=True, allow_blank=False, help_text="Số hồ sơ, ví dụ QTI/LS-07956/CM")
    category = Text(max_length=10, required=True, allow_blank=False, help_text="Mã diện đối tượng, ví dụ LS")
    title = Text(max_length=500, allow_blank=False)
    archive_code = Text(max_length=80)
    agency_code = Text(max_length=20)
    fonds_code = Text(max_length=20)
    catalogue = Text(max_length=20)
    file_notation = Text(max_length=40)
    retention = Text(max_length=40, allow_blank=False)
    usage_mode = Text(max_length=40, allow_blank=False)
    language = Text(max_length=40, allow_blank=False)
    start_date = PartialDateInput()
    end_date = PartialDateInput()
    document_total = Integer(allow_null=True)
    annotation = Text(max_length=LONG_TEXT)
    info_symbol = Text(max_length=60)
    keywords = Text(max_length=300)
    sheet_count = Integer(allow_null=True)
    page_total = Integer(allow_null=True)
    physical_condition = Choice(PhysicalCondition.choices)
    confidentiality = Choice(Confidentiality.choices)
    status = Choice(Dossier.Status.choices)
    martyr = MartyrFactsWriteSerializer(required=False, help_text="Chỉ cho hồ sơ liệt sĩ (diện LS)")

    def validate(self, attrs):
        start, end = attrs.get("start_date"), attrs.get("end_date")
        if start and end and end.latest() < start.earliest():
            raise serializers.ValidationError({"end_date": _("Thời gian kết thúc không thể trước thời gian bắt đầu.")})
        return attrs


class DossierCreateSerializer(DossierWriteSerializer):
    """A new dossier: its subject is an existing person (`subject_id`) or a new one (`subject`)."""

    subject_id = Integer(min_value=1, help_text="Người có công đã có (người bạn vừa tạo hoặc đang xem được)")
    subject = PersonWriteSerializer(required=False, help_text="Hoặc: thông tin người có công mới")

    def validate(self, attrs):
        attrs = super().validate(attrs)
        if ("subject_id" in attrs) == ("subject" in attrs):
            raise serializers.ValidationError(
                {"subject": _("Cần đúng một trong hai: subject_id (người đã có) hoặc subject (người mới).")})
        return attrs


class DocumentWriteSerializer(VietnameseSerializer):
    """A document (văn bản) of a dossier: the fields of Thông tư 02/2019."""

    identifier = Text(max_length=60)
    sequence = Integer(min_value=1, help_text="Số thứ tự trong hồ sơ; bỏ trống khi tạo: số tiếp theo")
    doc_type = Text(max_length=100, required=True, allow_blank=False, help_text="Tên loại văn bản")
    number = Text(max_length=30)
    symbol = Text(max_length=60)
    issued_on = PartialDateInput()
    issuer = Text(max_length=200)
    summary = Text(max_length=500)
    language = Text(max_length=40, allow_blank=False)
    page_count = Integer(allow_null=True)
    notes = Text(max_length=LONG_TEXT)
    info_symbol = Text(max_length=60)
    keywords = Text(max_length=300)
    usage_mode = Text(max_length=40, allow_blank=False)
    reliability = Choice(Document.Reliability.choices)
    handwriting = Text(max_length=300)
    physical_condition = Choice(PhysicalCondition.choices)
    confidentiality = Choice(Confidentiality.choices)
    page_from = Integer(min_value=1, allow_null=True)
    page_to = Integer(min_value=1, allow_null=True)

    def validate_confidentiality(self, value):
        if value not in dict(confidentiality_choices(self.context["request"].user)):
            raise serializers.ValidationError(SECRET_NOT_CLEARED)
        return value

    def validate(self, attrs):
        document = self.instance
        first = attrs.get("page_from", document.page_from if document else None)
        last = attrs.get("page_to", document.page_to if document else None)
        if first and last and last < first:
            raise serializers.ValidationError({"page_to": _("Trang cuối không thể trước trang đầu.")})
        sequence = attrs.get("sequence")
        if document and sequence and sequence != document.sequence and (
                Document.objects.filter(dossier_id=document.dossier_id, sequence=sequence).exists()):
            raise serializers.ValidationError({"sequence": _("Đã có văn bản số thứ tự %(sequence)s trong hồ sơ.") % {
                "sequence": sequence}})
        return attrs


class DocumentCreateSerializer(DocumentWriteSerializer):
    dossier = Text(max_length=60, required=True, allow_blank=False, help_text="Số hồ sơ chứa văn bản")

