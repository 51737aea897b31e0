"""Forms of the archive pages (kho, mượn hồ sơ, kiểm kê, nhãn). Keyboard first: a scanner types into the
text boxes and ends each scan with Enter, so scan lists are text areas with one scan per line."""

import re

from django import forms
from django.utils.translation import gettext, gettext_lazy

from hoso.archive.labels import BOX_LAYOUTS, COVER_LAYOUTS
from hoso.archive.models import Loan, Location
from hoso.records.models import PhysicalCondition

DATE_FORMATS = ["%d/%m/%Y", "%d/%m/%y", "%Y-%m-%d"]


def _scan_area(label: str, rows: int = 8, **kwargs) -> forms.CharField:
    return forms.CharField(label=label, widget=forms.Textarea(attrs={
        "rows": rows, "autocomplete": "off", "spellcheck": "false", "class": "scan",
        "placeholder": gettext_lazy("Quét nhãn hoặc gõ số hồ sơ, mỗi dòng một hồ sơ")}), **kwargs)


class LocationCodeField(forms.CharField):
    """A location typed or scanned by its code (K01-G02-T03-H015); cleans to the Location."""

    def __init__(self, *args, box_only: bool = False, **kwargs):
        self.box_only = box_only
        kwargs.setdefault("max_length", 40)
        kwargs.setdefault("widget", forms.TextInput(attrs={"list": "location-codes", "autocomplete": "off",
                                                           "placeholder": "K01-G01-T01-H001"}))
        super().__init__(*args, **kwargs)

    def clean(self, value):
        code = (super().clean(value) or "").strip().upper()
        if not code:
            return None
        location = Location.objects.filter(code=code).first()
        if location is None:
            raise forms.ValidationError(gettext("Không có vị trí mã %(code)s.") % {"code": code})
        if self.box_only and not location.is_box:
            raise forms.ValidationError(gettext("%(label)s (%(code)s) không phải là hộp: hồ sơ chỉ xếp vào hộp.") % {
                                                "label": location.label,
                                                "code": code})
        return location


class LocationForm(forms.Form):
    count = forms.CharField(label=gettext_lazy("Số lượng"), max_length=20, required=False, initial="1",
                            widget=forms.TextInput(attrs={"size": 8, "inputmode": "numeric"}),
                            help_text=gettext_lazy("Một số (5), hoặc nhiều cấp một lúc: 3 × 5 × 40 = 3 giá, mỗi "
                                                   "giá 5 tầng, mỗi tầng 40 hộp"))
    name = forms.CharField(label=gettext_lazy("Tên (không bắt buộc)"), max_length=120, required=False,
                           help_text=gettext_lazy("Để trống: gọi theo mã, ví dụ «Hộp H015»"))

    def clean_count(self) -> list[int]:
        text = (self.cleaned_data.get("count") or "1").strip()
        parts = [p.strip() for p in re.split(r"[x×*]", text.lower())]
        if not all(p.isdigit() for p in parts):
            raise forms.ValidationError(gettext("Nhập một số, hoặc các số cách nhau bằng «×» (ví dụ 3 × 5 × 40)."))
        return [int(p) for p in parts]
    capacity = forms.IntegerField(
        label=gettext_lazy("Sức chứa"), min_value=1, required=False,
        help_text=gettext_lazy("Hộp: số hồ sơ tối đa; kho, giá, tầng: số vị trí con. Để trống: không giới hạn"))


class MoveForm(forms.Form):
    box = LocationCodeField(label=gettext_lazy("Hộp đích (quét nhãn hộp hoặc gõ mã)"), box_only=True)
    scans = _scan_area(gettext_lazy("Hồ sơ cần chuyển vào hộp"))


class InventoryForm(forms.Form):
    location = LocationCodeField(label=gettext_lazy("Vị trí kiểm kê (tầng/ngăn hoặc hộp)"))
    scans = _scan_area(gettext_lazy("Các hồ sơ thấy ở vị trí này"), rows=12,
                       help_text=gettext_lazy("Đi dọc vị trí, quét nhãn từng hộp rồi nhãn bìa các hồ sơ trong "
                                              "hộp đó."))
    note = forms.CharField(label=gettext_lazy("Ghi chú"), max_length=300, required=False)


# The label sheets' names as the form offers them, in the user's language (archive.labels, which imports no Django,
# keeps the Vietnamese ones).
LAYOUT_TITLES = {
    "70x37": gettext_lazy("A4, 3 × 8 nhãn 70 × 37 mm (24 nhãn/tờ)"),
    "70x36": gettext_lazy("A4, 3 × 8 nhãn 70 × 36 mm (24 nhãn/tờ)"),
    "64x34": gettext_lazy("A4, 3 × 8 nhãn 63,5 × 33,9 mm, góc tròn (24 nhãn/tờ)"),
    "105x74": gettext_lazy("A4, 2 × 4 nhãn 105 × 74 mm (8 nhãn/tờ)"),
    "105x148": gettext_lazy("A4, 2 × 2 nhãn 105 × 148 mm (4 nhãn/tờ)"),
}


class LabelForm(forms.Form):
    KINDS = [("cover", gettext_lazy("Nhãn bìa hồ sơ")), ("box", gettext_lazy("Nhãn hộp"))]
    kind = forms.ChoiceField(label=gettext_lazy("Loại nhãn"), choices=KINDS, initial="cover")
    location = LocationCodeField(label=gettext_lazy("Mọi hồ sơ / hộp thuộc vị trí"), required=False)
    scans = _scan_area(gettext_lazy("Hoặc các hồ sơ (nhãn bìa)"), rows=6, required=False)
    cover_layout = forms.ChoiceField(label=gettext_lazy("Khổ nhãn bìa"),
                                     choices=[(k, LAYOUT_TITLES.get(k, v.title)) for k, v in COVER_LAYOUTS.items()])
    box_layout = forms.ChoiceField(label=gettext_lazy("Khổ nhãn hộp"),
                                   choices=[(k, LAYOUT_TITLES.get(k, v.title)) for k, v in BOX_LAYOUTS.items()])
    skip = forms.IntegerField(label=gettext_lazy("Bỏ qua số nhãn đã dùng ở đầu tờ"), min_value=0, max_value=23,
                              initial=0,
                              required=False)

    def clean(self):
        data = super().clean()
        if not data.get("location") and not (data.get("scans") or "").strip():
            raise forms.ValidationError(gettext("Hãy chọn một vị trí hoặc quét ít nhất một hồ sơ."))
        if data.get("kind") == "box" and not data.get("location"):
            raise forms.ValidationError(gettext("Nhãn hộp: hãy chọn vị trí (một hộp, hoặc tầng/giá/kho để in mọi "
                                                "hộp trong đó)."))
        return data


class LoanRequestForm(forms.Form):
    purpose = forms.CharField(label=gettext_lazy("Mục đích mượn"), max_length=300,
                              widget=forms.TextInput(attrs={"autofocus": True, "autocomplete": "off"}))
    procedure = forms.CharField(label=gettext_lazy("Phục vụ thủ tục"), max_length=200, required=False,
                                widget=forms.TextInput(attrs={"list": "loan-procedures", "autocomplete": "off"}))
    paper_reason = forms.CharField(label=gettext_lazy("Vì sao cần bản giấy"), max_length=500, required=False,
                                   widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, digitised: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if digitised:
            field = self.fields["paper_reason"]
            field.required = True
            field.help_text = gettext_lazy("Hồ sơ đã số hóa nên mặc định dùng bản số; chỉ mượn bản giấy khi thật cần.")
            field.error_messages["required"] = gettext_lazy("Hồ sơ đã số hóa: hãy ghi rõ vì sao cần bản giấy.")


class CheckOutForm(forms.Form):
    due_on = forms.DateField(label=gettext_lazy("Hạn trả"), input_formats=DATE_FORMATS,
                             widget=forms.DateInput(format="%d/%m/%Y", attrs={"placeholder": "dd/mm/yyyy"}))
    condition = forms.ChoiceField(label=gettext_lazy("Tình trạng khi giao"), choices=PhysicalCondition.choices)


class ReturnForm(forms.Form):
    condition = forms.ChoiceField(label=gettext_lazy("Tình trạng khi nhận lại"), choices=PhysicalCondition.choices)
    complete = forms.BooleanField(label=gettext_lazy("Đủ số tờ như khi giao"), required=False, initial=True)
    note = forms.CharField(label=gettext_lazy("Ghi chú kiểm tra"), max_length=300, required=False)


class ReasonForm(forms.Form):
    reason = forms.CharField(label=gettext_lazy("Lý do"), max_length=300)


class LoanFilterForm(forms.Form):
    STATES = [("open", gettext_lazy("Chưa đóng")), ("overdue", gettext_lazy("Quá hạn")), *Loan.State.choices,
              ("", gettext_lazy("Tất cả"))]
    state = forms.ChoiceField(label=gettext_lazy("Trạng thái"), choices=STATES, required=False)
    mine = forms.BooleanField(label=gettext_lazy("Chỉ phiếu của tôi"), required=False)


class ReturnScanForm(forms.Form):
    scan = forms.CharField(label=gettext_lazy("Quét hoặc gõ số hồ sơ được trả"), max_length=300, widget=forms.TextInput(
        attrs={"autofocus": True, "autocomplete": "off", "spellcheck": "false"}))
