"""In-process micro-benchmark: checkout and the cached product read, in ms per operation.

    .venv/bin/python bench/micro.py [--n 200] [--repeat 5]

Uses a throw-away test database (SQLite, or PostgreSQL through DATABASE_URL) and the
configured cache. Three figures, each the median of --repeat runs of --n operations:
``order_place`` called directly, ``POST /api/v1/orders/`` (checkout through the API, which
renders the new order), and a cached ``GET /api/v1/products/`` through Django's test
Client. Figures are CPU ms (time.process_time), so a noisy machine moves them less than
wall time; still compare medians of the same command, before and after.
"""

import argparse
import statistics
import time

import in_process  # noqa: E402

in_process.setup()


from django.core.cache import cache  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402


def _timed(n: int, op) -> float:
    # CPU time of this process, not the wall clock: on a shared machine another process's
    # load barely moves it (with SQLite it includes the database's work too).
    start = time.process_time()
    for i in range(n):
        op(i)
    return (time.process_time() - start) * 1000 / n


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=200)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()

    setup_test_environment()
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        from accounts.tests.factories import UserFactory
        from catalog.tests.factories import ProductFactory
        from sales.services import order_place

        cache.clear()
        products = [ProductFactory(stock=10**9) for _ in range(20)]
        user = UserFactory()
        items = [{"product_id": p.pk, "quantity": 1} for p in products[:3]]
        address = "1 Bench Street, Testville"
        api = Client()
        api.force_login(user)

        def place(_):
            order_place(user=user, shipping_address=address, items=items)

        def api_checkout(_):
            response = api.post(
                "/api/v1/orders/",
                {"shipping_address": address, "items": items},
                content_type="application/json",
            )
            assert response.status_code == 201, (response.status_code, response.headers)

        anonymous = Client()
        anonymous.get("/api/v1/products/")  # fills the cache

        def cached_read(_):
            response = anonymous.get("/api/v1/products/")
            assert response.status_code == 200

        rows = {
            "order_place": place,
            "API checkout": api_checkout,
            "cached GET products": cached_read,
        }
        for name, op in rows.items():
            op(0)  # warm-up
            runs = [_timed(args.n, op) for _ in range(args.repeat)]
            print(
                f"{name:22} median {statistics.median(runs):7.3f} CPU ms/op  "
                f"(runs: {', '.join(f'{r:.3f}' for r in runs)}; n={args.n}, "
                f"{connection.vendor})"
            )
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


if __name__ == "__main__":
    main()
