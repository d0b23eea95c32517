"""Order status changes after checkout: who may make which move, and what it sets off.
The moves themselves are the table in sales.models (ORDER_TRANSITIONS)."""

from django.db import transaction

from catalog.services import stock_release
from petshop.core.roles import is_shop_admin
from sales import emails
from sales.exceptions import InvalidInput, InvalidTransition, InvoiceKept
from sales.lock_objects import order_lock
from sales.models import Invoice, Order, OrderStatus
from sales.services.invoices import invoice_void_for_cancelled_order

CUSTOMER_CANCELLABLE = {OrderStatus.PENDING, OrderStatus.CONFIRMED}
ADMIN_CANCELLABLE = CUSTOMER_CANCELLABLE | {OrderStatus.PROCESSING}
ADDRESS_EDITABLE_BY_CUSTOMER = {OrderStatus.PENDING}
ADDRESS_EDITABLE_BY_ADMIN = {OrderStatus.PENDING, OrderStatus.CONFIRMED, OrderStatus.PROCESSING}


SHIPPING_ADDRESS_LENGTH = (5, 500)


def check_shipping_address(shipping_address: str) -> str:
    """5 to 500 characters once trimmed (API.md O2, O4). Returns it trimmed."""
    address = (shipping_address or "").strip()
    low, high = SHIPPING_ADDRESS_LENGTH
    if not low <= len(address) <= high:
        raise InvalidInput(
            f"A shipping address has {low} to {high} characters.", field="shipping_address"
        )
    return address


def _is_admin(user) -> bool:
    return is_shop_admin(user)


def order_cancellable_by(order: Order, *, by) -> bool:
    """Whether `by` may cancel `order` now (API.md O5): the owner while pending or
    confirmed, an admin also while processing. For the faces to show or hide a button;
    order_cancel asks the same question under lock."""
    allowed = ADMIN_CANCELLABLE if _is_admin(by) else CUSTOMER_CANCELLABLE
    return order.status in allowed


def order_address_editable_by(order: Order, *, by) -> bool:
    """Whether `by` may change the shipping address now (API.md O4)."""
    editable = ADDRESS_EDITABLE_BY_ADMIN if _is_admin(by) else ADDRESS_EDITABLE_BY_CUSTOMER
    return order.status in editable


@transaction.atomic
def order_cancel(*, order: Order, by) -> Order:
    """Cancel: every line's quantity goes back into stock; the invoice is cancelled if
    unpaid, refunded in full if paid."""
    order = order_lock(pk=order.pk)
    if not order_cancellable_by(order, by=by):
        raise InvalidTransition(
            f"An order that is {order.status} can no longer be cancelled.",
            from_status=order.status,
            to_status=OrderStatus.CANCELLED,
        )
    order.transition_to(OrderStatus.CANCELLED, by=by)
    stock_release(
        quantities={line.product_id: line.quantity for line in order.lines.all()},
        by=by,
        note=f"order {order.number} cancelled",
    )
    invoice = invoice_void_for_cancelled_order(order=order, by=by)
    emails.send_order_cancelled(order, invoice=invoice)
    return order


@transaction.atomic
def order_set_status(*, order: Order, status: str, by) -> Order:
    """Staff move an order along the chain (skipping ahead allowed); `cancelled` acts as
    a cancellation."""
    if status not in OrderStatus.values:
        raise InvalidInput(f"Unknown status {status!r}.", field="status")
    if status == OrderStatus.CANCELLED:
        return order_cancel(order=order, by=by)
    order = order_lock(pk=order.pk)
    order.transition_to(status, by=by)
    emails.send_order_status(order)
    return order


@transaction.atomic
def order_update_address(*, order: Order, shipping_address: str, by) -> Order:
    shipping_address = check_shipping_address(shipping_address)
    order = order_lock(pk=order.pk)
    if not order_address_editable_by(order, by=by):
        raise InvalidTransition(
            f"The shipping address of an order that is {order.status} can no longer change.",
            from_status=order.status,
        )
    order.shipping_address = shipping_address
    order.save(update_fields=["shipping_address", "updated_at"])
    return order


@transaction.atomic
def order_delete(*, order: Order) -> None:
    """Only a cancelled order may be deleted (with its invoices and returns), and only
    if none of its invoices is a financial record (ever paid, or credited): those stay
    for the accounts (API.md O7, 409 invoice_kept)."""
    order = order_lock(pk=order.pk)
    if order.status != OrderStatus.CANCELLED:
        raise InvalidTransition("Only a cancelled order can be deleted.", from_status=order.status)
    if Invoice.objects.filter(order=order).financial_records().exists():
        raise InvoiceKept(
            "This order's invoice was paid (or credited by a return): the order and its "
            "invoices are financial records and are kept."
        )
    order.invoices.all().delete()
    order.delete()  # its lines, history and returns go with it
