"""The cached first page of the product list, idle and while buyers check out.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/petshop_bench_small \
    REDIS_URL=redis://127.0.0.1:6379/0 \
        .venv/bin/python bench/read_under_writes.py [--port 8000] [--buyers 4] [--seconds 5]

Needs a built shop (bench/build_shop.py), Redis and wrk. Serves the shop with the
production server (serve.py: granian, 2 workers), gives every product
plenty of stock, then runs wrk (16 connections) on `/api/v1/products/?page=1` twice:
idle, and while `--buyers` threads of this process place orders through `order_place`
(real transactions, so every order moves the cache versions on commit), without pause
or at `--rate` orders/s in all. On a small machine the buyers' own CPU (they run here,
with their PostgreSQL backends) weighs on the second figure: `--rate` keeps it fixed.
Prints requests/s and the server's CPU per request of both runs, their ratios
and the orders placed per second.
"""

import argparse
import os
import random
import re
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
import in_process  # noqa: E402

in_process.configure()

ADDRESS = "12 Bench Street, Testville 4242"


def server_cpu(server: subprocess.Popen) -> float:
    """CPU seconds used so far by the server: its workers (the children of serve.py's
    process) and that process itself (bench.server counts them the same way)."""
    from bench.server import cpu_of

    children = Path(f"/proc/{server.pid}/task/{server.pid}/children").read_text().split()
    return sum(cpu_of([server.pid, *map(int, children)]).values())


def wrk(url: str, seconds: int, server: subprocess.Popen) -> tuple[float, float]:
    """Requests/s, and the workers' CPU ms per request."""
    cpu = server_cpu(server)
    out = subprocess.run(
        ["wrk", "-t2", "-c16", f"-d{seconds}s", url], capture_output=True, text=True, check=True
    ).stdout
    cpu = server_cpu(server) - cpu
    requests = int(re.search(r"(\d+) requests in", out).group(1))
    return float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)), cpu * 1000 / requests


def serve(port: int) -> subprocess.Popen:
    env = dict(os.environ, HOST="127.0.0.1", PORT=str(port), WEB_CONCURRENCY="2")
    server = subprocess.Popen(
        [str(BASE_DIR / ".venv/bin/python"), "serve.py"],
        cwd=BASE_DIR,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    for _ in range(100):
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz/live", timeout=1)
            return server
        except OSError:
            time.sleep(0.2)
    server.terminate()
    sys.exit("the server did not start")


def buyers(
    count: int, stop: threading.Event, placed: list[int], rate: float
) -> list[threading.Thread]:
    from django.db import connection

    from accounts.models import User
    from catalog.models import Product
    from sales.services import order_place

    users = list(User.objects.filter(is_staff=False)[:count])
    product_ids = list(Product.objects.filter(is_active=True).values_list("pk", flat=True))

    def buy(user) -> None:
        rng = random.Random(user.pk)
        pause = count / rate if rate else 0.0  # each buyer's share of --rate
        next_order = time.monotonic()
        while not stop.is_set():
            items = [{"product_id": pid, "quantity": 1} for pid in rng.sample(product_ids, 2)]
            order_place(user=user, shipping_address=ADDRESS, items=items)
            placed.append(1)
            next_order += pause
            stop.wait(max(0.0, next_order - time.monotonic()))
        connection.close()

    return [threading.Thread(target=buy, args=(user,)) for user in users]


def reads_in_process(reads_per_order: int, reads: int = 1000) -> None:
    """One thread, no server: the CPU time of a cached first-page read through Django's
    test Client, idle and with an order placed (untimed) every `reads_per_order` reads.
    Free of the CPU the buyers take from the server and of other work on the machine,
    so it shows what the orders cost the cache itself (PostgreSQL's side not counted)."""
    from django.test import Client

    from accounts.models import User
    from catalog.models import Product
    from sales.services import order_place

    client = Client(HTTP_HOST="127.0.0.1")
    user = User.objects.filter(is_staff=False).first()
    product_ids = list(Product.objects.filter(is_active=True).values_list("pk", flat=True))
    rng = random.Random(7)
    url = "/api/v1/products/?page=1"
    client.get(url)

    def timed(order_every: int) -> float:
        spent = 0.0
        for i in range(reads):
            if order_every and i % order_every == 0:
                items = [{"product_id": pid, "quantity": 1} for pid in rng.sample(product_ids, 2)]
                order_place(user=user, shipping_address=ADDRESS, items=items)
            # CPU time of this thread: other work on a shared machine does not count.
            start = time.thread_time()
            assert client.get(url).status_code == 200
            spent += time.thread_time() - start
        return spent * 1000 / reads

    idle, busy = timed(0), timed(reads_per_order)
    print(
        f"in process: idle {idle:.3f} ms CPU/read; an order every {reads_per_order} reads: ", end=""
    )
    print(f"{busy:.3f} ms CPU/read; ratio of rates {idle / busy:.2f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--port", type=int, default=int(os.environ.get("PORT", 8000)))
    parser.add_argument("--buyers", type=int, default=4)
    parser.add_argument("--seconds", type=int, default=5)
    parser.add_argument(
        "--in-process",
        type=int,
        default=0,
        metavar="N",
        help="instead: time reads in process, an order every N reads",
    )
    parser.add_argument(
        "--rate", type=float, default=0, help="orders/s of all buyers together (0: no pause)"
    )
    args = parser.parse_args()

    import django

    django.setup()
    from django.core.cache import cache

    from catalog.models import Product

    Product.objects.update(stock=1_000_000)  # nobody runs out, so no list changes shape
    cache.clear()
    if args.in_process:
        return reads_in_process(args.in_process)
    url = f"http://127.0.0.1:{args.port}/api/v1/products/?page=1"
    server = serve(args.port)
    try:
        for _ in range(20):  # warm: the entry is filled, every worker has served it
            urllib.request.urlopen(url, timeout=5).read()
        idle, idle_cpu = wrk(url, args.seconds, server)
        stop, placed = threading.Event(), []
        threads = buyers(args.buyers, stop, placed, args.rate)
        for thread in threads:
            thread.start()
        started = time.monotonic()
        busy, busy_cpu = wrk(url, args.seconds, server)
        stop.set()
        for thread in threads:
            thread.join()
        orders_per_second = len(placed) / (time.monotonic() - started)
    finally:
        server.terminate()
        server.wait()
    print(f"idle: {idle:,.0f} req/s, {idle_cpu:.2f} ms server CPU/request")
    print(
        f"with {len(threads)} buyers ({orders_per_second:,.0f} orders/s): {busy:,.0f} req/s, "
        f"{busy_cpu:.2f} ms server CPU/request"
    )
    print(f"ratio: {busy / idle:.2f} by req/s, {idle_cpu / busy_cpu:.2f} by server CPU")
    print(f"load: {os.getloadavg()[0]:.2f} (1-minute average, {os.cpu_count()} cores)")


if __name__ == "__main__":
    main()
