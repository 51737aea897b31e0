"""Forms of the statistics pages: the dashboard's filters (period, commune, category) and the part of the dossier
list's filters that a drill-down from a figure adds (today's commune as the statistics count it, sex, decade of
birth, living or deceased, as of a date)."""

import datetime as dt

from django import forms
from django.utils import timezone
from django.utils.translation import gettext, gettext_lazy

from hoso.gazetteer.models import AdminUnit
from hoso.records.models import Category
from hoso.records.visibility import place_choices
from hoso.reports.places import UNKNOWN, UNKNOWN_PLACE, gazetteer
from hoso.reports.statistics import ALIVE_LABELS, FIRST_YEAR, SEX_LABELS, Slice

from .forms import CategoryChoiceField

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
BAD_DATE = {"invalid": gettext_lazy("Ngày không hợp lệ: hãy chọn trên lịch hoặc gõ dạng năm-tháng-ngày (2025-12-31).")}


def commune_choices(user) -> list[tuple[str, str]]:
    """Today's communes in the user's scope, by name, then «chưa xác định»."""
    names = gazetteer().names
    ids = set(place_choices(actor=user).filter(level=AdminUnit.Level.COMMUNE).values_list("id", flat=True))
    return [(str(i), names[i]) for i in gazetteer().current if i in ids] + [(UNKNOWN, f"({UNKNOWN_PLACE})")]


def _commune(value: str) -> int | str | None:
    return None if not value else UNKNOWN if value == UNKNOWN else int(value)


def _check_day(day: dt.date | None, label: str) -> None:
    if day is None:
        return
    today = timezone.localdate()
    if day > today:
        raise forms.ValidationError(gettext("%(label)s %(day)s chưa đến: hãy chọn một ngày đến hôm nay "
                                            "(%(today)s).") % {"label": label, "day": f"{day:%d/%m/%Y}",
                                                               "today": f"{today:%d/%m/%Y}"})
    if day.year < FIRST_YEAR:
        raise forms.ValidationError(gettext("%(label)s: không có số liệu trước năm %(FIRST_YEAR)s.") % {
                                            "label": label,
                                            "FIRST_YEAR": FIRST_YEAR})


class StatisticsFilterForm(forms.Form):
    since = forms.DateField(label=gettext_lazy("Từ ngày"), required=False, widget=DATE, error_messages=BAD_DATE,
                            help_text=gettext_lazy("Đầu kỳ của số liệu theo thời gian (số hóa, thủ tục)"))
    until = forms.DateField(label=gettext_lazy("Đến ngày"), required=False, widget=DATE, error_messages=BAD_DATE,
                            help_text=gettext_lazy("Số hồ sơ tính đến ngày này"))
    commune = forms.ChoiceField(label=gettext_lazy("Xã, phường (hiện nay)"), required=False, error_messages={
        "invalid_choice": gettext_lazy("Không có xã, phường này trong địa bàn bạn được xem.")})
    category = CategoryChoiceField(label=gettext_lazy("Diện"), queryset=Category.objects.all(), to_field_name="code",
                                   required=False, empty_label=gettext_lazy("Tất cả các diện"), error_messages={
                                       "invalid_choice": gettext_lazy("Không có diện đối tượng này trong danh mục.")})

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["commune"].choices = [("", gettext_lazy("Toàn bộ địa bàn được xem")), *commune_choices(user)]

    def clean_since(self):
        _check_day(self.cleaned_data.get("since"), gettext("Từ ngày"))
        return self.cleaned_data.get("since")

    def clean_until(self):
        _check_day(self.cleaned_data.get("until"), gettext("Đến ngày"))
        return self.cleaned_data.get("until")

    def clean(self):
        data = super().clean()
        if data.get("since") and data.get("until") and data["since"] > data["until"]:
            raise forms.ValidationError(gettext("«Từ ngày» phải trước «Đến ngày»."))
        return data

    def period(self) -> tuple[dt.date, dt.date]:
        """(since, until) asked, or the year so far; usable even when the form has errors."""
        data = self.cleaned_data if self.is_bound and self.is_valid() else {}
        today = timezone.localdate()
        until = data.get("until") or today
        since = data.get("since") or dt.date(until.year, 1, 1)
        return since, until

    def slice(self) -> Slice:
        data = self.cleaned_data if self.is_bound and self.is_valid() else {}
        category = data.get("category")
        return Slice(category=category.code if category else None, commune=_commune(data.get("commune", "")))


SEX_CHOICES = [("", gettext_lazy("Mọi giới tính")), *SEX_LABELS.items()]
ALIVE_CHOICES = [("", gettext_lazy("Còn sống và đã mất")), *ALIVE_LABELS.items()]


class DossierSliceForm(forms.Form):
    """What a figure of the statistics adds to the dossier list's filters (its category and status are the list's
    own): the list then holds exactly the dossiers counted in that figure."""

    commune = forms.CharField(required=False)
    sex = forms.ChoiceField(required=False, choices=SEX_CHOICES,
                            error_messages={"invalid_choice": gettext_lazy("Giới tính chỉ là nam, nu hoặc khong_ro.")})
    decade = forms.CharField(required=False)
    alive = forms.ChoiceField(required=False, choices=ALIVE_CHOICES,
                              error_messages={"invalid_choice": gettext_lazy("Còn sống / đã mất chỉ là con_song "
                                                                             "hoặc da_mat.")})
    at = forms.DateField(required=False, input_formats=["%Y-%m-%d"], error_messages=BAD_DATE)

    FIELDS = ("commune", "sex", "decade", "alive", "at")

    def clean_commune(self):
        value = self.cleaned_data["commune"].strip()
        if value and value != UNKNOWN and (not value.isdigit() or int(value) not in gazetteer().current):
            raise forms.ValidationError(gettext("Không có xã, phường này trong danh mục đơn vị hành chính hiện nay."))
        return value

    def clean_decade(self):
        value = self.cleaned_data["decade"].strip()
        if value and value != UNKNOWN and not (value.isdigit() and int(value) % 10 == 0 and 1800 <= int(value) <= 2100):
            raise forms.ValidationError(gettext("Thập niên sinh phải là một năm tròn chục, ví dụ 1940."))
        return value

    def clean_at(self):
        _check_day(self.cleaned_data.get("at"), gettext("Tính đến ngày"))
        return self.cleaned_data.get("at")

    def given(self) -> bool:
        return self.is_bound and any(self.data.get(name) for name in self.FIELDS)

    def slice(self, *, category: str = "", status: str = "") -> tuple[Slice, dt.date | None]:
        data = self.cleaned_data
        decade = data.get("decade") or None
        return Slice(category=category or None, status=status or None, commune=_commune(data.get("commune", "")),
                     sex=data.get("sex") or None, alive=data.get("alive") or None,
                     decade=int(decade) if decade and decade != UNKNOWN else decade), data.get("at")

    def describe(self, labels) -> list[str]:
        """What the figure's filters say, in words (shown above the list)."""
        data = self.cleaned_data
        words = []
        if data.get("commune"):
            words.append(labels.of("commune", _commune(data["commune"])))
        if data.get("sex"):
            words.append(labels.of("sex", data["sex"]))
        if data.get("decade"):
            value = data["decade"]
            words.append(gettext("Sinh %(decade)s") % {"decade": labels.of("decade", int(value) if value != UNKNOWN
                                                                             else value)})
        if data.get("alive"):
            words.append(labels.of("alive", data["alive"]))
        if data.get("at"):
            words.append(gettext("quản lý đến ngày %(date)s") % {"date": f"{data['at']:%d/%m/%Y}"})
        return words
