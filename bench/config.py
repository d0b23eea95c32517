"""What a bench run uses, all from the environment so that it can run beside other work.

BENCH_QUICK=1            1,000 products only, short rows, no EXPLAIN (make bench-quick)
BENCH_SECONDS            seconds per row (5; quick: 2)
BENCH_WORKERS            server workers (serve.py's default, as shipped: cores + 1)
BENCH_CONNECTIONS        wrk connections (16)
BENCH_PG                 PostgreSQL server (postgres://postgres@127.0.0.1:5432)
BENCH_DB_PREFIX          database names: PREFIX_1k, PREFIX_100k (petshop_bench); both are
                         dropped and rebuilt unless BENCH_SKIP_BUILD=1
BENCH_PORT               the server's port on 127.0.0.1 (8101)
BENCH_REDIS_URL          the cache (redis://127.0.0.1:6379/7); each server start takes a
                         fresh key prefix, nothing is flushed
BENCH_PRODUCTS           comma-separated catalog sizes (1000,100000; quick: 1000)
BENCH_ONLY               run only the rows whose name holds this text
"""

import os
import sys
from dataclasses import dataclass
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
BENCH_DIR = BASE_DIR / "bench"
RESULTS = BENCH_DIR / "results"
PYTHON = sys.executable

QUICK = os.environ.get("BENCH_QUICK") == "1"
SECONDS = int(os.environ.get("BENCH_SECONDS", "2" if QUICK else "5"))
REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/7")


def _shipped_workers() -> int:
    from serve import default_workers  # the repository's serve.py: what `make serve` runs

    return default_workers({"REDIS_URL": REDIS_URL})


WORKERS = int(os.environ.get("BENCH_WORKERS") or _shipped_workers())
CONNECTIONS = int(os.environ.get("BENCH_CONNECTIONS", "16"))
PG = os.environ.get("BENCH_PG", "postgres://postgres@127.0.0.1:5432")
DB_PREFIX = os.environ.get("BENCH_DB_PREFIX", "petshop_bench")
PORT = int(os.environ.get("BENCH_PORT", "8101"))
SKIP_BUILD = os.environ.get("BENCH_SKIP_BUILD") == "1"
ONLY = os.environ.get("BENCH_ONLY", "")
SIZES = [
    int(n) for n in os.environ.get("BENCH_PRODUCTS", "1000" if QUICK else "1000,100000").split(",")
]

SECRET_KEY = "bench-secret-key-not-for-production-0123456789abcdef"
CHECKOUT_ADDRESS = "BENCH checkout, 1 Load Street, Wrkville"
CHECKOUT_STOCK = 1_000_000

# What the server and the fixture process share: production settings, plain HTTP.
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


@dataclass(frozen=True)
class Shop:
    """One bench database: its catalog size and what build_shop.py puts in it."""

    products: int

    @property
    def label(self) -> str:
        return f"{self.products // 1000}k" if self.products >= 1000 else str(self.products)

    @property
    def url(self) -> str:
        return f"{PG}/{DB_PREFIX}_{self.label}"

    @property
    def build_args(self) -> list[str]:
        # Customers and orders grow with the catalog; never fewer than the 16 x 20 orders
        # of the per-user rows' customers (bench/build_shop.py ORDER_HOLDERS).
        customers = max(500, self.products // 5)
        orders = max(1000, self.products // 2)
        return [
            f"--products={self.products}",
            f"--customers={customers}",
            f"--orders={orders}",
        ]


SHOPS = [Shop(n) for n in SIZES]
