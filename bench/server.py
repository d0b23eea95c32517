"""The shipped server (serve.py, as `make serve` runs it) on a bench database, and the
CPU it uses.

cpu_seconds(): its processes and their PostgreSQL backends, from /proc. On a machine
shared with other work, CPU per request is what the shop costs, whatever share of the
cores it was given. (Redis is shared with other work and not counted; a cache hit costs
it a few microseconds.)
"""

import os
import signal
import subprocess
import time
import urllib.request
from pathlib import Path

from bench.config import BASE_DIR, PORT, PYTHON, REDIS_URL, RESULTS, SERVER_ENV, WORKERS

TICKS = os.sysconf("SC_CLK_TCK")
BASE_URL = f"http://127.0.0.1:{PORT}"


def _stat(pid: int) -> list[str]:
    # The fields after the command name, which may itself hold spaces or parentheses.
    return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()


def cpu_of(pids) -> dict[int, float]:
    """User + system CPU seconds used so far by each of these processes still alive."""
    used = {}
    for pid in pids:
        try:
            fields = _stat(pid)
        except OSError:
            continue
        used[pid] = (int(fields[11]) + int(fields[12])) / TICKS  # utime, stime
    return used


def cpu_between(before: dict[int, float], after: dict[int, float]) -> float:
    # Only processes alive at both ends (a closed backend's pid may be reused).
    return sum(max(0.0, after[pid] - before[pid]) for pid in before.keys() & after.keys())


class Server:
    def __init__(self, *, database: str, cache: bool):
        self.database, self.cache = database, cache
        self.process: subprocess.Popen | None = None
        self.backends: set[int] = set()

    def pids(self) -> list[int]:
        """The server's process group (main process and workers) and the database's
        backends (except this query's own)."""
        import psycopg

        group = []
        for entry in Path("/proc").iterdir():
            if entry.name.isdigit():
                try:
                    if int(_stat(int(entry.name))[2]) == self.process.pid:  # pgrp
                        group.append(int(entry.name))
                except (OSError, IndexError, ValueError):
                    pass
        with psycopg.connect(self.database, autocommit=True) as conn:
            backends = conn.execute(
                "SELECT pid FROM pg_stat_activity "
                "WHERE datname = current_database() AND pid <> pg_backend_pid()"
            ).fetchall()
        self.backends = {row[0] for row in backends}  # their share is reported apart
        return group + sorted(self.backends)

    def __enter__(self):
        env = {k: v for k, v in os.environ.items() if k not in ("REDIS_URL", "CACHE_BACKEND")}
        env.update(SERVER_ENV)
        env.update(
            DATABASE_URL=self.database,
            HOST="127.0.0.1",
            PORT=str(PORT),
            WEB_CONCURRENCY=str(WORKERS),
        )
        if self.cache:
            # A fresh prefix per start: cold, without flushing anybody's keys.
            env.update(REDIS_URL=REDIS_URL, CACHE_KEY_PREFIX=f"bench{time.time_ns()}")
        else:
            env["CACHE_BACKEND"] = "dummy"
        RESULTS.mkdir(parents=True, exist_ok=True)
        self.logfile = open(RESULTS / "server.log", "a")
        self.process = subprocess.Popen(
            [PYTHON, str(BASE_DIR / "serve.py")],
            cwd=BASE_DIR,
            env=env,
            stdout=self.logfile,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                urllib.request.urlopen(f"{BASE_URL}/healthz/live", timeout=1)
                return self
            except OSError as exc:
                if self.process.poll() is not None:
                    raise RuntimeError("the server exited; see bench/results/server.log") from exc
                time.sleep(0.2)
        self.__exit__()
        raise RuntimeError("the server did not start in 30 s")

    def __exit__(self, *exc):
        os.killpg(self.process.pid, signal.SIGTERM)
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()
        self.logfile.close()
