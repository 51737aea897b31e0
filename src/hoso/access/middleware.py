"""Gates every signed-in request: the second factor for roles that require it, then a first-login password change.
Until both are done, only the pages that complete them (and sign-out) can be reached. And the
Content-Security-Policy header of every response."""

import time

from django.conf import settings
from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.urls import Resolver404, resolve
from django.utils import translation
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _

from .rules import needs_second_factor

OPEN_VIEWS = frozenset({"logout", "login", "javascript_catalog"})  # the catalogue: the scripts' texts, no data
SECOND_FACTOR_VIEWS = frozenset({"otp_setup", "otp_verify"})
AFTER_SIGN_IN = "hoso_after_sign_in"
"""Session key: the page asked for when the second-factor gate stopped the request (the code page leads on to it,
once checked to be a page of this site)."""
SEEN = "hoso_seen"
"""Session key: when the session was last saved for being used (SessionRefreshMiddleware), in whole seconds."""


class SessionRefreshMiddleware:
    """The idle timeout slides with use: a session used more than SESSION_REFRESH_SECONDS after it was last saved is
    saved again (its expiry moves to SESSION_COOKIE_AGE from now). Saving it on every request instead
    (SESSION_SAVE_EVERY_REQUEST) wrote and committed the session row three times per page a clerk opens; now a
    session idle for SESSION_COOKIE_AGE ends, give or take SESSION_REFRESH_SECONDS."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        session = getattr(request, "session", None)
        if session is not None and not session.is_empty():
            now = int(time.time())
            if session.modified or now - session.get(SEEN, 0) >= settings.SESSION_REFRESH_SECONDS:
                session[SEEN] = now  # saved by SessionMiddleware (setting it marks the session modified)
        return response


class SecurityGateMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            target = self._gate(request, user)
            if target is not None:
                if request.path.startswith("/api/"):
                    return JsonResponse({"detail": _("Hãy hoàn tất đăng nhập (đổi mật khẩu, mã xác thực) trên web.")},
                                        status=403)
                return redirect(target)
        return self.get_response(request)

    @staticmethod
    def _gate(request, user) -> str | None:
        """The second factor comes first: a password (even a temporary one) is changed only by someone who also
        holds the enrolled device, so a stolen password alone cannot take the account over."""
        try:
            name = resolve(request.path_info).url_name
        except Resolver404:
            return None
        if name in OPEN_VIEWS:
            return None
        if needs_second_factor(user) and not user.is_verified():
            if name in SECOND_FACTOR_VIEWS:
                return None
            if request.method == "GET" and not request.path.startswith("/api/") and "HX-Request" not in request.headers:
                request.session[AFTER_SIGN_IN] = request.get_full_path()  # a page, not a fragment htmx polls
            return "otp_verify"
        if user.must_change_password and name != "password_change" and name not in SECOND_FACTOR_VIEWS:
            return "password_change"
        return None


class ContentSecurityPolicyMiddleware:
    """Sends settings.SECURE_CSP (the shape of Django 6's setting: directive → list of sources) as the
    Content-Security-Policy header of every response that has none. Django 5.2 has no CSP middleware of its own;
    on Django 6 this class gives way to django.middleware.csp.ContentSecurityPolicyMiddleware with the same setting.

    Exceptions: the stand-alone 500 page carries its own <style> (it must render with nothing else working), so 5xx
    responses may use inline style; with DEBUG on, Django's technical error pages (inline style and script) are
    allowed both. A PDF opened in the browser gets only `frame-ancestors 'none'`: Chromium's PDF viewer is an
    <embed> in a page of its own that inherits the response's policy, and `object-src 'none'` would blank it."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if "Content-Security-Policy" not in response:
            if response.get("Content-Type", "").startswith("application/pdf"):
                response["Content-Security-Policy"] = PDF_POLICY
            else:
                response["Content-Security-Policy"] = content_security_policy(response.status_code)
        return response


PDF_POLICY = "frame-ancestors 'none'"


def content_security_policy(status: int = 200) -> str:
    directives = {name: list(sources) for name, sources in settings.SECURE_CSP.items()}
    relaxed = ["style-src"] if status >= 500 else []
    if settings.DEBUG and status >= 400:
        relaxed = ["style-src", "script-src"]
    for name in relaxed:
        directives[name] = [*directives.get(name, ["'self'"]), "'unsafe-inline'"]
    return "; ".join(f"{name} {' '.join(sources)}" for name, sources in directives.items())


class NotFoundPageMiddleware:
    """A dossier out of reach answers with the product's Vietnamese "not found" page even when DEBUG is on:
    Django's debug 404 would list every URL of the product and say in English what was looked up."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if settings.DEBUG and isinstance(exception, Http404) and not request.path.startswith("/api/"):
            return render(request, "404.html", status=404)
        return None


LANGUAGE_COOKIE = "hoso_language"
LANGUAGE_PARAMETER = "ngon-ngu"
"""`?ngon-ngu=en` on a page seen before sign-in (the sign-in page offers it) chooses the language of this browser
until someone signs in; a signed-in user's pages are in the language of their account (access.User.language, set
from the menu through access.services.set_language, audited)."""


class UserLanguageMiddleware:
    """Activates the language of the request: the signed-in user's, else the one this browser chose before sign-in,
    else Vietnamese (settings.LANGUAGE_CODE). The language is active only while the request is answered, so nothing
    that runs after it in the same thread (a task, a test) inherits it."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        chosen = None
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            language = getattr(user, "language", "") or settings.LANGUAGE_CODE
        else:
            chosen = request.GET.get(LANGUAGE_PARAMETER)
            if chosen not in _languages():
                chosen = None
            language = chosen or request.COOKIES.get(LANGUAGE_COOKIE, "")
        if language not in _languages():
            language = settings.LANGUAGE_CODE
        with translation.override(language):
            request.LANGUAGE_CODE = language
            response = self.get_response(request)
        if chosen:
            response.set_cookie(LANGUAGE_COOKIE, chosen, max_age=365 * 24 * 3600, samesite="Lax",
                                secure=settings.SESSION_COOKIE_SECURE, httponly=True)
        response.setdefault("Content-Language", language)
        patch_vary_headers(response, ("Cookie",))
        return response


def _languages() -> set[str]:
    return {code for code, _name in settings.LANGUAGES}
