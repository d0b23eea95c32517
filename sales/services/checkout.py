"""Checkout: a cart (or "buy now" lines) becomes an order with its invoice, all or nothing."""

import hashlib
import json
import secrets
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from catalog.services import stock_reserve
from sales import emails
from sales.exceptions import (
    CartEmpty,
    IdempotencyKeyOrderDeleted,
    IdempotencyKeyReused,
    InvalidInput,
)
from sales.lock_objects import cart_lock_for_user
from sales.models import (
    CheckoutKey,
    Invoice,
    Order,
    OrderLine,
    OrderStatus,
    OrderStatusChange,
)
from sales.services.cart import check_line_shapes
from sales.services.invoices import invoice_create
from sales.services.orders import check_shipping_address

IDEMPOTENCY_KEY_MAX_LENGTH = CheckoutKey._meta.get_field("key").max_length


@dataclass(frozen=True)
class PlacedOrder:
    """What `order_place` did, as an explicit value (like Saleor's `OrderInfo`).

    For a new order (`created`), `lines`, `history` and `invoices` are exactly the rows
    this checkout wrote, so a caller that only renders the new order (the API) need not
    read them back; for a replayed Idempotency-Key nothing was written and they are
    empty: read the order's details from the database. Unpacks as `(order, created)`.
    """

    order: Order
    created: bool
    lines: tuple[OrderLine, ...] = ()
    history: tuple[OrderStatusChange, ...] = ()
    invoices: tuple[Invoice, ...] = ()

    def __iter__(self):
        return iter((self.order, self.created))


def _fingerprint(shipping_address: str, items: list[dict] | None) -> str:
    body = {
        "shipping_address": shipping_address,
        "items": sorted((i["product_id"], i["quantity"]) for i in items)
        if items is not None
        else None,
    }
    return hashlib.sha256(json.dumps(body, sort_keys=True).encode()).hexdigest()


def _replay(*, user, key: str, fingerprint: str) -> Order | None:
    """The order a live key already produced, or None if the key is new (or expired).
    A live key whose order was deleted since is refused: the retry must not order again."""
    record = CheckoutKey.objects.filter(user=user, key=key).first()
    if record is None:
        return None
    if record.created_at < timezone.now() - timedelta(hours=settings.IDEMPOTENCY_KEY_HOURS):
        record.delete()
        return None
    if record.fingerprint != fingerprint:
        raise IdempotencyKeyReused()
    if record.order_id is None:
        raise IdempotencyKeyOrderDeleted()
    return record.order


def order_place(
    *,
    user,
    shipping_address: str,
    items: list[dict] | None = None,
    idempotency_key: str | None = None,
) -> PlacedOrder:
    """Place an order from the user's cart, or from `items` ("buy now", cart untouched).

    One transaction: stock taken for every line (or nothing, with every short line
    reported), prices frozen, total computed here, invoice issued, cart emptied.
    Returns a PlacedOrder (unpacks as `(order, created)`); with a known
    `idempotency_key`, the first order and created False.
    """
    shipping_address = check_shipping_address(shipping_address)
    if idempotency_key and len(idempotency_key) > IDEMPOTENCY_KEY_MAX_LENGTH:
        raise InvalidInput(
            f"An Idempotency-Key has at most {IDEMPOTENCY_KEY_MAX_LENGTH} characters.",
            field="idempotency_key",
        )
    fingerprint = _fingerprint(shipping_address, items)
    if idempotency_key:
        existing = _replay(user=user, key=idempotency_key, fingerprint=fingerprint)
        if existing is not None:
            return PlacedOrder(order=existing, created=False)
    try:
        with transaction.atomic():
            key_record = None
            if idempotency_key:
                # A concurrent request with the same key blocks here on the unique index
                # until the first commits, then fails and replays below.
                key_record = CheckoutKey.objects.create(
                    user=user, key=idempotency_key, fingerprint=fingerprint
                )
            placed = _place(user=user, shipping_address=shipping_address, items=items)
            if key_record is not None:
                key_record.order = placed.order
                key_record.save(update_fields=["order"])
            return placed
    except IntegrityError:
        if idempotency_key:
            existing = _replay(user=user, key=idempotency_key, fingerprint=fingerprint)
            if existing is not None:
                return PlacedOrder(order=existing, created=False)
        raise


def checkout_keys_cleanup(*, now=None) -> int:
    """Delete Idempotency-Keys older than IDEMPOTENCY_KEY_HOURS (they replay nothing any
    more), so the table does not grow for ever. Safe to run twice. Returns how many."""
    cutoff = (now or timezone.now()) - timedelta(hours=settings.IDEMPOTENCY_KEY_HOURS)
    deleted, _ = CheckoutKey.objects.filter(created_at__lt=cutoff).delete()
    return deleted


def _place(*, user, shipping_address: str, items: list[dict] | None) -> PlacedOrder:
    cart = None
    if items is None:
        # Locked (cart writes lock it too) so a line added while we check out is
        # neither lost by the emptying below nor ordered half-way.
        cart = cart_lock_for_user(user=user)
        items = (
            [
                {"product_id": line.product_id, "quantity": line.quantity}
                for line in cart.lines.all()
            ]
            if cart
            else []
        )
    if not items:
        raise CartEmpty()
    check_line_shapes(items)
    quantities = {i["product_id"]: i["quantity"] for i in items}
    number = _order_number()
    # Locks, checks, decrements; the audit trail names the order that took the stock.
    products = stock_reserve(quantities=quantities, by=user, note=f"order {number}")

    lines = [
        OrderLine(
            product=products[pid],
            name=products[pid].name,
            sku=products[pid].sku,
            unit_price=products[pid].price,
            quantity=quantity,
        )
        for pid, quantity in sorted(quantities.items())
    ]
    order = Order.objects.create(
        number=number,
        user=user,
        status=OrderStatus.PENDING,
        total=sum((line.line_total for line in lines), start=0),
        shipping_address=shipping_address,
    )
    for line in lines:
        line.order = order
    OrderLine.objects.bulk_create(lines)
    change = OrderStatusChange.objects.create(
        order=order, from_status="", to_status=OrderStatus.PENDING, by=user
    )
    if cart is not None:
        cart.lines.all().delete()
    # The confirmation email is rendered before the invoice number is drawn...
    confirmation = emails.order_confirmation_prepare(
        order, lines=lines, due_date=Invoice.default_due_date(timezone.localdate())
    )
    # Last: numbering locks the year's counter row until commit, and every checkout
    # queues on it, so as little as possible comes after it.
    invoice = invoice_create(order=order, due_date=confirmation.due_date)
    confirmation.queue(invoice=invoice)  # ...and only written here (two inserts)
    return PlacedOrder(
        order=order, created=True, lines=tuple(lines), history=(change,), invoices=(invoice,)
    )


def _order_number() -> str:
    # Random and unique (the column's constraint guards it); not guessable from others'.
    return f"PS-{timezone.now():%y%m}-{secrets.token_hex(4).upper()}"
