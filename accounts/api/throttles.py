"""Login and register throttles (API.md, Auth): per client address AND per username.

Both read the view's `throttle_scope` ('login' or 'register') and its rate from
REST_FRAMEWORK['DEFAULT_THROTTLE_RATES'] (THROTTLE_LOGIN / THROTTLE_REGISTER). Two
separate buckets: one address cannot try many usernames, and many addresses cannot
hammer one username. A refused request is a 429 with Retry-After (DRF's Throttled).
"""

import hashlib

from rest_framework.settings import api_settings
from rest_framework.throttling import ScopedRateThrottle


class _ScopedThrottle(ScopedRateThrottle):
    bucket = ""

    def get_rate(self):
        # Read at request time (DRF's class attribute is frozen at import), so a changed
        # setting, e.g. in a test, takes effect.
        return api_settings.DEFAULT_THROTTLE_RATES.get(self.scope)

    def key_for(self, ident: str) -> str:
        return self.cache_format % {"scope": f"{self.scope}:{self.bucket}", "ident": ident}


class ScopedAddressThrottle(_ScopedThrottle):
    """Keyed by the client address (X-Forwarded-For honoured per NUM_PROXIES)."""

    bucket = "address"

    def get_cache_key(self, request, view):
        return self.key_for(self.get_ident(request))


class ScopedUsernameThrottle(_ScopedThrottle):
    """Keyed by the submitted username (any case; for login it may be an email)."""

    bucket = "username"
    field = "username"

    def get_cache_key(self, request, view):
        data = request.data
        username = data.get(self.field) if hasattr(data, "get") else None
        if not isinstance(username, str) or not username.strip():
            return None  # nothing to key on; the serializer will refuse the request
        # Hashed: bounded key length whatever was sent, and no raw input in cache keys.
        return self.key_for(hashlib.sha256(username.strip().lower().encode()).hexdigest())


class ScopedEmailThrottle(ScopedUsernameThrottle):
    """Keyed by the submitted email address (any case): password reset requests."""

    bucket = "email"
    field = "email"


AUTH_THROTTLES = [ScopedAddressThrottle, ScopedUsernameThrottle]
PASSWORD_RESET_THROTTLES = [ScopedAddressThrottle, ScopedEmailThrottle]
