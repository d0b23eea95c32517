"""Catalog read cache that cannot serve stale data.

Every cached catalog entry is stored with the *catalog version* it was computed under.
Any write to the catalog (products, stock, categories, pet types) bumps the version
after its transaction commits, so every older entry stops matching at once and is
recomputed on its next read (or expires: TTL ``CACHE_TTL``). Nothing has to find and
delete old keys. A read fetches the version and the entry in one round trip (MGET):
the entry counts only if it carries the current version. An entry computed before a
write can never carry a version read after it, because the bump comes after commit.

If the cache backend is down (django-redis with IGNORE_EXCEPTIONS), reads miss and
fall through to the database; nothing raises.
"""

import hashlib
import logging
import time
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import transaction

logger = logging.getLogger(__name__)

VERSION_KEY = "catalog:version"


def catalog_version() -> int:
    version = cache.get(VERSION_KEY)
    if version is None:
        # A fresh (or flushed) cache starts from the clock, never from a number that an
        # earlier generation of entries could still be stored under.
        cache.add(VERSION_KEY, time.time_ns(), timeout=None)
        version = cache.get(VERSION_KEY) or time.time_ns()
    return version


def entry_key(namespace: str, *parts: Any) -> str:
    digest = hashlib.sha1(repr(parts).encode()).hexdigest()
    return f"catalog:entry:{namespace}:{digest}"


def cached(namespace: str, parts: tuple, compute: Callable[[], Any], ttl: int | None = None) -> Any:
    key = entry_key(namespace, *parts)
    # One round trip for both: on a hit this is the only cache call of the request.
    found = cache.get_many([VERSION_KEY, key])
    version = found.get(VERSION_KEY)
    if version is None:
        version = catalog_version()
    entry = found.get(key)
    if entry is not None and entry[0] == version:
        return entry[1]
    value = compute()
    # Stored with the version read *before* computing: if a write commits meanwhile,
    # the bump makes this entry a miss, never a stale hit.
    cache.set(key, (version, value), ttl if ttl is not None else settings.CACHE_TTL)
    return value


def peek(namespace: str, parts: tuple) -> Any:
    """The current entry for (namespace, parts), or None: a read that never computes
    (for a fast path that falls back to the full one, which then fills the entry)."""
    key = entry_key(namespace, *parts)
    found = cache.get_many([VERSION_KEY, key])
    entry = found.get(key)
    if entry is not None and found.get(VERSION_KEY) is not None and entry[0] == found[VERSION_KEY]:
        return entry[1]
    return None


def _bump() -> None:
    try:
        cache.incr(VERSION_KEY)
    except ValueError:  # no version yet (fresh or flushed cache): start one
        cache.set(VERSION_KEY, time.time_ns(), timeout=None)
    except Exception:  # pragma: no cover - backend down; entries expire by TTL
        logger.warning("could not bump the catalog cache version", exc_info=True)


def invalidate_catalog() -> None:
    """Call from every catalog write; takes effect when the transaction commits."""
    transaction.on_commit(_bump)
