"""The emails about orders and invoices. Each is queued in the outbox by the service
where its event happens (sales.services), inside that service's transaction; only the
order confirmation is written by the worker, from a task checkout queues in its own
transaction (sales.tasks), so a checkout does not spend its time rendering it.

Links and recipients come from two functions, `order_links` and `order_recipient`: a
change of where a customer reads an order (a private link for guest orders) or of who
receives it is made there once, for every email."""

from collections.abc import Iterable

from django.urls import reverse

from notifications.rendering import absolute_url
from notifications.services import email_queue
from sales.guest_links import guest_order_paths
from sales.models import Invoice, InvoiceStatus, Order, OrderLine, OrderStatus


def order_links(order: Order, invoice=None) -> dict[str, str | None]:
    """Absolute links for the emails about `order`: {"order_url", "invoice_url"}
    (`invoice_url` is None without an invoice).

    A customer's order: their pages, behind their login. A guest's order: its private
    links (sales.guest_links), which open that order and its latest invoice without an
    account. Every order email takes its links from here."""
    if order.user_id is None and order.access_token_hash:
        paths = guest_order_paths(order.number)
        return {
            "order_url": absolute_url(paths["order"]),
            "invoice_url": absolute_url(paths["invoice"]) if invoice is not None else None,
        }
    return {
        "order_url": absolute_url(reverse("sales:order", args=[order.number])),
        "invoice_url": (
            absolute_url(reverse("sales:invoice", args=[invoice.number]))
            if invoice is not None
            else None
        ),
    }


def order_recipient(order: Order) -> str:
    """Who receives the emails about `order`: its customer's address, or the email a
    guest checked out with."""
    return order.user.email if order.user_id else order.guest_email


def _customer_name(order: Order) -> str:
    user = order.user
    return (user.get_short_name() or user.username) if user is not None else "there"


def _order_context(order: Order, invoice, lines: Iterable[OrderLine]) -> dict:
    return {
        "name": _customer_name(order),
        "order": order,
        "lines": list(lines),
        "invoice": invoice,
        **order_links(order, invoice),
    }


def send_order_confirmation(*, order_id: int) -> bool:
    """The order confirmation (number, lines, total, shipping address, invoice, links),
    written from the committed order by the worker (sales.tasks.order_confirmation).
    Once per order, ever (the outbox key): False if it was written already, or if the
    order is gone (its customer's data erased before the worker came to it)."""
    order = Order.objects.select_related("user").filter(pk=order_id).first()
    if order is None:
        return False
    queued = email_queue(
        to=order_recipient(order),
        subject=f"Order {order.number} confirmed",
        template="order_confirmation",
        context=_order_context(order, order.latest_invoice, order.lines.all()),
        event="order_placed",
        related=order,
        key=f"order_placed:{order.pk}",
    )
    return queued is not None


STATUS_EMAILS = {
    OrderStatus.SHIPPED: ("order_shipped", "Your order {number} is on its way"),
    OrderStatus.DELIVERED: ("order_delivered", "Your order {number} was delivered"),
}


def send_order_status(order: Order) -> None:
    """Shipped or delivered: the customer hears of it. Other moves send nothing."""
    if order.status not in STATUS_EMAILS:
        return
    template, subject = STATUS_EMAILS[order.status]
    email_queue(
        to=order_recipient(order),
        subject=subject.format(number=order.number),
        template=template,
        context=_order_context(order, None, order.lines.all()),
        event=template,
        related=order,
    )


def send_order_cancelled(order: Order, *, invoice: Invoice | None) -> None:
    """Says what happens to the money: refunded in full if the invoice was paid, nothing
    to pay if it was not."""
    refunded = invoice is not None and invoice.status == InvoiceStatus.REFUNDED
    email_queue(
        to=order_recipient(order),
        subject=f"Your order {order.number} is cancelled",
        template="order_cancelled",
        context={
            **_order_context(order, invoice, order.lines.all()),
            "refunded": refunded,
            "refund_amount": invoice.total if refunded else None,
        },
        event="order_cancelled",
        related=order,
    )


def send_invoice_paid(invoice: Invoice) -> None:
    order = invoice.order
    email_queue(
        to=order_recipient(order),
        subject=f"Payment received for invoice {invoice.number}",
        template="invoice_paid",
        context=_order_context(order, invoice, ()),
        event="invoice_paid",
        related=invoice,
    )


def send_invoice_overdue(invoice: Invoice) -> None:
    """Once per invoice, ever (the outbox key): a second run of the daily job, or the
    invoice becoming overdue again after a new due date, sends no second reminder."""
    order = invoice.order
    email_queue(
        to=order_recipient(order),
        subject=f"Reminder: invoice {invoice.number} is overdue",
        template="invoice_overdue",
        context=_order_context(order, invoice, ()),
        event="invoice_overdue",
        related=invoice,
        key=f"invoice_overdue:{invoice.pk}",
    )


def send_claim_link(*, user, claim_path: str, count: int) -> None:
    """To a customer whose email has guest orders: the link that proves the address and
    joins those orders to the account (sales.services.guest_orders)."""
    email_queue(
        to=user.email,
        subject="Add your earlier orders to your Pawfect account",
        template="claim_orders",
        context={"user": user, "claim_url": absolute_url(claim_path), "count": count},
        event="orders_guest_claim",
        related=user,
    )
