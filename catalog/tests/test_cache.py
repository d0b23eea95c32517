"""catalog.cache: entries are tied to the catalog version, and a broken backend never
raises (the shop then reads from the database)."""

import pytest
from django.core.cache import cache

from catalog import cache as catalog_cache
from catalog.cache import cached, invalidate_catalog

REDIS_NOWHERE = {
    "default": {
        "BACKEND": "django_redis.cache.RedisCache",
        "LOCATION": "redis://127.0.0.1:1/0",  # nothing listens on port 1
        "OPTIONS": {
            "IGNORE_EXCEPTIONS": True,
            "SOCKET_CONNECT_TIMEOUT": 0.2,
            "SOCKET_TIMEOUT": 0.2,
        },
    }
}


class Counter:
    def __init__(self, values):
        self.values, self.calls = list(values), 0

    def __call__(self):
        self.calls += 1
        return self.values[min(self.calls, len(self.values)) - 1]


def test_an_entry_is_served_until_the_catalog_changes():
    compute = Counter(["first", "second"])
    assert cached("t", (1,), compute) == "first"
    assert cached("t", (1,), compute) == "first"
    assert compute.calls == 1
    catalog_cache._bump()
    assert cached("t", (1,), compute) == "second"
    assert compute.calls == 2


def test_parts_tell_entries_apart():
    assert cached("t", ("a",), lambda: "A") == "A"
    assert cached("t", ("b",), lambda: "B") == "B"
    assert cached("u", ("a",), lambda: "other namespace") == "other namespace"


def test_a_value_computed_while_a_write_commits_is_never_served_afterwards():
    """The race a cache must not lose: a reader computes from the database, a write
    commits and bumps the version meanwhile, then the reader stores what it computed.
    The next read must recompute, not serve that (possibly old) value."""

    def slow_read_overtaken_by_a_write():
        catalog_cache._bump()  # the write commits while this read is computing
        return "computed before the write"

    assert cached("t", (1,), slow_read_overtaken_by_a_write) == "computed before the write"
    assert cached("t", (1,), lambda: "after the write") == "after the write"


def test_a_flushed_cache_does_not_resurrect_entries():
    cached("t", (1,), lambda: "old")
    cache.delete(catalog_cache.VERSION_KEY)  # flushed or evicted
    assert cached("t", (1,), lambda: "new") == "new"


@pytest.mark.django_db
def test_invalidation_waits_for_commit(django_capture_on_commit_callbacks):
    cached("t", (1,), lambda: "old")
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        invalidate_catalog()
    assert cached("t", (1,), lambda: "new") == "old"  # not committed yet: nothing changed
    for callback in callbacks:
        callback()
    assert cached("t", (1,), lambda: "new") == "new"


def test_a_cache_that_is_down_never_raises_and_reads_fall_through(settings):
    settings.CACHES = REDIS_NOWHERE
    compute = Counter(["from the database"])
    assert cached("t", (1,), compute) == "from the database"
    assert cached("t", (1,), compute) == "from the database"
    assert compute.calls == 2  # nothing cached: every read goes to the database
    catalog_cache._bump()  # the after-commit invalidation does not raise either
    assert isinstance(catalog_cache.catalog_version(), int)
