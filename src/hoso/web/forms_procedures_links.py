"""Forms of a case's links (the original lent, papers uploaded, the transfer of Điều 131, a new dossier), of the
catalogue and calendar screens, and of the public tracking page. They only validate shapes; procedures' services
write and say why not, in Vietnamese."""

from django import forms
from django.utils.translation import gettext, gettext_lazy

from hoso.core.i18n import vietnamese_display
from hoso.core.models import CalendarDay
from hoso.core.text_errors import partial_date_message
from hoso.procedures.changes import TRANSFER_FIELDS
from hoso.procedures.models import ProcedureStep
from hoso.records.models import Category, Person
from hoso.vntext.dates import InvalidPartialDate, parse_partial_date

from .forms import CategoryChoiceField, UnitChoiceField, _units
from .forms_procedures import _date, _text


def _reason(exc: ValueError) -> str:
    return partial_date_message(exc) if isinstance(exc, InvalidPartialDate) else str(exc)


class OriginalForm(forms.Form):
    paper_reason = _text(gettext_lazy("Lý do cần bản giấy (để trống: bước này cần hồ sơ gốc)"), 500, size=40)


class CaseFileForm(forms.Form):
    file = forms.FileField(label=gettext_lazy("Tệp ảnh quét, ảnh chụp hoặc PDF"), error_messages={
        "required": gettext_lazy("Hãy chọn tệp giấy tờ (JPEG, PNG, TIFF hoặc PDF)."),
        "empty": gettext_lazy("Tệp rỗng (0 byte)."),
        "invalid": gettext_lazy("Không đọc được tệp gửi lên.")})
    paper = forms.TypedChoiceField(label=gettext_lazy("Là giấy tờ"), required=False, coerce=int, empty_value=None)
    title = _text(gettext_lazy("Tên giấy tờ (nếu khác)"), 300, size=30)

    def __init__(self, *args, papers=(), **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["paper"].choices = [("", gettext_lazy("— giấy tờ khác —"))] + [(p.pk, p.name) for p in papers]


class TransferForm(forms.Form):
    """Where the dossier goes (Điều 131): written while the case is processed; the decision starts the transfer."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        for name, (label, length, required) in TRANSFER_FIELDS.items():
            self.fields[name] = _text(label, length, required=required, size=30 if length > 3 else 4)


class RegisterForm(forms.Form):
    """The new dossier a procedure that opens one registers (records services), filled from the case."""

    number = _text(gettext_lazy("Số hồ sơ (gõ «LS/CM» để hệ thống cấp số tiếp theo)"), 60, required=True, size=20)
    category = CategoryChoiceField(label=gettext_lazy("Diện đối tượng"),
                                   queryset=Category.objects.order_by("sort_order"),
                                   to_field_name="code",
                                   error_messages={"required": gettext_lazy("Cần chọn diện đối tượng.")})
    full_name = _text(gettext_lazy("Họ và tên người có công"), 200, required=True, size=30)
    sex = forms.ChoiceField(label=gettext_lazy("Giới tính"), required=False, choices=[("", "—"), *Person.Sex.choices])
    birth_date = _text(gettext_lazy("Ngày sinh (năm, tháng/năm hoặc dd/mm/yyyy)"), 20, size=12)
    death_date = _text(gettext_lazy("Ngày mất, hy sinh"), 20, size=12)
    hometown_text = _text(gettext_lazy("Nguyên quán"), 300, size=30)
    residence_text = _text(gettext_lazy("Trú quán"), 300, size=30)
    residence_unit = UnitChoiceField(label=gettext_lazy("Trú quán ứng với đơn vị"), queryset=_units(), required=False,
                                     empty_label=gettext_lazy("— chưa xác định —"))
    national_id = _text(gettext_lazy("Số định danh cá nhân"), 12, size=14)

    def _partial(self, name: str):
        text = self.cleaned_data.get(name, "").strip()
        if not text:
            return None
        try:
            return parse_partial_date(text)
        except (InvalidPartialDate, ValueError) as exc:
            raise forms.ValidationError(gettext("Ngày không hợp lệ: %(exc)s") % {"exc": _reason(exc)}) from exc

    def clean_birth_date(self):
        return self._partial("birth_date")

    def clean_death_date(self):
        return self._partial("death_date")


class StepsForm(forms.Form):
    """A procedure's steps as the administrator changes them (a new version): one line per step,
    «cơ quan | việc phải làm | thời hạn | đơn vị (ngày làm việc / ngày) | bản gốc»."""

    steps = forms.CharField(label=gettext_lazy("Các bước (mỗi dòng một bước)"), max_length=6000,
                            widget=forms.Textarea(attrs={"rows": 8, "cols": 100, "spellcheck": "false"}),
                            error_messages={"required": gettext_lazy("Thủ tục phải có ít nhất một bước.")})
    note = _text(gettext_lazy("Lý do thay đổi (văn bản căn cứ)"), 300, required=True, size=60)

    UNITS = {"ngày làm việc": ProcedureStep.Unit.WORKING, "working": ProcedureStep.Unit.WORKING,
             "ngày": ProcedureStep.Unit.CALENDAR, "calendar": ProcedureStep.Unit.CALENDAR}

    @staticmethod
    def as_text(steps) -> str:
        # the lines are a format typed back (UNITS): their words stay Vietnamese whatever the screen's language
        return "\n".join(" | ".join([s.actor, s.task, str(s.duration), vietnamese_display(s, "unit")]
                                    + (["bản gốc"] if s.needs_original else [])) for s in steps)

    def clean_steps(self) -> list[tuple[str, str, int, str, bool]]:
        out = []
        for number, line in enumerate((x for x in self.cleaned_data["steps"].splitlines() if x.strip()), start=1):
            parts = [p.strip() for p in line.split("|")]
            if len(parts) < 4:
                raise forms.ValidationError(gettext("Dòng %(number)s: cần ghi «cơ quan | việc phải làm | thời "
                                                    "hạn | đơn vị».") % {
                                                    "number": number})
            if not parts[2].isdigit():
                raise forms.ValidationError(gettext("Dòng %(number)s: thời hạn là số ngày (0 nếu văn bản không "
                                                    "quy định).") % {
                                                    "number": number})
            unit = self.UNITS.get(parts[3].lower())
            if unit is None:
                raise forms.ValidationError(gettext("Dòng %(number)s: đơn vị là «ngày làm việc» hoặc «ngày».") % {
                                                    "number": number})
            out.append((parts[0], parts[1], int(parts[2]), unit, "bản gốc" in (p.lower() for p in parts[4:])))
        if not out:
            raise forms.ValidationError(gettext("Thủ tục phải có ít nhất một bước."))
        return out


class CalendarDayForm(forms.Form):
    day = _date(gettext_lazy("Ngày"), required=True)
    kind = forms.ChoiceField(label=gettext_lazy("Loại ngày"), choices=CalendarDay.Kind.choices)
    note = _text(gettext_lazy("Căn cứ (văn bản thông báo)"), 300, size=40)


class CalendarClearForm(forms.Form):
    day = _date(gettext_lazy("Ngày"), required=True)


class TrackingForm(forms.Form):
    code = forms.CharField(label=gettext_lazy("Mã tra cứu (in trên phiếu tiếp nhận)"), max_length=20, error_messages={
        "required": gettext_lazy("Hãy gõ mã tra cứu in trên phiếu tiếp nhận.")},
        widget=forms.TextInput(attrs={"autocomplete": "off", "autofocus": True, "size": 12,
                                      "autocapitalize": "characters", "spellcheck": "false"}))
