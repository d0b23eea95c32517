"""Per-user read cache that cannot serve stale data (issue 14), as catalog.cache does
for the catalog.

A customer's own documents (orders, invoices, returns) are cached as rendered bytes
under a *per-user version*, and under the *people version* (usernames appear in an
order's history). Every write that changes what a user sees moves that user's version
after its transaction commits (sales and returns connect their models' save and delete
signals, and the few bulk updates call `invalidate_user` themselves); any user write
but a login's `last_login` moves the people version. An entry counts only if it carries
both current versions, read with it in one round trip (MGET), and it is stored with the
versions read *before* computing, so an entry computed across a write is a miss, never
a stale hit. If the cache backend is down, reads miss and fall through to the database.
"""

import hashlib
from collections.abc import Callable, Iterable
from functools import partial
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import transaction

from petshop.core.cache_versions import bump_version, current_version

PEOPLE_KEY = "people:version"


def user_version_key(user_id: int) -> str:
    return f"user:{user_id}:version"


def cached_for_user(user_id: int, parts: tuple, compute: Callable[[], Any]) -> Any:
    """`compute()`'s value for this user and `parts`, from the cache while nothing the
    user sees has changed since it was stored."""
    digest = hashlib.sha1(repr(parts).encode()).hexdigest()
    entry_key = f"user:{user_id}:entry:{digest}"
    version_key = user_version_key(user_id)
    found = cache.get_many([version_key, PEOPLE_KEY, entry_key])
    versions = (
        found.get(version_key) or current_version(version_key),
        found.get(PEOPLE_KEY) or current_version(PEOPLE_KEY),
    )
    entry = found.get(entry_key)
    if entry is not None and entry[0] == versions:
        return entry[1]
    value = compute()
    cache.set(entry_key, (versions, value), settings.CACHE_TTL)
    return value


def invalidate_user(user_ids: int | None | Iterable[int | None]) -> None:
    """Call from every write that changes what these users see (None: a guest, no
    one); takes effect when the transaction commits."""
    ids = {user_ids} if user_ids is None or isinstance(user_ids, int) else set(user_ids)
    for user_id in ids - {None}:
        transaction.on_commit(partial(bump_version, user_version_key(user_id)))


def invalidate_people() -> None:
    """Call when a user's name (or anything else shown about them) may have changed."""
    transaction.on_commit(partial(bump_version, PEOPLE_KEY))
