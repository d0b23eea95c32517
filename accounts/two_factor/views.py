"""The admin's second-factor pages: enrol (QR code, then a code), verify after login,
new backup codes. Staff only; rendered in the admin's look."""

from functools import wraps

from django import forms
from django.contrib import admin, messages
from django.contrib.auth.views import redirect_to_login
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods
from django_otp import login as otp_login

from accounts.two_factor import services
from petshop.core.exceptions import DomainError
from petshop.core.throttling import auth_attempt_wait, client_address


class CodeForm(forms.Form):
    token = forms.CharField(
        label="Code",
        max_length=16,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}
        ),
    )


def code_throttle_wait(request) -> int | None:
    """The one seam to the project's rate limits (petshop.core.throttling): a code
    attempt counted per client address and per signed-in user in the `otp` scope
    (THROTTLE_OTP). None if allowed, else the seconds to wait."""
    return auth_attempt_wait(
        scope="otp", address=client_address(request), username=request.user.get_username()
    )


def staff_only(view):
    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if not (request.user.is_authenticated and request.user.is_staff):
            return redirect_to_login(request.get_full_path(), reverse("admin:login"))
        return view(request, *args, **kwargs)

    return never_cache(wrapped)


def _next(request) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return reverse("admin:index")


def _render(request, template, context, status=200):
    context = {**admin.site.each_context(request), "next": _next(request), **context}
    return render(request, template, context, status=status)


def _too_many(request, template, context, wait):
    context = {**context, "throttle_error": f"Too many attempts. Wait {wait} seconds."}
    response = _render(request, template, context, status=429)
    response["Retry-After"] = str(wait)
    return response


@staff_only
@require_http_methods(["GET", "POST"])
def setup(request):
    """Enrol an authenticator app. Someone who already has one must verify it first
    (a stolen password alone must not be enough to replace the second factor)."""
    if services.has_second_factor(request.user) and not request.user.is_verified():
        return redirect(f"{reverse('two_factor:verify')}?next={_next(request)}")
    template = "admin/two_factor/setup.html"
    if request.method == "GET":
        device = services.totp_device_start(user=request.user)
        return _render(request, template, _setup_context(device, CodeForm()))
    device = services.pending_totp_device(request.user)
    if device is None:
        return redirect("two_factor:setup")
    form = CodeForm(request.POST)
    context = _setup_context(device, form)
    if wait := code_throttle_wait(request):
        return _too_many(request, template, context, wait)
    if not form.is_valid():
        return _render(request, template, context, status=400)
    try:
        device, codes = services.totp_device_confirm(
            user=request.user, token=form.cleaned_data["token"]
        )
    except DomainError as exc:
        form.add_error("token", exc.detail)
        return _render(request, template, context, status=400)
    otp_login(request, device)
    return _render(request, "admin/two_factor/backup_codes.html", {"codes": codes})


def _setup_context(device, form) -> dict:
    from base64 import b32encode

    return {
        "title": "Set up two-factor sign-in",
        "form": form,
        "qr_svg": services.totp_qr_svg(device),
        "secret": b32encode(device.bin_key).decode(),
    }


@staff_only
@require_http_methods(["GET", "POST"])
def verify(request):
    """The step after the password: the authenticator's code or a backup code."""
    if not services.has_second_factor(request.user):
        return redirect(f"{reverse('two_factor:setup')}?next={_next(request)}")
    template = "admin/two_factor/verify.html"
    form = CodeForm(request.POST or None)
    context = {"title": "Two-factor sign-in", "form": form}
    if request.method == "GET":
        return _render(request, template, context)
    if wait := code_throttle_wait(request):
        return _too_many(request, template, context, wait)
    if form.is_valid():
        device = services.second_factor_verify(user=request.user, token=form.cleaned_data["token"])
        if device is not None:
            otp_login(request, device)
            if device.name == services.BACKUP_NAME:
                left = device.token_set.count()
                messages.warning(request, f"Backup code used: {left} left.")
            return redirect(_next(request))
        form.add_error("token", "That code is not right (or was already used).")
    return _render(request, template, context, status=400)


@staff_only
@require_http_methods(["GET", "POST"])
def backup_codes(request):
    """New backup codes (the middleware has checked the second factor already)."""
    if request.method == "POST":
        codes = services.backup_codes_regenerate(user=request.user)
        return _render(request, "admin/two_factor/backup_codes.html", {"codes": codes})
    return _render(
        request, "admin/two_factor/backup_codes.html", {"codes": None, "title": "Backup codes"}
    )
