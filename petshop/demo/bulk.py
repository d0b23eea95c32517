"""Large generated catalogs (`seed_demo --products N`), inserted with bulk_create in
batches: 100,000 products take seconds, not the minutes that one service call per
product would. Generated products skip product_create's per-row validation, so they are
built valid by construction here, and the catalog cache is invalidated once at the end.
"""

import random
from collections.abc import Callable, Iterator
from decimal import Decimal

from django.db import transaction
from django.utils.text import slugify

from catalog.cache import invalidate_catalog
from catalog.models import Category, PetType, Product

SKU_PREFIX = "GEN-"
BATCH_SIZE = 2000

ADJECTIVES = [
    "Classic",
    "Premium",
    "Everyday",
    "Deluxe",
    "Natural",
    "Organic",
    "Compact",
    "Jumbo",
    "Gentle",
    "Active",
    "Senior",
    "Junior",
    "Sensitive",
    "Ultra",
    "Eco",
    "Travel",
]
BRANDS = [
    "Barkwell",
    "Purrfect",
    "Featherfeast",
    "AquaLife",
    "ScaleWorks",
    "Meadow Munch",
    "Happy Tails",
    "VetCare",
    "FurFresh",
    "Pounce",
    "Tiny Paws",
    "Desert Den",
]
NOUNS = {
    "food": ["Kibble", "Pouches", "Treats", "Pellets", "Seed Mix", "Biscuits", "Flakes"],
    "toys": ["Ball", "Chew Toy", "Tunnel", "Puzzle Feeder", "Rope", "Teaser", "Wheel"],
    "accessories": ["Bed", "Bowl", "Carrier", "Lead", "Cage", "Feeder", "Blanket"],
    "health": ["Vitamins", "Flea Drops", "Dental Gel", "Probiotic", "Joint Tablets"],
    "grooming": ["Brush", "Shampoo", "Nail Clippers", "Comb", "Wipes", "Detangler"],
}


def _next_number() -> int:
    last = (
        Product.objects.filter(sku__startswith=SKU_PREFIX)
        .order_by("-sku")
        .values_list("sku", flat=True)
        .first()
    )
    return int(last[len(SKU_PREFIX) :]) + 1 if last else 1


def _generate(count: int, start: int) -> Iterator[Product]:
    rng = random.Random(start)  # reproducible for a given catalog size
    pet_types = list(PetType.objects.all())
    categories = list(Category.objects.all())
    for number in range(start, start + count):
        pet_type = rng.choice(pet_types)
        category = rng.choice(categories)
        noun = rng.choice(NOUNS.get(category.slug, ["Essentials"]))
        name = f"{rng.choice(ADJECTIVES)} {pet_type.name} {noun} No. {number}"
        price = Decimal(rng.randrange(99, 20000)) / 100
        yield Product(
            sku=f"{SKU_PREFIX}{number:07d}",
            name=name,
            slug=slugify(name),
            description=f"A {noun.lower()} for your {pet_type.name.lower()}.",
            price=price,
            internal_cost=(price * Decimal("0.55")).quantize(Decimal("0.01")),
            category=category,
            pet_type=pet_type,
            brand=rng.choice(BRANDS),
            # About one in ten sold out, one in ten low, the rest well stocked.
            stock=rng.choice([0, rng.randint(1, 5)] + [rng.randint(6, 500)] * 8),
            is_active=rng.random() > 0.02,
        )


def products_generate(*, count: int, progress: Callable[[int, int], None] | None = None) -> int:
    """Add `count` generated products; `progress(done, total)` after each batch."""
    done = 0
    batch: list[Product] = []
    with transaction.atomic():
        for product in _generate(count, _next_number()):
            batch.append(product)
            if len(batch) == BATCH_SIZE:
                Product.objects.bulk_create(batch)
                done += len(batch)
                batch.clear()
                if progress:
                    progress(done, count)
        if batch:
            Product.objects.bulk_create(batch)
            done += len(batch)
        if progress:
            progress(done, count)
        invalidate_catalog()
    return done
