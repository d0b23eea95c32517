"""The API's login and register throttles (accounts.api.throttles), applied to the
storefront's forms too: the same buckets, so splitting attempts between the API and the
browser forms buys no extra tries."""

from types import SimpleNamespace

from accounts.api.throttles import AUTH_THROTTLES, PASSWORD_RESET_THROTTLES


class _FormRequest:
    """A Django request seen as the DRF request the throttles expect (`.data`)."""

    def __init__(self, request):
        self._request = request
        self.data = request.POST

    def __getattr__(self, name):
        return getattr(self._request, name)


def throttle_wait(request, *, scope: str) -> int | None:
    """Count this POST against `scope` ('login', 'register' or 'password_reset'); the
    seconds to wait if the address or the submitted username (email for a password reset)
    is over its rate, else None."""
    probe = _FormRequest(request)
    view = SimpleNamespace(throttle_scope=scope)
    waits = []
    throttles = PASSWORD_RESET_THROTTLES if scope == "password_reset" else AUTH_THROTTLES
    for throttle_class in throttles:
        throttle = throttle_class()
        if not throttle.allow_request(probe, view):
            waits.append(int(throttle.wait() or 60) + 1)
    return max(waits) if waits else None
