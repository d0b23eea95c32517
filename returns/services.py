"""Every write to returns: request, edit, approve / reject / process, withdraw."""

from django.conf import settings
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone

from audit.services import audit_record
from catalog.services import stock_release
from returns import emails
from returns.exceptions import (
    InvalidInput,
    InvalidTransition,
    OrderNotDelivered,
    ReturnQuantityExceeded,
    ReturnWindowClosed,
    ShippingAlreadyRefunded,
)
from returns.lock_objects import return_lock
from returns.models import MAX_RETURN_ITEMS, Return, ReturnLine, ReturnStatus
from returns.selectors import claimed_quantities
from sales.lock_objects import order_lock
from sales.models import Order, OrderStatus
from sales.services import invoice_credit


def _check_returnable(order: Order) -> None:
    if order.status != OrderStatus.DELIVERED or order.delivered_at is None:
        raise OrderNotDelivered()
    if not order.is_within_return_window:
        raise ReturnWindowClosed(
            f"Returns are accepted up to {settings.RETURN_WINDOW_DAYS} days after delivery."
        )


def _build_lines(
    order: Order, items: list[dict], exclude: Return | None = None
) -> list[ReturnLine]:
    """Check `items` ([{product_id, quantity, reason}]) against the order and against
    what its other non-rejected returns already claim; build the unsaved lines."""
    if not 1 <= len(items) <= MAX_RETURN_ITEMS:
        raise InvalidInput(f"A return has 1 to {MAX_RETURN_ITEMS} items.", field="items")
    ids = [item["product_id"] for item in items]
    if len(set(ids)) != len(ids):
        raise InvalidInput("A product appears more than once.", field="items")
    order_lines = {line.product_id: line for line in order.lines.all()}
    foreign = [pid for pid in ids if pid not in order_lines]
    if foreign:
        raise InvalidInput(
            "Only products of this order can be returned.", field="items", product_ids=foreign
        )
    claimed = claimed_quantities(order=order, exclude=exclude)
    lines, exceeded = [], []
    for item in items:
        line = order_lines[item["product_id"]]
        reason = (item.get("reason") or "").strip()
        if not 1 <= len(reason) <= 500:
            raise InvalidInput("Each item needs a reason of 1 to 500 characters.", field="reason")
        returnable = line.quantity - claimed.get(line.pk, 0)
        if not 1 <= item["quantity"] <= returnable:
            if item["quantity"] < 1:
                raise InvalidInput("Quantity must be at least 1.", field="quantity")
            exceeded.append(
                {
                    "product_id": line.product_id,
                    "requested": item["quantity"],
                    "returnable": returnable,
                }
            )
        lines.append(ReturnLine(order_line=line, quantity=item["quantity"], reason=reason))
    if exceeded:
        raise ReturnQuantityExceeded(items=exceeded)
    return lines


@transaction.atomic
def return_request(*, order: Order, items: list[dict]) -> Return:
    # Lock the order: two requests at once cannot both claim the same quantities.
    order = order_lock(pk=order.pk)
    _check_returnable(order)
    lines = _build_lines(order, items)
    ret = Return.objects.create(order=order)
    for line in lines:
        line.return_request = ret
    ReturnLine.objects.bulk_create(lines)
    emails.send_return_received(ret, lines=lines)
    return ret


def _set_refund_shipping(ret: Return, refund_shipping: bool | None) -> None:
    """Staff decide whether this return also refunds the shipping: at most one return
    of an order does (the order row is locked by the caller: return_lock)."""
    if refund_shipping is None or refund_shipping == ret.refund_shipping:
        return
    if refund_shipping and (
        Return.objects.claiming()
        .filter(order_id=ret.order_id, refund_shipping=True)
        .exclude(pk=ret.pk)
        .exists()
    ):
        raise ShippingAlreadyRefunded()
    ret.refund_shipping = refund_shipping
    ret.save(update_fields=["refund_shipping", "updated_at"])


@transaction.atomic
def return_update(
    *,
    return_request: Return,
    items: list[dict] | None = None,
    admin_notes: str | None = None,
    refund_shipping: bool | None = None,
) -> Return:
    ret = return_lock(ret=return_request)
    if ret.status != ReturnStatus.REQUESTED:
        raise InvalidTransition("Only a requested return can be edited.", from_status=ret.status)
    _set_refund_shipping(ret, refund_shipping)
    if items is not None:
        _check_returnable(ret.order)
        lines = _build_lines(ret.order, items, exclude=ret)
        ret.lines.all().delete()
        for line in lines:
            line.return_request = ret
        ReturnLine.objects.bulk_create(lines)
    if admin_notes is not None:
        ret.admin_notes = admin_notes
    ret.save(update_fields=["admin_notes", "updated_at"])
    return ret


@transaction.atomic
def return_set_status(
    *,
    return_request: Return,
    status: str,
    admin_notes: str | None = None,
    refund_shipping: bool | None = None,
    by=None,
) -> Return:
    """Approve, reject or process. Processing puts the quantities back into stock and
    credits the refund (price and tax paid on the units, plus shipping if staff said
    so) against the order's invoice, never more than it billed. Each move, the stock it
    puts back and the credit are recorded in the audit trail with `by`."""
    ret = return_lock(ret=return_request)
    if status not in ReturnStatus.values:
        raise InvalidInput(f"Unknown status {status!r}.", field="status")
    if refund_shipping is not None:
        if not ret.can_transition_to(status):
            ret.transition_to(status)  # raises: the move is refused, nothing changes
        _set_refund_shipping(ret, refund_shipping)
    if admin_notes is not None:
        ret.admin_notes = admin_notes
        ret.save(update_fields=["admin_notes", "updated_at"])
    before = ret.status
    ret.transition_to(status)
    after = {"status": status}
    if status == ReturnStatus.PROCESSED:
        lines = list(ret.lines.select_related("order_line__order"))
        _fix_tax_refunded(ret, lines)
        refund = sum((line.refund_amount for line in lines), start=ret.shipping_refund)
        note = f"return #{ret.pk} of order {ret.order.number}"
        stock_release(
            quantities={line.product_id: line.quantity for line in lines},
            by=by,
            note=note,
            action="stock.returned",
        )
        invoice_credit(order=ret.order, amount=refund, by=by, note=note)
        ret.processed_at = timezone.now()
        ret.save(update_fields=["processed_at"])
        after["refund_total"] = refund
    audit_record(
        target=ret, action=f"return.{status}", by=by, before={"status": before}, after=after
    )
    emails.send_return_status(ret)
    return ret


def _fix_tax_refunded(ret: Return, lines: list[ReturnLine]) -> None:
    """The tax each line gives back: the difference of the order line's tax share
    before and after these units, counting the units earlier processed returns gave
    back. Differences add up, so a line returned in parts gives back exactly its tax."""
    before = dict(
        ReturnLine.objects.filter(
            return_request__order_id=ret.order_id, return_request__status=ReturnStatus.PROCESSED
        )
        .exclude(return_request=ret)
        .values("order_line")
        .annotate(units=Sum("quantity"))
        .values_list("order_line", "units")
    )
    for line in lines:
        done = before.get(line.order_line_id, 0)
        order_line = line.order_line
        line.tax_refunded = order_line.tax_share(done + line.quantity) - order_line.tax_share(done)
    ReturnLine.objects.bulk_update(lines, ["tax_refunded"])


@transaction.atomic
def return_delete(*, return_request: Return, by) -> None:
    """The owner withdraws a requested return; staff may also delete a rejected one."""
    ret = return_lock(ret=return_request)
    allowed = (
        {ReturnStatus.REQUESTED, ReturnStatus.REJECTED}
        if by.is_shop_admin
        else {ReturnStatus.REQUESTED}
    )
    if ret.status not in allowed:
        raise InvalidTransition(
            f"A return that is {ret.status} can no longer be withdrawn.", from_status=ret.status
        )
    ret.delete()
