"""What one checkout costs the database (issue 14: 150 orders/s with 16 buyers).

The API checkout (O2) with everything a real one carries (JWT, cart, Idempotency-Key,
shipping method, tax rates) runs a fixed number of queries, whatever the number of
lines; a query added to it must be a decision, so the total is pinned here."""

from decimal import Decimal

import pytest

from catalog.tests.factories import CategoryFactory, ProductFactory
from sales.models import CheckoutKey, Order, ShippingMethod, TaxRate
from sales.pricing import quote
from sales.services import cart_add, cart_for_user, order_place

pytestmark = pytest.mark.django_db

ORDERS = "/api/v1/orders/"
ADDRESS = "12 Cat Street, Meowtown"

# The request's user (JWT), the shipping method; then in the transaction (a savepoint
# in tests): the key, the cart and its lines, the products locked, their stock moved and
# audited, the tax rates, the order, its key, lines and first status, the cart emptied,
# the confirmation's task (the worker writes the email), the invoice numbered and written.
API_CHECKOUT_QUERIES = 19


@pytest.fixture
def method():
    return ShippingMethod.objects.create(name="Standard", price=Decimal("4.90"))


@pytest.fixture
def products():
    food, toys = CategoryFactory(), CategoryFactory()  # toys: no rate of its own
    TaxRate.objects.create(rate=Decimal("20"))  # the shop rate
    TaxRate.objects.create(category=food, rate=Decimal("5.5"))
    TaxRate.objects.create(category=CategoryFactory(), rate=Decimal("7"))  # none of ours
    return [ProductFactory(stock=100, category=food if i % 2 else toys) for i in range(6)]


def fill_cart(user, products):
    cart = cart_for_user(user=user)
    for product in products:
        cart_add(cart=cart, product_id=product.pk, quantity=2)


def checkout(client, method, key):
    return client.post(
        ORDERS,
        {"shipping_address": ADDRESS, "shipping_method": method.pk},
        HTTP_IDEMPOTENCY_KEY=key,
    )


def test_an_api_checkout_runs_a_fixed_number_of_queries(
    customer, customer_client, products, method, django_assert_num_queries
):
    # The first checkout creates the year's invoice counter and warms the content types.
    fill_cart(customer, products[:1])
    assert checkout(customer_client, method, "first").status_code == 201
    fill_cart(customer, products[:2])
    with django_assert_num_queries(API_CHECKOUT_QUERIES):
        response = checkout(customer_client, method, "second")
    assert response.status_code == 201


def test_checkout_queries_do_not_grow_with_the_number_of_lines(
    customer, customer_client, products, method, django_assert_num_queries
):
    fill_cart(customer, products[:1])
    assert checkout(customer_client, method, "first").status_code == 201
    fill_cart(customer, products[:1])
    with django_assert_num_queries(API_CHECKOUT_QUERIES):
        response = checkout(customer_client, method, "one line")
    assert len(response.json()["items"]) == 1
    fill_cart(customer, products)
    with django_assert_num_queries(API_CHECKOUT_QUERIES):
        response = checkout(customer_client, method, "six lines")
    assert len(response.json()["items"]) == 6


def test_a_new_key_is_written_with_its_order(customer, products, method):
    items = [{"product_id": products[0].pk, "quantity": 1}]
    placed = order_place(
        user=customer,
        shipping_address=ADDRESS,
        shipping_method=method.pk,
        items=items,
        idempotency_key="k",
    )
    assert CheckoutKey.objects.get(user=customer, key="k").order_id == placed.order.pk
    again = order_place(
        user=customer,
        shipping_address=ADDRESS,
        shipping_method=method.pk,
        items=items,
        idempotency_key="k",
    )
    assert (again.order.pk, again.created) == (placed.order.pk, False)
    assert Order.objects.count() == 1


def test_tax_rates_of_every_line_and_the_shop_rate_are_read_in_one_query(
    products, django_assert_num_queries
):
    with django_assert_num_queries(1):
        priced = quote(lines=[(product, 1) for product in products])
    assert [line.tax_rate for line in priced.lines] == [
        Decimal("5.5") if product.category_id == products[1].category_id else Decimal("20")
        for product in products
    ]
