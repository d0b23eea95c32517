"""Shipping methods and tax: the price of an order, computed by the server only, frozen
into the order and its invoice (API.md v1.1: subtotal, shipping_cost, tax, total)."""

from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse

from catalog.tests.factories import CategoryFactory, ProductFactory
from sales.exceptions import InvalidInput
from sales.models import Order, ShippingMethod, TaxRate
from sales.pricing import line_tax, quote
from sales.services import order_place
from sales.tests.factories import place_order

pytestmark = pytest.mark.django_db

D = Decimal
ORDERS = reverse("api-order-list")
SHIPPING = reverse("api-shipping-method-list")


def standard(**overrides) -> ShippingMethod:
    data = {"name": "Standard", "price": D("4.90"), "free_above": D("50.00"), "estimated_days": 3}
    return ShippingMethod.objects.create(**{**data, **overrides})


# --- the rounding rule, on a table of carts ----------------------------------------------

# (lines [(unit price, quantity, rate %)], prices include tax?, expected line taxes,
#  expected subtotal, expected tax). Per line, half up to the cent; the order's tax is
#  the sum of the rounded line taxes (never the rounded sum of unrounded taxes).
CARTS = [
    ([("10.00", 1, "20")], False, ["2.00"], "10.00", "2.00"),
    ([("0.05", 1, "10")], False, ["0.01"], "0.05", "0.01"),  # 0.005 rounds up
    ([("0.04", 1, "10")], False, ["0.00"], "0.04", "0.00"),  # 0.004 rounds down
    ([("0.05", 3, "10")], False, ["0.02"], "0.15", "0.02"),  # on the line: 0.015 → 0.02
    # Three lines of 0.005 each: 0.01 each, 0.03 in all (rounding the sum would say 0.02).
    (
        [("0.05", 1, "10"), ("0.05", 1, "10"), ("0.05", 1, "10")],
        False,
        ["0.01"] * 3,
        "0.15",
        "0.03",
    ),
    ([("19.99", 3, "7.7")], False, ["4.62"], "59.97", "4.62"),  # 4.61769 → 4.62
    ([("12.50", 2, "0")], False, ["0.00"], "25.00", "0.00"),
    # Prices include tax: the line's tax is the part of it that is tax.
    ([("12.00", 1, "20")], True, ["2.00"], "10.00", "2.00"),
    ([("9.99", 1, "20")], True, ["1.67"], "8.32", "1.67"),  # 1.665 → 1.67
    ([("1.00", 3, "19")], True, ["0.48"], "2.52", "0.48"),  # 0.4789 → 0.48
]


@pytest.mark.parametrize(("lines", "included", "line_taxes", "subtotal", "tax"), CARTS)
def test_tax_is_rounded_half_up_per_line_on_a_table_of_carts(
    settings, lines, included, line_taxes, subtotal, tax
):
    settings.PRICES_INCLUDE_TAX = included
    products = []
    for price, quantity, rate in lines:
        category = CategoryFactory()
        TaxRate.objects.create(category=category, rate=D(rate))
        products.append((ProductFactory(price=D(price), category=category, stock=10), quantity))
    priced = quote(lines=products)
    assert [str(line.tax) for line in priced.lines] == line_taxes
    assert (str(priced.subtotal), str(priced.tax)) == (subtotal, tax)
    assert priced.total == priced.subtotal + priced.shipping_cost + priced.tax
    # Placed, the order and its invoice carry exactly these figures.
    items = [{"product_id": p.pk, "quantity": q} for p, q in products]
    order, _ = order_place(
        user=None, guest_email="a@b.example", shipping_address="1 Dog Lane", items=items
    )
    invoice = order.invoices.get()
    assert [str(line.tax) for line in order.lines.order_by("product_id")] == line_taxes
    assert (str(order.subtotal), str(order.tax), str(order.total)) == (
        subtotal,
        tax,
        str(priced.total),
    )
    assert (invoice.subtotal, invoice.tax, invoice.total) == (
        order.subtotal,
        order.tax,
        order.total,
    )


def test_line_tax_is_zero_without_a_rate():
    assert line_tax(D("10.00"), D("0"), prices_include_tax=False) == D("0.00")


def test_a_category_rate_wins_over_the_shop_rate_and_no_rate_means_no_tax():
    food, toys = CategoryFactory(), CategoryFactory()
    kibble = ProductFactory(price=D("10.00"), category=food)
    ball = ProductFactory(price=D("10.00"), category=toys)
    assert quote(lines=[(kibble, 1), (ball, 1)]).tax == D("0.00")  # nothing configured
    TaxRate.objects.create(rate=D("20.00"))  # the shop rate
    TaxRate.objects.create(category=food, rate=D("5.50"))
    priced = quote(lines=[(kibble, 1), (ball, 1)])
    assert [line.tax_rate for line in priced.lines] == [D("5.50"), D("20.00")]
    assert priced.tax == D("2.55")


def test_one_shop_rate_and_one_rate_per_category_at_most():
    category = CategoryFactory()
    TaxRate.objects.create(rate=D("20"))
    TaxRate.objects.create(category=category, rate=D("10"))
    with pytest.raises(IntegrityError), transaction.atomic():
        TaxRate.objects.create(rate=D("5"))
    with pytest.raises(IntegrityError), transaction.atomic():
        TaxRate.objects.create(category=category, rate=D("5"))
    with pytest.raises(IntegrityError), transaction.atomic():
        TaxRate.objects.create(category=CategoryFactory(), rate=D("101"))


def test_an_order_whose_total_does_not_add_up_is_refused_by_the_database():
    order = place_order()
    with pytest.raises(IntegrityError), transaction.atomic():
        Order.objects.filter(pk=order.pk).update(tax=D("1.00"))


# --- shipping -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("goods", "cost"),
    [("49.99", "4.90"), ("50.00", "0.00"), ("50.01", "0.00"), ("0.01", "4.90")],
)
def test_shipping_is_free_from_the_threshold_on_and_charged_below_it(goods, cost):
    method = standard()
    assert method.price_for(D(goods)) == D(cost)
    product = ProductFactory(price=D(goods), stock=5)
    order, _ = order_place(
        user=None,
        guest_email="a@b.example",
        shipping_address="1 Dog Lane",
        shipping_method=method.pk,
        items=[{"product_id": product.pk, "quantity": 1}],
    )
    assert order.shipping_cost == D(cost) and order.shipping_method == "Standard"
    assert order.total == D(goods) + D(cost)
    assert order.invoices.get().shipping_cost == D(cost)


def test_a_method_without_threshold_is_never_free():
    assert standard(free_above=None).price_for(D("10000.00")) == D("4.90")


def test_the_order_keeps_the_method_name_and_cost_it_was_placed_with():
    method = standard()
    order = place_order_with(method)
    ShippingMethod.objects.filter(pk=method.pk).update(name="Renamed", price=D("99.00"))
    method.delete()
    order.refresh_from_db()
    assert (order.shipping_method, order.shipping_cost) == ("Standard", D("4.90"))


def place_order_with(method, price="10.00"):
    product = ProductFactory(price=D(price), stock=5)
    order, _ = order_place(
        user=None,
        guest_email="a@b.example",
        shipping_address="1 Dog Lane",
        shipping_method=method.pk,
        items=[{"product_id": product.pk, "quantity": 1}],
    )
    return order


def test_with_methods_defined_checkout_needs_an_active_one(customer, product):
    standard()
    inactive = standard(name="Old", is_active=False)
    items = [{"product_id": product.pk, "quantity": 1}]
    for method in (None, inactive.pk, 10**9):
        with pytest.raises(InvalidInput) as refused:
            order_place(
                user=customer, shipping_address="1 Dog Lane", shipping_method=method, items=items
            )
        assert refused.value.extra["field"] == "shipping_method"
    assert not Order.objects.exists()


def test_api_checkout_with_shipping_and_tax(customer, customer_client, settings):
    TaxRate.objects.create(rate=D("20.00"))
    method = standard()
    product = ProductFactory(price=D("12.50"), stock=5)
    body = customer_client.post(
        ORDERS,
        {
            "shipping_address": "1 Dog Lane, Barkville",
            "shipping_method": method.pk,
            "items": [{"product_id": product.pk, "quantity": 2}],
        },
    ).json()
    assert (body["subtotal"], body["shipping_method"], body["shipping_cost"], body["tax"]) == (
        "25.00",
        "Standard",
        "4.90",
        "5.00",
    )
    assert body["total"] == "34.90"
    assert body["items"][0]["tax_rate"] == "20.00" and body["items"][0]["tax"] == "5.00"
    invoice = customer_client.get(reverse("api-invoice-detail", args=[body["invoice_id"]])).json()
    assert (invoice["subtotal"], invoice["shipping_cost"], invoice["tax"], invoice["total"]) == (
        "25.00",
        "4.90",
        "5.00",
        "34.90",
    )
    assert invoice["shipping_method"] == "Standard"


def test_api_checkout_refuses_an_unknown_shipping_method_with_a_400(customer_client, product):
    standard()
    response = customer_client.post(
        ORDERS,
        {
            "shipping_address": "1 Dog Lane",
            "shipping_method": 999999,
            "items": [{"product_id": product.pk, "quantity": 1}],
        },
    )
    assert response.status_code == 400
    assert not Order.objects.exists()


def test_shipping_methods_list_active_ones_priced_for_the_callers_cart(
    api_client, customer, customer_client
):
    standard()
    standard(name="Express", price=D("9.90"), free_above=None, estimated_days=1, position=1)
    standard(name="Old", is_active=False)
    anonymous = api_client.get(SHIPPING).json()
    assert [m["name"] for m in anonymous["results"]] == ["Standard", "Express"]
    assert all(m["price_for_cart"] is None for m in anonymous["results"])
    product = ProductFactory(price=D("25.00"), stock=5)
    customer_client.post(reverse("api-my-cart-items"), {"product_id": product.pk, "quantity": 2})
    priced = {
        m["name"]: m["price_for_cart"] for m in customer_client.get(SHIPPING).json()["results"]
    }
    assert priced == {"Standard": "0.00", "Express": "9.90"}  # 50.00 reaches the threshold


def test_shipping_methods_list_in_a_fixed_number_of_queries(
    customer_client, django_assert_max_num_queries
):
    for i in range(10):
        standard(name=f"M{i}")
    with django_assert_max_num_queries(6):
        assert customer_client.get(SHIPPING).status_code == 200
