"""wrk against the running server: one row's requests/s, p50/p99 latency, errors, and
the server's CPU per request over the same seconds."""

import json
import os
import re
import subprocess
import tempfile
import threading
import time
import urllib.request

from bench.config import BENCH_DIR, CONNECTIONS, SECONDS, WORKERS
from bench.server import BASE_URL, Server, cpu_between, cpu_of


def lua_list(values) -> str:
    return "{" + ",".join(json.dumps(v) for v in values) + "}"


def wrk(row: dict, seconds: int) -> dict:
    """One wrk run of `row`; returns requests/s, p50, p99 (ms) and error counts."""
    lines = [
        "bench = {}",
        f"bench.method = {json.dumps(row.get('method', 'GET'))}",
        f"bench.paths = {lua_list(row['paths'])}",
    ]
    if row.get("tokens"):
        lines.append(f"bench.tokens = {lua_list(row['tokens'])}")
    if row.get("cookies"):
        lines.append(f"bench.cookies = {lua_list(row['cookies'])}")
    if row.get("per_thread_token"):
        lines.append("bench.per_thread_token = true")
    if row.get("body_lua"):
        lines.append(f"bench.body = {row['body_lua']}")
    script = "\n".join(lines) + "\n" + (BENCH_DIR / "wrk.lua").read_text()
    connections = row.get("connections", CONNECTIONS)
    threads = row.get("threads", 2)
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as f:
        f.write(script)
    try:
        out = subprocess.run(
            ["wrk", "-t", str(threads), "-c", str(connections), "-d", f"{seconds}s"]
            + ["--timeout", "10s", "-s", f.name, BASE_URL],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
    finally:
        os.unlink(f.name)
    data = json.loads(re.search(r"^BENCH (.*)$", out, re.M).group(1))
    return {
        "rps": data["requests"] / (data["duration_us"] / 1e6),
        "p50": data["p50_us"] / 1000,
        "p99": data["p99_us"] / 1000,
        "requests": data["requests"],
        "errors": data["status_errors"] + data["socket_errors"],
    }


def get(path: str, headers: dict | None = None) -> None:
    request = urllib.request.Request(f"{BASE_URL}{path}", headers=headers or {})
    urllib.request.urlopen(request, timeout=60).read()


def drain() -> None:
    """Wait until the server has answered what wrk left queued (slow rows such as login
    leave work behind when wrk stops), so the next row starts on an idle server."""
    for _ in range(2 * WORKERS):
        get("/healthz/live")


def warm(row: dict) -> None:
    """Fill the cache path by path, without a thundering herd: every path, so that a
    cached row measures cached reads (the detail rows have 200 products: warming only 50
    left a short row rendering the other 150 while it was measured)."""
    if row.get("method", "GET") != "GET":
        return
    headers = {"Cookie": row["cookies"][0]} if row.get("cookies") else {}
    if row.get("tokens"):
        headers["Authorization"] = f"Bearer {row['tokens'][0]}"
    for path in row["paths"]:
        get(path, headers)


def measure(
    server: Server, row: dict, ceiling_row: dict | None = None, seconds: int = SECONDS
) -> dict:
    """The row alone on the server, after a one-second warm-up. With ceiling_row, the
    bare view is measured just before, so each ratio compares like with like even if
    the machine's load changes during the run."""
    warm(row)
    ceiling = None
    if ceiling_row is not None:
        ceiling = measure(server, ceiling_row, seconds=max(2, seconds // 2))
    wrk(row, 1)  # warm-up: connections, caches, the workers' imports
    drain()
    pids = server.pids()  # the backends opened by the warm-up included
    before = cpu_of(pids)
    result = wrk(row, seconds)
    after, requests = cpu_of(pids), max(result["requests"], 1)
    result["cpu_ms"] = cpu_between(before, after) * 1000 / requests
    database = {pid: cpu for pid, cpu in before.items() if pid in server.backends}
    result["db_cpu_ms"] = cpu_between(database, after) * 1000 / requests  # PostgreSQL's part
    drain()
    reference = ceiling or result
    result["ceiling"], result["ceiling_cpu_ms"] = reference["rps"], reference["cpu_ms"]
    result["load"] = os.getloadavg()[0]
    return result


def list_while_buying(server: Server, listing: dict, checkout: dict) -> dict:
    """The cached first page while four buyers check out without pause, and how the
    server's CPU over the reads' seconds split between the two: the four buyers are first
    measured alone (CPU per order), `buyers_cpu_share` is their orders' share at that
    cost, and `read_cpu_ms` per read is what is left (an estimate: an order may cost a
    little more beside the reads)."""
    buyers = {**checkout, "threads": 4, "connections": 4, "tokens": checkout["tokens"][:4]}
    alone = measure(server, buyers)
    found: dict = {}
    thread = threading.Thread(target=lambda: found.setdefault("orders", wrk(buyers, SECONDS + 2)))
    thread.start()
    time.sleep(1)
    pids = server.pids()
    before = cpu_of(pids)
    during = wrk(listing, SECONDS)
    total_ms = cpu_between(before, cpu_of(pids)) * 1000
    thread.join()
    drain()
    orders_rps = found["orders"]["rps"]
    # The buyers' rate is over their whole run, a little longer than the reads'.
    checkouts_ms = min(total_ms, orders_rps * SECONDS * alone["cpu_ms"])
    return {
        **during,
        "orders_rps": orders_rps,
        "order_cpu_ms": alone["cpu_ms"],
        "buyers_cpu_share": checkouts_ms / total_ms if total_ms else 0.0,
        "read_cpu_ms": (total_ms - checkouts_ms) / max(during["requests"], 1),
    }
