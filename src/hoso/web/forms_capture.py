"""Forms of page work (viewer, documents) and of uploads. They only validate shapes; capture.services writes."""

from django import forms
from django.utils.translation import gettext, gettext_lazy

from hoso.records.models import Confidentiality, Document, Dossier
from hoso.records.visibility import confidentiality_choices

from .forms import PartialDateFormField


class DocumentForm(forms.Form):
    """A document (văn bản) over a range of pages, filled beside the page image (Thông tư 02/2019 fields)."""

    page_from = forms.IntegerField(label=gettext_lazy("Từ trang"), min_value=1,
                                   error_messages={"required": gettext_lazy("Nhập trang đầu của văn bản.")})
    page_to = forms.IntegerField(label=gettext_lazy("Đến trang"), min_value=1,
                                 error_messages={"required": gettext_lazy("Nhập trang cuối của văn bản.")})
    doc_type = forms.CharField(label=gettext_lazy("Tên loại văn bản"), max_length=100,
                               help_text=gettext_lazy("Ví dụ: Giấy báo tử, Quyết định, Biên bản"),
                               error_messages={"required": gettext_lazy("Nhập tên loại văn bản.")},
                               widget=forms.TextInput(attrs={"autocomplete": "off", "list": "doc-types"}))
    number = forms.CharField(label=gettext_lazy("Số"), max_length=30, required=False)
    symbol = forms.CharField(label=gettext_lazy("Ký hiệu"), max_length=60, required=False)
    issued_on = PartialDateFormField(label=gettext_lazy("Ngày tháng năm văn bản"))
    issuer = forms.CharField(label=gettext_lazy("Cơ quan ban hành"), max_length=200, required=False)
    summary = forms.CharField(label=gettext_lazy("Trích yếu nội dung"), max_length=500, required=False)
    handwriting = forms.CharField(label=gettext_lazy("Bút tích"), max_length=300, required=False)
    notes = forms.CharField(label=gettext_lazy("Ghi chú"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    confidentiality = forms.ChoiceField(label=gettext_lazy("Độ mật"), choices=Confidentiality.choices,
                                        initial=Confidentiality.NORMAL)
    document = forms.IntegerField(required=False, widget=forms.HiddenInput)

    FIELDS = ("doc_type", "number", "symbol", "issued_on", "issuer", "summary", "handwriting", "notes",
              "confidentiality")

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        if user is not None:
            self.fields["confidentiality"].choices = confidentiality_choices(user)

    def clean(self):
        data = super().clean()
        first, last = data.get("page_from"), data.get("page_to")
        if first and last and last < first:
            self.add_error("page_to", gettext("«Đến trang» không được nhỏ hơn «từ trang»."))
        return data

    def entry_fields(self) -> list:
        return [self[name] for name in self.FIELDS]

    def values(self) -> dict:
        return {name: self.cleaned_data.get(name) for name in self.FIELDS}

    @classmethod
    def initial_for(cls, document: Document) -> dict:
        return {"document": document.pk, "page_from": document.page_from, "page_to": document.page_to,
                **{name: getattr(document, name) for name in cls.FIELDS}}


class StatusForm(forms.Form):
    status = forms.ChoiceField(choices=Dossier.Status.choices)
    note = forms.CharField(label=gettext_lazy("Ghi chú"), max_length=300, required=False)


class UploadForm(forms.Form):
    """The plain multi-file form (the page without JavaScript); drag and drop posts the same fields per file."""

    batch_name = forms.CharField(label=gettext_lazy("Tên đợt số hóa"), max_length=200, required=False,
                                 help_text=gettext_lazy("Để trống: hệ thống tự đặt theo ngày giờ"))
    run_ocr = forms.BooleanField(label=gettext_lazy("Nhận dạng chữ (OCR)"), required=False, initial=True)
    photos = forms.BooleanField(label=gettext_lazy("Ảnh chụp trang giấy (tự tìm trang, nắn phẳng, làm đều ánh sáng)"),
                                required=False, initial=False)
