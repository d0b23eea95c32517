"""Return services against API.md, Returns (R3–R6, the return rules and processing)."""

import itertools
from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from accounts.tests.factories import AdminFactory
from catalog.models import Product
from catalog.tests.factories import ProductFactory
from returns.exceptions import (
    InvalidInput,
    InvalidTransition,
    OrderNotDelivered,
    ReturnQuantityExceeded,
    ReturnWindowClosed,
)
from returns.models import RETURN_TRANSITIONS, Return, ReturnLine, ReturnStatus
from returns.services import return_delete, return_request, return_set_status, return_update
from sales.models import Invoice, InvoiceStatus, Order, OrderStatus
from sales.services import invoice_set_status
from sales.tests.factories import order_in_status

pytestmark = pytest.mark.django_db

R = ReturnStatus
ALLOWED = {(R.REQUESTED, R.APPROVED), (R.REQUESTED, R.REJECTED), (R.APPROVED, R.PROCESSED)}
ALL_PAIRS = list(itertools.product(R.values, R.values))


@pytest.fixture
def food():
    return ProductFactory(price=Decimal("12.50"), stock=20)


@pytest.fixture
def toy():
    return ProductFactory(price=Decimal("4.00"), stock=20)


@pytest.fixture
def delivered(food, toy):
    """Delivered today: 4 × food (12.50) and 4 × toy (4.00), total 66.00."""
    return order_in_status(OrderStatus.DELIVERED, products=[food, toy], quantity=4)


def item(product, quantity=1, reason="Wrong size"):
    return {"product_id": product.pk, "quantity": quantity, "reason": reason}


def stock(product) -> int:
    return Product.objects.values_list("stock", flat=True).get(pk=product.pk)


def in_status(order, status, product, quantity=1) -> Return:
    ret = return_request(order=order, items=[item(product, quantity)])
    Return.objects.filter(pk=ret.pk).update(status=status)
    ret.refresh_from_db()
    return ret


# --- requesting ----------------------------------------------------------------------------


def test_request_makes_a_return_with_lines_at_the_price_paid(delivered, food, toy):
    ret = return_request(order=delivered, items=[item(food, 2), item(toy, 1, "Broken")])
    assert ret.status == R.REQUESTED
    lines = {
        (line.product_id, line.quantity, line.reason, line.unit_price, line.refund_amount)
        for line in ret.lines.all()
    }
    assert lines == {
        (food.pk, 2, "Wrong size", Decimal("12.50"), Decimal("25.00")),
        (toy.pk, 1, "Broken", Decimal("4.00"), Decimal("4.00")),
    }
    assert ret.refund_total == Decimal("29.00")


def test_refund_follows_the_price_paid_never_the_current_price(delivered, food):
    Product.objects.filter(pk=food.pk).update(price=Decimal("99.99"))
    ret = return_request(order=delivered, items=[item(food, 2)])
    assert ret.refund_total == Decimal("25.00")


@pytest.mark.parametrize("status", [s for s in OrderStatus.values if s != OrderStatus.DELIVERED])
def test_an_order_not_delivered_is_order_not_delivered(status, food):
    order = order_in_status(status, products=[food])
    with pytest.raises(OrderNotDelivered) as exc:
        return_request(order=order, items=[item(food)])
    assert (exc.value.status_code, exc.value.code) == (409, "order_not_delivered")
    assert not Return.objects.exists()


def delivered_days_ago(order, days, **extra) -> Order:
    Order.objects.filter(pk=order.pk).update(
        delivered_at=timezone.now() - timedelta(days=days, **extra)
    )
    order.refresh_from_db()
    return order


def test_the_window_is_open_until_return_window_days(delivered, food, settings):
    settings.RETURN_WINDOW_DAYS = 10
    delivered_days_ago(delivered, 9, hours=23)
    assert return_request(order=delivered, items=[item(food)])


def test_after_return_window_days_it_is_return_window_closed(delivered, food, settings):
    settings.RETURN_WINDOW_DAYS = 10
    delivered_days_ago(delivered, 10, minutes=1)
    with pytest.raises(ReturnWindowClosed) as exc:
        return_request(order=delivered, items=[item(food)])
    assert exc.value.code == "return_window_closed"


def test_a_product_not_in_the_order_is_invalid_input(delivered):
    stranger = ProductFactory()
    with pytest.raises(InvalidInput) as exc:
        return_request(order=delivered, items=[item(stranger)])
    assert exc.value.status_code == 400
    assert exc.value.extra["product_ids"] == [stranger.pk]


def test_a_product_twice_is_invalid_input(delivered, food):
    with pytest.raises(InvalidInput):
        return_request(order=delivered, items=[item(food), item(food)])
    assert not Return.objects.exists()


@pytest.mark.parametrize("count", [0, 51])
def test_one_to_fifty_items(delivered, food, count):
    with pytest.raises(InvalidInput):
        return_request(order=delivered, items=[item(food)] * count)


@pytest.mark.parametrize("reason", ["", "   ", None, "x" * 501])
def test_reason_must_be_1_to_500_characters(delivered, food, reason):
    with pytest.raises(InvalidInput) as exc:
        return_request(order=delivered, items=[item(food, reason=reason)])
    assert exc.value.extra["field"] == "reason"


def test_a_500_character_reason_is_fine(delivered, food):
    assert return_request(order=delivered, items=[item(food, reason="x" * 500)])


@pytest.mark.parametrize("quantity", [0, -1])
def test_quantity_must_be_at_least_1(delivered, food, quantity):
    with pytest.raises(InvalidInput):
        return_request(order=delivered, items=[item(food, quantity)])


def test_quantity_above_what_was_ordered_is_return_quantity_exceeded(delivered, food):
    with pytest.raises(ReturnQuantityExceeded) as exc:
        return_request(order=delivered, items=[item(food, 5)])
    assert exc.value.code == "return_quantity_exceeded"
    assert exc.value.extra["items"] == [{"product_id": food.pk, "requested": 5, "returnable": 4}]


@pytest.mark.parametrize("status", [R.REQUESTED, R.APPROVED, R.PROCESSED])
def test_other_non_rejected_returns_use_up_the_returnable_quantity(delivered, food, status):
    in_status(delivered, status, food, 3)
    with pytest.raises(ReturnQuantityExceeded) as exc:
        return_request(order=delivered, items=[item(food, 2)])
    assert exc.value.extra["items"] == [{"product_id": food.pk, "requested": 2, "returnable": 1}]
    assert return_request(order=delivered, items=[item(food, 1)])


def test_a_rejected_return_frees_its_quantity(delivered, food):
    in_status(delivered, R.REJECTED, food, 4)
    assert return_request(order=delivered, items=[item(food, 4)])


def test_every_exceeded_line_is_reported(delivered, food, toy):
    with pytest.raises(ReturnQuantityExceeded) as exc:
        return_request(order=delivered, items=[item(food, 5), item(toy, 9)])
    assert len(exc.value.extra["items"]) == 2


# --- editing (R4) --------------------------------------------------------------------------


def test_update_replaces_items_and_notes(delivered, food, toy):
    ret = return_request(order=delivered, items=[item(food, 4)])
    return_update(return_request=ret, items=[item(toy, 2)], admin_notes="Checked")
    ret.refresh_from_db()
    assert list(ret.lines.values_list("order_line__product_id", "quantity")) == [(toy.pk, 2)]
    assert ret.admin_notes == "Checked"


def test_update_does_not_count_the_return_against_itself(delivered, food):
    ret = return_request(order=delivered, items=[item(food, 4)])
    return_update(return_request=ret, items=[item(food, 4, "Changed my mind")])
    assert ret.lines.get().reason == "Changed my mind"


def test_update_still_counts_other_returns(delivered, food):
    in_status(delivered, R.APPROVED, food, 3)
    ret = return_request(order=delivered, items=[item(food, 1)])
    with pytest.raises(ReturnQuantityExceeded):
        return_update(return_request=ret, items=[item(food, 2)])
    assert ret.lines.get().quantity == 1


def test_update_checks_the_window(delivered, food, settings):
    ret = return_request(order=delivered, items=[item(food, 1)])
    delivered_days_ago(delivered, settings.RETURN_WINDOW_DAYS + 1)
    with pytest.raises(ReturnWindowClosed):
        return_update(return_request=ret, items=[item(food, 2)])
    return_update(return_request=ret, admin_notes="notes alone are fine")


@pytest.mark.parametrize("status", [R.APPROVED, R.PROCESSED, R.REJECTED])
def test_only_a_requested_return_can_be_edited(delivered, food, status):
    ret = in_status(delivered, status, food)
    with pytest.raises(InvalidTransition):
        return_update(return_request=ret, admin_notes="late")


# --- status (R5) ---------------------------------------------------------------------------


def test_the_table_is_exactly_the_api_contract():
    assert {(a, b) for a, targets in RETURN_TRANSITIONS.items() for b in targets} == ALLOWED


@pytest.mark.parametrize(
    "from_status, to_status", ALL_PAIRS, ids=[f"{a}->{b}" for a, b in ALL_PAIRS]
)
def test_set_status_allows_exactly_the_api_moves(delivered, food, from_status, to_status):
    ret = in_status(delivered, from_status, food)
    if (from_status, to_status) in ALLOWED:
        return_set_status(return_request=ret, status=to_status)
        assert Return.objects.get(pk=ret.pk).status == to_status
    else:
        with pytest.raises(InvalidTransition):
            return_set_status(return_request=ret, status=to_status, admin_notes="x")
        ret.refresh_from_db()
        assert (ret.status, ret.admin_notes) == (from_status, "")


def test_set_status_refuses_an_unknown_status(delivered, food):
    ret = return_request(order=delivered, items=[item(food)])
    with pytest.raises(InvalidInput):
        return_set_status(return_request=ret, status="lost")


def test_reject_keeps_the_notes(delivered, food):
    ret = return_request(order=delivered, items=[item(food)])
    return_set_status(return_request=ret, status=R.REJECTED, admin_notes="Used item")
    ret.refresh_from_db()
    assert (ret.status, ret.admin_notes) == (R.REJECTED, "Used item")


def approve_and_process(ret) -> Return:
    return_set_status(return_request=ret, status=R.APPROVED)
    return return_set_status(return_request=ret, status=R.PROCESSED)


def test_process_restocks_and_sets_processed_at(delivered, food, toy):
    ret = return_request(order=delivered, items=[item(food, 2), item(toy, 3)])
    assert (stock(food), stock(toy)) == (16, 16)
    return_set_status(return_request=ret, status=R.APPROVED)
    assert (stock(food), stock(toy)) == (16, 16)  # approving alone restocks nothing
    processed = return_set_status(return_request=ret, status=R.PROCESSED)
    assert (stock(food), stock(toy)) == (18, 19)
    assert processed.processed_at is not None


def test_process_credits_the_invoice_and_a_partial_refund_keeps_it_paid(delivered, food):
    invoice = Invoice.objects.get(order=delivered)
    invoice_set_status(invoice=invoice, status=InvoiceStatus.PAID)
    approve_and_process(return_request(order=delivered, items=[item(food, 2)]))
    invoice.refresh_from_db()
    assert (invoice.status, invoice.amount_refunded) == (InvoiceStatus.PAID, Decimal("25.00"))


def test_a_paid_invoice_fully_refunded_by_returns_becomes_refunded(delivered, food, toy):
    invoice = Invoice.objects.get(order=delivered)
    invoice_set_status(invoice=invoice, status=InvoiceStatus.PAID)
    approve_and_process(return_request(order=delivered, items=[item(food, 4)]))
    approve_and_process(return_request(order=delivered, items=[item(toy, 4)]))
    invoice.refresh_from_db()
    assert (invoice.status, invoice.amount_refunded) == (InvoiceStatus.REFUNDED, Decimal("66.00"))


def test_an_unpaid_invoice_fully_refunded_by_a_return_becomes_cancelled(delivered, food, toy):
    approve_and_process(return_request(order=delivered, items=[item(food, 4), item(toy, 4)]))
    invoice = Invoice.objects.get(order=delivered)
    assert (invoice.status, invoice.amount_refunded) == (InvoiceStatus.CANCELLED, Decimal("66.00"))


def test_process_with_a_voided_invoice_still_restocks(delivered, food):
    invoice_set_status(invoice=Invoice.objects.get(order=delivered), status=InvoiceStatus.CANCELLED)
    approve_and_process(return_request(order=delivered, items=[item(food, 2)]))
    assert stock(food) == 18
    assert Invoice.objects.get(order=delivered).amount_refunded == Decimal("0.00")


def test_rejecting_restocks_nothing_and_credits_nothing(delivered, food):
    ret = return_request(order=delivered, items=[item(food, 2)])
    return_set_status(return_request=ret, status=R.REJECTED)
    assert stock(food) == 16
    assert Invoice.objects.get(order=delivered).amount_refunded == Decimal("0.00")


# --- withdrawing (R6) ----------------------------------------------------------------------


def test_the_owner_withdraws_a_requested_return(delivered, food):
    ret = return_request(order=delivered, items=[item(food, 4)])
    return_delete(return_request=ret, by=delivered.user)
    assert not Return.objects.exists() and not ReturnLine.objects.exists()
    assert return_request(order=delivered, items=[item(food, 4)])  # its quantity is free again


@pytest.mark.parametrize("status", [R.APPROVED, R.PROCESSED, R.REJECTED])
def test_the_owner_cannot_withdraw_after_requested(delivered, food, status):
    ret = in_status(delivered, status, food)
    with pytest.raises(InvalidTransition):
        return_delete(return_request=ret, by=delivered.user)
    assert Return.objects.filter(pk=ret.pk).exists()


@pytest.mark.parametrize("status", [R.REQUESTED, R.REJECTED])
def test_an_admin_deletes_a_requested_or_rejected_return(delivered, food, status):
    ret = in_status(delivered, status, food)
    return_delete(return_request=ret, by=AdminFactory())
    assert not Return.objects.filter(pk=ret.pk).exists()


@pytest.mark.parametrize("status", [R.APPROVED, R.PROCESSED])
def test_an_admin_cannot_delete_an_approved_or_processed_return(delivered, food, status):
    ret = in_status(delivered, status, food)
    with pytest.raises(InvalidTransition):
        return_delete(return_request=ret, by=AdminFactory())


def test_a_return_withdrawn_meanwhile_is_not_found(delivered, food):
    from petshop.core.exceptions import NotFound

    ret = return_request(order=delivered, items=[item(food)])
    stale = Return.objects.get(pk=ret.pk)
    return_delete(return_request=ret, by=delivered.user)
    with pytest.raises(NotFound):
        return_set_status(return_request=stale, status=R.APPROVED)


def test_a_return_for_an_order_deleted_meanwhile_is_not_found(food):
    from petshop.core.exceptions import NotFound
    from sales.services import order_cancel, order_delete

    order = order_in_status(OrderStatus.PENDING, products=[food])
    stale = Order.objects.get(pk=order.pk)
    order_cancel(order=order, by=AdminFactory())
    order_delete(order=order)
    with pytest.raises(NotFound):
        return_request(order=stale, items=[item(food)])
