"""In-process profile of one API checkout as issue 14 measures it: what it costs and why.

    .venv/bin/python bench/checkout_profile.py [--n 300] [--lines 2] [--queries]
                                               [--profile [--sort tottime] [--top 40]]

`POST /api/v1/orders/` (O2) with everything a real checkout carries: a JWT, a cart of
`--lines` lines, an Idempotency-Key, a shipping method and a tax rate. Prints the
process CPU time per order (the server's Python side; PostgreSQL's share runs in its
own processes), `--queries` lists one checkout's queries with their times, `--profile`
prints the top of a cProfile in CPU time. Uses a throw-away test database (SQLite, or
PostgreSQL through DATABASE_URL). The machine may be noisy: compare figures taken
back to back with the same command.
"""

import argparse
import cProfile
import io
import pstats
import time
import uuid
from decimal import Decimal

import in_process  # noqa: E402

in_process.setup()


from django.core.cache import cache  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext, setup_test_environment  # noqa: E402

ADDRESS = "1 Bench Street, Testville"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=300, help="checkouts measured")
    parser.add_argument("--lines", type=int, default=2, help="cart lines per checkout")
    parser.add_argument("--queries", action="store_true", help="list one checkout's queries")
    parser.add_argument("--profile", action="store_true", help="cProfile (CPU time)")
    parser.add_argument("--sort", default="cumulative", help="cProfile order")
    parser.add_argument("--top", type=int, default=40, help="cProfile rows")
    args = parser.parse_args()

    setup_test_environment()
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        from rest_framework_simplejwt.tokens import AccessToken

        from accounts.tests.factories import UserFactory
        from catalog.tests.factories import ProductFactory
        from sales.models import ShippingMethod, TaxRate
        from sales.services import cart_add, cart_for_user

        cache.clear()
        products = [ProductFactory(stock=10**9) for _ in range(max(args.lines, 1))]
        method = ShippingMethod.objects.create(
            name="Standard", price=Decimal("4.90"), free_above=Decimal("50")
        )
        TaxRate.objects.create(rate=Decimal("20"))
        user = UserFactory()
        api = Client(HTTP_AUTHORIZATION=f"Bearer {AccessToken.for_user(user)}")

        def fill_cart():
            cart = cart_for_user(user=user)
            for product in products[: args.lines]:
                cart_add(cart=cart, product_id=product.pk, quantity=1)

        def checkout():
            response = api.post(
                "/api/v1/orders/",
                {"shipping_address": ADDRESS, "shipping_method": method.pk},
                content_type="application/json",
                HTTP_IDEMPOTENCY_KEY=uuid.uuid4().hex,
            )
            assert response.status_code == 201, (response.status_code, response.content)

        for _ in range(5):  # warm-up: the invoice counter, content types, templates
            fill_cart()
            checkout()
        if args.queries:
            fill_cart()
            with CaptureQueriesContext(connection) as ctx:
                checkout()
            for query in ctx.captured_queries:
                print(f"{float(query['time']) * 1000:6.2f} ms  {query['sql'][:150]}")
            print(f"{len(ctx.captured_queries)} queries")

        profile = cProfile.Profile(time.process_time) if args.profile else None
        cpu = wall = 0.0
        for _ in range(args.n):
            fill_cart()
            cpu_start, wall_start = time.process_time(), time.perf_counter()
            if profile:
                profile.enable()
            checkout()
            if profile:
                profile.disable()
            cpu += time.process_time() - cpu_start
            wall += time.perf_counter() - wall_start
        print(
            f"API checkout ({args.lines} lines, cart, Idempotency-Key, shipping, tax, JWT): "
            f"CPU {cpu * 1000 / args.n:.2f} ms/order, wall {wall * 1000 / args.n:.2f} ms/order "
            f"(n={args.n}, {connection.vendor}{', profiled' if profile else ''})"
        )
        if profile:
            out = io.StringIO()
            pstats.Stats(profile, stream=out).sort_stats(args.sort).print_stats(args.top)
            print(out.getvalue())
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


if __name__ == "__main__":
    main()
