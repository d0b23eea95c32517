"""The benchmark: one command, about five minutes, one table.

    .venv/bin/python bench/run.py            (or: bench/run.sh, make bench)

1. Builds two fresh PostgreSQL databases with bench/build_shop.py: petshop_bench
   (100,000 products, 20,000 customers, 50,000 orders) and petshop_bench_small (1,000
   products), both dropped and recreated.
2. Serves each with gunicorn on 127.0.0.1 (production settings: DEBUG off), once with
   the Redis cache (REDIS_URL, db 7 unless BENCH_REDIS_URL says otherwise) and once with
   caching off (CACHE_BACKEND=dummy).
3. Drives every row with wrk for BENCH_SECONDS (default 5) after a one-second warm-up,
   checks checkout left stock exact, prints EXPLAIN ANALYZE of the search and deep-page
   queries, and writes the table to bench/results/latest.md.

Each row's ratio is to the bare view measured right before it, so that a change in
the machine's load during the run does not skew the ratios.

Knobs (environment): BENCH_SECONDS, BENCH_WORKERS (default as gunicorn.conf.py: 2 x
cores + 1), BENCH_THREADS (gunicorn threads per worker, 1 = sync workers),
BENCH_CONNECTIONS (16), BENCH_SKIP_BUILD=1 to reuse the databases of the previous run,
BENCH_ONLY=text to run only the rows whose name holds it, BENCH_PG
(postgres://postgres@127.0.0.1:5432), BENCH_PORT (8101).
"""

import json
import os
import random
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from datetime import UTC, datetime
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
BENCH_DIR = BASE_DIR / "bench"
RESULTS = BENCH_DIR / "results"
PYTHON = sys.executable

PG = os.environ.get("BENCH_PG", "postgres://postgres@127.0.0.1:5432")
BIG_DB = f"{PG}/petshop_bench"
SMALL_DB = f"{PG}/petshop_bench_small"
REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/7")
PORT = int(os.environ.get("BENCH_PORT", "8101"))
SECONDS = int(os.environ.get("BENCH_SECONDS", "5"))
# The production configuration (gunicorn.conf.py: sync workers, 2 x cores + 1).
WORKERS = int(os.environ.get("BENCH_WORKERS", str((os.cpu_count() or 1) * 2 + 1)))
THREADS = int(os.environ.get("BENCH_THREADS", "1"))
CONNECTIONS = int(os.environ.get("BENCH_CONNECTIONS", "16"))
SECRET_KEY = "bench-secret-key-not-for-production-0123456789abcdef"
CHECKOUT_ADDRESS = "BENCH checkout, 1 Load Street, Wrkville"
CHECKOUT_STOCK = 1_000_000

# What the server and this process share: production settings, the bench database.
SERVER_ENV = {
    "DJANGO_SETTINGS_MODULE": "petshop.settings",
    "DJANGO_DEBUG": "false",
    "DJANGO_SECRET_KEY": SECRET_KEY,
    "DJANGO_ALLOWED_HOSTS": "127.0.0.1,testserver",
    "DJANGO_SECURE_SSL_REDIRECT": "false",
    "DJANGO_SECURE_COOKIES": "false",
    "DJANGO_HSTS_SECONDS": "0",
    "THROTTLE_LOGIN": "1000000/min",  # the login row would be throttled otherwise
    "JWT_ACCESS_MINUTES": "120",
    "LOG_LEVEL": "WARNING",
}


def log(message: str) -> None:
    print(f"[bench {datetime.now():%H:%M:%S}] {message}", file=sys.stderr, flush=True)


# --- Databases ------------------------------------------------------------------------


def build_databases() -> None:
    env = {**os.environ, **SERVER_ENV, "DJANGO_DEBUG": "true"}
    for url, args in (
        (BIG_DB, ["--products", "100000", "--customers", "20000", "--orders", "50000"]),
        (SMALL_DB, ["--products", "1000", "--customers", "500", "--orders", "1000"]),
    ):
        log(f"building {url.rsplit('/', 1)[1]} {' '.join(args)}")
        started = time.monotonic()
        subprocess.run(
            [PYTHON, str(BENCH_DIR / "build_shop.py"), *args],
            env={**env, "DATABASE_URL": url},
            check=True,
            stdout=subprocess.DEVNULL,
        )
        log(f"  built in {time.monotonic() - started:.0f}s")


def setup_django() -> None:
    """This process reads the big database directly (tokens, fixtures, checks)."""
    os.environ.update(SERVER_ENV)
    os.environ.update({"DATABASE_URL": BIG_DB, "CACHE_BACKEND": "dummy"})
    sys.path.insert(0, str(BASE_DIR))
    import django

    django.setup()


def prepare_fixtures() -> dict:
    """Tokens for the buyers, the products each row uses, a checkout stock pool."""
    from django.db import connection
    from rest_framework_simplejwt.tokens import AccessToken

    from accounts.models import User
    from catalog.models import Product

    rng = random.Random(42)
    users = list(User.objects.filter(is_active=True).order_by("id")[:400])
    active = list(
        Product.objects.active()
        .in_stock()
        .filter(stock__gte=50)
        .order_by("id")
        .values_list("id", "slug")
    )
    sample = rng.sample(active, 2200)
    checkout_pool = [pid for pid, _ in sample[:200]]
    # The checkout pool gets a known, ample stock; the check afterwards compares it
    # with what the orders took.
    Product.objects.filter(pk__in=checkout_pool).update(stock=CHECKOUT_STOCK)
    from sales.models import Order

    first_order_id = (Order.objects.order_by("-pk").values_list("pk", flat=True).first() or 0) + 1
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE catalog_product")
    return {
        "tokens": [str(AccessToken.for_user(u)) for u in users],
        "usernames": [u.username for u in users],
        "detail": sample[200:400],
        "cart_products": [pid for pid, _ in sample[400:]],
        "checkout_pool": checkout_pool,
        "first_order_id": first_order_id,  # orders from here on are this run's
    }


def small_fixture() -> dict:
    import psycopg

    with psycopg.connect(SMALL_DB) as conn:
        rows = conn.execute(
            "SELECT id, slug FROM catalog_product WHERE is_active ORDER BY id LIMIT 200"
        ).fetchall()
    return {"detail": rows}


def verify_checkout_stock(pool: list[int], first_order_id: int) -> dict:
    """Stock exact: every pool product's stock is its starting stock minus what the
    bench orders took, never below zero; every bench order has exactly one live invoice."""
    from django.db.models import Count, Sum

    from catalog.models import Product
    from sales.models import Invoice, Order, OrderLine

    taken = dict(
        OrderLine.objects.filter(
            order__shipping_address=CHECKOUT_ADDRESS, order_id__gte=first_order_id
        )
        .values_list("product_id")
        .annotate(n=Sum("quantity"))
    )
    stock = dict(Product.objects.filter(pk__in=pool).values_list("id", "stock"))
    wrong = {
        pid: (stock[pid], CHECKOUT_STOCK - taken.get(pid, 0))
        for pid in pool
        if stock[pid] != CHECKOUT_STOCK - taken.get(pid, 0)
    }
    orders = Order.objects.filter(shipping_address=CHECKOUT_ADDRESS, pk__gte=first_order_id)
    invoices = Invoice.objects.live().filter(order__in=orders)
    not_one = orders.annotate(n=Count("invoices")).exclude(n=1).count()
    return {
        "orders": orders.count(),
        "units": sum(taken.values()),
        "stock_mismatches": len(wrong),
        "invoices": invoices.count(),
        "distinct_invoice_numbers": invoices.values("number").distinct().count(),
        "orders_without_exactly_one_invoice": not_one,
        "exact": bool(taken) and not wrong and not not_one and invoices.count() == orders.count(),
    }


# --- Server ---------------------------------------------------------------------------


TICKS = os.sysconf("SC_CLK_TCK")


def _cpu_of(pids) -> dict[int, float]:
    """User + system CPU seconds used so far by each of these processes still alive."""
    used = {}
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        used[pid] = (int(fields[11]) + int(fields[12])) / TICKS  # utime, stime
    return used


def _cpu_between(before: dict[int, float], after: dict[int, float]) -> float:
    # Only processes alive at both ends (a closed backend's pid may be reused).
    return sum(max(0.0, after[pid] - before[pid]) for pid in before.keys() & after.keys())


class Server:
    """gunicorn on the bench database. cpu_seconds() is the CPU its workers and their
    PostgreSQL backends have used: on a machine shared with other work, CPU per request
    is what the shop costs, whatever share of the cores it was given. (Redis is shared
    with other work and not counted; a cache hit costs it a few microseconds.)"""

    def __init__(self, *, database: str, cache: bool):
        self.database, self.cache = database, cache
        self.process = None

    def _pids(self) -> list[int]:
        import psycopg

        pids = [self.process.pid]
        for entry in Path("/proc").iterdir():
            if entry.name.isdigit():
                try:
                    if (
                        int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
                        == self.process.pid
                    ):
                        pids.append(int(entry.name))
                except (OSError, IndexError, ValueError):
                    pass
        with psycopg.connect(self.database, autocommit=True) as conn:
            pids += [
                r[0]
                for r in conn.execute(
                    "SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()"
                ).fetchall()
            ]
        return pids

    def __enter__(self):
        env = {k: v for k, v in os.environ.items() if k not in ("REDIS_URL", "CACHE_BACKEND")}
        env.update(SERVER_ENV)
        env["DATABASE_URL"] = self.database
        if self.cache:
            env["REDIS_URL"] = REDIS_URL
            # A fresh prefix per run: starts cold without flushing anything.
            env["CACHE_KEY_PREFIX"] = f"bench{time.time_ns()}"
        else:
            env["CACHE_BACKEND"] = "dummy"
        env.update(
            {
                "WEB_CONCURRENCY": str(WORKERS),
                "GUNICORN_THREADS": str(THREADS),
                "GUNICORN_MAX_REQUESTS": "0",
            }
        )  # no worker recycling mid-row
        command = [
            str(BASE_DIR / ".venv/bin/gunicorn")
            if (BASE_DIR / ".venv/bin/gunicorn").exists()
            else "gunicorn",
            "petshop.wsgi:application",
            "--bind",
            f"127.0.0.1:{PORT}",
            "--backlog",
            "2048",
        ]
        if (BASE_DIR / "gunicorn.conf.py").exists():
            command += ["-c", str(BASE_DIR / "gunicorn.conf.py")]
        else:
            command += ["--workers", str(WORKERS), "--threads", str(THREADS)]
        RESULTS.mkdir(parents=True, exist_ok=True)
        self.logfile = open(RESULTS / "gunicorn.log", "a")
        self.process = subprocess.Popen(
            command,
            cwd=BASE_DIR,
            env=env,
            stdout=self.logfile,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{PORT}/healthz/live", timeout=1)
                return self
            except Exception as exc:
                if self.process.poll() is not None:
                    raise RuntimeError("gunicorn exited; see bench/results/gunicorn.log") from exc
                time.sleep(0.2)
        raise RuntimeError("gunicorn did not start in 30 s")

    def __exit__(self, *exc):
        os.killpg(self.process.pid, signal.SIGTERM)
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()
        self.logfile.close()


# --- Load -----------------------------------------------------------------------------


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
            [
                "wrk",
                "-t",
                str(threads),
                "-c",
                str(connections),
                "-d",
                f"{seconds}s",
                "--timeout",
                "10s",
                "-s",
                f.name,
                f"http://127.0.0.1:{PORT}",
            ],
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


def drain() -> None:
    """Wait until the server has answered what wrk left queued (slow rows such as login
    leave work behind when wrk stops), so the next row starts on an idle server."""
    for _ in range(2 * WORKERS):
        urllib.request.urlopen(f"http://127.0.0.1:{PORT}/healthz/live", timeout=60).read()


def measure(
    server: Server, row: dict, ceiling_row: dict | None = None, seconds: int = SECONDS
) -> dict:
    if row.get("method", "GET") == "GET":
        for path in row["paths"][:50]:  # fill the cache without a thundering herd
            urllib.request.urlopen(f"http://127.0.0.1:{PORT}{path}", timeout=60).read()
    ceiling = None
    if ceiling_row is not None:
        ceiling = measure(server, ceiling_row, seconds=max(2, SECONDS // 2))
    wrk(row, 1)  # warm-up: connections, caches, the workers' imports
    drain()
    pids = server._pids()  # the backends opened by the warm-up included
    before = _cpu_of(pids)
    result = wrk(row, seconds)
    result["cpu_ms"] = _cpu_between(before, _cpu_of(pids)) * 1000 / max(result["requests"], 1)
    drain()
    if ceiling is not None:
        result["ceiling"] = ceiling["rps"]
        result["ceiling_cpu_ms"] = ceiling["cpu_ms"]
    else:
        result["ceiling"], result["ceiling_cpu_ms"] = result["rps"], result["cpu_ms"]
    return result


def list_while_buying(server: Server, rows: list[dict]) -> dict:
    """The cached first page while four buyers check out: every order changes stock,
    so every order moves the catalog version and the cache starts over."""
    by_name = {r["name"]: r for r in rows}
    listing = by_name["product list, first page"]
    buyers = {
        **by_name[CHECKOUT],
        "threads": 4,
        "connections": 4,
        "tokens": by_name[CHECKOUT]["tokens"][:4],
    }
    found: dict = {}
    thread = threading.Thread(target=lambda: found.setdefault("orders", wrk(buyers, SECONDS + 2)))
    thread.start()
    time.sleep(1)
    during = wrk(listing, SECONDS)
    thread.join()
    drain()
    return {
        "list_rps": round(during["rps"]),
        "list_p50": during["p50"],
        "orders_rps": round(found["orders"]["rps"]),
    }


def rows_for(fx: dict) -> list[dict]:
    detail_paths = [f"/api/v1/products/{pid}/" for pid, _ in fx["detail"]]
    page_paths = [f"/products/{pid}/{slug}/" for pid, slug in fx["detail"]]
    cart_products = fx["cart_products"]
    pool = fx["checkout_pool"]
    return [
        {"name": "bare Django view (ceiling)", "paths": ["/healthz/live"]},
        {"name": "product list, first page", "paths": ["/api/v1/products/"]},
        {
            "name": "product list, filtered",
            "paths": [
                "/api/v1/products/?pet_type=dog&category=food&in_stock=true&min_price=10&max_price=80&ordering=-price"
            ],
        },
        {
            "name": "product list, searched",
            "paths": ["/api/v1/products/?search=crunchy%20dog%20kibble"],
        },
        {"name": "product list, page 500", "paths": ["/api/v1/products/?page=500"]},
        {"name": "product detail", "paths": detail_paths},
        {"name": "categories", "paths": ["/api/v1/categories/"]},
        {
            "name": "storefront catalog page",
            "paths": ["/products/?pet_type=cat&category=toys&sort=price"],
        },
        {"name": "storefront product page", "paths": page_paths},
        {
            "name": "login (Argon2)",
            "method": "POST",
            "paths": ["/api/v1/auth/login/"],
            "connections": WORKERS,
            "threads": 1,
            "body_lua": f"(function() local u = {lua_list(fx['usernames'])}; return function() "
            'return string.format(\'{"username": "%s", "password": "bench-password-2026"}\', '
            "u[math.random(#u)]) end end)()",
        },
        {
            "name": "cart add",
            "method": "POST",
            "paths": ["/api/v1/cart/items/"],
            "tokens": fx["tokens"],
            "body_lua": f"(function() local p = {lua_list(cart_products)}; return function() "
            'return string.format(\'{"product_id": %d, "quantity": 1}\', p[math.random(#p)]) end end)()',
        },
        {
            "name": "checkout (16 buyers, orders/s)",
            "method": "POST",
            "paths": ["/api/v1/orders/"],
            "tokens": fx["tokens"][:16],
            "per_thread_token": True,
            "threads": 16,
            "connections": 16,
            "body_lua": f"(function() local p = {lua_list(pool)}; return function() "
            "local a = p[math.random(#p)]; local b = p[math.random(#p)]; while b == a do b = p[math.random(#p)] end; "
            f'return string.format(\'{{"shipping_address": "{CHECKOUT_ADDRESS}", "items": '
            '[{"product_id": %d, "quantity": 1}, {"product_id": %d, "quantity": 2}]}\', a, b) end end)()',
        },
    ]


CHECKOUT = "checkout (16 buyers, orders/s)"
SCALE_ROWS = [
    "product list, first page",
    "product list, searched",
    "product detail",
    "storefront catalog page",
]


# --- EXPLAIN --------------------------------------------------------------------------


def explain(paths: list[str]) -> str:
    """EXPLAIN ANALYZE of the SQL the real view runs for each path (captured through
    Django's test client against the big database)."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    out = []
    client = Client()
    for path in paths:
        with CaptureQueriesContext(connection) as ctx:
            status = client.get(path).status_code
        out.append(f"### GET {path} ({status}, {len(ctx.captured_queries)} queries)\n")
        for query in ctx.captured_queries:
            sql = query["sql"]
            if "catalog_product" not in sql or not sql.lstrip().upper().startswith("SELECT"):
                continue
            with connection.cursor() as cursor:
                cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql)
                plan = "\n".join(r[0] for r in cursor.fetchall())
            out.append(f"```sql\n{sql}\n```\n```\n{plan}\n```\n")
    return "\n".join(out)


# --- Report ---------------------------------------------------------------------------


def fmt(r: dict | None, ratio: bool = False) -> list[str]:
    if not r:
        return ["—"] * (6 if ratio else 4)
    cells = [f"{r['rps']:,.0f}", f"{r['p50']:.1f}", f"{r['p99']:.1f}", f"{r['cpu_ms']:.2f}"]
    if ratio:
        cells.append(f"{r['rps'] / r['ceiling']:.2f}")
        cells.append(f"{r['ceiling_cpu_ms'] / r['cpu_ms']:.2f}" if r["cpu_ms"] else "—")
    if r["errors"]:
        cells[0] += f" ({r['errors']} err)"
    return cells


def machine() -> str:
    cpu = "?"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    load = os.getloadavg()
    return (
        f"{os.cpu_count()} cores ({cpu}), load before the run {load[0]:.2f}; "
        f"gunicorn {WORKERS} workers"
        + (f" x {THREADS} threads (gthread)" if THREADS > 1 else " (sync)")
        + f"; wrk {CONNECTIONS} connections, {SECONDS} s per row; PostgreSQL and Redis on the same host"
    )


def checkout_capacity(results: dict) -> str:
    cpu = {m: results[m][CHECKOUT]["cpu_ms"] for m in ("on", "off") if CHECKOUT in results[m]}
    if not cpu or not min(cpu.values()):
        return ""
    cores = os.cpu_count() or 1
    return (
        f"Server CPU per order: {', '.join(f'cache {m} {v:.1f} ms' for m, v in cpu.items())}: "
        f"at most {cores * 1000 / min(cpu.values()):.0f} orders/s with all {cores} cores to the shop."
    )


def report(results: dict, scale: dict, checkout: dict, explain_text: str, started: float) -> str:
    on, off = results["on"], results["off"]
    lines = [
        f"Benchmark of {datetime.now(UTC):%Y-%m-%d %H:%M} UTC — `make bench` — {machine()}.",
        "100,000 products, 20,000 customers, 50,000 orders. Latencies in ms. CPU: server-side CPU "
        "ms per request (gunicorn workers + their PostgreSQL backends). × ceiling: against the bare "
        "view measured on the same server just before the row, by requests/s (r) and by CPU per "
        "request (c; unaffected by how much of the shared machine the run got). on / off: by CPU.",
        "",
        "| Row | on req/s | p50 | p99 | CPU | × ceil r | × ceil c | off req/s | p50 | p99 | CPU | × ceil r | × ceil c | on / off |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for name in sorted(on, key=lambda n: "ceiling" not in n):
        a, b = on.get(name), off.get(name)
        speedup = f"{b['cpu_ms'] / a['cpu_ms']:.1f}" if a and b and a["cpu_ms"] else "—"
        lines.append("| " + " | ".join([name, *fmt(a, True), *fmt(b, True), speedup]) + " |")
    lines += [
        "",
        f"Checkout: {checkout['orders']} orders, {checkout['units']} units; stock exact afterwards: "
        f"**{'yes' if checkout['exact'] else 'NO'}** ({checkout['stock_mismatches']} mismatching products, "
        f"{checkout['invoices']} live invoices, {checkout['distinct_invoice_numbers']} distinct numbers). "
        + checkout_capacity(results),
        "",
        (
            f"Cached product list while 4 buyers check out ({results['mixed']['orders_rps']} orders/s): "
            f"{results['mixed']['list_rps']} req/s, p50 {results['mixed']['list_p50']:.1f} ms (alone: "
            f"{results['on']['product list, first page']['rps']:,.0f} req/s). Every order changes stock, "
            "which moves the whole catalog's cache version."
            if "mixed" in results
            else ""
        ),
        "",
        "Catalog size: 1,000 vs 100,000 products. Cost ratio by server CPU per request, and by "
        "throughput relative to the bare view measured just before each row (r).",
        "",
        "| Row | cache | 1k req/s | p50 | p99 | CPU | 100k req/s | p50 | p99 | CPU | 100k/1k cost (CPU) | (r) |",
        "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for mode in ("on", "off"):
        for name in SCALE_ROWS:
            small, big = scale[mode].get(name), results[mode].get(name)
            ok = small and big and big["rps"] and small["cpu_ms"]
            by_cpu = f"{big['cpu_ms'] / small['cpu_ms']:.2f}" if ok else "—"
            by_rps = (
                f"{(small['rps'] / small['ceiling']) / (big['rps'] / big['ceiling']):.2f}"
                if ok
                else "—"
            )
            lines.append(
                "| " + " | ".join([name, mode, *fmt(small), *fmt(big), by_cpu, by_rps]) + " |"
            )
    lines += [
        "",
        f"Whole run: {time.monotonic() - started:.0f} s.",
        "",
        "## EXPLAIN ANALYZE",
        "",
        explain_text,
    ]
    return "\n".join(lines)


def main() -> None:
    started = time.monotonic()
    if not shutil.which("wrk"):
        sys.exit("wrk is needed (apt-get install wrk)")
    if os.environ.get("BENCH_SKIP_BUILD") != "1":
        build_databases()
    setup_django()
    log("collectstatic (DEBUG off serves hashed static names)")
    subprocess.run(
        [PYTHON, "manage.py", "collectstatic", "--noinput", "-v0"],
        cwd=BASE_DIR,
        env={**os.environ},
        check=True,
    )
    fx = prepare_fixtures()
    only = os.environ.get("BENCH_ONLY")  # a substring: run just the matching rows
    rows = [r for r in rows_for(fx) if not only or only in r["name"] or "ceiling" in r["name"]]
    results: dict = {"on": {}, "off": {}}
    ceiling_row = rows[0]
    for mode in ("on", "off"):
        with Server(database=BIG_DB, cache=mode == "on") as server:
            for row in rows[1:]:
                results[mode][row["name"]] = r = measure(server, row, ceiling_row)
                log(
                    f"cache {mode:3} {row['name']:34} {r['rps']:8.0f}/s p50 {r['p50']:6.1f} "
                    f"p99 {r['p99']:6.1f} cpu {r['cpu_ms']:6.2f} ms errors {r['errors']}  "
                    f"(bare view just before: {r['ceiling']:.0f}/s, {r['ceiling_cpu_ms']:.2f} ms)"
                )
            results[mode][ceiling_row["name"]] = measure(server, ceiling_row)
            if mode == "on" and not only:
                results["mixed"] = list_while_buying(server, rows)
                log(f"cached product list while 4 buyers check out: {results['mixed']}")
    checkout = verify_checkout_stock(fx["checkout_pool"], fx["first_order_id"])
    log(f"checkout check: {checkout}")
    scale: dict = {"on": {}, "off": {}}
    sfx = small_fixture()
    small_rows = {r["name"]: r for r in rows_for({**fx, "detail": sfx["detail"]})}
    for mode in ("on", "off"):
        with Server(database=SMALL_DB, cache=mode == "on") as server:
            for name in SCALE_ROWS:
                if name in small_rows and (not only or only in name):
                    scale[mode][name] = r = measure(server, small_rows[name], ceiling_row)
                    log(
                        f"1k products, cache {mode:3} {name:34} {r['rps']:8.0f}/s p50 {r['p50']:6.1f} "
                        f"p99 {r['p99']:6.1f} cpu {r['cpu_ms']:6.2f} ms  (bare view just before: "
                        f"{r['ceiling']:.0f}/s, {r['ceiling_cpu_ms']:.2f} ms)"
                    )
    explain_text = explain(
        [
            "/api/v1/products/?search=crunchy%20dog%20kibble",  # the bench's search
            "/api/v1/products/?search=crunchy",  # one word in 20 names: the planner's choice
            "/api/v1/products/?page=500",
        ]
    )
    text = report(results, scale, checkout, explain_text, started)
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "latest.md").write_text(text + "\n")
    print(text)
    if not checkout["exact"]:
        sys.exit("checkout left stock inexact")


if __name__ == "__main__":
    main()
