"""Forms of the transfer pages (di chuyển hồ sơ, gói hồ sơ điện tử). Dates typed dd/mm/yyyy."""

from django import forms
from django.utils.translation import gettext, gettext_lazy

DATE_FORMATS = ["%d/%m/%Y", "%d/%m/%y", "%Y-%m-%d"]


def _date(label: str, required: bool = False) -> forms.DateField:
    return forms.DateField(label=label, required=required, input_formats=DATE_FORMATS,
                           widget=forms.DateInput(format="%d/%m/%Y", attrs={"placeholder": "dd/mm/yyyy",
                                                                            "autocomplete": "off", "size": 10}))


class TransferForm(forms.Form):
    to_province = forms.CharField(label=gettext_lazy("Chuyển đến tỉnh, thành phố"), max_length=120,
                                  widget=forms.TextInput(attrs={"autofocus": True, "placeholder": gettext_lazy("Hà "
                                                                                                               "Tĩnh")}))
    to_province_code = forms.CharField(label=gettext_lazy("Mã tỉnh nơi đến (3 chữ, nếu biết)"), max_length=3,
                                       required=False,
                                       widget=forms.TextInput(attrs={"size": 4, "placeholder": "HTH"}))
    recipient_agency = forms.CharField(label=gettext_lazy("Cơ quan nhận hồ sơ"), max_length=200,
                                       widget=forms.TextInput(attrs={"placeholder": gettext_lazy("Sở Nội vụ tỉnh "
                                                                                                 "Hà Tĩnh"),
                                                                     "size": 40}))
    new_address = forms.CharField(label=gettext_lazy("Nơi cư trú mới"), max_length=300, required=False,
                                  widget=forms.TextInput(attrs={"size": 50}))
    reason = forms.CharField(label=gettext_lazy("Lý do di chuyển"), max_length=300,
                             widget=forms.TextInput(attrs={"placeholder": gettext_lazy("Chuyển nơi cư trú"),
                                                           "size": 50}))
    requested_on = _date(gettext_lazy("Ngày nhận đơn đề nghị (để trống: hôm nay)"))
    note = forms.CharField(label=gettext_lazy("Ghi chú"), max_length=300, required=False)


class SendForm(forms.Form):
    sent_on = _date(gettext_lazy("Ngày gửi (để trống: hôm nay)"))
    attach_package = forms.BooleanField(label=gettext_lazy("Kèm gói hồ sơ điện tử (BagIt)"), required=False,
                                        initial=True)


class ReceivedForm(forms.Form):
    received_on = _date(gettext_lazy("Ngày nơi nhận tiếp nhận (để trống: hôm nay)"))


class ReturnedForm(forms.Form):
    returned_on = _date(gettext_lazy("Ngày bị trả lại (để trống: hôm nay)"))
    reason = forms.CharField(label=gettext_lazy("Lý do nơi nhận trả lại"), max_length=300)


class PackageUploadForm(forms.Form):
    package = forms.FileField(label=gettext_lazy("Tệp gói hồ sơ (.zip)"),
                              widget=forms.ClearableFileInput(attrs={"accept": ".zip,application/zip"}))
    checksum = forms.CharField(label=gettext_lazy("Mã kiểm tra ghi trên phiếu (SHA-256, không bắt buộc)"),
                               max_length=64,
                               required=False, widget=forms.TextInput(attrs={"size": 66, "class": "mono"}))

    def clean_checksum(self) -> str:
        value = self.cleaned_data["checksum"].strip().lower()
        if value and (len(value) != 64 or any(c not in "0123456789abcdef" for c in value)):
            raise forms.ValidationError(gettext("Mã kiểm tra SHA-256 gồm 64 ký tự 0–9, a–f."))
        return value
