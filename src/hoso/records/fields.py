"""A model field for dates that may be partial: "1947", "05/1972" or "12/05/1972"."""

from django.core.exceptions import ValidationError
from django.db import models

from hoso.core.text_errors import partial_date_message_lazy
from hoso.vntext.dates import InvalidPartialDate, PartialDate, parse_partial_date


class PartialDateField(models.CharField):
    """Stored as ISO text ("1947", "1972-05", "1972-05-12"), which sorts and filters by prefix."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("max_length", 10)
        kwargs.setdefault("blank", True)
        kwargs.setdefault("null", True)
        super().__init__(*args, **kwargs)
        # The length check applies to the stored text, not to the PartialDate value objects.
        self.__dict__["validators"] = list(self._validators)

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        kwargs.pop("max_length", None)
        return name, path, args, kwargs

    def from_db_value(self, value, expression, connection):
        return PartialDate.from_iso(value) if value else None

    def to_python(self, value):
        if value is None or isinstance(value, PartialDate):
            return value
        if value == "":
            return None
        try:
            iso = value.lstrip("~?<>")
            if iso[:4].isdigit() and (len(iso) == 4 and iso != value or "-" in iso):
                return PartialDate.from_iso(value)
            return parse_partial_date(value)
        except InvalidPartialDate as exc:
            raise ValidationError(partial_date_message_lazy(exc), code="invalid_date") from exc

    def get_prep_value(self, value):
        value = self.to_python(value)
        return value.iso() if value is not None else None

    def value_to_string(self, obj):
        value = self.value_from_object(obj)
        return value.iso() if value else ""
