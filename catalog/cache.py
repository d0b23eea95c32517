"""Catalog read cache that cannot serve stale data.

Every cached catalog entry is stored with the *versions* it was computed under. Two
counters move after a write's transaction commits, so every older entry stops matching
at once and is recomputed on its next read (or expires: TTL ``CACHE_TTL``); nothing has
to find and delete old keys:

- the *catalog version*: any write that changes what a list or page shows besides stock
  figures (products, categories, pet types, photos; and a stock write that takes a
  product in or out of stock, which changes `in_stock` filters and facet counts);
- the *stock version*: every stock write (orders placed and cancelled, returns
  restocked, staff corrections).

An entry counts only if it carries the current versions: by default both (`cached()`),
so an entry never shows an old stock figure. A value that shows no stock figure (only
availability) may pass ``stock_figures=False`` and survive orders; the catalog API's
product reads go further and lay current stock figures over an entry of the catalog
version (catalog/api/read_cache.py). A read fetches the versions and the entry in one
round trip (MGET). An entry computed before a write can never carry a version read
after it, because the bump comes after commit.

If the cache backend is down (django-redis with IGNORE_EXCEPTIONS), reads miss and
fall through to the database; nothing raises.
"""

import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import transaction

from petshop.core.cache_versions import bump_version, current_version

VERSION_KEY = "catalog:version"
STOCK_VERSION_KEY = "catalog:stock-version"


@dataclass(frozen=True)
class Versions:
    catalog: int
    stock: int


def catalog_version() -> int:
    return current_version(VERSION_KEY)


def stock_version() -> int:
    return current_version(STOCK_VERSION_KEY)


def entry_key(namespace: str, *parts: Any) -> str:
    digest = hashlib.sha1(repr(parts).encode()).hexdigest()
    # "v2": entries carry both versions; a server of the previous release (one version
    # per entry) sharing this cache during a deploy must not read them, nor they its.
    return f"catalog:entry:v2:{namespace}:{digest}"


def lookup(key: str) -> tuple[Versions, tuple | None]:
    """The current versions and the entry stored under `key` (catalog version, stock
    version, value), or None: one round trip when the versions exist."""
    found = cache.get_many([VERSION_KEY, STOCK_VERSION_KEY, key])
    versions = Versions(
        catalog=found.get(VERSION_KEY) or catalog_version(),
        stock=found.get(STOCK_VERSION_KEY) or stock_version(),
    )
    return versions, found.get(key)


def store(key: str, versions: Versions, value: Any, ttl: int | None = None) -> None:
    """Store `value` under the versions read *before* computing it: if a write commits
    meanwhile, its bump makes this entry a miss, never a stale hit."""
    entry = (versions.catalog, versions.stock, value)
    cache.set(key, entry, ttl if ttl is not None else settings.CACHE_TTL)


def cached(
    namespace: str,
    parts: tuple,
    compute: Callable[[], Any],
    ttl: int | None = None,
    *,
    stock_figures: bool = True,
) -> Any:
    """`compute()`, or its cached value while nothing it reads has changed.
    `stock_figures=False`: the value shows no stock figure (availability at most), so a
    stock write that takes nothing in or out of stock keeps it."""
    key = entry_key(namespace, *parts)
    # One round trip for all three: on a hit this is the only cache call of the request.
    versions, entry = lookup(key)
    if (
        entry is not None
        and entry[0] == versions.catalog
        and (not stock_figures or entry[1] == versions.stock)
    ):
        return entry[2]
    value = compute()
    store(key, versions, value, ttl)
    return value


def _bump() -> None:
    bump_version(VERSION_KEY)


def _bump_stock() -> None:
    bump_version(STOCK_VERSION_KEY)


def invalidate_catalog() -> None:
    """Call from every catalog write; takes effect when the transaction commits. Every
    entry stops matching (the stock version need not move: entries carry both)."""
    transaction.on_commit(_bump)


def invalidate_stock(*, availability_changed: bool) -> None:
    """Call from every stock write; takes effect when the transaction commits.
    `availability_changed`: a product went in or out of stock (0 ↔ more), which changes
    what lists hold (`in_stock` filters, facet counts), not just figures on them."""
    transaction.on_commit(_bump_stock)
    if availability_changed:
        invalidate_catalog()
