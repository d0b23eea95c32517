"""Checkout: a cart (or "buy now" lines) becomes an order with its invoice, all or nothing."""

import hashlib
import json
import secrets
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts.models import Address
from catalog.services import stock_reserve
from petshop.core.tasks import enqueue_on_commit
from sales.exceptions import (
    CartEmpty,
    IdempotencyKeyOrderDeleted,
    IdempotencyKeyReused,
    InvalidInput,
    NotFound,
)
from sales.guest_links import access_token, access_token_hash
from sales.lock_objects import cart_lock_for_session, cart_lock_for_user
from sales.models import (
    CheckoutKey,
    Invoice,
    Order,
    OrderLine,
    OrderStatus,
    OrderStatusChange,
    ShippingMethod,
)
from sales.pricing import quote
from sales.services.cart import check_line_shapes
from sales.services.invoices import invoice_create
from sales.services.orders import check_shipping_address
from sales.tasks import order_confirmation

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


def _fingerprint(
    shipping_address: str, items: list[dict] | None, shipping_method: int | None, guest_email: str
) -> str:
    body = {
        "shipping_address": shipping_address,
        "shipping_method": shipping_method,
        "guest_email": guest_email,
        "items": sorted((i["product_id"], i["quantity"]) for i in items)
        if items is not None
        else None,
    }
    return hashlib.sha256(json.dumps(body, sort_keys=True).encode()).hexdigest()


class _KeyExpired(Exception):
    """The key's record was older than IDEMPOTENCY_KEY_HOURS and is deleted now: the
    checkout may run again under it."""


def _replay(*, user, key: str, fingerprint: str) -> Order | None:
    """The order a live key already produced, or None if the key is unknown. A live key
    whose order was deleted since is refused: the retry must not order again. An
    expired key is deleted and reported as _KeyExpired."""
    record = CheckoutKey.objects.filter(user=user, key=key).first()  # user None: a guest's
    if record is None:
        return None
    if record.created_at < timezone.now() - timedelta(hours=settings.IDEMPOTENCY_KEY_HOURS):
        record.delete()
        raise _KeyExpired()
    if record.fingerprint != fingerprint:
        raise IdempotencyKeyReused()
    if record.order_id is None:
        raise IdempotencyKeyOrderDeleted()
    return record.order


def order_place(
    *,
    user=None,
    guest_email: str = "",
    cart_session_key: str | None = None,
    shipping_address: str | None = None,
    address_id: int | None = None,
    shipping_method: int | None = None,
    items: list[dict] | None = None,
    idempotency_key: str | None = None,
) -> PlacedOrder:
    """Place an order from the user's cart, or from `items` ("buy now", cart untouched).

    One transaction: stock taken for every line (or nothing, with every short line
    reported), prices frozen, subtotal, shipping, tax and total computed here
    (sales.pricing), invoice issued, cart emptied.
    Returns a PlacedOrder (unpacks as `(order, created)`); with a known
    `idempotency_key`, the first order and created False.

    The address is `shipping_address` (text) or `address_id`, one of the user's saved
    addresses, copied into the order (another user's → NotFound). `shipping_method` is
    an active method's id, required when the shop has any (with none, shipping is free).
    A guest (no `user`) gives `guest_email` and checks out the session cart
    (`cart_session_key`) or `items`; the confirmation email carries the order's private
    link (sales.guest_links).
    """
    if user is None:
        guest_email = _check_guest_email(guest_email)
    else:
        guest_email = ""
    if address_id is not None:
        shipping_address = _saved_address(user, address_id)
    shipping_address = check_shipping_address(shipping_address)
    method = _shipping_method(shipping_method)
    if idempotency_key and len(idempotency_key) > IDEMPOTENCY_KEY_MAX_LENGTH:
        raise InvalidInput(
            f"An Idempotency-Key has at most {IDEMPOTENCY_KEY_MAX_LENGTH} characters.",
            field="idempotency_key",
        )
    fingerprint = _fingerprint(shipping_address, items, shipping_method, guest_email)
    place = dict(
        user=user,
        guest_email=guest_email,
        cart_session_key=cart_session_key,
        shipping_address=shipping_address,
        shipping_method=method,
        items=items,
    )
    error = None
    for _ in range(2):  # a second time only after finding the key expired (now deleted)
        try:
            return _place_once(idempotency_key=idempotency_key, fingerprint=fingerprint, **place)
        except IntegrityError as exc:
            if not idempotency_key:
                raise
            error = exc
        try:
            existing = _replay(user=user, key=idempotency_key, fingerprint=fingerprint)
        except _KeyExpired:
            continue
        if existing is not None:
            return PlacedOrder(order=existing, created=False)
        break
    raise error


def _place_once(*, idempotency_key: str | None, fingerprint: str, **place) -> PlacedOrder:
    """One attempt, in one transaction. With a key, its record is written first: a key
    seen before (a replay, or a concurrent request with it, which blocks here on the
    unique index until the first commits) fails that INSERT before anything else is
    done, and order_place replays it; a new key costs no look-up beforehand."""
    with transaction.atomic():
        key_record = None
        if idempotency_key:
            key_record = CheckoutKey.objects.create(
                user=place["user"], key=idempotency_key, fingerprint=fingerprint
            )
        return _place(**place, key_record=key_record)


def checkout_keys_cleanup(*, now=None) -> int:
    """Delete Idempotency-Keys older than IDEMPOTENCY_KEY_HOURS (they replay nothing any
    more), so the table does not grow for ever. Safe to run twice. Returns how many."""
    cutoff = (now or timezone.now()) - timedelta(hours=settings.IDEMPOTENCY_KEY_HOURS)
    deleted, _ = CheckoutKey.objects.filter(created_at__lt=cutoff).delete()
    return deleted


def _check_guest_email(email: str) -> str:
    email = (email or "").strip()
    try:
        validate_email(email)
    except ValidationError:
        raise InvalidInput("Enter a valid email address.", field="guest_email") from None
    return email


def _saved_address(user, address_id: int) -> str:
    address = Address.objects.filter(user=user, pk=address_id).first() if user else None
    if address is None:  # unknown, or another customer's: the same answer
        raise NotFound("No such saved address.", field="address_id")
    return address.as_text()


def _shipping_method(method_id: int | None) -> ShippingMethod | None:
    """The chosen active method; none may be chosen only when the shop has none."""
    methods = ShippingMethod.objects.active()
    if method_id is None:
        if methods.exists():
            raise InvalidInput("Choose a shipping method.", field="shipping_method")
        return None
    method = methods.filter(pk=method_id).first()
    if method is None:
        raise InvalidInput("Unknown or inactive shipping method.", field="shipping_method")
    return method


def _place(
    *,
    user,
    guest_email: str,
    cart_session_key: str | None,
    shipping_address: str,
    shipping_method: ShippingMethod | None,
    items: list[dict] | None,
    key_record: CheckoutKey | None = None,
) -> PlacedOrder:
    cart = None
    if items is None:
        # Locked (cart writes lock it too) so a line added while we check out is
        # neither lost by the emptying below nor ordered half-way.
        if user is not None:
            cart = cart_lock_for_user(user=user)
        elif cart_session_key:
            cart = cart_lock_for_session(session_key=cart_session_key)
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

    ordered = sorted(quantities.items())
    priced = quote(
        lines=[(products[pid], quantity) for pid, quantity in ordered],
        shipping_method=shipping_method,
    )
    lines = [
        OrderLine(
            product=products[pid],
            name=products[pid].name,
            sku=products[pid].sku,
            unit_price=price.unit_price,
            quantity=quantity,
            tax_rate=price.tax_rate,
            tax=price.tax,
        )
        for (pid, quantity), price in zip(ordered, priced.lines, strict=True)
    ]
    order = Order.objects.create(
        number=number,
        user=user,
        guest_email=guest_email,
        # A guest's private link (sales.guest_links): only the token's hash is kept.
        access_token_hash=access_token_hash(access_token(number)) if user is None else "",
        status=OrderStatus.PENDING,
        subtotal=priced.subtotal,
        shipping_method=shipping_method.name if shipping_method else "",
        shipping_cost=priced.shipping_cost,
        tax=priced.tax,
        total=priced.total,
        prices_include_tax=settings.PRICES_INCLUDE_TAX,
        shipping_address=shipping_address,
    )
    if key_record is not None:  # before the invoice counter's lock, not under it
        key_record.order = order
        key_record.save(update_fields=["order"])
    for line in lines:
        line.order = order
    OrderLine.objects.bulk_create(lines)
    change = OrderStatusChange.objects.create(
        order=order, from_status="", to_status=OrderStatus.PENDING, by=user
    )
    if cart is not None:
        cart.lines.all().delete()
    # The confirmation email is written by the worker from the committed order: its task
    # row commits with the order (and queues nothing if checkout rolls back).
    enqueue_on_commit(order_confirmation, order.pk)
    # Last: numbering locks the year's counter row until commit, and every checkout
    # queues on it, so as little as possible comes after it.
    invoice = invoice_create(order=order)
    return PlacedOrder(
        order=order, created=True, lines=tuple(lines), history=(change,), invoices=(invoice,)
    )


def _order_number() -> str:
    # Random and unique (the column's constraint guards it); not guessable from others'.
    return f"PS-{timezone.now():%y%m}-{secrets.token_hex(4).upper()}"
