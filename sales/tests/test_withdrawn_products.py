"""Issue 15 "nothing silently lost": a product withdrawn (deactivated) while it is in
carts stays there, shown as no longer available, and checkout refuses it clearly. Whether
a line can be sold is decided in one place (Product.sale_problem via CartLine.problem)."""

import pytest

from catalog.models import SaleProblem
from catalog.services import product_delete, product_update, stock_set
from catalog.tests.factories import ProductFactory
from sales.models import CartLine, Order
from sales.services import cart_add, cart_for_user, order_place
from sales.tests.factories import place_order
from sales.tests.test_storefront import ADDRESS, CHECKOUT, checkout_data, messages_of

pytestmark = pytest.mark.django_db

CART_PAGE = "/cart/"


@pytest.fixture
def withdrawn_in_cart(customer):
    gone = ProductFactory(name="Retired Squeaky Duck", stock=10)
    kept = ProductFactory(name="Rope Toy", stock=10)
    cart = cart_for_user(user=customer)
    cart_add(cart=cart, product_id=gone.pk, quantity=2)
    cart_add(cart=cart, product_id=kept.pk, quantity=1)
    product_update(product=gone, is_active=False)
    return gone, kept


@pytest.mark.parametrize(
    ("active", "stock", "quantity", "problem"),
    [
        (True, 5, 5, None),
        (True, 5, 6, SaleProblem.SHORT),
        (True, 0, 1, SaleProblem.OUT_OF_STOCK),
        (False, 5, 1, SaleProblem.UNAVAILABLE),
    ],
)
def test_one_rule_says_whether_a_quantity_can_be_sold(active, stock, quantity, problem):
    product = ProductFactory(is_active=active, stock=stock)
    assert product.sale_problem(quantity) == problem
    line = CartLine(product=product, quantity=quantity)
    assert (line.problem, line.available) == (problem, problem is None)


def test_the_api_cart_keeps_a_withdrawn_line_marked_unavailable(withdrawn_in_cart, customer_client):
    gone, kept = withdrawn_in_cart
    items = {i["product_id"]: i for i in customer_client.get("/api/v1/cart/").json()["items"]}
    assert items[gone.pk]["available"] is False and items[gone.pk]["quantity"] == 2
    assert items[kept.pk]["available"] is True


def test_the_cart_page_says_the_product_is_no_longer_available(withdrawn_in_cart, client, customer):
    client.force_login(customer)
    page = client.get(CART_PAGE).content.decode()
    assert "No longer available: Retired Squeaky Duck" in page
    assert "we stopped selling it" in page
    assert 'class="btn btn-disabled"' in page  # no checkout button while it is there


def test_api_checkout_refuses_a_cart_with_a_withdrawn_line_and_changes_nothing(
    withdrawn_in_cart, customer, customer_client
):
    gone, kept = withdrawn_in_cart
    response = customer_client.post("/api/v1/orders/", {"shipping_address": "1 Dog Lane, Bark"})
    assert response.status_code == 409
    assert response.json()["code"] == "product_unavailable"
    assert response.json()["product_ids"] == [gone.pk]
    assert not Order.objects.exists()
    assert CartLine.objects.filter(cart__user=customer).count() == 2
    kept.refresh_from_db()
    assert kept.stock == 10


def test_storefront_checkout_refuses_it_and_names_the_line(withdrawn_in_cart, client, customer):
    client.force_login(customer)
    response = client.post(CHECKOUT, checkout_data(client, **ADDRESS))
    assert response.status_code == 409
    assert "no longer available" in " ".join(messages_of(response))
    assert "Retired Squeaky Duck" in response.content.decode()
    assert not Order.objects.exists()


def test_removing_the_withdrawn_line_lets_the_rest_be_ordered(withdrawn_in_cart, customer):
    gone, kept = withdrawn_in_cart
    cart = cart_for_user(user=customer)
    from sales.services import cart_remove

    cart_remove(cart=cart, product_id=gone.pk)
    order, created = order_place(user=customer, shipping_address="1 Dog Lane, Bark")
    assert created and [line.product_id for line in order.lines.all()] == [kept.pk]


def test_a_reactivated_product_is_sellable_again_in_the_same_cart(withdrawn_in_cart, customer):
    gone, _ = withdrawn_in_cart
    product_update(product=gone, is_active=True)
    line = CartLine.objects.select_related("product").get(product=gone)
    assert line.available


def test_a_deleted_product_still_leaves_every_cart(customer):
    # C5: deletion (or its deactivation fallback for an ordered product) empties carts.
    product = ProductFactory(stock=10)
    place_order(products=[product])
    cart_add(cart=cart_for_user(user=customer), product_id=product.pk, quantity=1)
    product_delete(product=product)
    assert not CartLine.objects.filter(product=product).exists()


def test_stock_reserve_uses_the_same_rule_for_a_short_line(customer):
    product = ProductFactory(stock=3)
    cart_add(cart=cart_for_user(user=customer), product_id=product.pk, quantity=3)
    stock_set(product=product, stock=2)
    line = CartLine.objects.select_related("product").get(product=product)
    assert line.problem == SaleProblem.SHORT
    from catalog.exceptions import InsufficientStock

    with pytest.raises(InsufficientStock):
        order_place(user=customer, shipping_address="1 Dog Lane, Bark")
