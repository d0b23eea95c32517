"""The production web server: granian serving the shop's WSGI application.

    python serve.py            (make serve: the same on $PORT with the current environment)

Chosen by measurement over gunicorn (README, "Deploying"): on the same two workers
granian spends about half the CPU per request on the bare view and on a cached
product, and keeps connections alive where gunicorn's sync workers close each one.

Everything that differs between machines comes from the environment (.env.example):

    HOST, PORT                  bind address (0.0.0.0:8000)
    WEB_CONCURRENCY             worker processes (cores + 1 with REDIS_URL; 1 without:
                                in-process caches are not shared between workers)
    WEB_THREADS                 Python threads per worker (1: one request at a time per
                                worker, one database connection each, as sync workers)
    WEB_BACKLOG                 connections the kernel queues before refusing (2048)
    WEB_TIMEOUT                 seconds: a client must send its headers within it, and
                                PostgreSQL cancels any one query of the server past it (30)
    WEB_GRACEFUL_TIMEOUT        seconds a worker gets to finish its requests on stop or
                                reload before it is killed (30)
    WEB_ACCESS_LOG              also write granian's own access line (off; see below)
    LOG_LEVEL                   the server's log level, as the shop's (INFO)

Signals: SIGTERM/SIGINT stop gracefully; SIGHUP starts new workers (new code, re-read
settings) one by one and stops each old one after its requests: a reload without a
refused connection. Workers are never recycled on a request count (a restart storm at
these rates) and one that dies is replaced.

Access log: the shop writes it itself, one JSON line per request with method, path,
status, duration, user and the request id it echoes in `X-Request-ID`
(petshop.middleware.RequestIdMiddleware, logger `petshop.request` at INFO). granian
cannot log response headers, so its own line (WEB_ACCESS_LOG=true) shows only the id a
load balancer sent in.
"""

import os
import sys
from pathlib import Path

APP = "petshop.wsgi:application"
ACCESS_LOG_FORMAT = (
    '%(addr)s "%(method)s %(path)s %(protocol)s" %(status)d %(dt_ms).1fms '
    "request_id=%(header{x-request-id})s"
)
LOG_LEVELS = {"critical", "error", "warning", "info", "debug"}


def _int(environ, name: str, default: int) -> int:
    value = environ.get(name, "").strip()
    return int(value) if value else default


def _flag(environ, name: str) -> bool:
    return environ.get(name, "").strip().lower() in {"1", "true", "yes", "on"}


def shared_cache(environ) -> bool:
    """Whether every process that writes (web workers, the task worker, management
    commands) shares one cache (Redis), or caching is off: only then are the catalog and
    per-user caches never stale. An in-process cache sees its own process's writes only."""
    return bool(environ.get("REDIS_URL", "").strip()) or environ.get("CACHE_BACKEND") == "dummy"


def default_workers(environ) -> int:
    """cores + 1: the shop is CPU-bound (a cached read spends no time waiting), so more
    workers than cores only make each request dearer (README, "Deploying")."""
    return (os.cpu_count() or 1) + 1 if shared_cache(environ) else 1


def server_options(environ) -> dict:
    """granian's keyword arguments for this environment (no granian import: testable)."""
    timeout = _int(environ, "WEB_TIMEOUT", 30)
    level = environ.get("LOG_LEVEL", "info").strip().lower()
    return {
        "target": APP,
        "address": environ.get("HOST", "").strip() or "0.0.0.0",
        "port": _int(environ, "PORT", 8000),
        "workers": _int(environ, "WEB_CONCURRENCY", default_workers(environ)),
        "blocking_threads": _int(environ, "WEB_THREADS", 1),
        "backlog": _int(environ, "WEB_BACKLOG", 2048),
        "header_read_timeout_ms": min(max(timeout, 1), 60) * 1000,  # granian's range
        "statement_timeout_ms": timeout * 1000,
        "workers_kill_timeout": _int(environ, "WEB_GRACEFUL_TIMEOUT", 30),
        "respawn_failed_workers": True,
        "log_level": level if level in LOG_LEVELS else "info",
        "log_access": _flag(environ, "WEB_ACCESS_LOG"),
        "log_access_format": ACCESS_LOG_FORMAT,
    }


def database_timeout(options: dict, environ) -> None:
    """Bound every query the workers run (libpq reads PGOPTIONS when it connects), so a
    stuck query cannot hold a worker forever; an operator's own PGOPTIONS wins."""
    if options["statement_timeout_ms"] > 0:
        environ.setdefault("PGOPTIONS", f"-c statement_timeout={options['statement_timeout_ms']}")


def main() -> None:
    from granian import Granian
    from granian.constants import Interfaces
    from granian.http import HTTP1Settings
    from granian.log import LogLevels

    os.chdir(Path(__file__).resolve().parent)  # the app is imported from the repository
    options = server_options(os.environ)
    if not shared_cache(os.environ):
        print(
            "serve.py: no REDIS_URL, so each process caches for itself: after a write by "
            "another worker, the task worker or a command, pages may be stale for up to "
            "CACHE_TTL. Set REDIS_URL in production.",
            file=sys.stderr,
        )
    database_timeout(options, os.environ)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "petshop.settings")
    Granian(
        options["target"],
        address=options["address"],
        port=options["port"],
        interface=Interfaces.WSGI,
        websockets=False,
        workers=options["workers"],
        blocking_threads=options["blocking_threads"],
        backlog=options["backlog"],
        http1_settings=HTTP1Settings(header_read_timeout=options["header_read_timeout_ms"]),
        workers_kill_timeout=options["workers_kill_timeout"],
        respawn_failed_workers=options["respawn_failed_workers"],
        log_level=LogLevels(options["log_level"]),
        log_access=options["log_access"],
        log_access_format=options["log_access_format"],
    ).serve()


if __name__ == "__main__":
    main()
