"""The database itself refuses bad carts, orders and invoices: each constraint proven
by writing around the models and services (queryset.update / bulk_create)."""

from contextlib import contextmanager
from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction

from accounts.tests.factories import UserFactory
from catalog.tests.factories import ProductFactory
from sales.models import Cart, CartLine, Invoice, Order, OrderLine
from sales.tests.factories import place_order

pytestmark = pytest.mark.django_db


@contextmanager
def refused():
    """The statement inside must be rejected by the database (in a savepoint, so the
    test's transaction stays usable on PostgreSQL)."""
    with pytest.raises(IntegrityError), transaction.atomic():
        yield


# --- carts ----------------------------------------------------------------------------


@pytest.mark.parametrize("quantity", [0, 51])
def test_cart_line_quantity_outside_1_to_50_is_refused(quantity):
    cart = Cart.objects.create(user=UserFactory())
    with refused():
        CartLine.objects.bulk_create(
            [CartLine(cart=cart, product=ProductFactory(), quantity=quantity)]
        )


@pytest.mark.parametrize("quantity", [1, 50])
def test_cart_line_quantity_at_the_limits_is_accepted(quantity):
    cart = Cart.objects.create(user=UserFactory())
    CartLine.objects.bulk_create([CartLine(cart=cart, product=ProductFactory(), quantity=quantity)])
    assert cart.lines.get().quantity == quantity


def test_cart_holds_one_line_per_product():
    cart = Cart.objects.create(user=UserFactory())
    product = ProductFactory()
    CartLine.objects.create(cart=cart, product=product, quantity=1)
    with refused():
        CartLine.objects.bulk_create([CartLine(cart=cart, product=product, quantity=2)])


def test_cart_with_both_a_user_and_a_session_is_refused():
    with refused():
        Cart.objects.bulk_create([Cart(user=UserFactory(), session_key="abc")])


def test_cart_without_an_owner_is_refused():
    with refused():
        Cart.objects.bulk_create([Cart()])


def test_user_has_one_cart():
    user = UserFactory()
    Cart.objects.create(user=user)
    with refused():
        Cart.objects.bulk_create([Cart(user=user)])


def test_session_cart_is_accepted():
    Cart.objects.bulk_create([Cart(session_key="visitor-1")])
    assert Cart.objects.filter(session_key="visitor-1").exists()


# --- orders ---------------------------------------------------------------------------


@pytest.mark.parametrize("quantity", [0, 51])
def test_order_line_quantity_outside_1_to_50_is_refused(quantity):
    line = place_order().lines.get()
    with refused():
        OrderLine.objects.filter(pk=line.pk).update(quantity=quantity)


def test_order_line_quantity_of_50_is_accepted():
    line = place_order().lines.get()
    OrderLine.objects.filter(pk=line.pk).update(quantity=50)
    line.refresh_from_db()
    assert line.quantity == 50


def test_order_holds_one_line_per_product():
    order = place_order()
    line = order.lines.get()
    duplicate = OrderLine(
        order=order,
        product_id=line.product_id,
        name=line.name,
        sku=line.sku,
        unit_price=line.unit_price,
        quantity=1,
    )
    with refused():
        OrderLine.objects.bulk_create([duplicate])


def test_negative_order_line_price_is_refused():
    line = place_order().lines.get()
    with refused():
        OrderLine.objects.filter(pk=line.pk).update(unit_price=Decimal("-1.00"))


def test_negative_order_total_is_refused():
    order = place_order()
    with refused():
        Order.objects.filter(pk=order.pk).update(total=Decimal("-0.01"))


def test_unknown_order_status_is_refused():
    order = place_order()
    with refused():
        Order.objects.filter(pk=order.pk).update(status="lost")


def test_order_number_is_unique():
    first, second = place_order(), place_order()
    with refused():
        Order.objects.filter(pk=second.pk).update(number=first.number)


# --- invoices -------------------------------------------------------------------------


def _second_invoice(order, status="pending", number="INV-TEST-2"):
    return Invoice(
        number=number,
        order=order,
        status=status,
        subtotal=order.subtotal,
        total=order.total,
        due_date=order.live_invoice.due_date,
    )


def test_invoice_number_is_unique():
    first, second = place_order(), place_order()
    with refused():
        Invoice.objects.filter(pk=second.live_invoice.pk).update(number=first.live_invoice.number)


def test_order_has_at_most_one_live_invoice():
    order = place_order()
    with refused():
        Invoice.objects.bulk_create([_second_invoice(order)])


def test_cancelled_invoices_do_not_count_as_live():
    order = place_order()
    Invoice.objects.bulk_create([_second_invoice(order, status="cancelled")])
    assert order.invoices.count() == 2


def test_refund_above_the_invoice_total_is_refused():
    invoice = place_order().live_invoice
    with refused():
        Invoice.objects.filter(pk=invoice.pk).update(
            amount_refunded=invoice.total + Decimal("0.01")
        )


def test_negative_refund_is_refused():
    invoice = place_order().live_invoice
    with refused():
        Invoice.objects.filter(pk=invoice.pk).update(amount_refunded=Decimal("-0.01"))


def test_refund_of_the_whole_total_is_accepted():
    invoice = place_order().live_invoice
    Invoice.objects.filter(pk=invoice.pk).update(amount_refunded=invoice.total)
    invoice.refresh_from_db()
    assert invoice.amount_refunded == invoice.total


def test_unknown_invoice_status_is_refused():
    invoice = place_order().live_invoice
    with refused():
        Invoice.objects.filter(pk=invoice.pk).update(status="lost")
