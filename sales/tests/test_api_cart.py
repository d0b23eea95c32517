"""Cart API (API.md K1–K8): each endpoint's success and each error it lists."""

from decimal import Decimal

import pytest

from accounts.tests.factories import UserFactory
from catalog.tests.factories import ProductFactory
from sales.models import Cart, CartLine
from sales.services import cart_add, cart_for_user
from sales.tests.querycount import count_queries

pytestmark = pytest.mark.django_db

CART = "/api/v1/cart/"
ITEMS = "/api/v1/cart/items/"


def item_url(product_id):
    return f"/api/v1/cart/items/{product_id}/"


def fill(user, *products, quantity=1):
    cart = cart_for_user(user=user)
    for product in products:
        cart_add(cart=cart, product_id=product.pk, quantity=quantity)
    return cart


def test_get_cart_of_a_new_user_is_empty(customer_client):
    response = customer_client.get(CART)
    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"id", "items", "item_count", "total", "updated_at"}
    assert body["items"] == [] and body["item_count"] == 0 and body["total"] == "0.00"


def test_get_cart_shows_lines_with_current_prices(customer, customer_client):
    product = ProductFactory(price=Decimal("4.25"), stock=3)
    fill(customer, product, quantity=2)
    body = customer_client.get(CART).json()
    assert body["items"] == [
        {
            "product_id": product.pk,
            "name": product.name,
            "sku": product.sku,
            "unit_price": "4.25",
            "quantity": 2,
            "line_total": "8.50",
            "available": True,
        }
    ]
    assert body["item_count"] == 2 and body["total"] == "8.50"


def test_line_is_unavailable_when_stock_drops_below_it(customer, customer_client):
    product = ProductFactory(stock=5)
    fill(customer, product, quantity=4)
    type(product).objects.filter(pk=product.pk).update(stock=2)
    assert customer_client.get(CART).json()["items"][0]["available"] is False


def test_add_item_returns_201_with_the_cart_and_adds_up(customer_client, product):
    first = customer_client.post(ITEMS, {"product_id": product.pk, "quantity": 2})
    assert first.status_code == 201
    assert first.json()["item_count"] == 2
    second = customer_client.post(ITEMS, {"product_id": product.pk})  # quantity defaults to 1
    assert second.status_code == 201
    assert second.json()["items"][0]["quantity"] == 3


@pytest.mark.parametrize("quantity", [0, 51, -1])
def test_add_item_quantity_out_of_range_is_400(customer_client, product, quantity):
    response = customer_client.post(ITEMS, {"product_id": product.pk, "quantity": quantity})
    assert response.status_code == 400
    assert "quantity" in response.json()


def test_add_unknown_product_is_400(customer_client):
    response = customer_client.post(ITEMS, {"product_id": 999999, "quantity": 1})
    assert response.status_code == 400


def test_add_inactive_product_is_400(customer_client):
    product = ProductFactory(is_active=False)
    assert customer_client.post(ITEMS, {"product_id": product.pk}).status_code == 400


def test_add_above_stock_is_409_insufficient_stock(customer_client):
    product = ProductFactory(stock=2)
    response = customer_client.post(ITEMS, {"product_id": product.pk, "quantity": 3})
    assert response.status_code == 409
    body = response.json()
    assert body["code"] == "insufficient_stock"
    assert body["items"] == [{"product_id": product.pk, "requested": 3, "available": 2}]
    assert not CartLine.objects.exists()


def test_adding_up_beyond_50_is_400(customer, customer_client):
    product = ProductFactory(stock=100)
    fill(customer, product, quantity=50)
    assert customer_client.post(ITEMS, {"product_id": product.pk}).status_code == 400


def test_put_replaces_the_whole_cart(customer, customer_client):
    old, new_a, new_b = ProductFactory(), ProductFactory(), ProductFactory()
    fill(customer, old)
    response = customer_client.put(
        CART,
        {
            "items": [
                {"product_id": new_a.pk, "quantity": 2},
                {"product_id": new_b.pk, "quantity": 1},
            ]
        },
    )
    assert response.status_code == 200
    assert sorted(i["product_id"] for i in response.json()["items"]) == sorted([new_a.pk, new_b.pk])


def test_put_is_all_or_nothing_when_a_line_is_short(customer, customer_client):
    kept = ProductFactory()
    fill(customer, kept)
    short = ProductFactory(stock=1)
    response = customer_client.put(
        CART,
        {
            "items": [
                {"product_id": ProductFactory().pk, "quantity": 1},
                {"product_id": short.pk, "quantity": 5},
            ]
        },
    )
    assert response.status_code == 409 and response.json()["code"] == "insufficient_stock"
    assert list(CartLine.objects.values_list("product_id", flat=True)) == [kept.pk]


def test_put_with_a_duplicate_product_is_400(customer_client, product):
    response = customer_client.put(
        CART,
        {
            "items": [
                {"product_id": product.pk, "quantity": 1},
                {"product_id": product.pk, "quantity": 2},
            ]
        },
    )
    assert response.status_code == 400


def test_put_with_an_inactive_product_is_400(customer_client):
    product = ProductFactory(is_active=False)
    response = customer_client.put(CART, {"items": [{"product_id": product.pk, "quantity": 1}]})
    assert response.status_code == 400


def test_put_with_more_than_100_products_is_400(customer_client):
    items = [{"product_id": i, "quantity": 1} for i in range(1, 102)]
    assert customer_client.put(CART, {"items": items}).status_code == 400


def test_put_with_an_empty_list_empties_the_cart(customer, customer_client, product):
    fill(customer, product)
    response = customer_client.put(CART, {"items": []})
    assert response.status_code == 200 and response.json()["items"] == []


def test_delete_cart_empties_it(customer, customer_client, product):
    fill(customer, product)
    assert customer_client.delete(CART).status_code == 204
    assert not CartLine.objects.filter(cart__user=customer).exists()


def test_patch_item_sets_the_quantity(customer, customer_client, product):
    fill(customer, product)
    response = customer_client.patch(item_url(product.pk), {"quantity": 4})
    assert response.status_code == 200 and response.json()["items"][0]["quantity"] == 4


def test_patch_item_to_zero_removes_the_line(customer, customer_client, product):
    fill(customer, product)
    response = customer_client.patch(item_url(product.pk), {"quantity": 0})
    assert response.status_code == 200 and response.json()["items"] == []


def test_patch_item_above_stock_is_409(customer, customer_client):
    product = ProductFactory(stock=3)
    fill(customer, product)
    response = customer_client.patch(item_url(product.pk), {"quantity": 4})
    assert response.status_code == 409 and response.json()["code"] == "insufficient_stock"


def test_patch_item_not_in_cart_is_404(customer_client, product):
    assert customer_client.patch(item_url(product.pk), {"quantity": 1}).status_code == 404


def test_delete_item_is_204_then_404(customer, customer_client, product):
    fill(customer, product)
    assert customer_client.delete(item_url(product.pk)).status_code == 204
    assert customer_client.delete(item_url(product.pk)).status_code == 404


def test_admin_lists_only_non_empty_carts_with_user_id(
    customer, other_customer, admin_client_api, product
):
    fill(customer, product)
    cart_for_user(user=other_customer)  # empty: not listed
    body = admin_client_api.get("/api/v1/carts/").json()
    assert body["count"] == 1
    assert body["results"][0]["user_id"] == customer.pk


def test_admin_filters_carts_by_user(customer, other_customer, admin_client_api, product):
    fill(customer, product)
    fill(other_customer, product)
    body = admin_client_api.get("/api/v1/carts/", {"user": other_customer.pk}).json()
    assert [c["user_id"] for c in body["results"]] == [other_customer.pk]


def test_admin_reads_one_cart(customer, admin_client_api, product):
    cart = fill(customer, product)
    response = admin_client_api.get(f"/api/v1/carts/{cart.pk}/")
    assert response.status_code == 200 and response.json()["user_id"] == customer.pk


def test_admin_cart_detail_unknown_is_404(admin_client_api):
    assert admin_client_api.get("/api/v1/carts/987654/").status_code == 404


def test_customer_cannot_list_carts(customer_client):
    assert customer_client.get("/api/v1/carts/").status_code == 403


def test_anonymous_has_no_cart(api_client):
    assert api_client.get(CART).status_code == 401
    assert not Cart.objects.exists()


def test_admin_cart_list_queries_do_not_grow_with_page_size(
    admin_client_api, django_assert_max_num_queries
):
    for _ in range(8):
        fill(UserFactory(), ProductFactory(), ProductFactory())
    small = count_queries(admin_client_api, "/api/v1/carts/", page_size=5)
    large = count_queries(admin_client_api, "/api/v1/carts/", page_size=50)
    assert small == large
    with django_assert_max_num_queries(6):
        admin_client_api.get("/api/v1/carts/", {"page_size": 50})


def test_own_cart_queries_do_not_grow_with_lines(customer, customer_client):
    fill(customer, ProductFactory())
    one = count_queries(customer_client, CART)
    fill(customer, *[ProductFactory() for _ in range(10)])
    assert count_queries(customer_client, CART) == one <= 6


def test_admin_cart_detail_queries_do_not_grow_with_lines(
    customer, other_customer, admin_client_api
):
    small = fill(customer, ProductFactory())
    large = fill(other_customer, *[ProductFactory() for _ in range(10)])
    assert (
        count_queries(admin_client_api, f"/api/v1/carts/{small.pk}/")
        == count_queries(admin_client_api, f"/api/v1/carts/{large.pk}/")
        <= 5
    )
