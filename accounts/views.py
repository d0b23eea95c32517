"""Storefront account pages: register, log in / out, profile, password."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login, update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.utils.http import url_has_allowed_host_and_scheme

from accounts.exceptions import InvalidResetToken
from accounts.forms import (
    LoginForm,
    PasswordChangeForm,
    PasswordResetRequestForm,
    ProfileForm,
    RegisterForm,
)
from accounts.services import (
    user_password_reset_confirm,
    user_register,
    user_set_password,
    user_update,
)
from petshop.core.exceptions import DomainError
from petshop.core.refusals import add_refusal_to_form
from petshop.core.throttling import auth_attempt_wait, client_address

BACKEND = "accounts.backends.UsernameOrEmailBackend"


def _throttle_wait(request, *, scope: str) -> int | None:
    """Count this POST against the same login/register buckets the API's throttles use;
    the seconds to wait if over the rate, else None."""
    return auth_attempt_wait(
        scope=scope, address=client_address(request), username=request.POST.get("username")
    )


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    form_class = LoginForm
    redirect_authenticated_user = True

    def post(self, request, *args, **kwargs):
        wait = _throttle_wait(request, scope="login")
        if wait:
            form = self.form_class(request, initial={"username": request.POST.get("username", "")})
            return _too_many(request, "accounts/login.html", form, wait)
        return super().post(request, *args, **kwargs)

    def form_valid(self, form):
        # A visitor's cart joins the user's cart through the user_logged_in signal
        # (sales/receivers.py): accounts knows nothing of carts.
        response = super().form_valid(form)
        messages.success(
            self.request,
            f"Welcome back, {form.get_user().get_short_name() or form.get_user().username}.",
        )
        return response


class LogoutView(auth_views.LogoutView):
    """POST only (Django's LogoutView refuses GET)."""


class PasswordResetView(auth_views.PasswordResetView):
    """ "Forgot your password?": Django's view; the same page follows whether or not the
    address is known. Throttled per client address and per email, like the API (A6)."""

    template_name = "accounts/password_reset_form.html"
    form_class = PasswordResetRequestForm
    success_url = reverse_lazy("accounts:password_reset_done")

    def post(self, request, *args, **kwargs):
        wait = auth_attempt_wait(
            scope="password_reset",
            address=client_address(request),
            username=request.POST.get("email"),
            name_bucket="email",
        )
        if wait:
            form = self.form_class(initial={"email": request.POST.get("email", "")})
            return _too_many(request, self.template_name, form, wait)
        return super().post(request, *args, **kwargs)


class PasswordResetDoneView(auth_views.PasswordResetDoneView):
    template_name = "accounts/password_reset_done.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            timeout_minutes=settings.PASSWORD_RESET_TIMEOUT // 60, **kwargs
        )


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    """Django's view checks the link (and hides the token from the address bar); the new
    password is set by accounts.services, which also revokes tokens and sessions."""

    template_name = "accounts/password_reset_confirm.html"
    success_url = reverse_lazy("accounts:password_reset_complete")

    def form_valid(self, form):
        token = self.request.session.get(auth_views.INTERNAL_RESET_SESSION_TOKEN, "")
        try:
            user_password_reset_confirm(
                uid=self.kwargs["uidb64"],
                token=token,
                new_password=form.cleaned_data["new_password1"],
            )
        except InvalidResetToken:
            # Spent meanwhile (the same link used in another tab).
            return self.render_to_response(self.get_context_data(form=None, validlink=False))
        except DomainError as exc:
            form.add_error("new_password2", exc.detail)
            return self.form_invalid(form)
        self.request.session.pop(auth_views.INTERNAL_RESET_SESSION_TOKEN, None)
        return redirect(self.success_url)


class PasswordResetCompleteView(auth_views.PasswordResetCompleteView):
    template_name = "accounts/password_reset_complete.html"


def register(request):
    if request.user.is_authenticated:
        return redirect("catalog:home")
    form = RegisterForm(request.POST or None)
    if request.method == "POST" and (wait := _throttle_wait(request, scope="register")):
        typed = {k: v for k, v in request.POST.items() if not k.startswith("password")}
        return _too_many(request, "accounts/register.html", RegisterForm(initial=typed), wait)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            user = user_register(
                username=data["username"],
                email=data["email"],
                password=data["password1"],
                first_name=data["first_name"],
                last_name=data["last_name"],
            )
        except DomainError as exc:
            add_refusal_to_form(form, exc)
        else:
            login(request, user, backend=BACKEND)
            messages.success(
                request, f"Welcome to the pet shop, {user.get_short_name() or user.username}!"
            )
            return redirect(_next_url(request) or "catalog:home")
    status = 400 if request.method == "POST" else 200
    return render(
        request, "accounts/register.html", {"form": form, "next": _next_url(request)}, status=status
    )


def _too_many(request, template, form, wait):
    # The form comes unbound (what was typed as initial values): validating it would
    # check the password, which is what the throttle is there to stop.
    context = {
        "form": form,
        "next": _next_url(request),
        "throttle_error": f"Too many attempts. Please wait {wait} seconds and try again.",
    }
    response = render(request, template, context, status=429)
    response["Retry-After"] = str(wait)
    return response


def _next_url(request) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return ""


@login_required
def profile(request):
    form = ProfileForm(request.POST or None, user=request.user)
    if request.method == "POST":
        if form.is_valid():
            try:
                user_update(user=request.user, **form.cleaned_data)
            except DomainError as exc:
                add_refusal_to_form(form, exc)
            else:
                messages.success(request, "Your profile is saved.")
                return redirect("accounts:profile")
        return render(request, "accounts/profile.html", {"form": form}, status=400)
    return render(request, "accounts/profile.html", {"form": form})


@login_required
def password_change(request):
    form = PasswordChangeForm(request.POST or None)
    if request.method == "POST":
        if form.is_valid():
            try:
                user_set_password(
                    user=request.user,
                    current_password=form.cleaned_data["current_password"],
                    new_password=form.cleaned_data["new_password"],
                )
            except ValidationError as error:  # the password validators
                form.add_error("new_password", error)
            except DomainError as exc:
                field = exc.extra.get("field")
                form.add_error(field if field in form.fields else None, exc.detail)
            else:
                update_session_auth_hash(request, request.user)  # stay logged in here
                messages.success(request, "Your password is changed.")
                return redirect("accounts:profile")
        return render(request, "accounts/password_change.html", {"form": form}, status=400)
    return render(request, "accounts/password_change.html", {"form": form})
