"""Version keys: what makes the shop's caches never stale (catalog.cache for the catalog,
petshop.core.user_cache for a customer's own reads).

An entry is stored with the versions it was computed under, read before computing. A
write moves a version after its transaction commits, so every older entry stops matching
at once and nothing has to find and delete old keys. If the cache backend is down, a
version cannot move; entries then expire by CACHE_TTL.
"""

import hashlib
import logging
import time
from collections.abc import Callable
from typing import Any

from django.conf import settings
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


def digest(parts: tuple) -> str:
    """A short, stable name for a cache entry's key parts."""
    return hashlib.sha1(repr(parts).encode()).hexdigest()


def lookup(version_keys: tuple[str, ...], key: str) -> tuple[tuple[int, ...], Any]:
    """The current versions (in the order of `version_keys`) and the entry stored under
    `key` ((versions, value), or None): one round trip when the versions exist."""
    found = cache.get_many([*version_keys, key])
    versions = tuple(found.get(name) or current_version(name) for name in version_keys)
    return versions, found.get(key)


def store(key: str, versions: tuple[int, ...], value: Any, ttl: int | None = None) -> None:
    """Store `value` under the versions read *before* computing it: if a write commits
    meanwhile, its bump makes this entry a miss, never a stale hit."""
    cache.set(key, (versions, value), ttl if ttl is not None else settings.CACHE_TTL)


def cached(version_keys: tuple[str, ...], key: str, compute: Callable[[], Any], ttl=None) -> Any:
    """`compute()`, or the value stored under `key` while every version still matches."""
    versions, entry = lookup(version_keys, key)
    if entry is not None and entry[0] == versions:
        return entry[1]
    value = compute()
    store(key, versions, value, ttl)
    return value
