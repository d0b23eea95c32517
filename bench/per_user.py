"""In-process cost of the per-user reads (issue 14): queries and CPU ms per request.

    .venv/bin/python bench/per_user.py [--n 200] [--items 20] [--profile PATH]

Builds a throw-away test database (SQLite, or PostgreSQL through DATABASE_URL) holding
one customer with `--items` orders (each with lines, an invoice, status history; every
other one delivered with a return) and a cart of `--items` lines, then reads each page
`--n` times through django.test.Client with DEBUG off: the API with a JWT bearer token as
the API clients send it, the storefront with a logged-in session. CPU is
time.process_time() per request (the whole request cycle: middleware, auth, queries,
rendering). `--profile PATH` also writes a cProfile of each endpoint to PATH.<name>.
"""

import argparse
import cProfile
import time
import warnings

import in_process  # noqa: E402

warnings.filterwarnings("ignore", "No directory at")
in_process.setup()

from django.conf import settings  # noqa: E402
from django.core.cache import cache  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client, override_settings  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402


def build(items: int):
    """The customer, their orders, invoices, returns and cart; returns (user, order)."""
    from accounts.tests.factories import AdminFactory, UserFactory
    from catalog.tests.factories import ProductFactory
    from returns.services import return_request
    from sales.models import Order, OrderStatus
    from sales.services import cart_add, cart_for_user, order_place, order_set_status

    user = UserFactory()
    admin = AdminFactory()
    products = [ProductFactory(stock=10**6) for _ in range(max(items, 3))]
    detail_order = None
    for i in range(items):
        lines = [
            {"product_id": p.pk, "quantity": 1 + j} for j, p in enumerate(products[i % 3 :][:3])
        ]
        placed = order_place(
            user=user, shipping_address=f"{i} Bench Street\nTestville", items=lines
        )
        order = placed.order
        if i % 2 == 0:
            order = order_set_status(order=order, status=OrderStatus.DELIVERED, by=admin)
            line = order.lines.first()
            return_request(
                order=order, items=[{"product_id": line.product_id, "quantity": 1, "reason": "x"}]
            )
    # One order with `items` lines for the detail pages.
    placed = order_place(
        user=user,
        shipping_address="1 Detail Road\nTestville",
        items=[{"product_id": p.pk, "quantity": 1} for p in products[:items]],
    )
    detail_order = Order.objects.get(pk=placed.order.pk)
    cart = cart_for_user(user=user)
    for p in products[:items]:
        cart_add(cart=cart, product_id=p.pk, quantity=1)
    return user, detail_order


def measure(client, url, n, headers, profile_path=None):
    response = client.get(url, **headers)
    assert response.status_code == 200, (url, response.status_code, response.content[:300])
    queries = []

    def count(execute, sql, params, many, context):
        queries.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(count):
        client.get(url, **headers)
    profiler = cProfile.Profile() if profile_path else None
    if profiler:
        profiler.enable()
    start = time.process_time()
    for _ in range(n):
        client.get(url, **headers)
    cpu_ms = (time.process_time() - start) * 1000 / n
    if profiler:
        profiler.disable()
        profiler.dump_stats(profile_path)
    return len(queries), cpu_ms, len(response.content)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=200)
    parser.add_argument("--items", type=int, default=20)
    parser.add_argument("--profile", default=None)
    parser.add_argument("--only", default=None, help="run only endpoints whose name has this")
    args = parser.parse_args()

    setup_test_environment()
    # The storefront's static URLs without a collectstatic manifest (same template work).
    override_settings(
        STORAGES={
            **settings.STORAGES,
            "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
        }
    ).enable()
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        from rest_framework_simplejwt.tokens import RefreshToken

        cache.clear()
        user, order = build(args.items)
        from returns.models import Return

        a_return = Return.objects.filter(order__user=user).first()
        token = str(RefreshToken.for_user(user).access_token)
        api = Client()
        bearer = {"HTTP_AUTHORIZATION": f"Bearer {token}", "HTTP_ACCEPT": "application/json"}
        site = Client()
        site.force_login(user)
        from catalog.models import Product

        product = Product.objects.first()
        rows = [
            # References: the bare view and a cached anonymous product read, for scale.
            ("bare view", "/healthz/live", Client(), {}),
            ("product (cached)", f"/api/v1/products/{product.pk}/", Client(), {}),
            ("API orders list", "/api/v1/orders/", api, bearer),
            ("API order detail", f"/api/v1/orders/{order.pk}/", api, bearer),
            ("API cart", "/api/v1/cart/", api, bearer),
            ("API invoices list", "/api/v1/invoices/", api, bearer),
            ("API returns list", "/api/v1/returns/", api, bearer),
            ("API return detail", f"/api/v1/returns/{a_return.pk}/", api, bearer),
            ("site orders list", "/orders/", site, {}),
            ("site order detail", f"/orders/{order.number}/", site, {}),
            ("site cart", "/cart/", site, {}),
            ("site invoices list", "/invoices/", site, {}),
            ("site returns list", "/returns/", site, {}),
        ]
        print(f"{'endpoint':<20} {'items':>5} {'queries':>7} {'CPU ms/req':>10} {'bytes':>7}")
        for name, url, client, headers in rows:
            if args.only and args.only not in name:
                continue
            path = f"{args.profile}.{name.replace(' ', '_')}" if args.profile else None
            queries, cpu_ms, size = measure(client, url, args.n, headers, path)
            print(f"{name:<20} {args.items:>5} {queries:>7} {cpu_ms:>10.2f} {size:>7}")
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


if __name__ == "__main__":
    main()
