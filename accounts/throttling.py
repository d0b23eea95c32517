"""The API's login and register throttles (accounts.api.throttles), applied to the
storefront's forms too: the same buckets, so splitting attempts between the API and the
browser forms buys no extra tries."""

from types import SimpleNamespace

from accounts.api.throttles import AUTH_THROTTLES


class _FormRequest:
    """A Django request seen as the DRF request the throttles expect (`.data`)."""

    def __init__(self, request):
        self._request = request
        self.data = request.POST

    def __getattr__(self, name):
        return getattr(self._request, name)


def throttle_wait(request, *, scope: str) -> int | None:
    """Count this POST against `scope` ('login' or 'register'); the seconds to wait if
    the address or the submitted username is over its rate, else None."""
    probe = _FormRequest(request)
    view = SimpleNamespace(throttle_scope=scope)
    waits = []
    for throttle_class in AUTH_THROTTLES:
        throttle = throttle_class()
        if not throttle.allow_request(probe, view):
            waits.append(int(throttle.wait() or 60) + 1)
    return max(waits) if waits else None
