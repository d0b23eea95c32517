"""Orders API (API.md O1–O7 and checkout): each endpoint's success and each error code."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from accounts.tests.factories import UserFactory
from catalog.models import Product
from catalog.tests.factories import ProductFactory
from sales.models import CartLine, Invoice, InvoiceStatus, Order, OrderStatus
from sales.services import cart_add, cart_for_user, invoice_set_status
from sales.tests.factories import order_in_status, place_order
from sales.tests.querycount import count_queries

pytestmark = pytest.mark.django_db

ORDERS = "/api/v1/orders/"
ADDRESS = "12 Cat Street, Meowtown"


def url(order, suffix=""):
    return f"/api/v1/orders/{order.pk}/{suffix}"


def fill_cart(user, product, quantity=1):
    cart_add(cart=cart_for_user(user=user), product_id=product.pk, quantity=quantity)


# --- O2 checkout ------------------------------------------------------------------------


def test_checkout_from_the_cart_makes_the_order_and_empties_the_cart(customer, customer_client):
    product = ProductFactory(price=Decimal("3.50"), stock=5)
    fill_cart(customer, product, 2)
    response = customer_client.post(ORDERS, {"shipping_address": ADDRESS})
    assert response.status_code == 201
    body = response.json()
    assert set(body) == {
        "id",
        "number",
        "user_id",
        "status",
        "items",
        "subtotal",
        "shipping_method",
        "shipping_cost",
        "tax",
        "total",
        "shipping_address",
        "invoice_id",
        "created_at",
        "updated_at",
        "delivered_at",
        "history",
    }
    assert (
        body["status"] == "pending" and body["total"] == "7.00" and body["user_id"] == customer.pk
    )
    assert body["items"] == [
        {
            "product_id": product.pk,
            "name": product.name,
            "sku": product.sku,
            "unit_price": "3.50",
            "quantity": 2,
            "line_total": "7.00",
            "tax_rate": "0.00",
            "tax": "0.00",
        }
    ]
    # No tax rate and no shipping method in the shop: the total is the goods, as before.
    assert (body["subtotal"], body["shipping_method"], body["shipping_cost"], body["tax"]) == (
        "7.00",
        None,
        "0.00",
        "0.00",
    )
    assert body["invoice_id"] == Invoice.objects.get(order_id=body["id"]).pk
    assert (
        body["history"][0]["to_status"] == "pending"
        and body["history"][0]["by"] == customer.username
    )
    assert Product.objects.get(pk=product.pk).stock == 3
    assert not CartLine.objects.filter(cart__user=customer).exists()


def test_buy_now_leaves_the_cart_alone(customer, customer_client):
    in_cart, bought = ProductFactory(), ProductFactory()
    fill_cart(customer, in_cart)
    response = customer_client.post(
        ORDERS, {"shipping_address": ADDRESS, "items": [{"product_id": bought.pk, "quantity": 2}]}
    )
    assert response.status_code == 201
    assert [i["product_id"] for i in response.json()["items"]] == [bought.pk]
    assert CartLine.objects.filter(cart__user=customer, product=in_cart).exists()


def test_checkout_of_an_empty_cart_is_400_cart_empty(customer_client):
    response = customer_client.post(ORDERS, {"shipping_address": ADDRESS})
    assert response.status_code == 400 and response.json()["code"] == "cart_empty"


def test_checkout_short_of_stock_is_409_listing_every_short_line(customer_client):
    a, b, fine = ProductFactory(stock=1), ProductFactory(stock=0), ProductFactory(stock=9)
    items = [
        {"product_id": a.pk, "quantity": 2},
        {"product_id": b.pk, "quantity": 1},
        {"product_id": fine.pk, "quantity": 1},
    ]
    response = customer_client.post(ORDERS, {"shipping_address": ADDRESS, "items": items})
    assert response.status_code == 409
    body = response.json()
    assert body["code"] == "insufficient_stock"
    assert sorted(body["items"], key=lambda i: i["product_id"]) == sorted(
        [
            {"product_id": a.pk, "requested": 2, "available": 1},
            {"product_id": b.pk, "requested": 1, "available": 0},
        ],
        key=lambda i: i["product_id"],
    )
    assert not Order.objects.exists()
    assert Product.objects.get(pk=fine.pk).stock == 9


def test_checkout_of_an_inactive_product_is_409_product_unavailable(customer, customer_client):
    product = ProductFactory()
    fill_cart(customer, product)
    Product.objects.filter(pk=product.pk).update(is_active=False)
    response = customer_client.post(ORDERS, {"shipping_address": ADDRESS})
    assert response.status_code == 409 and response.json()["code"] == "product_unavailable"


@pytest.mark.parametrize("address", ["", "abcd", "x" * 501])
def test_checkout_address_out_of_bounds_is_400(customer, customer_client, address, product):
    fill_cart(customer, product)
    response = customer_client.post(ORDERS, {"shipping_address": address})
    assert response.status_code == 400 and "shipping_address" in response.json()


def test_checkout_replay_with_the_same_key_returns_the_first_order(customer, customer_client):
    product = ProductFactory(stock=5)
    body = {"shipping_address": ADDRESS, "items": [{"product_id": product.pk, "quantity": 1}]}
    first = customer_client.post(ORDERS, body, HTTP_IDEMPOTENCY_KEY="key-1")
    again = customer_client.post(ORDERS, body, HTTP_IDEMPOTENCY_KEY="key-1")
    assert first.status_code == 201 and again.status_code == 200
    assert again.json()["id"] == first.json()["id"]
    assert Order.objects.count() == 1 and Product.objects.get(pk=product.pk).stock == 4


def test_checkout_key_reused_with_another_body_is_409(customer_client):
    product = ProductFactory(stock=5)
    items = [{"product_id": product.pk, "quantity": 1}]
    customer_client.post(
        ORDERS, {"shipping_address": ADDRESS, "items": items}, HTTP_IDEMPOTENCY_KEY="k"
    )
    response = customer_client.post(
        ORDERS, {"shipping_address": "Somewhere else 1", "items": items}, HTTP_IDEMPOTENCY_KEY="k"
    )
    assert response.status_code == 409 and response.json()["code"] == "idempotency_key_reused"


def test_the_same_key_from_another_user_is_a_new_order(customer_client, other_client):
    product = ProductFactory(stock=5)
    body = {"shipping_address": ADDRESS, "items": [{"product_id": product.pk, "quantity": 1}]}
    a = customer_client.post(ORDERS, body, HTTP_IDEMPOTENCY_KEY="shared")
    b = other_client.post(ORDERS, body, HTTP_IDEMPOTENCY_KEY="shared")
    assert a.status_code == b.status_code == 201 and a.json()["id"] != b.json()["id"]


def test_an_overlong_idempotency_key_is_400(customer_client, product):
    body = {"shipping_address": ADDRESS, "items": [{"product_id": product.pk, "quantity": 1}]}
    response = customer_client.post(ORDERS, body, HTTP_IDEMPOTENCY_KEY="k" * 300)
    assert response.status_code == 400
    assert not Order.objects.exists()


def test_checkout_ignores_total_status_and_owner_in_the_body(
    customer, other_customer, customer_client
):
    product = ProductFactory(price=Decimal("10.00"))
    body = {
        "shipping_address": ADDRESS,
        "items": [{"product_id": product.pk, "quantity": 1}],
        "total": "0.01",
        "status": "delivered",
        "user_id": other_customer.pk,
    }
    order = customer_client.post(ORDERS, body).json()
    assert (order["total"], order["status"], order["user_id"]) == ("10.00", "pending", customer.pk)


# --- O1 list, O3 detail ------------------------------------------------------------------


def test_customer_lists_only_own_orders_newest_first(customer, customer_client):
    older = place_order(user=customer)
    newer = place_order(user=customer)
    place_order()  # someone else's
    body = customer_client.get(ORDERS).json()
    assert [o["id"] for o in body["results"]] == [newer.pk, older.pk]


def test_admin_lists_everyones_orders_and_filters_by_user(
    customer, other_customer, admin_client_api
):
    place_order(user=customer)
    theirs = place_order(user=other_customer)
    assert admin_client_api.get(ORDERS).json()["count"] == 2
    body = admin_client_api.get(ORDERS, {"user": other_customer.pk}).json()
    assert [o["id"] for o in body["results"]] == [theirs.pk]


def test_orders_filter_by_status(customer, customer_client):
    pending = place_order(user=customer)
    order_in_status(OrderStatus.SHIPPED, user=customer)
    body = customer_client.get(ORDERS, {"status": "pending"}).json()
    assert [o["id"] for o in body["results"]] == [pending.pk]


def test_orders_filter_by_creation_dates(customer, customer_client):
    old, new = place_order(user=customer), place_order(user=customer)
    Order.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(days=10))
    since = (timezone.localdate() - timedelta(days=2)).isoformat()
    assert [
        o["id"] for o in customer_client.get(ORDERS, {"created_after": since}).json()["results"]
    ] == [new.pk]
    assert [
        o["id"] for o in customer_client.get(ORDERS, {"created_before": since}).json()["results"]
    ] == [old.pk]


@pytest.mark.parametrize(
    "params", [{"status": "lost"}, {"created_after": "yesterday"}, {"user": "me"}]
)
def test_orders_bad_filters_are_400(customer_client, params):
    assert customer_client.get(ORDERS, params).status_code == 400


def test_owner_and_admin_read_an_order_other_customer_gets_404(
    customer, customer_client, other_client, admin_client_api
):
    order = place_order(user=customer)
    assert customer_client.get(url(order)).json()["number"] == order.number
    assert admin_client_api.get(url(order)).status_code == 200
    assert other_client.get(url(order)).status_code == 404


def test_a_cancelled_orders_invoice_id_still_points_at_its_voided_invoice(
    customer, customer_client, admin_user
):
    order = order_in_status(OrderStatus.CANCELLED, user=customer)
    invoice_id = customer_client.get(url(order)).json()["invoice_id"]
    assert invoice_id == order.invoices.get().pk
    invoice = customer_client.get(f"/api/v1/invoices/{invoice_id}/").json()
    assert invoice["status"] == "cancelled"


# --- O4 address ----------------------------------------------------------------------------


def test_owner_changes_the_address_while_pending(customer, customer_client):
    order = place_order(user=customer)
    response = customer_client.patch(url(order), {"shipping_address": "7 New Road, Dogton"})
    assert (
        response.status_code == 200 and response.json()["shipping_address"] == "7 New Road, Dogton"
    )


def test_owner_cannot_change_the_address_once_confirmed(customer, customer_client):
    order = order_in_status(OrderStatus.CONFIRMED, user=customer)
    response = customer_client.patch(url(order), {"shipping_address": "7 New Road, Dogton"})
    assert response.status_code == 409 and response.json()["code"] == "invalid_transition"


def test_admin_changes_the_address_until_shipped(customer, admin_client_api):
    processing = order_in_status(OrderStatus.PROCESSING, user=customer)
    shipped = order_in_status(OrderStatus.SHIPPED, user=customer)
    assert (
        admin_client_api.patch(url(processing), {"shipping_address": "7 New Road"}).status_code
        == 200
    )
    response = admin_client_api.patch(url(shipped), {"shipping_address": "7 New Road"})
    assert response.status_code == 409 and response.json()["code"] == "invalid_transition"


def test_address_patch_cannot_touch_status_or_total(customer, customer_client):
    order = place_order(user=customer)
    customer_client.patch(
        url(order), {"shipping_address": "7 New Road", "status": "delivered", "total": "0"}
    )
    order.refresh_from_db()
    assert order.status == "pending" and order.total > 0


def test_address_too_short_is_400(customer, customer_client):
    assert (
        customer_client.patch(
            url(place_order(user=customer)), {"shipping_address": "x"}
        ).status_code
        == 400
    )


def test_put_on_an_order_is_405(customer, customer_client):
    response = customer_client.put(url(place_order(user=customer)), {"shipping_address": ADDRESS})
    assert response.status_code == 405


# --- O5 cancel -------------------------------------------------------------------------------


def test_owner_cancels_a_pending_order_restocking_it(customer, customer_client):
    product = ProductFactory(stock=5)
    order = place_order(user=customer, products=[product], quantity=2)
    response = customer_client.post(url(order, "cancel/"))
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "cancelled" and body["invoice_id"] == order.invoices.get().pk
    assert body["history"][-1] == {
        **body["history"][-1],
        "from_status": "pending",
        "to_status": "cancelled",
        "by": customer.username,
    }
    assert Product.objects.get(pk=product.pk).stock == 5
    assert Invoice.objects.get(order=order).status == InvoiceStatus.CANCELLED


def test_owner_cannot_cancel_a_processing_order_but_admin_can(
    customer, customer_client, admin_client_api
):
    order = order_in_status(OrderStatus.PROCESSING, user=customer)
    response = customer_client.post(url(order, "cancel/"))
    assert response.status_code == 409 and response.json()["code"] == "invalid_transition"
    assert admin_client_api.post(url(order, "cancel/")).status_code == 200


def test_nobody_cancels_a_shipped_order(customer, admin_client_api):
    order = order_in_status(OrderStatus.SHIPPED, user=customer)
    assert admin_client_api.post(url(order, "cancel/")).json()["code"] == "invalid_transition"


def test_cancelling_a_paid_order_refunds_its_invoice(customer, customer_client):
    order = place_order(user=customer)
    invoice_set_status(invoice=Invoice.objects.get(order=order), status=InvoiceStatus.PAID)
    customer_client.post(url(order, "cancel/"))
    invoice = Invoice.objects.get(order=order)
    assert invoice.status == InvoiceStatus.REFUNDED and invoice.amount_refunded == invoice.total


# --- O6 status -------------------------------------------------------------------------------


def test_admin_moves_an_order_forward_skipping_ahead(customer, admin_client_api, admin_user):
    order = place_order(user=customer)
    response = admin_client_api.patch(url(order, "status/"), {"status": "shipped"})
    assert response.status_code == 200
    assert response.json()["status"] == "shipped"
    assert response.json()["history"][-1]["by"] == admin_user.username


def test_admin_delivering_sets_delivered_at(customer, admin_client_api):
    order = order_in_status(OrderStatus.SHIPPED, user=customer)
    body = admin_client_api.patch(url(order, "status/"), {"status": "delivered"}).json()
    assert body["delivered_at"] is not None


def test_status_backwards_is_409(customer, admin_client_api):
    order = order_in_status(OrderStatus.SHIPPED, user=customer)
    response = admin_client_api.patch(url(order, "status/"), {"status": "confirmed"})
    assert response.status_code == 409 and response.json()["code"] == "invalid_transition"


def test_status_out_of_delivered_is_409(customer, admin_client_api):
    order = order_in_status(OrderStatus.DELIVERED, user=customer)
    assert admin_client_api.patch(url(order, "status/"), {"status": "cancelled"}).status_code == 409


def test_status_unknown_is_400(customer, admin_client_api):
    order = place_order(user=customer)
    assert (
        admin_client_api.patch(url(order, "status/"), {"status": "teleported"}).status_code == 400
    )


def test_status_cancelled_acts_as_cancel_and_restocks(customer, admin_client_api):
    product = ProductFactory(stock=4)
    order = order_in_status(OrderStatus.PROCESSING, user=customer, products=[product], quantity=3)
    response = admin_client_api.patch(url(order, "status/"), {"status": "cancelled"})
    assert response.status_code == 200 and response.json()["status"] == "cancelled"
    assert Product.objects.get(pk=product.pk).stock == 4


def test_customer_cannot_set_status(customer, customer_client):
    order = place_order(user=customer)
    assert customer_client.patch(url(order, "status/"), {"status": "confirmed"}).status_code == 403


# --- O7 delete -------------------------------------------------------------------------------


def test_admin_deletes_a_cancelled_order(customer, admin_client_api):
    order = order_in_status(OrderStatus.CANCELLED, user=customer)
    assert admin_client_api.delete(url(order)).status_code == 204
    assert not Order.objects.filter(pk=order.pk).exists()


def test_deleting_a_live_order_is_409(customer, admin_client_api):
    order = place_order(user=customer)
    response = admin_client_api.delete(url(order))
    assert response.status_code == 409 and response.json()["code"] == "invalid_transition"


def test_owner_cannot_delete_an_order(customer, customer_client):
    order = order_in_status(OrderStatus.CANCELLED, user=customer)
    assert customer_client.delete(url(order)).status_code == 403


# --- query counts -----------------------------------------------------------------------------


def _many_orders(user, n=8):
    for _ in range(n):
        place_order(user=user, products=[ProductFactory(), ProductFactory()])


def test_order_list_queries_do_not_grow_with_page_size(
    customer, customer_client, django_assert_max_num_queries
):
    _many_orders(customer)
    order_in_status(OrderStatus.SHIPPED, user=customer)
    small = count_queries(customer_client, ORDERS, page_size=5)
    large = count_queries(customer_client, ORDERS, page_size=50)
    assert small == large
    with django_assert_max_num_queries(8):
        customer_client.get(ORDERS, {"page_size": 50})


def test_admin_order_list_queries_do_not_grow_with_page_size(admin_client_api):
    for _ in range(4):
        _many_orders(UserFactory(), n=2)
    assert count_queries(admin_client_api, ORDERS, page_size=5) == count_queries(
        admin_client_api, ORDERS, page_size=50
    )


def test_order_detail_queries_do_not_grow_with_lines(customer, customer_client):
    small = place_order(user=customer)
    large = place_order(user=customer, products=[ProductFactory() for _ in range(10)])
    assert (
        count_queries(customer_client, url(small))
        == count_queries(customer_client, url(large))
        <= 8
    )


def test_buy_now_with_a_product_twice_is_400_and_takes_no_stock(customer_client):
    product = ProductFactory(stock=5)
    items = [{"product_id": product.pk, "quantity": 1}, {"product_id": product.pk, "quantity": 2}]
    response = customer_client.post(ORDERS, {"shipping_address": ADDRESS, "items": items})
    assert response.status_code == 400
    assert Product.objects.get(pk=product.pk).stock == 5 and not Order.objects.exists()


def test_buy_now_with_an_empty_list_is_400_cart_empty(customer_client):
    response = customer_client.post(ORDERS, {"shipping_address": ADDRESS, "items": []})
    assert response.status_code == 400 and response.json()["code"] == "cart_empty"
