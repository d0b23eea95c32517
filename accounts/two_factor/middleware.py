"""The gate: no staff user reaches an admin page without a verified second factor.

A middleware on the admin's URL prefix, so it holds whatever the admin site is (Django's
default site or a subclass) and for every page of it. It runs after django-otp's
OTPMiddleware, which gives request.user its `is_verified()`.
"""

from urllib.parse import urlencode

from django.conf import settings
from django.http import HttpResponseRedirect
from django.urls import NoReverseMatch, reverse

from accounts.two_factor.services import has_second_factor


def second_factor_needed(user) -> bool:
    """Whether this user must show a second factor for the admin: every staff user when
    STAFF_2FA_REQUIRED is on, and anyone who has enrolled one in any case."""
    if not (user.is_authenticated and user.is_staff):
        return False
    return settings.STAFF_2FA_REQUIRED or has_second_factor(user)


class StaffTwoFactorMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        redirect_to = self.redirect_for(request)
        if redirect_to:
            return HttpResponseRedirect(redirect_to)
        return self.get_response(request)

    @staticmethod
    def redirect_for(request) -> str | None:
        # One reverse() for every request outside the admin (most of them: each reverse
        # costs tens of microseconds), the others only for admin pages.
        try:
            if not request.path.startswith(reverse("admin:index")):
                return None
            open_paths = (
                reverse("two_factor:setup"),
                reverse("two_factor:verify"),
                reverse("admin:login"),
                reverse("admin:logout"),
            )
        except NoReverseMatch:  # no admin in this URLconf
            return None
        if request.path in open_paths:
            return None
        user = request.user
        if not second_factor_needed(user) or user.is_verified():
            return None
        target = "two_factor:verify" if has_second_factor(user) else "two_factor:setup"
        return f"{reverse(target)}?{urlencode({'next': request.get_full_path()})}"
