"""Errors of the records API: service errors to HTTP 400, Vietnamese messages for the framework's own
errors, and the error responses every operation documents in the OpenAPI schema."""

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS
from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext_lazy
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.utils import OpenApiResponse
from rest_framework import exceptions, serializers, status
from rest_framework.pagination import PageNumberPagination
from rest_framework.settings import api_settings
from rest_framework.views import exception_handler

# The framework's messages that its Vietnamese catalogue leaves in English (ours, through gettext).
FRAMEWORK_MESSAGES: dict[type[exceptions.APIException], Any] = {
    exceptions.NotAuthenticated: gettext_lazy("Bạn chưa đăng nhập."),
    exceptions.AuthenticationFailed: gettext_lazy("Thông tin đăng nhập không đúng hoặc mã truy cập không hợp lệ."),
    exceptions.ParseError: gettext_lazy("Dữ liệu gửi lên không đọc được (cần JSON hợp lệ, mã hóa UTF-8)."),
    exceptions.UnsupportedMediaType: gettext_lazy("Kiểu dữ liệu gửi lên không được hỗ trợ: hãy gửi "
                                                  "application/json."),
    exceptions.NotAcceptable: gettext_lazy("Không trả được dữ liệu theo kiểu yêu cầu trong tiêu đề Accept "
                                           "(hãy nhận JSON)."),
}
NOT_FOUND = gettext_lazy("Không tìm thấy hoặc bạn không có quyền xem.")


def service_error(exc: DjangoValidationError, *, prefix: str | None = None) -> exceptions.ValidationError:
    """A service's ValidationError as the API's field errors (optionally nested under `prefix`)."""
    if hasattr(exc, "error_dict"):
        errors: dict[str, Any] = {
            (api_settings.NON_FIELD_ERRORS_KEY if field == NON_FIELD_ERRORS else field): messages
            for field, messages in exc.message_dict.items()
        }
    else:
        errors = {api_settings.NON_FIELD_ERRORS_KEY: exc.messages}
    return exceptions.ValidationError({prefix: errors} if prefix else errors)


@contextmanager
def service_errors(*, prefix: str | None = None) -> Iterator[None]:
    """Run service calls; their ValidationError becomes an HTTP 400 with field errors."""
    try:
        yield
    except DjangoValidationError as exc:
        raise service_error(exc, prefix=prefix) from exc


def records_exception_handler(exc: Exception, context: dict[str, Any]):
    """DRF's handler, plus: Django ValidationError → 400 by field; Vietnamese text for framework errors."""
    if isinstance(exc, DjangoValidationError):
        exc = service_error(exc)
    message = next((text for cls, text in FRAMEWORK_MESSAGES.items() if isinstance(exc, cls)), None)
    if isinstance(exc, exceptions.UnsupportedMediaType):
        exc = exceptions.UnsupportedMediaType("", detail=message)
    elif message is not None:
        exc = type(exc)(message)
    return exception_handler(exc, context)


class RecordsPagination(PageNumberPagination):
    """The configured page-number pagination (PAGE_SIZE), with a Vietnamese message for a page that is not there."""

    invalid_page_message = gettext_lazy("Trang không tồn tại.")


class ErrorSerializer(serializers.Serializer):
    detail = serializers.CharField(help_text="Thông báo lỗi (tiếng Việt)")


ERROR_400 = OpenApiResponse(
    response={"type": "object", "additionalProperties": True,
              "description": "Lỗi theo từng trường: {\"tên_trường\": [\"thông báo\"]}; lỗi chung: non_field_errors"},
    description="Dữ liệu không hợp lệ; không có gì được ghi.")
ERROR_403 = OpenApiResponse(ErrorSerializer, description="Chưa đăng nhập, hoặc vai trò không có quyền này.")
ERROR_404 = OpenApiResponse(ErrorSerializer, description="Không tìm thấy, hoặc ngoài phạm vi được xem.")
ERROR_405 = OpenApiResponse(ErrorSerializer, description="Phương thức không được hỗ trợ.")
ERROR_406 = OpenApiResponse(ErrorSerializer, description="Không trả được kiểu dữ liệu yêu cầu.")
ERROR_415 = OpenApiResponse(ErrorSerializer, description="Kiểu dữ liệu gửi lên không được hỗ trợ.")


class ErrorResponsesSchema(AutoSchema):
    """Documents the error responses an API operation can give (403, 404, …), next to its success response.

    The project's default schema class (REST_FRAMEWORK["DEFAULT_SCHEMA_CLASS"]), so every endpoint documents
    them; responses an operation declares itself take precedence."""

    def _get_response_bodies(self, direction: str = "response") -> dict[str, Any]:
        bodies = super()._get_response_bodies(direction=direction)
        errors = {status.HTTP_403_FORBIDDEN: ERROR_403, status.HTTP_404_NOT_FOUND: ERROR_404,
                  status.HTTP_405_METHOD_NOT_ALLOWED: ERROR_405, status.HTTP_406_NOT_ACCEPTABLE: ERROR_406}
        if self.method in ("POST", "PUT", "PATCH", "DELETE") or self._is_list_view():
            errors[status.HTTP_400_BAD_REQUEST] = ERROR_400
        if self.method in ("POST", "PUT", "PATCH"):
            errors[status.HTTP_415_UNSUPPORTED_MEDIA_TYPE] = ERROR_415
        for code, response in sorted(errors.items()):
            bodies.setdefault(str(code), self._get_response_for_code(response, str(code), direction=direction))
        return bodies
