"""Forms of the dossier list's bulk actions and saved views. They validate shapes; the services decide."""

from django import forms
from django.utils.translation import gettext_lazy

from hoso.access.models import User
from hoso.access.permissions import CAPTURE, EDIT_DOSSIER, EXPORT, MANAGE_ARCHIVE, VERIFY_DOSSIER, VIEW_DOSSIER
from hoso.access.rules import user_can
from hoso.archive.loan_purposes import LOAN_PROCEDURES
from hoso.records.models import Dossier

from .forms_archive import LocationCodeField

MAX_SELECTED = 500

EXPORT_ACTION, MOVE_ACTION, LOAN_ACTION, STATUS_ACTION = "export", "move", "loan", "status"
ACTIONS = {
    EXPORT_ACTION: (gettext_lazy("Xuất Excel các hồ sơ đã chọn"), (EXPORT,)),
    LOAN_ACTION: (gettext_lazy("Đề nghị mượn bản gốc"), (VIEW_DOSSIER,)),
    MOVE_ACTION: (gettext_lazy("Chuyển vào hộp"), (MANAGE_ARCHIVE,)),
    STATUS_ACTION: (gettext_lazy("Chuyển tình trạng số hóa"), (CAPTURE, EDIT_DOSSIER, VERIFY_DOSSIER, MANAGE_ARCHIVE)),
}
"""Action → (label, permissions of which the user needs one). Each dossier is then checked by its service."""


def action_choices(user: User) -> list[tuple[str, str]]:
    return [(code, label) for code, (label, needs) in ACTIONS.items() if any(user_can(user, p) for p in needs)]


class BulkForm(forms.Form):
    action = forms.ChoiceField(label=gettext_lazy("Thao tác với các hồ sơ đã chọn"))
    tro_ve = forms.CharField(required=False, max_length=2000, widget=forms.HiddenInput)

    def __init__(self, *args, user: User, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["action"].choices = action_choices(user)

    def numbers(self) -> list[str]:
        """The dossier numbers ticked (`chon`), as typed: each is looked up through the access rule."""
        seen: dict[str, None] = {}
        for raw in self.data.getlist("chon") if hasattr(self.data, "getlist") else []:
            number = str(raw).strip()[:40]
            if number:
                seen.setdefault(number)
        return list(seen)[:MAX_SELECTED]


class MoveDetailsForm(forms.Form):
    box = LocationCodeField(label=gettext_lazy("Mã hộp đích"), box_only=True,
                            help_text=gettext_lazy("Quét nhãn hộp hoặc gõ mã, ví dụ K01-G01-T01-H001"))


class LoanDetailsForm(forms.Form):
    purpose = forms.CharField(label=gettext_lazy("Mục đích mượn"), max_length=300)
    procedure = forms.CharField(label=gettext_lazy("Phục vụ thủ tục"), max_length=200, required=False,
                                widget=forms.TextInput(attrs={"list": "loan-procedures"}))
    paper_reason = forms.CharField(label=gettext_lazy("Vì sao cần bản giấy (với hồ sơ đã số hóa)"), max_length=500,
                                   required=False,
                                   help_text=gettext_lazy("Hồ sơ đã số hóa nên dùng bản số; để trống thì các hồ "
                                                          "sơ đó không được đề nghị mượn"))
    procedures = LOAN_PROCEDURES


class StatusDetailsForm(forms.Form):
    status = forms.ChoiceField(label=gettext_lazy("Chuyển sang tình trạng"), choices=Dossier.Status.choices)
    note = forms.CharField(label=gettext_lazy("Ghi chú (bắt buộc khi trả về bước trước)"), max_length=300,
                           required=False)


DETAILS = {MOVE_ACTION: MoveDetailsForm, LOAN_ACTION: LoanDetailsForm, STATUS_ACTION: StatusDetailsForm}


class SavedViewForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("Tên bộ lọc"), max_length=80,
                           widget=forms.TextInput(attrs={"placeholder": gettext_lazy("Ví dụ: Liệt sĩ chờ kiểm tra")}))
    query = forms.CharField(required=False, max_length=2000, widget=forms.HiddenInput)
