"""Build a large, valid shop in a fresh PostgreSQL database, fast.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/petshop_bench \
        .venv/bin/python bench/build_shop.py --products 100000 --customers 20000 --orders 50000

Drops and recreates the database named in DATABASE_URL, migrates it, then loads rows
with PostgreSQL COPY (psycopg 3) instead of the services: a checkout per order would
take an hour. The rows still obey every constraint and every domain rule (totals are
the sum of the lines, prices frozen from the product, one live invoice per order with
sequential numbers and InvoiceSequence set to match, status histories that follow the
state machine). Every customer shares one password hash, computed once.
"""

import argparse
import os
import random
import sys
import time
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "petshop.settings")

BENCH_PASSWORD = "bench-password-2026"
ADDRESS = "12 Bench Street, Testville 4242"

ADJECTIVES = [
    "Premium",
    "Organic",
    "Crunchy",
    "Soft",
    "Deluxe",
    "Classic",
    "Natural",
    "Grain-free",
    "Super",
    "Gentle",
    "Hearty",
    "Light",
    "Senior",
    "Puppy",
    "Kitten",
    "Active",
    "Sensitive",
    "Wild",
    "Royal",
    "Daily",
]
NOUNS = {
    "food": ["Kibble", "Pate", "Treats", "Biscuits", "Pellets", "Flakes", "Seed Mix", "Jerky"],
    "toys": ["Ball", "Rope Toy", "Feather Wand", "Chew Bone", "Puzzle", "Tunnel", "Squeaker"],
    "accessories": ["Collar", "Leash", "Bed", "Bowl", "Carrier", "Harness", "Cage", "Tank"],
    "health": ["Vitamins", "Flea Drops", "Dental Sticks", "Probiotic", "Joint Care"],
    "grooming": ["Shampoo", "Brush", "Nail Clipper", "Comb", "Wipes", "Conditioner"],
}
BRANDS = [
    "Acme",
    "PawPerfect",
    "Whisker Co",
    "FinFun",
    "Feathery",
    "ScaleCare",
    "HappyTail",
    "Nature's Pet",
    "BarkBox",
    "PurrFect",
    "AquaLife",
    "Chirpy",
    "Reptilia",
    "Furry Friends",
    "PetPro",
    "Snout",
    "Muzzle & Co",
    "Kibble King",
    "TailWag",
    "NoseWork",
]
FIRST = ["Ada", "Ben", "Cleo", "Dan", "Eva", "Finn", "Gus", "Hana", "Ivan", "Jo", "Kim", "Lea"]
LAST = ["Smith", "Jones", "Brown", "Garcia", "Miller", "Davis", "Lopez", "Wilson", "Moore"]


def recreate_database(url: str) -> None:
    from urllib.parse import urlparse

    import psycopg

    name = urlparse(url).path.lstrip("/")
    admin_url = url.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


def copy_rows(cursor, model, rows: list[dict]) -> None:
    """COPY `rows` (dicts of attname → value) into `model`'s table. Columns left out of
    a row take the field's Python default, as Model.save() would."""
    fields = [f for f in model._meta.concrete_fields]
    given = rows[0].keys()
    fields = [f for f in fields if not (f.primary_key and f.attname not in given)]
    defaults = {f.attname: f.get_default() for f in fields if f.attname not in given}
    columns = ", ".join(f'"{f.column}"' for f in fields)
    with cursor.copy(f'COPY "{model._meta.db_table}" ({columns}) FROM STDIN') as copy:
        for row in rows:
            copy.write_row(
                [row[f.attname] if f.attname in row else defaults[f.attname] for f in fields]
            )


def reset_sequences(cursor, *models) -> None:
    for model in models:
        table = model._meta.db_table
        cursor.execute(
            f"SELECT setval(pg_get_serial_sequence('\"{table}\"', 'id'), "
            f'COALESCE((SELECT MAX(id) FROM "{table}"), 1))'
        )


# The bench's per-user rows read these customers' orders: each has exactly this many
# (the first orders of the shop), and no other order is theirs.
ORDER_HOLDERS = 16
ORDERS_EACH = 20


def migrate() -> None:
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)


def product_rows(products: int, rng: random.Random, now) -> list[dict]:
    from django.utils.text import slugify

    from catalog.models import Category, PetType

    categories = list(Category.objects.values_list("id", "slug"))
    pet_types = list(PetType.objects.values_list("id", "slug"))
    rows = []
    for pid in range(1, products + 1):
        cat_id, cat_slug = categories[pid % len(categories)]
        pet_id, pet_slug = pet_types[(pid // len(categories)) % len(pet_types)]
        brand = BRANDS[rng.randrange(len(BRANDS))]
        name = f"{rng.choice(ADJECTIVES)} {pet_slug.title()} {rng.choice(NOUNS[cat_slug])} {pid}"
        price = Decimal(rng.randrange(199, 19999)) / 100
        created = now - timedelta(minutes=rng.randrange(0, 2 * 365 * 24 * 60))
        rows.append(
            {
                "id": pid,
                "sku": f"BN-{pid:07d}",
                "name": name,
                "slug": slugify(name),
                "description": f"{name} by {brand}: a favourite of {pet_slug} owners for {cat_slug}.",
                "price": price,
                "category_id": cat_id,
                "pet_type_id": pet_id,
                "brand": brand,
                "weight_kg": Decimal(rng.randrange(50, 20000)) / 1000,
                "image_url": "",
                # One product in ten is sold out; one in thirty is withdrawn.
                "stock": 0 if pid % 10 == 0 else rng.randrange(1, 500),
                "is_active": pid % 30 != 0,
                "internal_cost": (price * Decimal("0.6")).quantize(Decimal("0.01")),
                "supplier_info": "Bench Supplies Ltd",
                "created_at": created,
                "updated_at": created,
                "created_by_id": None,
            }
        )
    return rows


def customer_rows(customers: int, rng: random.Random, now) -> list[dict]:
    from django.contrib.auth.hashers import make_password

    password_hash = make_password(BENCH_PASSWORD)  # once: Argon2 per user would take minutes
    return [
        {
            "id": uid,
            "password": password_hash,
            "last_login": None,
            "is_superuser": False,
            "username": f"customer{uid:05d}",
            "first_name": FIRST[uid % len(FIRST)],
            "last_name": LAST[uid % len(LAST)],
            "email": f"customer{uid:05d}@bench.example.com",
            "is_staff": False,
            "is_active": True,
            "date_joined": now - timedelta(days=rng.randrange(0, 730)),
            "phone": "",
            "is_customer": True,
        }
        for uid in range(1, customers + 1)
    ]


def order_owner(oid: int, customers: int, rng: random.Random) -> int:
    """The first ORDER_HOLDERS x ORDERS_EACH orders go ORDERS_EACH to each holder; the
    rest to random customers after them."""
    if oid <= ORDER_HOLDERS * ORDERS_EACH:
        return (oid - 1) // ORDERS_EACH + 1
    return rng.randrange(ORDER_HOLDERS + 1, customers + 1)


def status_history(oid: int, user_id: int, status, created, rng, first_id: int) -> list[dict]:
    """The history follows the chain: pending first, then each step up to the status."""
    from sales.models import ORDER_CHAIN, OrderStatus

    path = [OrderStatus.PENDING]
    if status == OrderStatus.CANCELLED:
        path += ORDER_CHAIN[1 : rng.randint(1, 3)] + [OrderStatus.CANCELLED]
    else:
        path = ORDER_CHAIN[: ORDER_CHAIN.index(status) + 1]
    rows, at, previous = [], created, ""
    for n, step in enumerate(path):
        by = user_id if step in (OrderStatus.PENDING, OrderStatus.CANCELLED) else None
        rows.append(
            {
                "id": first_id + n,
                "order_id": oid,
                "from_status": previous,
                "to_status": step,
                "at": at,
                "by_id": by,
            }
        )
        previous = step
        at = at + timedelta(hours=rng.randint(1, 30))
    return rows


def invoice_row(oid: int, number: str, status, total: Decimal, created) -> dict:
    from sales.models import InvoiceStatus, OrderStatus

    if status == OrderStatus.CANCELLED:
        invoice_status, paid_at = InvoiceStatus.CANCELLED, None
    elif status == OrderStatus.DELIVERED:
        invoice_status, paid_at = InvoiceStatus.PAID, created + timedelta(days=1)
    else:
        invoice_status, paid_at = InvoiceStatus.PENDING, None
    return {
        "id": oid,
        "number": number,
        "order_id": oid,
        "status": invoice_status,
        "subtotal": total,  # no shipping, no tax: total = subtotal
        "total": total,
        "amount_refunded": Decimal("0.00"),
        "issued_at": created,
        "due_date": (created + timedelta(days=30)).date(),
        "paid_at": paid_at,
        "payment_reference": "BANK-TRANSFER" if paid_at else "",
        "notes": "",
    }


def order_rows(orders: int, customers: int, products: list[dict], rng, now) -> dict:
    """Orders with their lines, status history and one invoice each, numbered per year."""
    from sales.models import OrderStatus

    sellable = [p for p in products if p["is_active"]]
    # Statuses weighted as in a living shop: most orders delivered long ago.
    statuses = (
        [OrderStatus.DELIVERED] * 12
        + [OrderStatus.SHIPPED] * 2
        + [OrderStatus.PROCESSING, OrderStatus.CONFIRMED, OrderStatus.PENDING]
        + [OrderStatus.CANCELLED] * 2
    )
    placed = sorted(
        now - timedelta(minutes=rng.randrange(60, 365 * 24 * 60)) for _ in range(orders)
    )
    out: dict = {"orders": [], "lines": [], "history": [], "invoices": [], "sequence": {}}
    for oid, created in enumerate(placed, start=1):
        user_id = order_owner(oid, customers, rng)
        status = rng.choice(statuses)
        total = Decimal("0.00")
        for product in rng.sample(sellable, rng.randint(1, 4)):
            quantity = rng.randint(1, 3)
            out["lines"].append(
                {
                    "id": len(out["lines"]) + 1,
                    "order_id": oid,
                    "product_id": product["id"],
                    "name": product["name"],
                    "sku": product["sku"],
                    "unit_price": product["price"],
                    "quantity": quantity,
                }
            )
            total += product["price"] * quantity
        history = status_history(
            oid, user_id, status, created, rng, first_id=len(out["history"]) + 1
        )
        out["history"] += history
        out["orders"].append(
            {
                "id": oid,
                "number": f"PS-{created:%y%m}-{oid:08X}",
                "user_id": user_id,
                "status": status,
                "subtotal": total,  # no shipping, no tax: total = subtotal
                "total": total,
                "shipping_address": ADDRESS,
                "created_at": created,
                "updated_at": history[-1]["at"],
                "delivered_at": history[-1]["at"] if status == OrderStatus.DELIVERED else None,
            }
        )
        sequence = out["sequence"]
        sequence[created.year] = sequence.get(created.year, 0) + 1
        number = f"INV-{created.year}-{sequence[created.year]:06d}"
        out["invoices"].append(invoice_row(oid, number, status, total, created))
    return out


def load_rows(tables: list[tuple], sequence: dict[int, int]) -> None:
    """COPY every table in order, move the id sequences past the rows, and set the invoice
    counters to the last number used each year."""
    from django.db import connection

    from sales.models import InvoiceSequence

    with connection.cursor() as wrapper:
        cursor = wrapper.cursor  # the raw psycopg cursor, for COPY
        for model, rows in tables:
            if rows:
                copy_rows(cursor, model, rows)
        reset_sequences(cursor, *(model for model, _ in tables))
        for year, last in sequence.items():
            InvoiceSequence.objects.update_or_create(year=year, defaults={"last_number": last})
        cursor.execute("VACUUM ANALYZE")  # as autovacuum would: visibility map for index-only scans


def build(products: int, customers: int, orders: int, seed: int = 7) -> dict:
    import django

    django.setup()
    from django.utils import timezone

    from accounts.models import User
    from catalog.models import Product
    from sales.models import Invoice, Order, OrderLine, OrderStatusChange

    rng = random.Random(seed)
    now = timezone.now()
    timings = {}

    def step(name, function, *args):
        started = time.monotonic()
        result = function(*args)
        timings[name] = round(time.monotonic() - started, 1)
        return result

    step("migrate", migrate)
    product_list = step("products", product_rows, products, rng, now)
    users = step("customers", customer_rows, customers, rng, now)
    sales = step("orders", order_rows, orders, customers, product_list, rng, now)
    tables = [
        (Product, product_list),
        (User, users),
        (Order, sales["orders"]),
        (OrderLine, sales["lines"]),
        (OrderStatusChange, sales["history"]),
        (Invoice, sales["invoices"]),
    ]
    step("copy", load_rows, tables, sales["sequence"])
    return {
        "products": products,
        "customers": customers,
        "orders": orders,
        "order_lines": len(sales["lines"]),
        "timings": timings,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--products", type=int, default=100_000)
    parser.add_argument("--customers", type=int, default=20_000)
    parser.add_argument("--orders", type=int, default=50_000)
    args = parser.parse_args()
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith("postgres"):
        sys.exit("DATABASE_URL must name a PostgreSQL database (it is dropped and recreated).")
    recreate_database(url)
    result = build(args.products, args.customers, args.orders)
    print(result)


if __name__ == "__main__":
    main()
