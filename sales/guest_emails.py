"""The two emails of guest checkout, one small function each, so that wiring them to
the shop's email outbox (the notifications app) is a change here only.

- send_guest_order_link: the confirmation to a guest, with the private link to follow
  the order and print its invoice (the token is never stored in clear, so this is the
  only time it can be sent).
- send_claim_link: to a customer whose email has guest orders, the link that proves the
  address and adds those orders to the account.
"""

from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.urls import reverse


def _absolute(path: str) -> str:
    base = getattr(settings, "SHOP_BASE_URL", "") or "http://127.0.0.1:8000"
    return base.rstrip("/") + path


def guest_order_url(access_token: str) -> str:
    return _absolute(reverse("sales:guest_order", args=[access_token]))


def send_guest_order_link(*, order, access_token: str) -> None:
    context = {
        "order": order,
        "order_url": guest_order_url(access_token),
        "invoice_url": _absolute(reverse("sales:guest_invoice", args=[access_token])),
        "prices_include_tax": order.prices_include_tax,
    }
    send_mail(
        subject=f"Your order {order.number} at Pawfect Pet Shop",
        message=render_to_string("sales/email/guest_order.txt", context),
        from_email=None,
        recipient_list=[order.guest_email],
    )


def send_claim_link(*, user, claim_url: str, count: int) -> None:
    context = {"user": user, "claim_url": _absolute(claim_url), "count": count}
    send_mail(
        subject="Add your earlier orders to your Pawfect account",
        message=render_to_string("sales/email/claim_orders.txt", context),
        from_email=None,
        recipient_list=[user.email],
    )
