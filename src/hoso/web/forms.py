"""Forms of the web UI. They only validate shapes; services do the writing and the domain checks."""

from django import forms
from django.utils.translation import gettext, gettext_lazy

from hoso.core.text_errors import partial_date_message
from hoso.gazetteer.models import AdminUnit
from hoso.records.models import (
    Category,
    Confidentiality,
    Dossier,
    DossierRelative,
    MartyrRecord,
    Person,
    PhysicalCondition,
)
from hoso.records.visibility import confidentiality_choices, place_choices
from hoso.vntext.dates import InvalidPartialDate, PartialDate, is_unknown_date, parse_partial_date

DATE_HELP = gettext_lazy("Gõ 1947, 5/1972 hoặc 12/05/1972; gần đúng: khoảng 1948, 1948?, trước 1950; "
                         "không rõ: để trống hoặc gõ «không rõ»")


class PartialDateFormField(forms.CharField):
    """A date typed the Vietnamese way, possibly partial: 1947, 5/1972, 12/05/1972."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("required", False)
        kwargs.setdefault("help_text", DATE_HELP)
        kwargs.setdefault("widget", forms.TextInput(attrs={"placeholder": "dd/mm/yyyy", "inputmode": "numeric"}))
        super().__init__(*args, **kwargs)

    def prepare_value(self, value):
        return value.display() if isinstance(value, PartialDate) else value

    def clean(self, value):
        text = super().clean(value)
        if not text or is_unknown_date(text):  # «không rõ», «(?)»: not known, not an error
            return None
        try:
            return parse_partial_date(text)
        except InvalidPartialDate as exc:
            raise forms.ValidationError(partial_date_message(exc)) from exc


class UnitChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: AdminUnit) -> str:
        suffix = "" if obj.valid_to is None else gettext(" (đến %(date)s)") % {"date": f"{obj.valid_to:%d/%m/%Y}"}
        return f"{obj.label}{suffix}"


class CategoryChoiceField(forms.ModelChoiceField):
    """A choice of beneficiary category, named in the user's language (the stored name stays Vietnamese)."""

    def label_from_instance(self, obj: Category) -> str:
        return obj.label


def _units():
    return AdminUnit.objects.filter(level=AdminUnit.Level.COMMUNE).select_related("parent").order_by(
        "valid_to", "parent__name", "name")


class DossierForm(forms.Form):
    """Register or edit a dossier with its subject person (and martyr facts for LS dossiers)."""

    number = forms.CharField(label=gettext_lazy("Số hồ sơ"), max_length=60,
                             help_text=gettext_lazy("Ví dụ: QTI/LS-07956/CM. Gõ mã loại và thời kỳ, không có số "
                                                    "thứ tự (LS/CM), để hệ thống cấp số tiếp theo."),
                             widget=forms.TextInput(attrs={"autofocus": True, "autocomplete": "off"}))
    category = CategoryChoiceField(label=gettext_lazy("Diện đối tượng"), queryset=Category.objects.all(),
                                   to_field_name="code", empty_label=gettext_lazy("— chọn diện —"))
    full_name = forms.CharField(label=gettext_lazy("Họ và tên"), max_length=200)
    keep_case = forms.BooleanField(label=gettext_lazy("Giữ nguyên cách viết hoa của họ tên"), required=False,
                                   help_text=gettext_lazy("Mặc định họ tên gõ toàn chữ thường hoặc toàn chữ hoa "
                                                          "được viết hoa chữ cái đầu mỗi tiếng"))
    aliases = forms.CharField(label=gettext_lazy("Bí danh"), required=False, max_length=400,
                              help_text=gettext_lazy("Nhiều bí danh cách nhau bằng dấu chấm phẩy (;)"))
    sex = forms.ChoiceField(label=gettext_lazy("Giới tính"), choices=Person.Sex.choices, required=False)
    birth_date = PartialDateFormField(label=gettext_lazy("Ngày sinh"))
    death_date = PartialDateFormField(label=gettext_lazy("Ngày mất / hy sinh"))
    ethnicity = forms.CharField(label=gettext_lazy("Dân tộc"), max_length=40, required=False, initial="Kinh")
    hometown_text = forms.CharField(label=gettext_lazy("Nguyên quán (như ghi trong hồ sơ)"), max_length=300,
                                    required=False)
    hometown_unit = UnitChoiceField(label=gettext_lazy("Nguyên quán ứng với đơn vị"), queryset=_units(), required=False,
                                    empty_label=gettext_lazy("— chưa xác định —"))
    residence_text = forms.CharField(label=gettext_lazy("Trú quán (như ghi trong hồ sơ)"), max_length=300,
                                     required=False)
    residence_unit = UnitChoiceField(label=gettext_lazy("Trú quán ứng với đơn vị"), queryset=_units(), required=False,
                                     empty_label=gettext_lazy("— chưa xác định —"))
    national_id = forms.CharField(label=gettext_lazy("Số định danh cá nhân"), max_length=12, required=False)
    notes = forms.CharField(label=gettext_lazy("Ghi chú về người"), required=False,
                            widget=forms.Textarea(attrs={"rows": 2}))
    title = forms.CharField(label=gettext_lazy("Tiêu đề hồ sơ"), max_length=500, required=False,
                            help_text=gettext_lazy("Để trống: hệ thống tự đặt theo diện và họ tên"))
    confidentiality = forms.ChoiceField(label=gettext_lazy("Độ mật"), choices=Confidentiality.choices)
    status = forms.ChoiceField(label=gettext_lazy("Tình trạng số hóa"), choices=Dossier.Status.choices)
    physical_condition = forms.ChoiceField(label=gettext_lazy("Tình trạng vật lý"), choices=PhysicalCondition.choices,
                                           initial=PhysicalCondition.WORN)
    sheet_count = forms.IntegerField(label=gettext_lazy("Số lượng tờ"), min_value=0, required=False)
    page_total = forms.IntegerField(label=gettext_lazy("Số lượng trang"), min_value=0, required=False)
    # Martyr facts (saved for LS dossiers only).
    place_of_sacrifice = forms.CharField(label=gettext_lazy("Nơi hy sinh"), max_length=300, required=False)
    unit = forms.CharField(label=gettext_lazy("Cơ quan, đơn vị khi hy sinh"), max_length=200, required=False)
    rank = forms.CharField(label=gettext_lazy("Cấp bậc"), max_length=60, required=False)
    position = forms.CharField(label=gettext_lazy("Chức vụ"), max_length=100, required=False)
    certificate_number = forms.CharField(label=gettext_lazy("Số Bằng Tổ quốc ghi công"), max_length=40, required=False)
    grave_status = forms.ChoiceField(label=gettext_lazy("Tình trạng mộ"), choices=MartyrRecord.GraveStatus.choices,
                                     required=False)
    cemetery = forms.CharField(label=gettext_lazy("Nghĩa trang"), max_length=200, required=False)

    edit_reason = forms.CharField(label=gettext_lazy("Lý do sửa"), max_length=300, required=False,
                                  help_text=gettext_lazy("Hồ sơ đã kiểm tra hoặc đã lưu trữ: sau khi sửa, hồ sơ "
                                                         "trở về «Đã nhập liệu» để người khác kiểm tra lại"))

    PERSON_FIELDS = ("full_name", "sex", "birth_date", "death_date", "ethnicity", "hometown_text",
                     "hometown_unit", "residence_text", "residence_unit", "national_id", "notes")
    DOSSIER_FIELDS = ("title", "confidentiality", "status", "physical_condition", "sheet_count", "page_total")
    MARTYR_FIELDS = ("place_of_sacrifice", "unit", "rank", "position", "certificate_number", "grave_status",
                     "cemetery")

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        if user is not None:
            self.fields["confidentiality"].choices = confidentiality_choices(user)
        # The digitisation status moves only along its workflow (records.services.set_dossier_status), where
        # "đã kiểm tra" must be set by someone other than who entered the data.
        status = self.fields["status"]
        if self.initial.get("number"):
            status.disabled = True
            status.help_text = gettext_lazy("Đổi ở trang «Trang số hóa» của hồ sơ (bước kiểm tra do người thứ hai "
                                            "thực hiện)")
        else:
            status.choices = [(Dossier.Status.NOT_STARTED, Dossier.Status.NOT_STARTED.label)]

    def clean_full_name(self) -> str:
        return self.cleaned_data["full_name"] if self.data.get("keep_case") else name_case(
            self.cleaned_data["full_name"])

    def alias_list(self) -> list[str]:
        return [a.strip() for a in self.cleaned_data.get("aliases", "").split(";") if a.strip()]

    def part(self, names: tuple[str, ...]) -> dict:
        return {n: self.cleaned_data.get(n) for n in names}


def name_case(name: str) -> str:
    """A name typed wholly in lower or upper case («nguyễn văn an», «NGUYỄN VĂN AN») with a capital at the start of
    each word («Nguyễn Văn An»); a name in mixed case is kept as typed (it may be written so on purpose)."""
    name = " ".join(name.split())
    if name != name.lower() and name != name.upper():
        return name
    return " ".join(word[:1].upper() + word[1:].lower() for word in name.split(" "))


class RelativeForm(forms.Form):
    full_name = forms.CharField(label=gettext_lazy("Họ và tên thân nhân"), max_length=200)
    relationship = forms.ChoiceField(label=gettext_lazy("Quan hệ"), choices=DossierRelative.Relationship.choices)
    birth_date = PartialDateFormField(label=gettext_lazy("Ngày sinh"))
    receives_benefit = forms.BooleanField(label=gettext_lazy("Đang hưởng trợ cấp"), required=False)
    keeps_worship = forms.BooleanField(label=gettext_lazy("Người thờ cúng"), required=False)

    def clean_full_name(self) -> str:
        return name_case(self.cleaned_data["full_name"])


class DossierFilterForm(forms.Form):
    q = forms.CharField(label=gettext_lazy("Tên hoặc số hồ sơ"), required=False, max_length=200)
    category = CategoryChoiceField(label=gettext_lazy("Diện"), queryset=Category.objects.all(), to_field_name="code",
                                   required=False, empty_label=gettext_lazy("Tất cả các diện"))
    unit = UnitChoiceField(label=gettext_lazy("Địa bàn"), required=False, empty_label=gettext_lazy("Tất cả địa bàn"),
                           queryset=AdminUnit.objects.none(),
                           help_text=gettext_lazy("Đơn vị hành chính hiện nay; gồm cả các xã, phường cũ đã nhập vào"))
    status = forms.ChoiceField(label=gettext_lazy("Tình trạng"), required=False,
                               choices=[("", gettext_lazy("Mọi tình trạng")), *Dossier.Status.choices])

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = place_choices(actor=user)
