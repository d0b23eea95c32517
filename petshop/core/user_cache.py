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

from collections.abc import Callable, Iterable
from functools import partial
from typing import Any

from django.db import transaction

from petshop.core import cache_versions

PEOPLE_KEY = "people:version"


def user_version_key(user_id: int) -> str:
    return f"user:{user_id}:version"


def cached_for_user(user_id: int, parts: tuple, compute: Callable[[], Any]) -> Any:
    """`compute()`'s value for this user and `parts`, from the cache while nothing the
    user sees has changed since it was stored."""
    key = f"user:{user_id}:entry:{cache_versions.digest(parts)}"
    return cache_versions.cached((user_version_key(user_id), PEOPLE_KEY), key, compute)


def invalidate_user(user_ids: int | None | Iterable[int | None]) -> None:
    """Call from every write that changes what these users see (None: a guest, no
    one); takes effect when the transaction commits."""
    ids = {user_ids} if user_ids is None or isinstance(user_ids, int) else set(user_ids)
    for user_id in ids - {None}:
        transaction.on_commit(partial(cache_versions.bump_version, user_version_key(user_id)))


def invalidate_people() -> None:
    """Call when a user's name (or anything else shown about them) may have changed."""
    transaction.on_commit(partial(cache_versions.bump_version, PEOPLE_KEY))
