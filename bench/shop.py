"""The bench databases: built with build_shop.py, then, per run, the fixtures the rows
need (tokens, session cookies, products, a checkout stock pool), the checkout check and
EXPLAIN ANALYZE. Django runs in a child process per database (`python -m bench.shop
COMMAND URL`), each with that database's DATABASE_URL: settings are read once per process.
"""

import json
import os
import random
import subprocess
import sys
import time

from bench.config import (
    BASE_DIR,
    BENCH_DIR,
    CHECKOUT_ADDRESS,
    CHECKOUT_STOCK,
    PYTHON,
    SERVER_ENV,
    Shop,
)
from bench.report import log

# Customers by role (ids from build_shop.py): 1-16 hold exactly 20 orders each and read
# them; 17-32 check out; the next 400 log in, fill carts and read them.
HOLDERS = slice(0, 16)
BUYERS = slice(16, 32)
SHOPPERS = slice(32, 432)


def _django_env(url: str) -> dict:
    return {**os.environ, **SERVER_ENV, "DATABASE_URL": url, "CACHE_BACKEND": "dummy"}


def build(shop: Shop) -> None:
    log(f"building {shop.url.rsplit('/', 1)[1]} {' '.join(shop.build_args)}")
    started = time.monotonic()
    subprocess.run(
        [PYTHON, str(BENCH_DIR / "build_shop.py"), *shop.build_args],
        env={**_django_env(shop.url), "DJANGO_DEBUG": "true"},
        check=True,
        stdout=subprocess.DEVNULL,
    )
    log(f"  built in {time.monotonic() - started:.0f}s")


def _child(command: str, shop: Shop, *args: str) -> dict:
    out = subprocess.run(
        [PYTHON, "-m", "bench.shop", command, shop.url, *args],
        cwd=BASE_DIR,
        env=_django_env(shop.url),
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    return json.loads(out.strip().splitlines()[-1])


def fixtures(shop: Shop) -> dict:
    return _child("prepare", shop)


def verify_checkout(shop: Shop, fx: dict) -> dict:
    return _child("verify", shop, json.dumps([fx["checkout_pool"], fx["first_order_id"]]))


def explain(shop: Shop, paths: list[str]) -> str:
    return _child("explain", shop, json.dumps(paths))["text"]


# --- In the child process (Django set up on one database) ----------------------------


def _prepare() -> dict:
    from django.conf import settings
    from django.db import connection
    from django.test import Client
    from rest_framework_simplejwt.tokens import AccessToken

    from accounts.models import User
    from catalog.models import Product
    from sales.models import Order

    rng = random.Random(42)
    users = list(User.objects.filter(is_active=True, is_staff=False).order_by("id")[:432])
    active = list(
        Product.objects.active()
        .in_stock()
        .filter(stock__gte=50)
        .order_by("id")
        .values_list("id", "slug")
    )
    rng.shuffle(active)
    share = min(200, len(active) // 4)
    checkout_pool = [pid for pid, _ in active[:share]]
    # The checkout pool gets a known, ample stock; the check afterwards compares it with
    # what the orders took.
    Product.objects.filter(pk__in=checkout_pool).update(stock=CHECKOUT_STOCK)
    first_order_id = (Order.objects.order_by("-pk").values_list("pk", flat=True).first() or 0) + 1
    sessions = []
    for user in users[HOLDERS]:
        client = Client()
        client.force_login(user)
        sessions.append(
            f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"
        )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE catalog_product")
    pages = Product.objects.active().count() // settings.REST_FRAMEWORK["PAGE_SIZE"]
    return {
        "holder_tokens": [str(AccessToken.for_user(u)) for u in users[HOLDERS]],
        "holder_sessions": sessions,
        "buyer_tokens": [str(AccessToken.for_user(u)) for u in users[BUYERS]],
        "shopper_tokens": [str(AccessToken.for_user(u)) for u in users[SHOPPERS]],
        "usernames": [u.username for u in users[SHOPPERS]],
        "detail": active[share : 2 * share],
        "cart_products": [pid for pid, _ in active[2 * share :]],
        "checkout_pool": checkout_pool,
        "deep_page": max(1, min(500, pages // 2)),
        "first_order_id": first_order_id,  # orders from here on are this run's
    }


def _verify(pool: list[int], first_order_id: int) -> dict:
    """Stock exact: every pool product's stock is its starting stock minus what the bench
    orders took; every bench order has exactly one live invoice, numbers distinct."""
    from django.db.models import Count, Sum

    from catalog.models import Product
    from sales.models import Invoice, Order, OrderLine

    orders = Order.objects.filter(shipping_address=CHECKOUT_ADDRESS, pk__gte=first_order_id)
    taken = dict(
        OrderLine.objects.filter(order__in=orders)
        .values_list("product_id")
        .annotate(n=Sum("quantity"))
    )
    stock = dict(Product.objects.filter(pk__in=pool).values_list("id", "stock"))
    wrong = [pid for pid in pool if stock[pid] != CHECKOUT_STOCK - taken.get(pid, 0)]
    invoices = Invoice.objects.live().filter(order__in=orders)
    not_one = orders.annotate(n=Count("invoices")).exclude(n=1).count()
    count, numbers = invoices.count(), invoices.values("number").distinct().count()
    return {
        "orders": orders.count(),
        "units": sum(taken.values()),
        "stock_mismatches": len(wrong),
        "invoices": count,
        "distinct_invoice_numbers": numbers,
        "orders_without_exactly_one_invoice": not_one,
        "exact": bool(taken) and not wrong and not not_one and count == numbers == orders.count(),
    }


def _explain(paths: list[str]) -> dict:
    """EXPLAIN ANALYZE of the catalog SQL the real view runs for each path."""
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
    return {"text": "\n".join(out)}


def _main(argv: list[str]) -> None:
    import django

    sys.path.insert(0, str(BASE_DIR))
    django.setup()
    command, args = argv[0], [json.loads(a) for a in argv[2:]]
    if command == "prepare":
        result = _prepare()
    elif command == "verify":
        result = _verify(*args[0])
    else:
        result = _explain(args[0])
    print(json.dumps(result))


if __name__ == "__main__":
    _main(sys.argv[1:])
