"""Cart writes. The limits (API.md, Cart rules) are checked here, whichever face calls."""

from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from catalog.models import Product
from sales.exceptions import CartLimitExceeded, InsufficientStock, InvalidInput, NotInCart
from sales.lock_objects import cart_line_lock, cart_lock
from sales.models import MAX_CART_PRODUCTS, MAX_LINE_QUANTITY, Cart, CartLine


def cart_for_user(*, user, create: bool = True) -> Cart | None:
    if create:
        cart, _ = Cart.objects.get_or_create(user=user)
        return cart
    return Cart.objects.filter(user=user).first()


def cart_for_session(*, session_key: str, create: bool = True) -> Cart | None:
    if create:
        cart, _ = Cart.objects.get_or_create(session_key=session_key)
        return cart
    return Cart.objects.filter(session_key=session_key).first()


def _check_quantity(quantity: int) -> None:
    if not 1 <= quantity <= MAX_LINE_QUANTITY:
        raise InvalidInput(f"Quantity must be between 1 and {MAX_LINE_QUANTITY}.", field="quantity")


def _sellable_products(product_ids) -> dict[int, Product]:
    products = Product.objects.filter(pk__in=set(product_ids)).in_bulk()
    missing = [pid for pid in product_ids if pid not in products or not products[pid].is_active]
    if missing:
        raise InvalidInput(
            "Unknown or unavailable product.", field="product_id", product_ids=sorted(set(missing))
        )
    return products


def _check_stock(product: Product, quantity: int) -> None:
    if quantity > product.stock:
        raise InsufficientStock(
            f"Only {product.stock} of {product.name} in stock.",
            items=[{"product_id": product.pk, "requested": quantity, "available": product.stock}],
        )


@transaction.atomic
def cart_add(*, cart: Cart, product_id: int, quantity: int = 1) -> CartLine:
    """Add `quantity` of a product, on top of what the cart already holds."""
    _check_quantity(quantity)
    cart_lock(cart=cart)
    product = _sellable_products([product_id])[product_id]
    line = cart_line_lock(cart=cart, product_id=product.pk)
    new_quantity = quantity + (line.quantity if line else 0)
    _check_quantity(new_quantity)
    _check_stock(product, new_quantity)
    if line is None:
        if cart.lines.count() >= MAX_CART_PRODUCTS:
            raise CartLimitExceeded()
        line = CartLine.objects.create(cart=cart, product=product, quantity=new_quantity)
    else:
        line.quantity = new_quantity
        line.save(update_fields=["quantity"])
    return line


@transaction.atomic
def cart_set_quantity(*, cart: Cart, product_id: int, quantity: int) -> CartLine | None:
    """Set a line's quantity; 0 removes the line. Not in the cart → NotInCart."""
    cart_lock(cart=cart)
    line = cart_line_lock(cart=cart, product_id=product_id)
    if line is None:
        raise NotInCart()
    if quantity == 0:
        line.delete()
        return None
    _check_quantity(quantity)
    if not line.product.is_active:
        raise InvalidInput(
            "Unknown or unavailable product.", field="product_id", product_ids=[product_id]
        )
    _check_stock(line.product, quantity)
    line.quantity = quantity
    line.save(update_fields=["quantity"])
    return line


@transaction.atomic
def cart_remove(*, cart: Cart, product_id: int) -> None:
    cart_lock(cart=cart)
    deleted, _ = CartLine.objects.filter(cart=cart, product_id=product_id).delete()
    if not deleted:
        raise NotInCart()


@transaction.atomic
def cart_clear(*, cart: Cart) -> None:
    cart_lock(cart=cart)
    cart.lines.all().delete()


def check_line_shapes(items: list[dict]) -> None:
    """Quantities, duplicates and the product count of a list of `{product_id, quantity}`."""
    if len(items) > MAX_CART_PRODUCTS:
        raise CartLimitExceeded()
    ids = [item["product_id"] for item in items]
    if len(set(ids)) != len(ids):
        raise InvalidInput("A product appears more than once.", field="items")
    for item in items:
        _check_quantity(item["quantity"])


def validate_lines(items: list[dict]) -> dict[int, Product]:
    """The cart rules for a whole list of `{product_id, quantity}` (PUT cart).
    Returns the products by id. Every short line is reported at once."""
    check_line_shapes(items)
    products = _sellable_products([item["product_id"] for item in items])
    short = [
        {"product_id": p.pk, "requested": item["quantity"], "available": p.stock}
        for item in items
        if item["quantity"] > (p := products[item["product_id"]]).stock
    ]
    if short:
        raise InsufficientStock("Not enough stock for some items.", items=short)
    return products


@transaction.atomic
def cart_replace(*, cart: Cart, items: list[dict]) -> Cart:
    """Replace the whole cart at once, all or nothing."""
    cart_lock(cart=cart)
    validate_lines(items)
    cart.lines.all().delete()
    CartLine.objects.bulk_create(
        [CartLine(cart=cart, product_id=i["product_id"], quantity=i["quantity"]) for i in items]
    )
    return cart


@transaction.atomic
def cart_merge(*, source: Cart, target: Cart) -> list[str]:
    """Move an anonymous cart's lines into a user's cart at login: quantities add up,
    then are capped by the limits. Returns a message for anything capped or dropped.
    The source cart is deleted."""
    if source.pk == target.pk:
        return []
    # Source first: of two logins merging one visitor cart at once, the second waits
    # here, then finds it deleted and adds nothing twice.
    if not cart_lock(cart=source):
        return []
    cart_lock(cart=target)
    messages = []
    existing = {line.product_id: line for line in target.lines.select_related("product")}
    for line in source.lines.select_related("product"):
        product = line.product
        if not product.is_active:
            messages.append(f"{product.name} is no longer available and was left out.")
            continue
        wanted = line.quantity + (existing[product.pk].quantity if product.pk in existing else 0)
        quantity = min(wanted, MAX_LINE_QUANTITY, product.stock)
        if quantity <= 0:
            messages.append(f"{product.name} is out of stock and was left out.")
            continue
        if quantity < wanted:
            messages.append(f"{product.name}: quantity capped at {quantity}.")
        if product.pk in existing:
            existing[product.pk].quantity = quantity
            existing[product.pk].save(update_fields=["quantity"])
        elif len(existing) >= MAX_CART_PRODUCTS:
            messages.append(
                f"{product.name} was left out: a cart holds at most {MAX_CART_PRODUCTS} products."
            )
        else:
            existing[product.pk] = CartLine.objects.create(
                cart=target, product=product, quantity=quantity
            )
    source.delete()
    return messages


@transaction.atomic
def carts_cleanup(*, days: int) -> int:
    """Delete carts untouched for `days` days. Returns how many were deleted."""
    cutoff = timezone.now() - timedelta(days=days)
    deleted, per_model = Cart.objects.filter(updated_at__lt=cutoff).delete()
    return per_model.get("sales.Cart", 0)
