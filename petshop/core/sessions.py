"""The session store with a shared cache (settings: SESSION_ENGINE with REDIS_URL).

Django's cached_db store (reads from the cache, writes through to the database) with
the one change that makes a cache failure safe: a session is never left alive in the
cache after a logout that looked done. Logged-in pages then read their session from
Redis instead of PostgreSQL: one query less and about 0.5-1 ms of CPU per request
(issue 14).

The cache alias (SESSION_CACHE_ALIAS) must raise its errors, not ignore them as the
shop's default cache does, so this store can tell "deleted" from "Redis did not
answer". Then:

- **Reads** fall back to the database when the cache cannot be reached, as the db store
  reads (a Redis outage costs time, never a page).
- **Logging out** (flush: logout, a stale session auth hash, a login as someone else)
  deletes the cache's copy first, and a cache that cannot be reached stops the logout
  with an error before the database row is touched: the session is then intact in both
  places and the user sees that the logout failed, instead of a session deleted from
  the database but still served from the cache to whoever holds the cookie.
- **Rotating the key** (login, a password change) deletes the old key's copy and
  tolerates a cache failure there: the old key holds an anonymous session, or the same
  user's (whoever has it already had that access), or a session auth hash that no longer
  matches the user's password, which Django refuses on every request.

Sessions are also ended without touching them: a password change (here or by reset),
erasure (an unusable password) change the user's session auth hash, which Django
compares on every request against the user read from the database. Nothing deletes
Session rows with a queryset (that would bypass the cache); `clearsessions` deletes
only expired rows, whose cache entries expire at the same moment.
"""

import logging

from django.conf import settings
from django.contrib.sessions.backends import cached_db, db
from django.core.cache import caches

logger = logging.getLogger("petshop.sessions")


class SessionCacheUnavailable(Exception):
    """A session could not be ended because the cache holding its copy did not answer:
    nothing was changed. The shop answers 503, "try again" (petshop.middleware)."""


class SessionStore(cached_db.SessionStore):
    @staticmethod
    def shared_cache():
        return caches[settings.SESSION_CACHE_ALIAS]

    def load(self):
        try:
            return super().load()
        except Exception:  # the cache cannot be reached: read the database alone
            logger.warning("session cache unreachable, reading the database", exc_info=True)
            return db.SessionStore.load(self)

    def exists(self, session_key):
        try:
            return super().exists(session_key)
        except Exception:
            return db.SessionStore.exists(self, session_key)

    def delete(self, session_key=None):
        """The row, then the cache's copy; a cache failure is logged (cycle_key's case,
        see the module's docstring). flush() has deleted the copy first, strictly."""
        key = self.session_key if session_key is None else session_key
        db.SessionStore.delete(self, session_key)
        if key is None:
            return
        try:
            self.shared_cache().delete(self.cache_key_prefix + key)
        except Exception:
            logger.warning("session cache unreachable, old key left to expire", exc_info=True)

    def flush(self):
        if self.session_key is not None:
            try:
                self.shared_cache().delete(self.cache_key_prefix + self.session_key)
            except Exception as exc:  # the logout fails as a whole: a 503, not a 500
                raise SessionCacheUnavailable(str(exc)) from exc
        super().flush()
