"""A small rate limit for the storefront's guest pages (guest checkout, private order
links, claim emails), on the shared cache: a sliding window of hits per key, in DRF's
rate syntax ("10/hour"). (The house's petshop/core/throttling.py may absorb it.)"""

import time

from django.core.cache import cache
from rest_framework.throttling import BaseThrottle, SimpleRateThrottle


def client_ident(request) -> str:
    """The client address as DRF's throttles see it (NUM_PROXIES honoured)."""
    return BaseThrottle().get_ident(request)


def throttle_hit(*, scope: str, ident: str, rate: str) -> int | None:
    """Count one hit of `ident` against `scope`; the seconds to wait if it is over
    `rate` (the hit is then not counted), else None."""
    allowed, duration = SimpleRateThrottle.parse_rate(None, rate)
    key = f"throttle:{scope}:{ident}"
    now = time.time()
    history = [hit for hit in cache.get(key, []) if hit > now - duration]
    if len(history) >= allowed:
        return int(duration - (now - history[0])) + 1
    history.append(now)
    cache.set(key, history, duration)
    return None
