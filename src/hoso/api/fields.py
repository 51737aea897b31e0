"""Serializer fields of the records API with their own validation messages, through gettext (the framework's
Vietnamese catalogue is incomplete), and the partial-date field: "1947", "5/1972", "12/05/1972" in, ISO out."""

from typing import Any

from django.core.validators import ProhibitNullCharactersValidator
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from rest_framework.utils import html
from rest_framework.validators import ProhibitSurrogateCharactersValidator

from hoso.core.text_errors import partial_date_message
from hoso.vntext.dates import InvalidPartialDate, PartialDate, parse_partial_date

MAX_INT = 2_147_483_647  # PositiveIntegerField on PostgreSQL
COMMON_MESSAGES = {
    "required": gettext_lazy("Trường này là bắt buộc."),
    "null": gettext_lazy("Trường này không được để trống (null)."),
    "blank": gettext_lazy("Trường này không được bỏ trống."),
    "max_length": gettext_lazy("Dài quá {max_length} ký tự."),
    "min_length": gettext_lazy("Cần ít nhất {min_length} ký tự."),
    "max_value": gettext_lazy("Giá trị phải nhỏ hơn hoặc bằng {max_value}."),
    "min_value": gettext_lazy("Giá trị phải lớn hơn hoặc bằng {min_value}."),
    "max_string_length": gettext_lazy("Số quá lớn."),
    "invalid_choice": gettext_lazy("«{input}» không phải là lựa chọn hợp lệ."),
    "not_a_list": gettext_lazy("Cần một danh sách, nhận được kiểu {input_type}."),
    "empty": gettext_lazy("Danh sách không được rỗng."),
    "does_not_exist": gettext_lazy("Không tìm thấy mã «{pk_value}»."),
    "incorrect_type": gettext_lazy("Cần một mã số, nhận được kiểu {data_type}."),
}


NO_NUL = gettext_lazy("Không được chứa ký tự NUL (\\x00).")


class VietnameseMessages:
    """Put first among the bases of a field: its messages replace the framework's English ones."""

    default_error_messages = COMMON_MESSAGES


class _NoSurrogate(ProhibitSurrogateCharactersValidator):
    message = gettext_lazy("Không được chứa ký tự không hợp lệ U+{code_point:X}.")


def _vietnamese(validator: Any) -> Any:
    if isinstance(validator, ProhibitNullCharactersValidator):
        return ProhibitNullCharactersValidator(message=NO_NUL)
    if isinstance(validator, ProhibitSurrogateCharactersValidator):
        return _NoSurrogate()
    return validator


class Text(VietnameseMessages, serializers.CharField):
    default_error_messages = {"invalid": gettext_lazy("Cần một chuỗi ký tự.")}

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("required", False)
        if not kwargs["required"]:
            kwargs.setdefault("allow_blank", True)
        super().__init__(**kwargs)
        self.validators = [_vietnamese(v) for v in self.validators]

    def to_internal_value(self, data: Any) -> str:
        if not isinstance(data, str):  # the framework would turn numbers into text; the schema says string
            self.fail("invalid")
        return super().to_internal_value(data)


class Integer(VietnameseMessages, serializers.IntegerField):
    default_error_messages = {"invalid": gettext_lazy("Cần một số nguyên.")}

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("required", False)
        kwargs.setdefault("min_value", 0)
        kwargs.setdefault("max_value", MAX_INT)
        super().__init__(**kwargs)

    def get_value(self, dictionary: Any) -> Any:
        # DRF reads an empty query parameter (`?offset=`) as "not given" and uses the default; the schema says
        # integer, so an empty value is refused like any other text.
        if html.is_html_input(dictionary) and dictionary.get(self.field_name) == "":
            return ""
        return super().get_value(dictionary)


class Boolean(VietnameseMessages, serializers.BooleanField):
    default_error_messages = {"invalid": gettext_lazy("Cần giá trị đúng/sai (true/false).")}


class Choice(VietnameseMessages, serializers.ChoiceField):
    def __init__(self, choices: Any, **kwargs: Any) -> None:
        kwargs.setdefault("required", False)
        super().__init__(choices, **kwargs)


class TextList(VietnameseMessages, serializers.ListField):
    def __init__(self, *, item_length: int, **kwargs: Any) -> None:
        kwargs.setdefault("required", False)
        kwargs.setdefault("max_length", 50)
        super().__init__(child=Text(max_length=item_length, allow_blank=False, required=True), **kwargs)


class UnitId(VietnameseMessages, serializers.PrimaryKeyRelatedField):
    """An administrative unit (đơn vị hành chính) by id."""


PARTIAL_DATE_IN = {
    "type": "string", "nullable": True, "maxLength": 40, "example": "12/05/1972",
    "description": "Ngày có thể thiếu: 1947, 5/1972, 12/05/1972 (ngày/tháng/năm), hoặc ISO 1972-05-12; "
                   "chuỗi rỗng hoặc null để xóa.",
}


@extend_schema_field(PARTIAL_DATE_IN)
class PartialDateInput(VietnameseMessages, serializers.Field):
    """A date typed the Vietnamese way, possibly partial; read back as ISO text ("1972-05")."""

    default_error_messages = {"invalid": gettext_lazy("Ngày tháng phải là chuỗi ký tự, ví dụ 12/05/1972."),
                              "max_length": gettext_lazy("Dài quá 40 ký tự.")}

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("required", False)
        kwargs.setdefault("allow_null", True)
        super().__init__(**kwargs)

    def to_internal_value(self, data: Any) -> PartialDate | None:
        if not isinstance(data, str):
            self.fail("invalid")
        if len(data) > 40:
            self.fail("max_length")
        if not data.strip():
            return None
        try:
            return parse_partial_date(data)
        except InvalidPartialDate as exc:
            raise serializers.ValidationError(partial_date_message(exc), code="invalid_date") from exc

    def to_representation(self, value: PartialDate | None) -> str | None:
        return value.iso() if value else None


class VietnameseSerializer(VietnameseMessages, serializers.Serializer):
    default_error_messages = {
        "invalid": gettext_lazy("Dữ liệu không hợp lệ: cần một đối tượng JSON, nhận được {datatype}.")}
