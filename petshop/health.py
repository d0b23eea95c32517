import logging

from django.core.cache import cache
from django.db import connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache

logger = logging.getLogger(__name__)


def _database_ok() -> bool:
    try:
        connection.ensure_connection()
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        return True
    except Exception as exc:
        # One line per failed probe: a load balancer probes every few seconds.
        logger.error("health check: database unreachable: %s", exc)
        connection.close_if_unusable_or_obsolete()
        return False


def _cache_ok() -> bool:
    try:
        cache.set("healthz", "ok", 5)
        return cache.get("healthz") == "ok"
    except Exception as exc:
        logger.warning("health check: cache down: %s", exc)
        return False


@never_cache
def healthz(request):
    database = _database_ok()
    body = {
        "status": "ok" if database else "unavailable",
        "database": "ok" if database else "down",
        "cache": "ok" if _cache_ok() else "down",
    }
    return JsonResponse(body, status=200 if database else 503)


def live(request):
    """Liveness: the process answers, touching neither database nor cache. Also the
    benchmark's ceiling (the cheapest JSON response Django can give on this machine)."""
    return JsonResponse({"status": "ok"})
