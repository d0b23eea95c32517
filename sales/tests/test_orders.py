"""The order state machine and the order services (API.md, Orders O4–O7 and cancelling)."""

import itertools
from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from accounts.tests.factories import AdminFactory, UserFactory
from catalog.models import Product
from catalog.tests.factories import ProductFactory
from sales.exceptions import InvalidInput, InvalidTransition
from sales.models import (
    ORDER_TRANSITIONS,
    CheckoutKey,
    Invoice,
    InvoiceStatus,
    Order,
    OrderLine,
    OrderStatus,
    OrderStatusChange,
)
from sales.services import (
    invoice_set_status,
    order_address_editable_by,
    order_cancel,
    order_cancellable_by,
    order_delete,
    order_place,
    order_set_status,
    order_update_address,
)
from sales.tests.factories import order_in_status, place_order

pytestmark = pytest.mark.django_db

S = OrderStatus
CHAIN = [S.PENDING, S.CONFIRMED, S.PROCESSING, S.SHIPPED, S.DELIVERED]
# API.md O6, written out independently of sales.models so a wrong table fails here:
# forward along the chain (skipping allowed); cancelled from the three before shipping;
# nothing leaves delivered or cancelled.
ALLOWED = {(a, b) for i, a in enumerate(CHAIN) for b in CHAIN[i + 1 :]} | {
    (S.PENDING, S.CANCELLED),
    (S.CONFIRMED, S.CANCELLED),
    (S.PROCESSING, S.CANCELLED),
}
ALL_PAIRS = list(itertools.product(S.values, S.values))


@pytest.fixture
def admin():
    return AdminFactory()


def in_status(status, **kwargs) -> Order:
    """A pending order put straight into `status` (setup only; the moves are tested below)."""
    order = place_order(**kwargs)
    Order.objects.filter(pk=order.pk).update(status=status)
    order.refresh_from_db()
    return order


def stock(product) -> int:
    return Product.objects.values_list("stock", flat=True).get(pk=product.pk)


def test_the_table_is_exactly_the_api_contract():
    table = {(a, b) for a, targets in ORDER_TRANSITIONS.items() for b in targets}
    assert table == ALLOWED


@pytest.mark.parametrize(
    "from_status, to_status", ALL_PAIRS, ids=[f"{a}->{b}" for a, b in ALL_PAIRS]
)
def test_transition_to_allows_exactly_the_api_moves(from_status, to_status, admin):
    order = in_status(from_status)
    if (from_status, to_status) in ALLOWED:
        change = order.transition_to(to_status, by=admin)
        order.refresh_from_db()
        assert order.status == to_status
        assert (change.from_status, change.to_status, change.by) == (from_status, to_status, admin)
    else:
        with pytest.raises(InvalidTransition) as exc:
            order.transition_to(to_status, by=admin)
        assert exc.value.code == "invalid_transition"
        assert exc.value.extra == {"from_status": from_status, "to_status": to_status}
        order.refresh_from_db()
        assert order.status == from_status
        assert not order.history.filter(to_status=to_status).exclude(from_status="").exists()


@pytest.mark.parametrize(
    "from_status, to_status", ALL_PAIRS, ids=[f"{a}->{b}" for a, b in ALL_PAIRS]
)
def test_order_set_status_by_staff_follows_the_table(from_status, to_status, admin):
    order = in_status(from_status)
    if (from_status, to_status) in ALLOWED:
        moved = order_set_status(order=order, status=to_status, by=admin)
        assert moved.status == to_status
        assert Order.objects.get(pk=order.pk).status == to_status
    else:
        with pytest.raises(InvalidTransition):
            order_set_status(order=order, status=to_status, by=admin)
        assert Order.objects.get(pk=order.pk).status == from_status


def test_order_set_status_refuses_an_unknown_status(admin):
    order = place_order()
    with pytest.raises(InvalidInput) as exc:
        order_set_status(order=order, status="lost", by=admin)
    assert exc.value.status_code == 400


def test_every_change_is_recorded_with_who_made_it(admin):
    customer = UserFactory()
    order = place_order(user=customer)
    order_set_status(order=order, status=S.CONFIRMED, by=admin)
    order_set_status(order=order, status=S.SHIPPED, by=admin)
    order_set_status(order=order, status=S.DELIVERED, by=admin)
    history = list(order.history.values_list("from_status", "to_status", "by"))
    assert history == [
        ("", S.PENDING, customer.pk),
        (S.PENDING, S.CONFIRMED, admin.pk),
        (S.CONFIRMED, S.SHIPPED, admin.pk),
        (S.SHIPPED, S.DELIVERED, admin.pk),
    ]


def test_delivered_at_is_set_on_delivery_only(admin):
    order = place_order()
    order = order_set_status(order=order, status=S.SHIPPED, by=admin)
    assert order.delivered_at is None
    order = order_set_status(order=order, status=S.DELIVERED, by=admin)
    order.refresh_from_db()
    assert timezone.now() - timedelta(minutes=1) < order.delivered_at <= timezone.now()


# --- cancelling ----------------------------------------------------------------------------


def test_cancel_restocks_every_line(admin):
    a, b = ProductFactory(stock=10), ProductFactory(stock=10)
    order = order_place(
        user=UserFactory(),
        shipping_address="1 Dog Lane",
        items=[{"product_id": a.pk, "quantity": 3}, {"product_id": b.pk, "quantity": 7}],
    ).order
    assert (stock(a), stock(b)) == (7, 3)
    order_cancel(order=order, by=admin)
    assert (stock(a), stock(b)) == (10, 10)


def test_cancel_records_the_change_and_who(admin):
    order = place_order()
    order_cancel(order=order, by=admin)
    assert order.history.last().to_status == S.CANCELLED
    assert order.history.last().by == admin


@pytest.mark.parametrize("invoice_status", [InvoiceStatus.PENDING, InvoiceStatus.OVERDUE])
def test_cancel_voids_an_unpaid_invoice(admin, invoice_status):
    order = place_order()
    Invoice.objects.filter(order=order).update(status=invoice_status)
    order_cancel(order=order, by=admin)
    invoice = Invoice.objects.get(order=order)
    assert invoice.status == InvoiceStatus.CANCELLED
    assert invoice.amount_refunded == Decimal("0.00")


def test_cancel_refunds_a_paid_invoice_in_full(admin):
    product = ProductFactory(price=Decimal("7.25"))
    order = place_order(products=[product], quantity=4)
    invoice_set_status(invoice=Invoice.objects.get(order=order), status=InvoiceStatus.PAID)
    order_cancel(order=order, by=admin)
    invoice = Invoice.objects.get(order=order)
    assert invoice.status == InvoiceStatus.REFUNDED
    assert invoice.amount_refunded == invoice.total == Decimal("29.00")


def test_cancel_of_an_order_without_an_invoice_still_cancels(admin):
    order = place_order()
    Invoice.objects.filter(order=order).update(status=InvoiceStatus.CANCELLED)
    assert order_cancel(order=order, by=admin).status == S.CANCELLED


@pytest.mark.parametrize("status", [S.PENDING, S.CONFIRMED])
def test_the_owner_may_cancel_while_pending_or_confirmed(status):
    order = in_status(status)
    assert order_cancel(order=order, by=order.user).status == S.CANCELLED


@pytest.mark.parametrize("status", [S.PROCESSING, S.SHIPPED, S.DELIVERED, S.CANCELLED])
def test_the_owner_may_not_cancel_later(status):
    product = ProductFactory(stock=10)
    order = in_status(status, products=[product])
    with pytest.raises(InvalidTransition):
        order_cancel(order=order, by=order.user)
    assert Order.objects.get(pk=order.pk).status == status
    assert stock(product) == 9  # nothing put back


@pytest.mark.parametrize("status", [S.PENDING, S.CONFIRMED, S.PROCESSING])
def test_an_admin_may_cancel_until_processing(status, admin):
    order = in_status(status)
    assert order_cancel(order=order, by=admin).status == S.CANCELLED


@pytest.mark.parametrize("status", [S.SHIPPED, S.DELIVERED, S.CANCELLED])
def test_an_admin_may_not_cancel_once_shipped(status, admin):
    product = ProductFactory(stock=10)
    order = in_status(status, products=[product])
    with pytest.raises(InvalidTransition):
        order_cancel(order=order, by=admin)
    assert stock(product) == 9


def test_an_inactive_admin_cancels_as_a_customer():
    admin = AdminFactory(is_active=False)
    order = in_status(S.PROCESSING)
    with pytest.raises(InvalidTransition):
        order_cancel(order=order, by=admin)


def test_cancelling_twice_restocks_once(admin):
    product = ProductFactory(stock=10)
    order = place_order(products=[product], quantity=4)
    order_cancel(order=order, by=admin)
    with pytest.raises(InvalidTransition):
        order_cancel(order=order, by=admin)
    assert stock(product) == 10


def test_status_cancelled_acts_as_a_cancel(admin):
    product = ProductFactory(stock=10)
    order = place_order(products=[product], quantity=4)
    order_set_status(order=order, status=S.CANCELLED, by=admin)
    assert stock(product) == 10
    assert Invoice.objects.get(order=order).status == InvoiceStatus.CANCELLED


def test_a_stale_order_object_cannot_skip_the_lock(admin):
    order = place_order()
    stale = Order.objects.get(pk=order.pk)
    order_set_status(order=order, status=S.SHIPPED, by=admin)
    with pytest.raises(InvalidTransition):
        order_cancel(order=stale, by=admin)  # re-read under lock: it is shipped now


# --- shipping address ----------------------------------------------------------------------


NEW_ADDRESS = "22 Cat Street, Meowtown"


def test_the_owner_may_change_the_address_while_pending():
    order = place_order()
    order_update_address(order=order, shipping_address=NEW_ADDRESS, by=order.user)
    assert Order.objects.get(pk=order.pk).shipping_address == NEW_ADDRESS


@pytest.mark.parametrize("status", [S.CONFIRMED, S.PROCESSING, S.SHIPPED, S.DELIVERED, S.CANCELLED])
def test_the_owner_may_not_change_the_address_after_pending(status):
    order = in_status(status)
    with pytest.raises(InvalidTransition):
        order_update_address(order=order, shipping_address=NEW_ADDRESS, by=order.user)
    assert Order.objects.get(pk=order.pk).shipping_address != NEW_ADDRESS


@pytest.mark.parametrize("status", [S.PENDING, S.CONFIRMED, S.PROCESSING])
def test_an_admin_may_change_the_address_before_shipping(status, admin):
    order = in_status(status)
    order_update_address(order=order, shipping_address=NEW_ADDRESS, by=admin)
    assert Order.objects.get(pk=order.pk).shipping_address == NEW_ADDRESS


@pytest.mark.parametrize("status", [S.SHIPPED, S.DELIVERED, S.CANCELLED])
def test_an_admin_may_not_change_the_address_once_shipped(status, admin):
    order = in_status(status)
    with pytest.raises(InvalidTransition):
        order_update_address(order=order, shipping_address=NEW_ADDRESS, by=admin)


@pytest.mark.parametrize("address", ["abcd", " ab ", "x" * 501])
def test_the_address_must_be_5_to_500_characters(address):
    order = place_order()
    with pytest.raises(InvalidInput):
        order_update_address(order=order, shipping_address=address, by=order.user)


def test_the_address_is_stored_trimmed():
    order = place_order()
    order_update_address(order=order, shipping_address="  " + NEW_ADDRESS + "\n", by=order.user)
    assert Order.objects.get(pk=order.pk).shipping_address == NEW_ADDRESS


# --- deleting ------------------------------------------------------------------------------


@pytest.mark.parametrize("status", [s for s in S.values if s != S.CANCELLED])
def test_only_a_cancelled_order_can_be_deleted(status):
    order = in_status(status)
    with pytest.raises(InvalidTransition):
        order_delete(order=order)
    assert Order.objects.filter(pk=order.pk).exists()


def test_deleting_a_cancelled_order_takes_its_lines_history_and_invoices_not_its_key(admin):
    product = ProductFactory()
    order, _ = order_place(
        user=UserFactory(),
        shipping_address="1 Dog Lane",
        items=[{"product_id": product.pk, "quantity": 1}],
        idempotency_key="k",
    )
    order_cancel(order=order, by=admin)
    order_delete(order=order)
    assert not Order.objects.filter(pk=order.pk).exists()
    assert not OrderLine.objects.filter(order_id=order.pk).exists()
    assert not OrderStatusChange.objects.filter(order_id=order.pk).exists()
    assert not Invoice.objects.filter(order_id=order.pk).exists()
    # The key stays (without its order), so a late retry cannot order again.
    assert CheckoutKey.objects.get().order is None
    assert Product.objects.filter(pk=product.pk).exists()


def test_a_cancelled_order_never_has_returns_to_cascade(admin):
    # Returns need a delivered order, and nothing leaves delivered: so order_delete's
    # cascade can never take a return with it.
    order = order_in_status(S.DELIVERED)
    with pytest.raises(InvalidTransition):
        order_cancel(order=order, by=admin)
    with pytest.raises(InvalidTransition):
        order_delete(order=order)


# --- the questions the faces ask ----------------------------------------------------------


@pytest.mark.parametrize("status", S.values)
def test_order_cancellable_by_matches_what_order_cancel_does(status, admin):
    for by in (None, "owner", admin):
        order = in_status(status)
        user = order.user if by == "owner" else by
        expected = order_cancellable_by(order, by=user)
        try:
            order_cancel(order=order, by=user)
            assert expected, (status, by)
        except InvalidTransition:
            assert not expected, (status, by)


@pytest.mark.parametrize("status", S.values)
def test_order_address_editable_by_matches_what_order_update_address_does(status, admin):
    for by in ("owner", admin):
        order = in_status(status)
        user = order.user if by == "owner" else by
        expected = order_address_editable_by(order, by=user)
        try:
            order_update_address(order=order, shipping_address=NEW_ADDRESS, by=user)
            assert expected, (status, by)
        except InvalidTransition:
            assert not expected, (status, by)


def test_an_order_deleted_meanwhile_is_not_found(admin):
    from petshop.core.exceptions import NotFound

    order = place_order()
    stale = Order.objects.get(pk=order.pk)
    order_cancel(order=order, by=admin)
    order_delete(order=order)
    with pytest.raises(NotFound):
        order_set_status(order=stale, status=S.CONFIRMED, by=admin)
