"""The two emails of guest checkout, one small function each, queued in the shop's email
outbox (notifications.email_queue) in the same transaction as the change they tell of.

- send_guest_order_link: the confirmation to a guest, with the private link to follow
  the order and print its invoice (the token is never stored in clear, so this, at
  checkout, is the only time it can be sent).
- send_claim_link: to a customer whose email has guest orders, the link that proves the
  address and adds those orders to the account.
"""

from django.urls import reverse

from notifications.rendering import absolute_url
from notifications.services import email_queue


def guest_order_links(access_token: str) -> dict:
    """{order_url, invoice_url}: a guest order's private links (absolute)."""
    return {
        "order_url": absolute_url(reverse("sales:guest_order", args=[access_token])),
        "invoice_url": absolute_url(reverse("sales:guest_invoice", args=[access_token])),
    }


def send_guest_order_link(*, order, lines, access_token: str) -> None:
    email_queue(
        to=order.guest_email,
        subject=f"Your order {order.number} at Pawfect Pet Shop",
        template="guest_order",
        context={"order": order, "lines": lines, **guest_order_links(access_token)},
        event="order.guest_placed",
        related=order,
    )


def send_claim_link(*, user, claim_path: str, count: int) -> None:
    email_queue(
        to=user.email,
        subject="Add your earlier orders to your Pawfect account",
        template="claim_orders",
        context={"user": user, "claim_url": absolute_url(claim_path), "count": count},
        event="orders.guest_claim",
        related=user,
    )
