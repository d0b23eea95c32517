"""The shop's rate limits: one small API on the cache that both faces call.

The API's throttle classes (accounts.api.throttles) and the storefront's forms
(accounts.views) count attempts here, in the same buckets, so splitting attempts
between the API and the browser forms buys no extra tries.

A rate is "N/period" (s, min, hour, day), read at call time from
REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"][scope] (THROTTLE_LOGIN, THROTTLE_REGISTER), so a
changed setting (e.g. in a test) takes effect. Each bucket keeps the times of its recent
hits in the cache (a sliding window, as DRF's SimpleRateThrottle does).
"""

import hashlib
import time
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache

PERIODS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


@dataclass(frozen=True)
class Rate:
    count: int
    seconds: int

    @classmethod
    def parse(cls, text: str) -> "Rate":
        count, period = text.split("/")
        return cls(count=int(count), seconds=PERIODS[period.strip()[0]])


def rate_for(scope: str) -> Rate | None:
    """The configured rate of `scope`, or None (not limited)."""
    text = settings.REST_FRAMEWORK.get("DEFAULT_THROTTLE_RATES", {}).get(scope)
    return Rate.parse(text) if text else None


def client_address(request) -> str:
    """The client's address: REMOTE_ADDR, or with NUM_PROXIES trusted proxies in front,
    the address the outermost of them saw in X-Forwarded-For. Works on a Django or a DRF
    request (both have .headers and .META)."""
    forwarded = request.headers.get("x-forwarded-for")
    remote = request.META.get("REMOTE_ADDR") or ""
    proxies = settings.REST_FRAMEWORK.get("NUM_PROXIES") or 0
    if proxies == 0 or not forwarded:
        return remote
    addresses = forwarded.split(",")
    return addresses[-min(proxies, len(addresses))].strip()


def username_ident(username) -> str | None:
    """A bucket key for a submitted username (any case, hashed: bounded length and no raw
    input in cache keys); None if nothing usable was submitted."""
    if not isinstance(username, str) or not username.strip():
        return None
    return hashlib.sha256(username.strip().lower().encode()).hexdigest()


def rate_limit_hit(*, scope: str, bucket: str, ident: str | None) -> int | None:
    """Count one attempt against `scope`'s `bucket` for `ident`. None if allowed (and
    counted); else the whole seconds to wait (the attempt is not counted)."""
    rate = rate_for(scope)
    if rate is None or ident is None:
        return None
    key = f"throttle_{scope}:{bucket}_{ident}"
    now = time.time()
    history = [t for t in cache.get(key, []) if t > now - rate.seconds]
    if len(history) >= rate.count:
        remaining = rate.seconds - (now - history[-1])
        return max(1, int(remaining / (rate.count - len(history) + 1)) + 1)
    cache.set(key, [now, *history], rate.seconds)
    return None


def auth_attempt_wait(
    *, scope: str, address: str, username, name_bucket: str = "username"
) -> int | None:
    """A login, registration or password-reset attempt, counted per client address AND
    per submitted name (`name_bucket`: "username", or "email" for a reset): one address
    cannot try many names, many addresses cannot hammer one name. None if allowed, else
    the seconds to wait (the longer of the two)."""
    waits = [
        rate_limit_hit(scope=scope, bucket="address", ident=address),
        rate_limit_hit(scope=scope, bucket=name_bucket, ident=username_ident(username)),
    ]
    waits = [w for w in waits if w is not None]
    return max(waits) if waits else None
