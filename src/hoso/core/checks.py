"""System checks of the settings (kiểm tra cấu hình): what would make an install unsafe, in Vietnamese.

Registered when CoreConfig.ready() imports this module. `hoso check` (and every command that runs the checks)
reports DEBUG left on in production; `hoso check --deploy` also reports the published development secret key,
ALLOWED_HOSTS '*' and session cookies sent without HTTPS in production. Django's own deploy checks (HSTS, SSL
redirect…) come on top.

Imports only Django and the standard library: core is the bottom Django layer.
"""

from django.conf import settings
from django.core.checks import CheckMessage, Error, Tags, Warning, register

PRODUCTION = "production"


def _in_production() -> bool:
    return getattr(settings, "HOSO_SHAPE", "") == PRODUCTION


@register(Tags.security)
def check_debug_in_production(app_configs=None, **kwargs) -> list[CheckMessage]:
    """DEBUG on with DATABASE_URL: error pages would show code, settings and personal data to anyone."""
    if not (settings.DEBUG and _in_production()):
        return []
    return [Warning(
        "DEBUG đang bật (HOSO_DEBUG=1) trong khi hoso chạy ở cấu hình production (DATABASE_URL): trang lỗi sẽ "
        "hiện mã nguồn, cấu hình và dữ liệu cá nhân cho bất kỳ ai gặp lỗi.",
        hint="Bỏ HOSO_DEBUG hoặc đặt HOSO_DEBUG=0 trên máy chủ thật.",
        id="hoso.W001",
    )]


@register(Tags.security, deploy=True)
def check_deployment(app_configs=None, **kwargs) -> list[CheckMessage]:
    """`hoso check --deploy`: the development key anywhere; open host names and plain-HTTP cookies in production."""
    messages: list[CheckMessage] = []
    development_key = getattr(settings, "HOSO_DEVELOPMENT_SECRET_KEY", "")
    if not settings.SECRET_KEY or (development_key and settings.SECRET_KEY == development_key):
        messages.append(Error(
            "Khóa bí mật (SECRET_KEY) đang là khóa phát triển công khai trong mã nguồn: ai cũng có thể giả chữ ký "
            "phiên đăng nhập và các liên kết của hệ thống.",
            hint="Đặt HOSO_SECRET_KEY là một chuỗi ngẫu nhiên dài, giữ bí mật, ví dụ: "
                 "python -c \"import secrets; print(secrets.token_urlsafe(50))\".",
            id="hoso.E001",
        ))
    if not _in_production():
        return messages
    if "*" in settings.ALLOWED_HOSTS:
        messages.append(Warning(
            "ALLOWED_HOSTS chứa '*': máy chủ nhận mọi tên miền trong tiêu đề Host, kể cả tên giả mạo (dùng để làm "
            "sai liên kết trong thư và mã QR).",
            hint="Đặt HOSO_ALLOWED_HOSTS là danh sách tên máy chủ thật, cách nhau bằng dấu phẩy.",
            id="hoso.W002",
        ))
    if not (settings.SESSION_COOKIE_SECURE and settings.CSRF_COOKIE_SECURE):
        messages.append(Warning(
            "HOSO_SECURE_COOKIES đang tắt: cookie phiên đăng nhập và CSRF được gửi cả qua HTTP không mã hóa, "
            "có thể bị đọc trộm trên mạng.",
            hint="Chạy hoso sau HTTPS và đặt HOSO_SECURE_COOKIES=1.",
            id="hoso.W003",
        ))
    return messages
