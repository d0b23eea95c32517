import logging

from django.core.cache import cache
from django.db import connection
from django.db.models import Case, Count, Min, When
from django.db.models.functions import Greatest
from django.http import JsonResponse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django_tasks import DEFAULT_TASK_BACKEND_ALIAS, task_backends
from django_tasks_db.backend import DatabaseBackend
from django_tasks_db.models import DBTaskResult, get_date_max

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


def _tasks_queue() -> dict | None:
    """The background queue, so operators can alert on a stuck worker: how many tasks are
    ready to run and for how long the oldest has waited. None when the tasks backend keeps
    its queue outside the database (RQ...) or the database does not answer."""

    backend = task_backends[DEFAULT_TASK_BACKEND_ALIAS]
    if not isinstance(backend, DatabaseBackend):
        return None
    try:
        # A task is ready since it was enqueued, or since its run_after for a deferred one.
        stats = (
            DBTaskResult.objects.ready()
            .filter(backend_name=backend.alias)
            .aggregate(
                ready=Count("pk"),
                oldest=Min(
                    Case(
                        When(run_after=get_date_max(), then="enqueued_at"),
                        default=Greatest("enqueued_at", "run_after"),
                    )
                ),
            )
        )
    except Exception as exc:
        logger.warning("health check: task queue unreadable: %s", exc)
        return None
    oldest = stats["oldest"]
    waited = (timezone.now() - oldest).total_seconds() if oldest is not None else 0
    return {"ready": stats["ready"], "oldest_ready_seconds": max(0, round(waited))}


@never_cache
def healthz(request):
    database = _database_ok()
    body = {
        "status": "ok" if database else "unavailable",
        "database": "ok" if database else "down",
        "cache": "ok" if _cache_ok() else "down",
        # Reported, never deciding the status: a stuck worker must not take the shop out
        # of its load balancer.
        "tasks": _tasks_queue() if database else None,
    }
    return JsonResponse(body, status=200 if database else 503)


def live(request):
    """Liveness: the process answers, touching neither database nor cache. Also the
    benchmark's ceiling (the cheapest JSON response Django can give on this machine)."""
    return JsonResponse({"status": "ok"})
