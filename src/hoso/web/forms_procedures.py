"""Forms of the one-stop desk (tiếp nhận, thụ lý, duyệt, trả kết quả). Dates typed dd/mm/yyyy; every message in
Vietnamese, tied to its field (`describe_errors` points each invalid field at its message for screen readers)."""

from django import forms
from django.urls import reverse
from django.utils.functional import lazy
from django.utils.translation import gettext, gettext_lazy

from hoso.procedures.changes import CORRECTABLE
from hoso.procedures.changes import RELATIONSHIPS as KINSHIP
from hoso.procedures.models import Case, CaseDocument

DATE_FORMATS = ["%d/%m/%Y", "%d/%m/%y", "%Y-%m-%d"]
RELATIONSHIPS = ["Bản thân", "Vợ", "Chồng", "Con đẻ", "Con nuôi", "Cha đẻ", "Mẹ đẻ", "Anh, chị, em ruột",
                 "Người thờ cúng liệt sĩ", "Người được ủy quyền"]


def _worded_later(build) -> str:
    """A message worded when it is shown, in the reader's language (the fields are made when the module loads)."""
    return lazy(build, str)()


def _lower_first(text: str) -> str:
    return text[:1].lower() + text[1:]


def _date(label: str, required: bool = False) -> forms.DateField:
    return forms.DateField(label=label, required=required, input_formats=DATE_FORMATS,
                           error_messages={"invalid": gettext_lazy("Ngày không hợp lệ: gõ theo dạng dd/mm/yyyy.")},
                           widget=forms.DateInput(format="%d/%m/%Y", attrs={"placeholder": "dd/mm/yyyy",
                                                                            "autocomplete": "off", "size": 10}))


def _text(label: str, max_length: int, required: bool = False, **attrs) -> forms.CharField:
    return forms.CharField(label=label, max_length=max_length, required=required,
                           error_messages={"required": _worded_later(lambda: gettext("Cần ghi %(label)s.") % {
                                               "label": _lower_first(str(label))}),
                                           "max_length": _worded_later(lambda: gettext(
                                               "%(label)s: tối đa %(max_length)s ký tự.") % {
                                               "label": label, "max_length": max_length})},
                           widget=forms.TextInput(attrs={"autocomplete": "off", **attrs}))


def describe_errors(form: forms.Form) -> None:
    """Each invalid field is marked invalid and described by its message (id `<field id>-error`); the first one
    takes the focus, so that the desk types the correction straight away."""
    first = True
    for name, field in form.fields.items():
        attrs = field.widget.attrs
        if name in form.errors:
            attrs["aria-invalid"] = "true"
            attrs["aria-describedby"] = f"{form[name].auto_id}-error"
            if first:
                for other in form.fields.values():
                    other.widget.attrs.pop("autofocus", None)
                attrs["autofocus"] = True
                first = False


class IntakeForm(forms.Form):
    """Tiếp nhận: the dossier (its number, a scanned label, or a name to search), the procedure, the applicant, the
    papers ticked as received. `papers` are the ones the chosen procedure requires (`paper_choices`)."""

    dossier = _text(gettext_lazy("Hồ sơ người có công (số hồ sơ hoặc họ tên)"), 300, required=False, size=40,
                    placeholder=gettext_lazy("QTI/LS-07956/CM hoặc Nguyễn Văn Đức 1950"), spellcheck="false")
    kind = forms.ChoiceField(label=gettext_lazy("Thủ tục"),
                             error_messages={"required": gettext_lazy("Cần chọn thủ tục."),
                                                              "invalid_choice": gettext_lazy("Thủ tục không có "
                                                                                             "trong danh mục.")})
    applicant_name = _text(gettext_lazy("Họ tên người nộp"), 200, required=True, size=30)
    applicant_relationship = _text(gettext_lazy("Quan hệ với người có công"), 100, list="relationships", size=20)
    applicant_id_number = _text(gettext_lazy("Số định danh cá nhân (12 số)"), 14, inputmode="numeric", size=14)
    applicant_address = _text(gettext_lazy("Địa chỉ"), 300, size=40)
    applicant_phone = _text(gettext_lazy("Điện thoại"), 20, inputmode="tel", size=14)
    papers = forms.MultipleChoiceField(label=gettext_lazy("Giấy tờ đã nhận"), required=False,
                                       widget=forms.CheckboxSelectMultiple,
                                       error_messages={"invalid_choice": gettext_lazy("Giấy tờ «%(value)s» không "
                                                                                      "thuộc thủ tục đã chọn.")})
    received_on = _date(gettext_lazy("Ngày tiếp nhận (để trống: hôm nay)"))
    external_ref = _text(gettext_lazy("Mã hồ sơ trên Cổng dịch vụ công (nếu có)"), 60, size=20)

    def __init__(self, *args, versions=(), **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.versions = {v.kind.code: v for v in versions}
        self.fields["kind"].choices = [("", gettext_lazy("— chọn thủ tục —"))] + [
            (code, f"{v.name} ({v.basis.split(' Nghị định')[0]})") for code, v in self.versions.items()]
        self.fields["papers"].choices = [(p, p) for p in self.paper_choices()]
        self.fields["dossier"].widget.attrs.update({  # dossiers offered as the desk types (htmx)
            "autofocus": True, "hx-get": reverse("case_dossier_lookup"), "hx-trigger": "input changed delay:250ms",
            "hx-target": "#dossier-picks", "hx-sync": "this:replace", "aria-controls": "dossier-picks",
            "aria-autocomplete": "list"})
        self.fields["kind"].widget.attrs.update({  # the checklist of the procedure chosen (htmx)
            "hx-get": reverse("case_intake_papers"), "hx-trigger": "change", "hx-target": "#papers"})

    def chosen_version(self):
        code = (self.data.get("kind") if self.is_bound else self.initial.get("kind")) or ""
        return self.versions.get(code)

    def paper_choices(self) -> list[str]:
        version = self.chosen_version()
        return list(version.papers_required) if version else []

    def ticked(self) -> list[str]:
        return self.data.getlist("papers") if self.is_bound else list(self.initial.get("papers", []))

    def clean_applicant_id_number(self) -> str:
        value = "".join(self.cleaned_data["applicant_id_number"].split())
        if value and not (value.isdigit() and len(value) == 12):
            raise forms.ValidationError(gettext("Số định danh cá nhân gồm 12 chữ số."))
        return value

    def clean_applicant_phone(self) -> str:
        value = self.cleaned_data["applicant_phone"].strip()
        if value and not all(ch.isdigit() or ch in "+ .-()" for ch in value):
            raise forms.ValidationError(gettext("Số điện thoại chỉ gồm chữ số (có thể có dấu +, dấu cách)."))
        return value


class MoveForm(forms.Form):
    """A move of the state machine: the day it took effect (today when left empty) and a note."""

    on = _date(gettext_lazy("Ngày thực hiện (để trống: hôm nay)"))
    note = _text(gettext_lazy("Ghi chú"), 500)


class SendForm(MoveForm):
    to_body = _text(gettext_lazy("Chuyển đến cơ quan (để trống: cơ quan của bước tiếp theo)"), 200, size=36)


class RequestPapersForm(MoveForm):
    missing = forms.CharField(label=gettext_lazy("Giấy tờ phải bổ sung (mỗi dòng một loại)"), max_length=3000,
                              error_messages={"required": gettext_lazy("Cần ghi giấy tờ phải bổ sung.")},
                              widget=forms.Textarea(attrs={"rows": 3, "cols": 50}))

    def missing_list(self) -> list[str]:
        return [line.strip() for line in self.cleaned_data["missing"].splitlines() if line.strip()]


class DecideForm(MoveForm):
    decision_number = _text(gettext_lazy("Số văn bản kết quả (quyết định, bản trích lục…)"), 60, size=20)


class RefuseForm(forms.Form):
    on = _date(gettext_lazy("Ngày từ chối (để trống: hôm nay)"))
    reasons = forms.CharField(label=gettext_lazy("Lý do từ chối (trả lời bằng văn bản)"), max_length=3000,
                              error_messages={"required": gettext_lazy("Cần ghi rõ lý do từ chối (trả lời bằng "
                                                                       "văn bản).")},
                              widget=forms.Textarea(attrs={"rows": 3, "cols": 50}))


class WithdrawForm(forms.Form):
    on = _date(gettext_lazy("Ngày rút hồ sơ (để trống: hôm nay)"))
    reason = _text(gettext_lazy("Lý do rút"), 500, size=36)


class TickPapersForm(forms.Form):
    names = forms.MultipleChoiceField(label=gettext_lazy("Giấy tờ vừa nhận"), widget=forms.CheckboxSelectMultiple,
                                      error_messages={"required": gettext_lazy("Chọn ít nhất một giấy tờ đã nhận.")})

    def __init__(self, *args, missing=(), **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["names"].choices = [(name, name) for name in missing]


class ChangeForm(forms.Form):
    """One part of what the decision will change in the dossier (procedures/changes.py): a relative to add, the
    worship keeper (a relative of the dossier, or a new one), or a field of the person's data and its new value."""

    link = forms.TypedChoiceField(label=gettext_lazy("Thân nhân trong hồ sơ"), required=False, coerce=int,
                                  empty_value=None)
    full_name = _text(gettext_lazy("Họ tên thân nhân"), 200, size=28)
    relationship = forms.ChoiceField(label=gettext_lazy("Quan hệ với liệt sĩ"), required=False,
                                     choices=[("", "—"), *KINSHIP.items()])
    birth_date = _text(gettext_lazy("Ngày sinh (năm, tháng/năm hoặc dd/mm/yyyy)"), 20, size=12)
    receives_benefit = forms.BooleanField(label=gettext_lazy("Đang hưởng trợ cấp"), required=False)
    field = forms.ChoiceField(label=gettext_lazy("Thông tin cần sửa"), required=False,
                              choices=[("", "—"), *CORRECTABLE.items()])
    value = _text(gettext_lazy("Sửa thành"), 300, size=30)

    def __init__(self, *args, relatives=(), **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["link"].choices = [("", gettext_lazy("— người khác (ghi họ tên bên dưới) —"))] + [
            (link.pk, f"{link.person.full_name} ({link.get_relationship_display().lower()})") for link in relatives]


class DocumentForm(forms.Form):
    kind = forms.ChoiceField(label=gettext_lazy("Giấy tờ"), choices=CaseDocument.Kind.choices)
    format = forms.ChoiceField(label=gettext_lazy("Định dạng"), choices=CaseDocument.Format.choices, initial="pdf")


class QueueFilterForm(forms.Form):
    """The queue's filters: which list, the procedure, how many working days count as «sắp đến hạn»."""

    kind = forms.ChoiceField(label=gettext_lazy("Thủ tục"), required=False)
    state = forms.ChoiceField(label=gettext_lazy("Trạng thái"), required=False,
                              choices=[("", gettext_lazy("Mọi trạng thái")), *Case.State.choices])
    n = forms.IntegerField(label=gettext_lazy("Sắp đến hạn trong (ngày làm việc)"), required=False, min_value=1,
                           max_value=30,
                           widget=forms.NumberInput(attrs={"size": 3}))

    def __init__(self, *args, versions=(), **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [("", gettext_lazy("Mọi thủ tục"))] + [(v.kind.code, v.name) for v in versions]
