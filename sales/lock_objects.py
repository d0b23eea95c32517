"""Every row lock the sales services take, named once (as Saleor's lock_objects).

Each function must run inside the caller's transaction. `of=("self",)`: a lock never
takes joined rows by accident. One order of locking across the shop: a cart, then
products (catalog.lock_objects, by primary key), then an order, then its returns
(returns.lock_objects), then its invoice.
"""

from django.utils import timezone

from petshop.core.exceptions import NotFound
from sales.models import Cart, CartLine, Invoice, Order


def cart_lock(*, cart: Cart) -> bool:
    """Touch the cart first thing in every cart write: the UPDATE locks the cart row until
    the transaction ends, so writes to one cart (and a checkout emptying it) run one
    after the other and none is lost. False if the cart is gone."""
    return Cart.objects.filter(pk=cart.pk).update(updated_at=timezone.now()) > 0


def cart_lock_for_user(*, user) -> Cart | None:
    """The user's cart row under lock (checkout), or None if they have none."""
    return Cart.objects.select_for_update(of=("self",)).filter(user=user).first()


def cart_line_lock(*, cart: Cart, product_id: int) -> CartLine | None:
    """A cart's line for a product under lock (its product is read, not locked)."""
    return (
        CartLine.objects.select_for_update(of=("self",))
        .select_related("product")
        .filter(cart=cart, product_id=product_id)
        .first()
    )


def order_lock(*, pk: int) -> Order:
    """Every change of an order starts here, so two racing changes (a cancel and a ship)
    run one after the other and the second sees the first. NotFound if deleted since."""
    try:
        return Order.objects.select_for_update(of=("self",)).get(pk=pk)
    except Order.DoesNotExist:
        raise NotFound("That order no longer exists.") from None


def invoice_lock(*, pk: int) -> Invoice:
    """An invoice row under lock; NotFound if deleted by a concurrent request."""
    try:
        return Invoice.objects.select_for_update(of=("self",)).get(pk=pk)
    except Invoice.DoesNotExist:
        raise NotFound("That invoice no longer exists.") from None


def live_invoice_lock(*, order: Order) -> Invoice | None:
    """The order's live (not cancelled) invoice under lock, or None."""
    return Invoice.objects.live().select_for_update(of=("self",)).filter(order=order).first()
