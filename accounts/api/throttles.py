"""Login and register throttles (API.md, Auth): per client address AND per username.

DRF's face of the shop's rate limits (petshop.core.throttling, which the storefront's
forms call too). Both read the view's `throttle_scope` ('login' or 'register'); its rate
is REST_FRAMEWORK['DEFAULT_THROTTLE_RATES'][scope] (THROTTLE_LOGIN / THROTTLE_REGISTER).
A refused request is a 429 with Retry-After (DRF's Throttled).
"""

from rest_framework.throttling import BaseThrottle

from petshop.core.throttling import client_address, rate_limit_hit, username_ident


class _ShopThrottle(BaseThrottle):
    bucket = ""

    def __init__(self):
        self.wait_seconds = None

    def ident(self, request) -> str | None:
        raise NotImplementedError

    def allow_request(self, request, view):
        self.wait_seconds = rate_limit_hit(
            scope=view.throttle_scope, bucket=self.bucket, ident=self.ident(request)
        )
        return self.wait_seconds is None

    def wait(self):
        return self.wait_seconds


class ScopedAddressThrottle(_ShopThrottle):
    """Keyed by the client address (X-Forwarded-For honoured per NUM_PROXIES)."""

    bucket = "address"

    def ident(self, request) -> str | None:
        return client_address(request)


class ScopedUsernameThrottle(_ShopThrottle):
    """Keyed by the submitted username (any case; for login it may be an email)."""

    bucket = "username"
    field = "username"

    def ident(self, request) -> str | None:
        data = request.data
        return username_ident(data.get(self.field) if hasattr(data, "get") else None)


class ScopedEmailThrottle(ScopedUsernameThrottle):
    """Keyed by the submitted email address (any case): password reset requests."""

    bucket = "email"
    field = "email"


AUTH_THROTTLES = [ScopedAddressThrottle, ScopedUsernameThrottle]
PASSWORD_RESET_THROTTLES = [ScopedAddressThrottle, ScopedEmailThrottle]
