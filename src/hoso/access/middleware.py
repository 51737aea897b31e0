"""Gates every signed-in request: a first-login password change, then the second factor for roles that
require it. Until both are done, only the pages that complete them (and sign-out) can be reached."""

from django.http import JsonResponse
from django.shortcuts import redirect
from django.urls import Resolver404, resolve

from .rules import needs_second_factor

OPEN_VIEWS = frozenset({"logout", "password_change", "otp_setup", "otp_verify", "login"})


class SecurityGateMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            target = self._gate(request, user)
            if target is not None:
                if request.path.startswith("/api/"):
                    return JsonResponse({"detail": "Hãy hoàn tất đăng nhập (đổi mật khẩu, mã xác thực) trên web."},
                                        status=403)
                return redirect(target)
        return self.get_response(request)

    @staticmethod
    def _gate(request, user) -> str | None:
        try:
            name = resolve(request.path_info).url_name
        except Resolver404:
            return None
        if name in OPEN_VIEWS:
            return None
        if user.must_change_password:
            return "password_change"
        if needs_second_factor(user) and not user.is_verified():
            return "otp_verify"
        return None
