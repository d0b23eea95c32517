"""The private link of a guest's order: `/track/<token>/` (and `.../invoice/`).

The token is an HMAC of the order's (random, unique) number under the shop's secret
key: unguessable without that key, not the order number, and the same every time, so
every email about the order (confirmation, shipped, cancelled...) can carry the link
(sales.emails.order_links). The order keeps only the token's SHA-256, which is what a
link is looked up by: a copy of the database alone opens no order. Rotating
DJANGO_SECRET_KEY retires every link."""

import hashlib

from django.urls import reverse
from django.utils.crypto import salted_hmac

SALT = "sales.guest-order-link"


def access_token(number: str) -> str:
    return salted_hmac(SALT, number, algorithm="sha256").hexdigest()


def access_token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def guest_order_paths(number: str) -> dict[str, str]:
    token = access_token(number)
    return {
        "order": reverse("sales:guest_order", args=[token]),
        "invoice": reverse("sales:guest_invoice", args=[token]),
    }
