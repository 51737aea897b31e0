"""Forms of a case's links (the original lent, papers uploaded, the transfer of Điều 131, a new dossier), of the
catalogue and calendar screens, and of the public tracking page. They only validate shapes; procedures' services
write and say why not, in Vietnamese."""

from django import forms

from hoso.core.models import CalendarDay
from hoso.procedures.changes import TRANSFER_FIELDS
from hoso.procedures.models import ProcedureStep
from hoso.records.models import Category, Person
from hoso.vntext.dates import InvalidPartialDate, parse_partial_date

from .forms import UnitChoiceField, _units
from .forms_procedures import _date, _text


class OriginalForm(forms.Form):
    paper_reason = _text("Lý do cần bản giấy (để trống: bước này cần hồ sơ gốc)", 500, size=40)


class CaseFileForm(forms.Form):
    file = forms.FileField(label="Tệp ảnh quét, ảnh chụp hoặc PDF", error_messages={
        "required": "Hãy chọn tệp giấy tờ (JPEG, PNG, TIFF hoặc PDF).", "empty": "Tệp rỗng (0 byte).",
        "invalid": "Không đọc được tệp gửi lên."})
    paper = forms.TypedChoiceField(label="Là giấy tờ", required=False, coerce=int, empty_value=None)
    title = _text("Tên giấy tờ (nếu khác)", 300, size=30)

    def __init__(self, *args, papers=(), **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["paper"].choices = [("", "— giấy tờ khác —")] + [(p.pk, p.name) for p in papers]


class TransferForm(forms.Form):
    """Where the dossier goes (Điều 131): written while the case is processed; the decision starts the transfer."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        for name, (label, length, required) in TRANSFER_FIELDS.items():
            self.fields[name] = _text(label, length, required=required, size=30 if length > 3 else 4)


class RegisterForm(forms.Form):
    """The new dossier a procedure that opens one registers (records services), filled from the case."""

    number = _text("Số hồ sơ (gõ «LS/CM» để hệ thống cấp số tiếp theo)", 60, required=True, size=20)
    category = forms.ModelChoiceField(label="Diện đối tượng", queryset=Category.objects.order_by("sort_order"),
                                      to_field_name="code", error_messages={"required": "Cần chọn diện đối tượng."})
    full_name = _text("Họ và tên người có công", 200, required=True, size=30)
    sex = forms.ChoiceField(label="Giới tính", required=False, choices=[("", "—"), *Person.Sex.choices])
    birth_date = _text("Ngày sinh (năm, tháng/năm hoặc dd/mm/yyyy)", 20, size=12)
    death_date = _text("Ngày mất, hy sinh", 20, size=12)
    hometown_text = _text("Nguyên quán", 300, size=30)
    residence_text = _text("Trú quán", 300, size=30)
    residence_unit = UnitChoiceField(label="Trú quán ứng với đơn vị", queryset=_units(), required=False,
                                     empty_label="— chưa xác định —")
    national_id = _text("Số định danh cá nhân", 12, size=14)

    def _partial(self, name: str):
        text = self.cleaned_data.get(name, "").strip()
        if not text:
            return None
        try:
            return parse_partial_date(text)
        except (InvalidPartialDate, ValueError) as exc:
            raise forms.ValidationError(f"Ngày không hợp lệ: {exc}") from exc

    def clean_birth_date(self):
        return self._partial("birth_date")

    def clean_death_date(self):
        return self._partial("death_date")


class StepsForm(forms.Form):
    """A procedure's steps as the administrator changes them (a new version): one line per step,
    «cơ quan | việc phải làm | thời hạn | đơn vị (ngày làm việc / ngày) | bản gốc»."""

    steps = forms.CharField(label="Các bước (mỗi dòng một bước)", max_length=6000,
                            widget=forms.Textarea(attrs={"rows": 8, "cols": 100, "spellcheck": "false"}),
                            error_messages={"required": "Thủ tục phải có ít nhất một bước."})
    note = _text("Lý do thay đổi (văn bản căn cứ)", 300, required=True, size=60)

    UNITS = {"ngày làm việc": ProcedureStep.Unit.WORKING, "working": ProcedureStep.Unit.WORKING,
             "ngày": ProcedureStep.Unit.CALENDAR, "calendar": ProcedureStep.Unit.CALENDAR}

    @staticmethod
    def as_text(steps) -> str:
        return "\n".join(" | ".join([s.actor, s.task, str(s.duration), s.get_unit_display()]
                                    + (["bản gốc"] if s.needs_original else [])) for s in steps)

    def clean_steps(self) -> list[tuple[str, str, int, str, bool]]:
        out = []
        for number, line in enumerate((x for x in self.cleaned_data["steps"].splitlines() if x.strip()), start=1):
            parts = [p.strip() for p in line.split("|")]
            if len(parts) < 4:
                raise forms.ValidationError(f"Dòng {number}: cần ghi «cơ quan | việc phải làm | thời hạn | đơn vị».")
            if not parts[2].isdigit():
                raise forms.ValidationError(f"Dòng {number}: thời hạn là số ngày (0 nếu văn bản không quy định).")
            unit = self.UNITS.get(parts[3].lower())
            if unit is None:
                raise forms.ValidationError(f"Dòng {number}: đơn vị là «ngày làm việc» hoặc «ngày».")
            out.append((parts[0], parts[1], int(parts[2]), unit, "bản gốc" in (p.lower() for p in parts[4:])))
        if not out:
            raise forms.ValidationError("Thủ tục phải có ít nhất một bước.")
        return out


class CalendarDayForm(forms.Form):
    day = _date("Ngày", required=True)
    kind = forms.ChoiceField(label="Loại ngày", choices=CalendarDay.Kind.choices)
    note = _text("Căn cứ (văn bản thông báo)", 300, size=40)


class CalendarClearForm(forms.Form):
    day = _date("Ngày", required=True)


class TrackingForm(forms.Form):
    code = forms.CharField(label="Mã tra cứu (in trên phiếu tiếp nhận)", max_length=20, error_messages={
        "required": "Hãy gõ mã tra cứu in trên phiếu tiếp nhận."},
        widget=forms.TextInput(attrs={"autocomplete": "off", "autofocus": True, "size": 12,
                                      "autocapitalize": "characters", "spellcheck": "false"}))
