"""Every write to the catalog and to stock. Each function is one transaction and
invalidates the catalog cache when it commits."""

import uuid
from dataclasses import dataclass
from datetime import date

from django.conf import settings
from django.db import transaction
from django.db.models import Case, F, ProtectedError, When
from django.utils import timezone
from django.utils.text import slugify

from catalog import emails
from catalog.cache import invalidate_catalog
from catalog.exceptions import CategoryInUse, InsufficientStock, PetTypeInUse, ProductUnavailable
from catalog.lock_objects import product_lock, products_lock
from catalog.models import Category, PetType, Product
from catalog.signals import products_withdrawn
from petshop.core.exceptions import InvalidInput

# What staff may set on a product (every face: API, admin, CSV import). Ordered, as the
# API's write serializer lists these same fields.
PRODUCT_FIELDS = (
    "sku",
    "name",
    "description",
    "price",
    "category",
    "pet_type",
    "brand",
    "weight_kg",
    "image_url",
    "stock",
    "is_active",
    "internal_cost",
    "supplier_info",
)


def sku_generate() -> str:
    return f"PS-{uuid.uuid4().hex[:10].upper()}"


@transaction.atomic
def product_create(*, created_by=None, **fields) -> Product:
    data = {k: v for k, v in fields.items() if k in PRODUCT_FIELDS}
    if not data.get("sku"):
        data["sku"] = sku_generate()
    product = Product(created_by=created_by, **data)
    product.slug = slugify(product.name)[:220] or "product"
    product.full_clean()
    product.save()
    invalidate_catalog()
    return product


@transaction.atomic
def product_update(*, product: Product, **fields) -> Product:
    # Re-read under lock: saving a stale in-memory stock figure would undo a checkout
    # that committed since the caller loaded the product.
    locked = product_lock(pk=product.pk)
    was_active = locked.is_active
    product.stock = locked.stock
    for name, value in fields.items():
        if name in PRODUCT_FIELDS:
            setattr(product, name, value)
    if "name" in fields:
        product.slug = slugify(product.name)[:220] or "product"
    product.full_clean()
    product.save()
    if was_active and not product.is_active:
        products_withdrawn.send(sender=Product, product_ids=[product.pk])
    invalidate_catalog()
    return product


@transaction.atomic
def product_delete(*, product: Product) -> bool:
    """Delete a product; one that appears in any order is deactivated instead, so order
    history stays whole. Either way it leaves every cart. Returns True if deleted."""
    products_withdrawn.send(sender=Product, product_ids=[product.pk])
    invalidate_catalog()
    try:
        with transaction.atomic():
            product.delete()
        return True
    except ProtectedError:
        Product.objects.filter(pk=product.pk).update(is_active=False, updated_at=timezone.now())
        product.is_active = False
        return False


@transaction.atomic
def category_create(*, name: str, slug: str = "", description: str = "") -> Category:
    category = Category(name=name, slug=slug or slugify(name), description=description)
    category.full_clean()
    category.save()
    invalidate_catalog()
    return category


@transaction.atomic
def category_update(*, category: Category, **fields) -> Category:
    for name in ("name", "slug", "description"):
        if name in fields:
            setattr(category, name, fields[name])
    category.full_clean()
    category.save()
    invalidate_catalog()
    return category


@transaction.atomic
def category_delete(*, category: Category) -> None:
    if category.products.exists():
        raise CategoryInUse()
    category.delete()
    invalidate_catalog()


@transaction.atomic
def pet_type_save(*, pet_type: PetType) -> PetType:
    pet_type.full_clean()
    pet_type.save()
    invalidate_catalog()
    return pet_type


@transaction.atomic
def pet_type_delete(*, pet_type: PetType) -> None:
    if pet_type.products.exists():
        raise PetTypeInUse()
    pet_type.delete()
    invalidate_catalog()


def stock_reserve(*, quantities: dict[int, int]) -> dict[int, Product]:
    """Take `quantities` ({product_id: n}) out of stock, all or nothing.

    Must run inside the caller's transaction. Rows are locked in primary-key order (so
    concurrent checkouts cannot deadlock), checked, then decremented in one UPDATE; the
    `stock >= 0` constraint is the last guard. Raises InvalidInput (unknown product),
    ProductUnavailable (inactive) or InsufficientStock (listing every short line) and
    changes nothing then.
    """
    ids = sorted(quantities)
    products = products_lock(pks=ids)
    unknown = [pid for pid in ids if pid not in products]
    if unknown:
        raise InvalidInput("Unknown product.", field="product_id", product_ids=unknown)
    unavailable = [pid for pid in ids if not products[pid].is_active]
    if unavailable:
        raise ProductUnavailable("Some products are no longer available.", product_ids=unavailable)
    short = [
        {"product_id": pid, "requested": quantities[pid], "available": products[pid].stock}
        for pid in ids
        if products[pid].stock < quantities[pid]
    ]
    if short:
        raise InsufficientStock("Not enough stock for some items.", items=short)
    _stock_shift({pid: -n for pid, n in quantities.items()}, locked=True)
    for pid, n in quantities.items():
        products[pid].stock -= n
    return products


def stock_release(*, quantities: dict[int, int]) -> None:
    """Put `quantities` back into stock (cancellation, processed return)."""
    _stock_shift(dict(quantities))


def _stock_shift(deltas: dict[int, int], *, locked: bool = False) -> None:
    deltas = {pid: d for pid, d in deltas.items() if d}
    if not deltas:
        return
    # Locked first, as stock_reserve does (in primary-key order): two releases (or a
    # release and a checkout) over the same products cannot lock them in opposite orders.
    if not locked:
        products_lock(pks=deltas)
    Product.objects.filter(pk__in=deltas).update(
        stock=Case(*(When(pk=pid, then=F("stock") + d) for pid, d in deltas.items()))
    )
    invalidate_catalog()


@transaction.atomic
def stock_set(*, product: Product, stock: int) -> Product:
    """A staff correction of the stock figure (admin list editing, import)."""
    product.stock = stock
    product.full_clean()
    Product.objects.filter(pk=product.pk).update(stock=stock)
    invalidate_catalog()
    return product


@dataclass(frozen=True)
class LowStockDigest:
    low: int  # active products at or below LOW_STOCK_THRESHOLD
    sent: bool  # whether this call queued the digest
    reason: str  # why not, when not sent


@transaction.atomic
def low_stock_digest_send(*, today: date | None = None) -> LowStockDigest:
    """The daily digest to staff of active products low in stock (sold out first). Safe
    to run twice a day: the second run sends nothing. Nothing low → nothing sent."""
    today = today or timezone.localdate()
    low = Product.objects.active().low_stock()
    total = low.count()
    if total == 0:
        return LowStockDigest(low=0, sent=False, reason="nothing is low in stock")
    if not settings.SHOP_STAFF_EMAILS:
        return LowStockDigest(low=total, sent=False, reason="SHOP_STAFF_EMAILS is empty")
    if emails.low_stock_digest_sent(today):
        return LowStockDigest(low=total, sent=False, reason="already sent today")
    products = list(
        low.order_by("stock", "name").only("pk", "sku", "name", "stock")[: emails.DIGEST_MAX_LINES]
    )
    email = emails.send_low_stock_digest(products, total=total, day=today)
    if email is None:  # queued meanwhile by a concurrent run
        return LowStockDigest(low=total, sent=False, reason="already sent today")
    return LowStockDigest(low=total, sent=True, reason="")
