"""Every write to the catalog and to stock. Each function is one transaction and
invalidates the catalog cache when it commits (a stock-only write moves the stock
version, and the catalog version only when a product goes in or out of stock)."""

import uuid
from dataclasses import dataclass
from datetime import date

from django.conf import settings
from django.db import transaction
from django.db.models import Case, F, ProtectedError, When
from django.utils import timezone
from django.utils.text import slugify

from audit.services import Change, audit_record, audit_records
from catalog import emails
from catalog.cache import invalidate_catalog, invalidate_stock
from catalog.exceptions import CategoryInUse, InsufficientStock, PetTypeInUse, ProductUnavailable
from catalog.lock_objects import product_lock, products_lock
from catalog.models import Category, PetType, Product, SaleProblem
from catalog.photos import product_images_forget
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


# The product fields whose changes the audit trail keeps (stock and money).
AUDITED_FIELDS = ("stock", "price")


@transaction.atomic
def product_create(*, created_by=None, note: str = "", **fields) -> Product:
    """`created_by` is also who the audit trail names for the opening stock and price;
    `note` says where the change came from (e.g. "CSV import")."""
    data = {k: v for k, v in fields.items() if k in PRODUCT_FIELDS}
    if not data.get("sku"):
        data["sku"] = sku_generate()
    product = Product(created_by=created_by, **data)
    product.slug = slugify(product.name)[:220] or "product"
    product.full_clean()
    product.save()
    audit_record(
        target=product,
        action="product.created",
        by=created_by,
        after={name: getattr(product, name) for name in AUDITED_FIELDS},
        note=note,
    )
    invalidate_catalog()
    return product


@transaction.atomic
def product_update(*, product: Product, by=None, note: str = "", **fields) -> Product:
    """A stock or price change is recorded in the audit trail with `by` and `note`."""
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
    audit_records(
        changes=[
            Change(
                product,
                f"{name}.set",
                {name: getattr(locked, name)},
                {name: getattr(product, name)},
            )
            for name in AUDITED_FIELDS
            if getattr(locked, name) != getattr(product, name)
        ],
        by=by,
        note=note,
    )
    if was_active and not product.is_active:
        products_withdrawn.send(sender=Product, product_ids=[product.pk], deleted=False)
    invalidate_catalog()
    return product


@transaction.atomic
def product_delete(*, product: Product) -> bool:
    """Delete a product; one that appears in any order is deactivated instead, so order
    history stays whole. Either way it leaves every cart. Returns True if deleted."""
    products_withdrawn.send(sender=Product, product_ids=[product.pk], deleted=True)
    invalidate_catalog()
    try:
        with transaction.atomic():
            product_images_forget(product=product)
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


def stock_reserve(*, quantities: dict[int, int], by=None, note: str = "") -> dict[int, Product]:
    """Take `quantities` ({product_id: n}) out of stock, all or nothing; each product's
    move is recorded in the audit trail (one INSERT) with `by` and `note`.

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
    problems = {pid: products[pid].sale_problem(quantities[pid]) for pid in ids}
    unavailable = [pid for pid in ids if problems[pid] == SaleProblem.UNAVAILABLE]
    if unavailable:
        raise ProductUnavailable("Some products are no longer available.", product_ids=unavailable)
    short = [
        {"product_id": pid, "requested": quantities[pid], "available": products[pid].stock}
        for pid in ids
        if problems[pid] is not None
    ]
    if short:
        raise InsufficientStock("Not enough stock for some items.", items=short)
    _stock_shift(
        {pid: -n for pid, n in quantities.items()},
        current={pid: p.stock for pid, p in products.items()},
        action="stock.reserved",
        by=by,
        note=note,
    )
    for pid, n in quantities.items():
        products[pid].stock -= n
    return products


def stock_release(
    *, quantities: dict[int, int], by=None, note: str = "", action: str = "stock.released"
) -> None:
    """Put `quantities` back into stock (cancellation, processed return), recorded in the
    audit trail as `action` with `by` and `note`."""
    _stock_shift(dict(quantities), action=action, by=by, note=note)


def _stock_shift(
    deltas: dict[int, int], *, action: str, by, note: str, current: dict[int, int] | None = None
) -> None:
    """Move stock by `deltas`; `current` is the locked stock when the caller already
    locked the rows (stock_reserve)."""
    deltas = {pid: d for pid, d in deltas.items() if d}
    if not deltas:
        return
    # Locked first, as stock_reserve does (in primary-key order): two releases (or a
    # release and a checkout) over the same products cannot lock them in opposite orders.
    if current is None:
        current = {pid: p.stock for pid, p in products_lock(pks=deltas).items()}
    Product.objects.filter(pk__in=deltas).update(
        stock=Case(*(When(pk=pid, then=F("stock") + d) for pid, d in deltas.items()))
    )
    audit_records(
        changes=[
            Change((Product, pid), action, {"stock": current[pid]}, {"stock": current[pid] + d})
            for pid, d in sorted(deltas.items())
            if pid in current
        ],
        by=by,
        note=note,
    )
    invalidate_stock(
        availability_changed=any(
            pid not in current or _availability_changed(current[pid], current[pid] + d)
            for pid, d in deltas.items()
        )
    )


def _availability_changed(before: int | None, after: int) -> bool:
    return before is None or (before > 0) != (after > 0)


@transaction.atomic
def stock_set(*, product: Product, stock: int, by=None, note: str = "") -> Product:
    """A staff correction of the stock figure (admin list editing, import), recorded in
    the audit trail with the figure it replaced."""
    locked = products_lock(pks=[product.pk]).get(product.pk)
    before = locked.stock if locked else None
    product.stock = stock
    product.full_clean()
    Product.objects.filter(pk=product.pk).update(stock=stock)
    if before != stock:
        audit_record(
            target=product,
            action="stock.set",
            by=by,
            before={"stock": before},
            after={"stock": stock},
            note=note,
        )
    invalidate_stock(availability_changed=_availability_changed(before, stock))
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
