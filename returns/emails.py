"""The emails about returns: to the customer at each step, and to staff
(SHOP_STAFF_EMAILS) when a new return waits for review. Queued by returns.services."""

from decimal import Decimal

from django.conf import settings
from django.urls import reverse

from notifications.rendering import absolute_url
from notifications.services import email_queue
from returns.models import Return, ReturnLine, ReturnStatus
from sales.emails import order_recipient


def _context(ret: Return, lines: list[ReturnLine]) -> dict:
    order = ret.order
    user = order.user
    return {
        "name": (user.get_short_name() or user.username) if user is not None else "there",
        "ret": ret,
        "order": order,
        "lines": lines,
        "refund_total": sum((line.refund_amount for line in lines), start=Decimal("0.00")),
        "return_url": absolute_url(reverse("returns:detail", args=[ret.pk])),
    }


def _lines(ret: Return) -> list[ReturnLine]:
    return list(ret.lines.select_related("order_line"))


def send_return_received(ret: Return, *, lines: list[ReturnLine]) -> None:
    """To the customer, and a "to review" email to staff."""
    context = _context(ret, lines)
    email_queue(
        to=order_recipient(ret.order),
        subject=f"We received your return request for order {ret.order.number}",
        template="return_received",
        context=context,
        event="return_requested",
        related=ret,
    )
    email_queue(
        to=settings.SHOP_STAFF_EMAILS,
        subject=f"New return #{ret.pk} to review (order {ret.order.number})",
        template="return_to_review",
        context={
            **context,
            "admin_url": absolute_url(reverse("admin:returns_return_change", args=[ret.pk])),
        },
        event="return_to_review",
        related=ret,
    )


STATUS_EMAILS = {
    ReturnStatus.APPROVED: ("return_approved", "Your return for order {number} is approved"),
    ReturnStatus.REJECTED: ("return_rejected", "Your return for order {number} was not accepted"),
    ReturnStatus.PROCESSED: ("return_processed", "Your refund for order {number} is on its way"),
}


def send_return_status(ret: Return) -> None:
    """Approved, rejected (with the staff note) or processed (with the refund amount)."""
    if ret.status not in STATUS_EMAILS:
        return
    template, subject = STATUS_EMAILS[ret.status]
    email_queue(
        to=order_recipient(ret.order),
        subject=subject.format(number=ret.order.number),
        template=template,
        context=_context(ret, _lines(ret)),
        event=template,
        related=ret,
    )
