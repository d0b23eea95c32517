"""Scale-out correctness: two production servers (serve.py) sharing one PostgreSQL and
one Redis, 100 concurrent buyers spread over both.

Round 1, the stock race: a product with stock 20, each buyer "buys now" one unit
→ exactly 20 orders (201), every other answer 409 insufficient_stock, stock 0, one
invoice per order with distinct numbers, no 5xx.

Round 2, idempotent retries: each buyer sends the same order with the same
Idempotency-Key to both servers at once → one order per buyer (both answers carry its
id), stock decremented once per buyer, still one invoice per order; the same key with
another body → 409 idempotency_key_reused, nothing changed.

Exit status 0 when every property holds; 1 with the list of violations otherwise.

    .venv/bin/python scripts/reliability/scale_out.py [--buyers 100] [--stock 20]
"""

from __future__ import annotations

import argparse
import sys
import time
import uuid
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from harness import (
    REDIS_DB_URL,
    CheckFailed,
    Server,
    django_setup,
    free_port,
    fresh_database,
    json_body,
    log,
    manage,
    request,
    server_env,
)

DB_NAME = "petshop_scaleout"
ADDRESS = "1 Loopback Lane, 12345 Localhost"


def seed(*, buyers: int, stock: int) -> dict:
    """Users in bulk with one precomputed hash (Argon2 a hundred times would take
    seconds and prove nothing here), two products, and an access token per buyer."""
    from django.contrib.auth.hashers import make_password
    from rest_framework_simplejwt.tokens import AccessToken

    from accounts.models import User
    from catalog.models import Category, PetType, Product

    password = make_password("scale-out-password")
    User.objects.bulk_create(
        User(username=f"buyer{i:03d}", email=f"buyer{i:03d}@example.com", password=password)
        for i in range(buyers)
    )
    users = list(User.objects.filter(username__startswith="buyer").order_by("username"))
    food = Category.objects.get(slug="food")
    dog = PetType.objects.get(slug="dog")
    race = Product.objects.create(
        sku="SCALE-RACE",
        name="Contested kibble",
        slug="contested-kibble",
        price="12.50",
        category=food,
        pet_type=dog,
        stock=stock,
    )
    retry = Product.objects.create(
        sku="SCALE-RETRY",
        name="Retried chew toy",
        slug="retried-chew-toy",
        price="4.20",
        category=food,
        pet_type=dog,
        stock=buyers + 50,
    )
    return {
        "tokens": [str(AccessToken.for_user(u)) for u in users],
        "user_ids": [u.pk for u in users],
        "race": race.pk,
        "retry": retry.pk,
        "retry_stock": retry.stock,
    }


def buy(
    server: Server, token: str, product_id: int, key: str | None = None
) -> tuple[int, dict | None]:
    return buy_body(server, token, product_id, key, quantity=1)


def buy_body(server: Server, token: str, product_id: int, key: str | None, quantity: int):
    headers = {"Authorization": f"Bearer {token}"}
    if key:
        headers["Idempotency-Key"] = key
    status, _, raw = request(
        "POST",
        server.url + "/api/v1/orders/",
        body={
            "shipping_address": ADDRESS,
            "items": [{"product_id": product_id, "quantity": quantity}],
        },
        headers=headers,
        timeout=60,
    )
    return status, json_body(raw)


def orders_and_invoices(product_id: int):
    from sales.models import Invoice, Order

    orders = list(Order.objects.filter(lines__product_id=product_id).distinct())
    invoices = list(Invoice.objects.filter(order__in=orders))
    return orders, invoices


def race_round(servers, data, stock, problems: list[str]) -> None:
    tokens = data["tokens"]
    started = time.monotonic()
    with ThreadPoolExecutor(max_workers=len(tokens)) as pool:
        answers = list(
            pool.map(lambda i: buy(servers[i % 2], tokens[i], data["race"]), range(len(tokens)))
        )
    log(
        f"race: {len(answers)} buyers in {time.monotonic() - started:.1f}s: "
        f"{dict(Counter(s for s, _ in answers))}"
    )

    from catalog.models import Product

    created = [body for status, body in answers if status == 201]
    refused = [body for status, body in answers if status == 409]
    others = [(status, body) for status, body in answers if status not in (201, 409)]
    if others:
        problems.append(f"race: unexpected answers {others[:5]}")
    if len(created) != stock:
        problems.append(f"race: {len(created)} orders created, expected exactly {stock}")
    bad_codes = [b for b in refused if not b or b.get("code") != "insufficient_stock"]
    if bad_codes:
        problems.append(f"race: 409 without code insufficient_stock: {bad_codes[:3]}")
    left = Product.objects.get(pk=data["race"]).stock
    if left != 0:
        problems.append(f"race: stock left {left}, expected 0")
    orders, invoices = orders_and_invoices(data["race"])
    if len(orders) != stock:
        problems.append(f"race: {len(orders)} orders in the database, expected {stock}")
    per_order = Counter(inv.order_id for inv in invoices)
    if set(per_order) != {o.pk for o in orders} or any(n != 1 for n in per_order.values()):
        problems.append(f"race: invoices per order {dict(per_order)}, expected one each")
    numbers = [inv.number for inv in invoices]
    if len(set(numbers)) != len(numbers):
        problems.append(f"race: duplicate invoice numbers {sorted(numbers)}")
    owners = Counter(o.user_id for o in orders)
    if any(n != 1 for n in owners.values()):
        problems.append(f"race: a buyer got more than one order {owners.most_common(3)}")


def retry_round(servers, data, problems: list[str]) -> None:
    tokens = data["tokens"]
    keys = [str(uuid.uuid4()) for _ in tokens]
    jobs = [(i, s) for i in range(len(tokens)) for s in servers]  # each buyer on both servers
    started = time.monotonic()
    with ThreadPoolExecutor(max_workers=len(jobs)) as pool:
        answers = list(
            pool.map(
                lambda job: (job[0], buy(job[1], tokens[job[0]], data["retry"], keys[job[0]])), jobs
            )
        )
    log(
        f"retries: {len(jobs)} requests in {time.monotonic() - started:.1f}s: "
        f"{dict(Counter(a[1][0] for a in answers))}"
    )

    from catalog.models import Product

    ids_per_buyer: dict[int, set] = {}
    failed = []
    for buyer, (status, body) in answers:
        if status not in (200, 201) or not body or "id" not in body:
            failed.append((buyer, status, str(body)[:200]))
            continue
        ids_per_buyer.setdefault(buyer, set()).add(body["id"])
    if failed:
        problems.append(
            f"retries: {len(failed)} answers not 200/201 with an order, e.g. {failed[:5]}"
        )
    split = {b: ids for b, ids in ids_per_buyer.items() if len(ids) != 1}
    if split:
        problems.append(f"retries: one key gave different orders {list(split.items())[:5]}")
    orders, invoices = orders_and_invoices(data["retry"])
    owners = Counter(o.user_id for o in orders)
    if len(orders) != len(tokens) or any(n != 1 for n in owners.values()):
        problems.append(
            f"retries: {len(orders)} orders for {len(tokens)} buyers; "
            f"most per buyer {owners.most_common(3)}"
        )
    left = Product.objects.get(pk=data["retry"]).stock
    if left != data["retry_stock"] - len(tokens):
        problems.append(f"retries: stock {left}, expected {data['retry_stock'] - len(tokens)}")
    per_order = Counter(inv.order_id for inv in invoices)
    if any(n != 1 for n in per_order.values()) or len(per_order) != len(orders):
        problems.append("retries: not exactly one invoice per order")

    # The same key with another body is refused on either server, and changes nothing.
    reused = [
        buy_body(servers[i % 2], tokens[i], data["retry"], keys[i], quantity=2)
        for i in range(min(10, len(tokens)))
    ]
    wrong = [
        (status, body)
        for status, body in reused
        if status != 409 or (body or {}).get("code") != "idempotency_key_reused"
    ]
    if wrong:
        problems.append(f"retries: a reused key with another body was not refused: {wrong[:3]}")
    if Product.objects.get(pk=data["retry"]).stock != left:
        problems.append("retries: a refused reused key changed the stock")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--buyers", type=int, default=100)
    parser.add_argument("--stock", type=int, default=20)
    parser.add_argument("--logs", default="/tmp/petshop-scale-out")
    args = parser.parse_args()
    logs = Path(args.logs)
    logs.mkdir(parents=True, exist_ok=True)

    db_url = fresh_database(DB_NAME)
    env = server_env(database_url=db_url, redis_url=REDIS_DB_URL, CACHE_KEY_PREFIX="scaleout")
    log(f"migrating {DB_NAME}")
    manage(env, "migrate", "--noinput")
    django_setup(env)
    data = seed(buyers=args.buyers, stock=args.stock)

    servers = []
    low = 8200
    for n in range(2):
        port = free_port(low, 8299)
        low = port + 1
        servers.append(
            Server(port=port, env=env, workers=2, log_path=logs / f"server-{n}.log").start()
        )
    log(f"servers: {[s.url for s in servers]} (logs in {logs})")

    problems: list[str] = []
    try:
        race_round(servers, data, args.stock, problems)
        retry_round(servers, data, problems)
    finally:
        for server in servers:
            server.stop()
    for server in servers:
        text = server.log_path.read_text(errors="replace")
        if "Traceback" in text or "[CRITICAL]" in text:
            problems.append(f"server log {server.log_path} holds a traceback or a worker timeout")
    if problems:
        print("SCALE-OUT FAILED:\n  " + "\n  ".join(problems), file=sys.stderr)
        return 1
    log("scale-out: all properties hold")
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except CheckFailed as exc:
        print(f"SCALE-OUT FAILED: {exc}", file=sys.stderr)
        sys.exit(1)
