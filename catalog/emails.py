"""The daily low stock digest to staff (SHOP_STAFF_EMAILS)."""

from datetime import date

from django.conf import settings
from django.urls import reverse

from catalog.models import Product
from notifications.models import Email
from notifications.rendering import absolute_url
from notifications.services import email_queue

DIGEST_MAX_LINES = 200  # a longer list is cut, with a link to the full one in the admin


def digest_key(day: date) -> str:
    return f"low_stock_digest:{day.isoformat()}"


def low_stock_digest_sent(day: date) -> bool:
    return Email.objects.filter(key=digest_key(day)).exists()


def send_low_stock_digest(products: list[Product], *, total: int, day: date) -> Email | None:
    """At most once per day (the outbox key). None if it was sent already that day or
    no staff address is configured."""
    admin_list = absolute_url(
        reverse("admin:catalog_product_changelist") + "?low_stock=yes&is_active__exact=1"
    )
    return email_queue(
        to=settings.SHOP_STAFF_EMAILS,
        subject=f"Low stock: {total} product{'s' if total != 1 else ''} ({day:%d %b %Y})",
        template="low_stock_digest",
        context={
            "products": products,
            "total": total,
            "more": total - len(products),
            "sold_out": sum(1 for p in products if p.stock == 0),
            "threshold": settings.LOW_STOCK_THRESHOLD,
            "day": day,
            "admin_url": admin_list,
        },
        event="low_stock_digest",
        key=digest_key(day),
    )
