"""Time the staff admin pages on a large shop in PostgreSQL (run by hand).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/petshop_admin_bench \
        .venv/bin/python bench/admin_overview.py --build --orders 10000

`--build` (re)creates the database with bench/build_shop.py (orders, lines, invoices and
histories loaded in bulk, spread over the last year); without it the existing database is
used. Then, in-process with Django's test client logged in as staff, each page is fetched
once to warm up and `--runs` times more; the table gives the median and worst time and
the number of SQL queries of one request.
"""

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "petshop.settings")

PAGES = [
    ("sales overview", "/admin/overview/"),
    ("orders list", "/admin/sales/order/"),
    ("orders, shipped", "/admin/sales/order/?status__exact=shipped"),
    ("orders, search", "/admin/sales/order/?q=user1"),
    ("invoices, overdue", "/admin/sales/invoice/?overdue=yes"),
    ("products, low stock", "/admin/catalog/product/?low_stock=yes"),
    ("returns list", "/admin/returns/return/"),
    ("users list", "/admin/accounts/user/"),
]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--build", action="store_true", help="rebuild the database first")
    parser.add_argument("--orders", type=int, default=10_000)
    parser.add_argument("--products", type=int, default=2_000)
    parser.add_argument("--customers", type=int, default=2_000)
    parser.add_argument("--runs", type=int, default=10)
    args = parser.parse_args()
    if "postgres" not in os.environ.get("DATABASE_URL", ""):
        sys.exit("set DATABASE_URL to a PostgreSQL database (it is dropped with --build)")
    if args.build:
        subprocess.run(
            [
                sys.executable,
                str(BASE_DIR / "bench" / "build_shop.py"),
                f"--orders={args.orders}",
                f"--products={args.products}",
                f"--customers={args.customers}",
            ],
            check=True,
        )

    import django

    django.setup()
    from django.conf import settings
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from accounts.models import User
    from accounts.services import user_register, user_set_roles
    from sales.models import Order

    settings.ALLOWED_HOSTS = ["*"]
    staff = User.objects.filter(username="bench-admin").first()
    if staff is None:
        staff = user_register(
            username="bench-admin", email="bench-admin@example.com", password="x" * 20
        )
        staff = user_set_roles(user=staff, roles={"admin"})
    client = Client()
    client.force_login(staff)

    print(
        f"PostgreSQL {connection.cursor().connection.info.server_version}, "
        f"{Order.objects.count():,} orders"
    )
    print(f"{'page':22} {'median ms':>10} {'max ms':>8} {'queries':>8}")
    for name, url in PAGES:
        assert client.get(url).status_code == 200, url
        times = []
        for _ in range(args.runs):
            started = time.perf_counter()
            response = client.get(url)
            times.append((time.perf_counter() - started) * 1000)
            assert response.status_code == 200, url
        with CaptureQueriesContext(connection) as queries:
            client.get(url)
        print(f"{name:22} {statistics.median(times):10.1f} {max(times):8.1f} {len(queries):8d}")

    # The overview's figures alone (sales.selectors: the database aggregates, no HTML).
    from sales.selectors import low_stock_products, orders_by_status, overdue_invoices, sales_by_day

    times = []
    for _ in range(args.runs):
        started = time.perf_counter()
        sales_by_day(days=30), orders_by_status(), low_stock_products(), overdue_invoices()
        times.append((time.perf_counter() - started) * 1000)
    print(f"{'overview selectors':22} {statistics.median(times):10.1f} {max(times):8.1f} {6:8d}")


if __name__ == "__main__":
    main()
