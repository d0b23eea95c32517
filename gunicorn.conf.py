"""gunicorn settings for production: `gunicorn -c gunicorn.conf.py petshop.wsgi`.

Everything that differs between machines comes from the environment (see .env.example).
Access and error logs go to stdout/stderr for the process manager to collect.
"""

import multiprocessing
import os


def _int(name: str, default: int) -> int:
    value = os.environ.get(name, "").strip()
    return int(value) if value else default


wsgi_app = "petshop.wsgi:application"
bind = os.environ.get("GUNICORN_BIND") or f"0.0.0.0:{_int('PORT', 8000)}"

# Sync workers: the shop's work is short database transactions; 2 x cores + 1 is
# gunicorn's own advice. WEB_CONCURRENCY is the name platforms set.
workers = _int("WEB_CONCURRENCY", multiprocessing.cpu_count() * 2 + 1)
threads = _int("GUNICORN_THREADS", 1)

timeout = _int("GUNICORN_TIMEOUT", 30)
graceful_timeout = _int("GUNICORN_GRACEFUL_TIMEOUT", 30)
keepalive = 5  # behind a load balancer that reuses connections
# Replace workers now and then (with jitter, so they do not all restart at once).
max_requests = _int("GUNICORN_MAX_REQUESTS", 1000)
max_requests_jitter = max_requests // 10

accesslog = "-"
errorlog = "-"
loglevel = os.environ.get("LOG_LEVEL", "info").lower()
access_log_format = '%(h)s "%(r)s" %(s)s %(b)s %(M)sms "%(a)s" request_id=%({x-request-id}o)s'
# gunicorn's control socket defaults to one path per machine user, which every gunicorn
# on the host would share (scale-out on one machine, the benchmark): off unless a path
# is given.
control_socket = os.environ.get("GUNICORN_CONTROL_SOCKET", "")
control_socket_disable = not control_socket

# Which proxies' X-Forwarded-* headers to trust: gunicorn reads FORWARDED_ALLOW_IPS
# itself (default 127.0.0.1); set it to the load balancer's address.
