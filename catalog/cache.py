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

An entry counts only if it carries both current versions (`cached()`), so an entry
never shows an old stock figure; the catalog API's product reads lay current stock
figures over an entry of the catalog version instead (catalog/api/read_cache.py). A
read fetches the versions and the entry in one round trip (MGET). An entry computed
before a write can never carry a version read after it: the bump comes after commit.

If the cache backend is down (django-redis with IGNORE_EXCEPTIONS), reads miss and
fall through to the database; nothing raises.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db import transaction

from petshop.core import cache_versions

VERSION_KEY = "catalog:version"
STOCK_VERSION_KEY = "catalog:stock-version"
VERSION_KEYS = (VERSION_KEY, STOCK_VERSION_KEY)


@dataclass(frozen=True)
class Versions:
    catalog: int
    stock: int


def catalog_version() -> int:
    return cache_versions.current_version(VERSION_KEY)


def stock_version() -> int:
    return cache_versions.current_version(STOCK_VERSION_KEY)


def entry_key(namespace: str, *parts: Any) -> str:
    # "v2": entries carry both versions; a server of the previous release (one version
    # per entry) sharing this cache during a deploy must not read them, nor they its.
    return f"catalog:entry:v2:{namespace}:{cache_versions.digest(parts)}"


def lookup(key: str) -> tuple[Versions, tuple | None]:
    """The current versions and the entry stored under `key` ((catalog version, stock
    version), value), or None: one round trip when the versions exist."""
    versions, entry = cache_versions.lookup(VERSION_KEYS, key)
    return Versions(*versions), entry


def store(key: str, versions: Versions, value: Any, ttl: int | None = None) -> None:
    """Store `value` under the versions read *before* computing it."""
    cache_versions.store(key, (versions.catalog, versions.stock), value, ttl)


def cached(namespace: str, parts: tuple, compute: Callable[[], Any], ttl: int | None = None) -> Any:
    """`compute()`, or its cached value while nothing it reads has changed (neither
    version has moved). One round trip on a hit: the versions and the entry together."""
    return cache_versions.cached(VERSION_KEYS, entry_key(namespace, *parts), compute, ttl)


def _bump() -> None:
    cache_versions.bump_version(VERSION_KEY)


def _bump_stock() -> None:
    cache_versions.bump_version(STOCK_VERSION_KEY)


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
