"""Refunds with tax and shipping: a return gives back the price and the tax paid on the
returned units; shipping only when staff say so, on one return of the order; and the
refunds of an order never exceed what its invoice billed."""

from decimal import Decimal

import pytest

from catalog.tests.factories import CategoryFactory, ProductFactory
from returns.exceptions import ShippingAlreadyRefunded
from returns.models import ReturnStatus
from returns.services import return_request, return_set_status, return_update
from sales.models import InvoiceStatus, OrderStatus, ShippingMethod, TaxRate
from sales.services import invoice_set_status
from sales.tests.factories import order_in_status

pytestmark = pytest.mark.django_db

D = Decimal


def item(product, quantity, reason="Changed my mind"):
    return {"product_id": product.pk, "quantity": quantity, "reason": reason}


def process(order, items, **status_kwargs):
    ret = return_request(order=order, items=items)
    return_set_status(return_request=ret, status=ReturnStatus.APPROVED)
    return return_set_status(return_request=ret, status=ReturnStatus.PROCESSED, **status_kwargs)


@pytest.fixture
def taxed_order(settings):
    """3 × 0.05 at 10 % (tax 0.02 on the line: 0.015 rounded half up) and 2 × 10.00 at
    20 % (tax 4.00), shipping 4.90: subtotal 20.15 + shipping 4.90 + tax 4.02 = 29.07."""
    settings.PRICES_INCLUDE_TAX = False
    cheap, dear = CategoryFactory(), CategoryFactory()
    TaxRate.objects.create(category=cheap, rate=D("10"))
    TaxRate.objects.create(rate=D("20"))
    method = ShippingMethod.objects.create(name="Standard", price=D("4.90"))
    stickers = ProductFactory(price=D("0.05"), category=cheap, stock=50)
    bowls = ProductFactory(price=D("10.00"), category=dear, stock=50)
    order = order_in_status(
        OrderStatus.DELIVERED, products=[stickers], quantity=3, shipping_method=method
    )
    order.refresh_from_db()
    assert (order.subtotal, order.shipping_cost, order.tax, order.total) == (
        D("0.15"),
        D("4.90"),
        D("0.02"),
        D("5.07"),
    )
    return order, stickers, bowls


def test_a_return_gives_back_the_tax_paid_on_the_returned_units(taxed_order):
    order, stickers, _ = taxed_order
    invoice_set_status(invoice=order.live_invoice, status=InvoiceStatus.PAID)
    ret = process(order, [item(stickers, 3)])
    line = ret.lines.get()
    assert (line.refund_amount, line.refund_tax) == (D("0.17"), D("0.02"))
    invoice = order.invoices.get()
    assert invoice.amount_refunded == D("0.17")


def test_partial_returns_never_give_back_more_tax_than_the_line_paid(taxed_order):
    order, stickers, _ = taxed_order
    # One unit at a time: each unit's share (0.0066...) rounds down, and the last unit,
    # completing the line, still cannot take more than what is left of 0.02.
    refunds = [process(order, [item(stickers, 1)]).refund_total for _ in range(3)]
    assert all(refund >= D("0.05") for refund in refunds)
    assert sum(refunds) == D("0.15") + D("0.02")  # exactly what was paid, once all is back
    assert order.invoices.get().amount_refunded <= order.total


def test_shipping_is_refunded_only_when_staff_say_so_and_only_once(taxed_order):
    order, stickers, _ = taxed_order
    invoice_set_status(invoice=order.live_invoice, status=InvoiceStatus.PAID)
    first = return_request(order=order, items=[item(stickers, 1)])
    second = return_request(order=order, items=[item(stickers, 2)])
    assert first.refund_total == D("0.05")  # goods (and tax share 0.00), no shipping
    return_update(return_request=first, refund_shipping=True)
    with pytest.raises(ShippingAlreadyRefunded):
        return_update(return_request=second, refund_shipping=True)
    second.refresh_from_db()
    assert not second.refund_shipping
    return_set_status(return_request=first, status=ReturnStatus.APPROVED)
    processed = return_set_status(return_request=first, status=ReturnStatus.PROCESSED)
    assert processed.refund_total == D("0.05") + D("4.90")
    invoice = order.invoices.get()
    assert invoice.amount_refunded == D("4.95")
    # The rest of the goods: everything paid comes back, and not a cent more.
    return_set_status(return_request=second, status=ReturnStatus.APPROVED)
    return_set_status(return_request=second, status=ReturnStatus.PROCESSED)
    invoice.refresh_from_db()
    assert invoice.amount_refunded == invoice.total == D("5.07")
    assert invoice.status == InvoiceStatus.REFUNDED


def test_staff_can_refund_shipping_when_processing(taxed_order, admin_client_api):
    order, stickers, _ = taxed_order
    ret = return_request(order=order, items=[item(stickers, 3)])
    return_set_status(return_request=ret, status=ReturnStatus.APPROVED)
    response = admin_client_api.patch(
        f"/api/v1/returns/{ret.pk}/status/", {"status": "processed", "refund_shipping": True}
    )
    assert response.status_code == 200
    body = response.json()
    assert body["refund_shipping"] is True and body["shipping_refund"] == "4.90"
    assert body["refund_total"] == "5.07"
    assert body["items"][0]["refund_tax"] == "0.02"
    assert order.invoices.get().amount_refunded == D("5.07")


def test_a_refused_move_does_not_set_refund_shipping(taxed_order):
    from returns.exceptions import InvalidTransition

    order, stickers, _ = taxed_order
    ret = return_request(order=order, items=[item(stickers, 1)])
    with pytest.raises(InvalidTransition):
        return_set_status(return_request=ret, status=ReturnStatus.PROCESSED, refund_shipping=True)
    ret.refresh_from_db()
    assert not ret.refund_shipping and ret.status == ReturnStatus.REQUESTED


def test_with_prices_including_tax_the_refund_is_the_price_paid(settings):
    settings.PRICES_INCLUDE_TAX = True
    TaxRate.objects.create(rate=D("20"))
    product = ProductFactory(price=D("12.00"), stock=5)
    order = order_in_status(OrderStatus.DELIVERED, products=[product], quantity=2)
    assert (order.subtotal, order.tax, order.total) == (D("20.00"), D("4.00"), D("24.00"))
    settings.PRICES_INCLUDE_TAX = False  # changing the setting later changes no order
    ret = process(order, [item(product, 1)])
    line = ret.lines.get()
    assert (line.refund_amount, line.refund_tax) == (D("12.00"), D("2.00"))
