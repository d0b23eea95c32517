"""What the reliability checks share: a fresh PostgreSQL database, production servers
(serve.py) on 127.0.0.1, a private redis-server, a TCP proxy in front of PostgreSQL that can be cut,
and a tiny HTTP client (urllib only, nothing to install).

Every process started here is recorded and killed on exit, on SIGTERM/SIGINT, and by
the CI wrapper's trap (pids in $RELIABILITY_PIDFILE), so a failed or timed-out run
never leaves a server behind.
"""

from __future__ import annotations

import atexit
import json
import os
import select
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parents[2]
PYTHON = os.environ.get("PYTHON", str(ROOT / ".venv" / "bin" / "python"))
PG_URL = os.environ.get("RELIABILITY_PG_URL", "postgres://postgres@127.0.0.1:5432")
REDIS_DB_URL = os.environ.get("RELIABILITY_REDIS_URL", "redis://127.0.0.1:6379/8")
TEST_SECRET_KEY = "reliability-checks-only-" + "x" * 40

_children: list[subprocess.Popen] = []


class CheckFailed(AssertionError):
    pass


def check(condition: bool, message: str) -> None:
    if not condition:
        raise CheckFailed(message)


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", flush=True)


# --- process bookkeeping -------------------------------------------------------------


def _record_pid(pid: int) -> None:
    pidfile = os.environ.get("RELIABILITY_PIDFILE")
    if pidfile:
        with open(pidfile, "a") as fh:
            fh.write(f"{pid}\n")


def spawn(args: list[str], *, env: dict, log_path: Path | None = None) -> subprocess.Popen:
    """Start a child in its own process group (so killing it takes its workers too)."""
    out = open(log_path, "ab") if log_path else subprocess.DEVNULL
    proc = subprocess.Popen(
        args, env=env, cwd=ROOT, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
    )
    _children.append(proc)
    _record_pid(proc.pid)
    return proc


def kill(proc: subprocess.Popen, sig: int = signal.SIGTERM, wait: float = 10) -> None:
    if proc.poll() is not None:
        return
    try:
        os.killpg(proc.pid, sig)
    except ProcessLookupError:
        return
    try:
        proc.wait(wait)
    except subprocess.TimeoutExpired:
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        proc.wait(5)


def kill_all() -> None:
    for proc in reversed(_children):
        kill(proc)


def _on_signal(signum, frame):
    raise SystemExit(128 + signum)


atexit.register(kill_all)
signal.signal(signal.SIGTERM, _on_signal)
signal.signal(signal.SIGINT, _on_signal)


# --- ports ---------------------------------------------------------------------------


def free_port(low: int, high: int) -> int:
    """A port in [low, high] nobody listens on (the ranges are ours alone)."""
    for port in range(low, high + 1):
        with socket.socket() as sock:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            try:
                sock.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    raise RuntimeError(f"no free port in {low}-{high}")


def wait_port(port: int, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with socket.socket() as sock:
            sock.settimeout(0.5)
            if sock.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.1)
    raise CheckFailed(f"nothing listens on 127.0.0.1:{port} after {timeout}s")


# --- PostgreSQL ----------------------------------------------------------------------


def database_url(name: str, *, port: int | None = None) -> str:
    parts = urlsplit(PG_URL)
    netloc = parts.netloc
    if port is not None:
        netloc = f"{netloc.rsplit(':', 1)[0]}:{port}"
    return urlunsplit((parts.scheme, netloc, f"/{name}", "", ""))


def fresh_database(name: str) -> str:
    """Drop and create `name`; returns its URL."""
    import psycopg

    with psycopg.connect(database_url("postgres"), autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')
    return database_url(name)


def server_env(*, database_url: str, redis_url: str, **extra: str) -> dict:
    """Production settings, minus what needs TLS in front (a loopback test has none)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    env.update(
        DJANGO_SETTINGS_MODULE="petshop.settings",
        DJANGO_DEBUG="false",
        DJANGO_SECRET_KEY=TEST_SECRET_KEY,
        DJANGO_SECURE_SSL_REDIRECT="false",
        DJANGO_SECURE_COOKIES="false",
        DJANGO_HSTS_SECONDS="0",
        DJANGO_ALLOWED_HOSTS="127.0.0.1,localhost",
        DATABASE_URL=database_url,
        REDIS_URL=redis_url,
        LOG_LEVEL="WARNING",
        PYTHONUNBUFFERED="1",
    )
    env.update(extra)
    return env


def manage(env: dict, *args: str, timeout: float = 600) -> str:
    result = subprocess.run(
        [PYTHON, "manage.py", *args],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    if result.returncode != 0:
        raise CheckFailed(f"manage.py {' '.join(args)} failed:\n{result.stdout}\n{result.stderr}")
    return result.stdout


def django_setup(env: dict) -> None:
    """Use the servers' settings in this process too (to seed and to verify by the ORM)."""
    os.environ.update(env)
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


# --- servers -------------------------------------------------------------------------


@dataclass
class Server:
    port: int
    env: dict
    workers: int = 2
    log_path: Path | None = None
    proc: subprocess.Popen | None = field(default=None, repr=False)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self, timeout: float = 60) -> Server:
        if self.log_path is not None and self.log_path.exists():
            self.log_path.unlink()  # this run's log only
        args = [PYTHON, str(ROOT / "serve.py")]  # the production server and its config, ...
        env = {  # ... with what a loopback check needs on top
            **self.env,
            "HOST": "127.0.0.1",
            "PORT": str(self.port),
            "WEB_CONCURRENCY": str(self.workers),
            "WEB_TIMEOUT": "60",
        }
        self.proc = spawn(args, env=env, log_path=self.log_path)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            check(self.proc.poll() is None, f"server on {self.port} exited; see {self.log_path}")
            try:
                status, _, _ = request("GET", self.url + "/healthz", timeout=2)
                if status in (200, 503):
                    return self
            except OSError:
                pass
            time.sleep(0.2)
        raise CheckFailed(f"server on {self.port} did not answer within {timeout}s")

    def stop(self) -> None:
        if self.proc is not None:
            kill(self.proc)


class RedisServer:
    """A private redis-server (never the shared one) that a check may kill and restart."""

    def __init__(self, port: int, log_path: Path | None = None):
        self.port = port
        self.log_path = log_path
        self.proc: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> RedisServer:
        self.proc = spawn(
            [
                "redis-server",
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--daemonize",
                "no",
            ],
            env=dict(os.environ),
            log_path=self.log_path,
        )
        wait_port(self.port, timeout=10)
        return self

    def stop(self) -> None:
        if self.proc is not None:
            kill(self.proc, signal.SIGKILL)

    def dbsize(self) -> int:
        import redis

        return redis.Redis(port=self.port, socket_timeout=1).dbsize()


class TcpProxy:
    """127.0.0.1:listen_port → 127.0.0.1:target_port. `stop()` closes the listener and
    cuts every open connection, which is what a database outage looks like to a server
    holding persistent connections; `start()` again on the same port is the recovery."""

    def __init__(self, listen_port: int, target_port: int):
        self.listen_port = listen_port
        self.target_port = target_port
        self._listener: socket.socket | None = None
        self._sockets: set[socket.socket] = set()
        self._lock = threading.Lock()
        self._running = False

    def start(self) -> TcpProxy:
        listener = socket.socket()
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("127.0.0.1", self.listen_port))
        listener.listen(64)
        self._listener = listener
        self._running = True
        threading.Thread(target=self._accept, daemon=True).start()
        return self

    def stop(self) -> None:
        self._running = False
        if self._listener is not None:
            try:
                self._listener.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            self._listener.close()
            self._listener = None
        with self._lock:
            for sock in list(self._sockets):
                try:
                    sock.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass
                sock.close()
            self._sockets.clear()

    def _accept(self) -> None:
        listener = self._listener
        while self._running:
            try:
                client, _ = listener.accept()
            except OSError:
                return
            try:
                upstream = socket.create_connection(("127.0.0.1", self.target_port), timeout=5)
            except OSError:
                client.close()
                continue
            with self._lock:
                self._sockets.update((client, upstream))
            threading.Thread(target=self._pipe, args=(client, upstream), daemon=True).start()

    def _pipe(self, a: socket.socket, b: socket.socket) -> None:
        try:
            while True:
                readable, _, _ = select.select([a, b], [], [], 1.0)
                if not self._running and not readable:
                    break
                for sock in readable:
                    data = sock.recv(65536)
                    if not data:
                        raise OSError("closed")
                    (b if sock is a else a).sendall(data)
        except (OSError, ValueError):
            pass
        finally:
            with self._lock:
                for sock in (a, b):
                    self._sockets.discard(sock)
                    try:
                        sock.close()
                    except OSError:
                        pass


# --- HTTP ----------------------------------------------------------------------------


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


_opener = urllib.request.build_opener(_NoRedirect)


def request(
    method: str,
    url: str,
    *,
    body: dict | list | None = None,
    headers: dict | None = None,
    timeout: float = 30,
) -> tuple[int, dict, bytes]:
    """(status, lower-cased headers, raw body); HTTP errors are answers, not exceptions."""
    data = json.dumps(body).encode() if body is not None else None
    req = urllib.request.Request(url, data=data, method=method)
    req.add_header("Accept", "application/json, text/html;q=0.9")
    if data is not None:
        req.add_header("Content-Type", "application/json")
    for name, value in (headers or {}).items():
        req.add_header(name, value)
    try:
        with _opener.open(req, timeout=timeout) as resp:
            return resp.status, {k.lower(): v for k, v in resp.headers.items()}, resp.read()
    except urllib.error.HTTPError as err:
        return err.code, {k.lower(): v for k, v in err.headers.items()}, err.read()


def json_body(raw: bytes):
    try:
        return json.loads(raw)
    except ValueError:
        return None
