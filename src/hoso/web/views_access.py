"""Sign-in completion (password change, second factor), user administration and the auditor's screen."""

import secrets
from base64 import b32encode
from urllib.parse import urlencode

import qrcode
import qrcode.image.svg
from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout, update_session_auth_hash
from django.contrib.auth.forms import SetPasswordForm
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext, gettext_lazy
from django.views.decorators.http import require_POST
from django_otp import login as otp_login

from hoso.access import services as access_services
from hoso.access.decorators import rule
from hoso.access.middleware import AFTER_SIGN_IN
from hoso.access.models import User
from hoso.access.permissions import ASSIGNABLE_ROLES, MANAGE_USERS, ROLE_PERMISSIONS, SIGNED_IN
from hoso.access.rules import needs_second_factor
from hoso.gazetteer.models import AdminUnit


class PasswordChangeForm(SetPasswordForm):
    """The new password twice (the password rules apply), and the current one: a session left open or stolen
    cannot set a password that its holder does not know."""

    current_password = forms.CharField(label=gettext_lazy("Mật khẩu hiện tại"), strip=False, widget=forms.PasswordInput(
        attrs={"autocomplete": "current-password", "autofocus": True}))
    field_order = ["current_password", "new_password1", "new_password2"]


WRONG_CURRENT_PASSWORDS = "hoso_wrong_current_passwords"


@rule(SIGNED_IN)
def password_change(request: HttpRequest) -> HttpResponse:
    """Change one's own password. Roles that need a second factor enter its code first (the security gate sends
    them there; checked again here). Guessing the current password signs out after as many tries as a sign-in."""
    if needs_second_factor(request.user) and not request.user.is_verified():
        return redirect("otp_verify")
    form = PasswordChangeForm(request.user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            access_services.change_own_password(user=request.user,
                                                current_password=form.cleaned_data["current_password"],
                                                new_password=form.cleaned_data["new_password1"])
        except ValidationError as exc:
            wrong = "current_password" in getattr(exc, "error_dict", {})
            form.add_error("current_password" if wrong else "new_password1", exc.messages)
            if wrong:
                tries = request.session.get(WRONG_CURRENT_PASSWORDS, 0) + 1
                request.session[WRONG_CURRENT_PASSWORDS] = tries
                if tries >= settings.AXES_FAILURE_LIMIT:
                    logout(request)
                    messages.error(request, gettext("Nhập sai mật khẩu hiện tại quá nhiều lần: đã đăng xuất. Hãy "
                                                    "đăng nhập lại."))
                    return redirect(settings.LOGIN_URL)
        else:
            request.session.pop(WRONG_CURRENT_PASSWORDS, None)
            update_session_auth_hash(request, request.user)
            messages.success(request, gettext("Đã đổi mật khẩu."))
            return redirect(_next_page(request))
    return render(request, "access/password_change.html", {"form": form})


def _next_page(request: HttpRequest) -> str:
    """Where a finished sign-in step leads (M5): `?next=`, or else the page the security gate stopped — only if it is
    an address of this site (over HTTPS when this request is); otherwise the home page."""
    stopped = request.session.pop(AFTER_SIGN_IN, None)
    candidate = request.GET.get("next") if "next" in request.GET else stopped
    if candidate and url_has_allowed_host_and_scheme(candidate, allowed_hosts={request.get_host()},
                                                     require_https=request.is_secure()):
        return candidate
    return reverse("home")


class TokenForm(forms.Form):
    token = forms.CharField(label=gettext_lazy("Mã 6 số trong ứng dụng xác thực"), max_length=8,
                            widget=forms.TextInput(attrs={"autofocus": True, "inputmode": "numeric",
                                                          "autocomplete": "one-time-code"}))


@rule(SIGNED_IN)
def otp_verify(request: HttpRequest) -> HttpResponse:
    device = access_services.totp_device(request.user)
    if device is None or not device.confirmed:
        query = f"?{urlencode({'next': request.GET['next']})}" if "next" in request.GET else ""
        return redirect(reverse("otp_setup") + query)
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if access_services.check_totp(user=request.user, device=device, token=form.cleaned_data["token"]):
            otp_login(request, device)
            return redirect(_next_page(request))
        form.add_error("token", gettext("Mã không đúng hoặc đã hết hạn. Hãy nhập mã đang hiện trong ứng dụng."))
    return render(request, "access/otp_verify.html", {"form": form})


@rule(SIGNED_IN)
def otp_setup(request: HttpRequest) -> HttpResponse:
    device = access_services.totp_device(request.user, create=True)
    if device.confirmed:
        return redirect("otp_verify")
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if access_services.confirm_totp(user=request.user, device=device, token=form.cleaned_data["token"]):
            otp_login(request, device)
            messages.success(request, gettext("Đã bật xác thực hai lớp."))
            return redirect(_next_page(request))
        form.add_error("token", gettext("Mã không đúng. Kiểm tra giờ trên điện thoại rồi thử lại."))
    image = qrcode.make(device.config_url, image_factory=qrcode.image.svg.SvgPathImage)
    secret = b32encode(device.bin_key).decode()
    grouped = " ".join(secret[i:i + 4] for i in range(0, len(secret), 4))
    return render(request, "access/otp_setup.html",
                  {"form": form, "qr_svg": image.to_string(encoding="unicode"), "secret": grouped})


class UserForm(forms.Form):
    username = forms.RegexField(label=gettext_lazy("Tên đăng nhập"), max_length=150, regex=r"^[\w.@+-]+$",
                                error_messages={"invalid": gettext_lazy("Chỉ dùng chữ không dấu, số và . @ + - _")})
    first_name = forms.CharField(label=gettext_lazy("Họ và tên"), max_length=150, required=False)
    role = forms.ChoiceField(label=gettext_lazy("Vai trò"), choices=ASSIGNABLE_ROLES)
    scope_all = forms.BooleanField(label=gettext_lazy("Phạm vi toàn tỉnh"), required=False)
    scope_units = forms.ModelMultipleChoiceField(
        label=gettext_lazy("Hoặc chỉ các xã/phường (đơn vị hiện hành)"), required=False,
        queryset=AdminUnit.objects.filter(valid_to__isnull=True).exclude(level=AdminUnit.Level.PROVINCE)
        .order_by("level", "name"), widget=forms.SelectMultiple(attrs={"size": 8}))
    secret_clearance = forms.BooleanField(label=gettext_lazy("Được xem hồ sơ, tài liệu Mật"), required=False)
    is_active = forms.BooleanField(label=gettext_lazy("Đang hoạt động"), required=False, initial=True)

    def clean(self):
        data = super().clean()
        if not data.get("scope_all") and not data.get("scope_units") and data.get("role") not in {"auditor", "admin"}:
            raise ValidationError(gettext("Hãy chọn phạm vi: toàn tỉnh hoặc ít nhất một xã/phường."))
        return data


@rule(MANAGE_USERS)
def user_list(request: HttpRequest) -> HttpResponse:
    users = User.objects.exclude(role="system").order_by("username").prefetch_related("scope_units")
    return render(request, "access/user_list.html", {"users": users, "roles": ROLE_PERMISSIONS})


@rule(MANAGE_USERS)
def user_edit(request: HttpRequest, user_id: int | None = None) -> HttpResponse:
    user = get_object_or_404(User.objects.exclude(role="system"), pk=user_id) if user_id else None
    initial = {}
    if user is not None:
        initial = {f: getattr(user, f) for f in ("username", "first_name", "role", "scope_all", "secret_clearance",
                                                  "is_active")}
        initial["scope_units"] = list(user.scope_units.all())
    form = UserForm(request.POST or None, initial=initial or {"is_active": True})
    if user is not None:
        form.fields["username"].disabled = True
    temporary = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        fields = {k: data[k] for k in ("first_name", "role", "scope_all", "secret_clearance", "is_active")}
        try:
            if user is None:
                temporary = _temporary_password()
                user = access_services.create_user(
                    actor=request.user, username=data["username"], password=temporary, full_name=data["first_name"],
                    role=data["role"], scope_all=data["scope_all"], scope_units=data["scope_units"],
                    secret_clearance=data["secret_clearance"], must_change_password=True)
            else:
                access_services.update_user(actor=request.user, user=user, scope_units=data["scope_units"], **fields)
        except ValidationError as exc:
            for message in exc.messages:
                form.add_error(None, message)
        else:
            if temporary:
                messages.success(request, gettext("Đã tạo «%(username)s». Mật khẩu tạm (chỉ hiện một lần, phải "
                                                  "đổi khi đăng nhập): %(temporary)s") % {
                                                  "username": user.username,
                                                  "temporary": temporary})
            else:
                messages.success(request, gettext("Đã lưu «%(username)s».") % {"username": user.username})
            return redirect("user_list")
    return render(request, "access/user_form.html", {"form": form, "edited": user})


@rule(MANAGE_USERS)
@require_POST
def user_reset(request: HttpRequest, user_id: int) -> HttpResponse:
    user = get_object_or_404(User.objects.exclude(role="system"), pk=user_id)
    if request.POST.get("what") == "totp":
        access_services.reset_totp(actor=request.user, user=user)
        messages.success(request, gettext("Đã gỡ xác thực hai lớp của «%(username)s»; lần đăng nhập sau sẽ cài "
                                          "lại.") % {"username": user.username})
    else:
        temporary = _temporary_password()
        cleared = user.secret_clearance
        access_services.set_password(actor=request.user, user=user, password=temporary)
        messages.success(request, gettext("Mật khẩu tạm của «%(username)s» (chỉ hiện một lần): %(temporary)s") % {
                                          "username": user.username,
                                          "temporary": temporary})
        if cleared:
            messages.warning(request, gettext("Quyền xem hồ sơ Mật của «%(username)s» đã tạm gỡ vì bạn biết mật "
                                              "khẩu tạm: một quản trị viên khác cấp lại.") % {
                                              "username": user.username})
    return redirect("user_list")


@rule(SIGNED_IN)
@require_POST
def language_set(request: HttpRequest) -> HttpResponse:
    """The user switches the language of their own interface (the menu's button); back to the page they were on."""
    try:
        access_services.set_language(user=request.user, language=request.POST.get("language", ""))
    except ValidationError:
        messages.error(request, gettext("Không có ngôn ngữ này."))
    back = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        back = reverse("home")
    return redirect(back)


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """settings.CSRF_FAILURE_VIEW: a form sent from a page kept open too long (or from elsewhere) is refused with the
    product's page in the user's language, not Django's English one."""
    return render(request, "403.html", {"exception": gettext(
        "Biểu mẫu đã cũ hoặc không gửi từ trang của hệ thống nên không được nhận: hãy tải lại trang rồi làm lại.")},
        status=403)


def _temporary_password() -> str:
    return "-".join(secrets.token_hex(3) for _ in range(3))
