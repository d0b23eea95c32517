"""Version keys: what makes the shop's caches never stale (catalog.cache for the catalog,
petshop.core.user_cache for a customer's own reads).

An entry is stored with the versions it was computed under, read before computing. A
write moves a version after its transaction commits, so every older entry stops matching
at once and nothing has to find and delete old keys. If the cache backend is down, a
version cannot move; entries then expire by CACHE_TTL.
"""

import logging
import time

from django.core.cache import cache

logger = logging.getLogger(__name__)


def current_version(key: str) -> int:
    version = cache.get(key)
    if version is None:
        # A fresh (or flushed) cache starts from the clock, never from a number that an
        # earlier generation of entries could still be stored under.
        cache.add(key, time.time_ns(), timeout=None)
        version = cache.get(key) or time.time_ns()
    return version


def bump_version(key: str) -> None:
    """Move `key`'s version now (callers defer it with transaction.on_commit)."""
    try:
        cache.incr(key)
    except ValueError:  # no version yet (fresh or flushed cache): start one
        cache.set(key, time.time_ns(), timeout=None)
    except Exception:  # pragma: no cover - backend down; entries expire by TTL
        logger.warning("could not move the cache version %s", key, exc_info=True)
