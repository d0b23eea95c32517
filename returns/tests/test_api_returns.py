"""Returns API (API.md R1–R6): each endpoint's success and each error code."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from accounts.tests.factories import UserFactory
from catalog.models import Product
from catalog.tests.factories import ProductFactory
from returns.models import Return, ReturnStatus
from returns.services import return_set_status
from returns.tests.factories import request_return
from sales.models import MAX_LINE_QUANTITY, Invoice, InvoiceStatus, OrderStatus
from sales.services import invoice_set_status
from sales.tests.factories import order_in_status, place_order
from sales.tests.querycount import count_queries

pytestmark = pytest.mark.django_db

RETURNS = "/api/v1/returns/"


def url(ret, suffix=""):
    return f"/api/v1/returns/{ret.pk}/{suffix}"


def delivered(user, *, products=None, quantity=2, **kwargs):
    return order_in_status(
        OrderStatus.DELIVERED, user=user, products=products, quantity=quantity, **kwargs
    )


def body_for(order, quantity=1, reason="Too small", product=None):
    product_id = product.pk if product else order.lines.first().product_id
    return {
        "order_id": order.pk,
        "items": [{"product_id": product_id, "quantity": quantity, "reason": reason}],
    }


# --- R3 create -------------------------------------------------------------------------


def test_owner_requests_a_return_at_the_price_paid(customer, customer_client):
    product = ProductFactory(price=Decimal("8.00"))
    order = delivered(customer, products=[product])
    Product.objects.filter(pk=product.pk).update(price=Decimal("99.00"))
    response = customer_client.post(RETURNS, body_for(order, quantity=2))
    assert response.status_code == 201
    body = response.json()
    assert set(body) == {
        "id",
        "order_id",
        "user_id",
        "status",
        "items",
        "refund_shipping",
        "shipping_refund",
        "refund_total",
        "admin_notes",
        "created_at",
        "updated_at",
        "processed_at",
    }
    assert body["status"] == "requested" and body["user_id"] == customer.pk
    assert body["items"] == [
        {
            "product_id": product.pk,
            "name": product.name,
            "quantity": 2,
            "reason": "Too small",
            "unit_price": "8.00",
            "refund_amount": "16.00",
            "refund_tax": "0.00",
        }
    ]
    assert body["refund_total"] == "16.00"


def test_admin_requests_a_return_for_a_customer(customer, admin_client_api):
    order = delivered(customer)
    response = admin_client_api.post(RETURNS, body_for(order))
    assert response.status_code == 201 and response.json()["user_id"] == customer.pk


def test_other_customer_cannot_return_my_order(customer, other_client):
    assert other_client.post(RETURNS, body_for(delivered(customer))).status_code == 404


def test_unknown_order_is_404(customer_client):
    body = {"order_id": 987654, "items": [{"product_id": 1, "quantity": 1, "reason": "x"}]}
    assert customer_client.post(RETURNS, body).status_code == 404


def test_undelivered_order_is_409_order_not_delivered(customer, customer_client):
    order = order_in_status(OrderStatus.SHIPPED, user=customer)
    response = customer_client.post(RETURNS, body_for(order))
    assert response.status_code == 409 and response.json()["code"] == "order_not_delivered"


def test_closed_window_is_409_return_window_closed(customer, customer_client, settings):
    order = delivered(
        customer, delivered_at=timezone.now() - timedelta(days=settings.RETURN_WINDOW_DAYS + 1)
    )
    response = customer_client.post(RETURNS, body_for(order))
    assert response.status_code == 409 and response.json()["code"] == "return_window_closed"


def test_more_than_ordered_is_409_return_quantity_exceeded(customer, customer_client):
    order = delivered(customer, quantity=2)
    response = customer_client.post(RETURNS, body_for(order, quantity=3))
    assert response.status_code == 409 and response.json()["code"] == "return_quantity_exceeded"


@pytest.mark.parametrize("quantity", [MAX_LINE_QUANTITY + 1, 10**6])
def test_more_than_any_line_holds_is_409_return_quantity_exceeded_too(
    customer, customer_client, quantity
):
    # Above the cart's 50 a line cannot have been ordered: still "more than ordered"
    # (API.md R3), not a 400 from the input's shape.
    order = delivered(customer, quantity=2)
    response = customer_client.post(RETURNS, body_for(order, quantity=quantity))
    assert response.status_code == 409 and response.json()["code"] == "return_quantity_exceeded"
    assert response.json()["items"] == [
        {"product_id": order.lines.get().product_id, "requested": quantity, "returnable": 2}
    ]


def test_quantities_already_claimed_count(customer, customer_client):
    order = delivered(customer, quantity=2)
    assert customer_client.post(RETURNS, body_for(order, quantity=2)).status_code == 201
    response = customer_client.post(RETURNS, body_for(order, quantity=1))
    assert response.status_code == 409 and response.json()["code"] == "return_quantity_exceeded"


def test_rejected_returns_free_their_quantities(customer, customer_client):
    order = delivered(customer, quantity=2)
    ret = request_return(order=order, quantity=2)
    return_set_status(return_request=ret, status=ReturnStatus.REJECTED)
    assert customer_client.post(RETURNS, body_for(order, quantity=2)).status_code == 201


def test_a_product_not_in_the_order_is_400(customer, customer_client):
    order = delivered(customer)
    assert (
        customer_client.post(RETURNS, body_for(order, product=ProductFactory())).status_code == 400
    )


def test_a_product_twice_is_400(customer, customer_client):
    order = delivered(customer, quantity=4)
    item = body_for(order)["items"][0]
    response = customer_client.post(RETURNS, {"order_id": order.pk, "items": [item, item]})
    assert response.status_code == 400


@pytest.mark.parametrize("reason", ["", "x" * 501])
def test_reason_out_of_bounds_is_400(customer, customer_client, reason):
    assert (
        customer_client.post(RETURNS, body_for(delivered(customer), reason=reason)).status_code
        == 400
    )


@pytest.mark.parametrize("items", [[], "all of it", None])
def test_items_must_be_a_non_empty_list(customer, customer_client, items):
    order = delivered(customer)
    assert customer_client.post(RETURNS, {"order_id": order.pk, "items": items}).status_code == 400


def test_status_in_the_body_is_ignored(customer, customer_client):
    body = {**body_for(delivered(customer)), "status": "processed", "refund_total": "1000.00"}
    response = customer_client.post(RETURNS, body).json()
    assert response["status"] == "requested" and response["refund_total"] != "1000.00"


# --- R1 list, R2 detail ---------------------------------------------------------------------


def test_customer_lists_own_returns_admin_all(
    customer, other_customer, customer_client, admin_client_api
):
    mine = request_return(order=delivered(customer))
    request_return(order=delivered(other_customer))
    assert [r["id"] for r in customer_client.get(RETURNS).json()["results"]] == [mine.pk]
    assert admin_client_api.get(RETURNS).json()["count"] == 2


def test_returns_filter_by_status_and_order(customer, customer_client):
    first_order, second_order = delivered(customer), delivered(customer)
    first = request_return(order=first_order)
    second = request_return(order=second_order)
    return_set_status(return_request=second, status=ReturnStatus.APPROVED)
    assert [
        r["id"] for r in customer_client.get(RETURNS, {"status": "approved"}).json()["results"]
    ] == [second.pk]
    assert [
        r["id"] for r in customer_client.get(RETURNS, {"order": first_order.pk}).json()["results"]
    ] == [first.pk]


def test_other_customer_cannot_read_my_return(customer, customer_client, other_client):
    ret = request_return(order=delivered(customer))
    assert customer_client.get(url(ret)).status_code == 200
    assert other_client.get(url(ret)).status_code == 404


# --- R4 edit ---------------------------------------------------------------------------------


def test_admin_edits_a_requested_return(customer, admin_client_api):
    order = delivered(customer, quantity=3)
    ret = request_return(order=order, quantity=1)
    response = admin_client_api.patch(
        url(ret), {**body_for(order, quantity=3, reason="Broken"), "admin_notes": "ok"}
    )
    assert response.status_code == 200
    body = response.json()
    assert body["items"][0]["quantity"] == 3 and body["admin_notes"] == "ok"


def test_editing_beyond_the_order_is_409(customer, admin_client_api):
    order = delivered(customer, quantity=2)
    ret = request_return(order=order)
    response = admin_client_api.patch(url(ret), {"items": body_for(order, quantity=5)["items"]})
    assert response.status_code == 409 and response.json()["code"] == "return_quantity_exceeded"


def test_editing_an_approved_return_is_409(customer, admin_client_api):
    ret = request_return(order=delivered(customer))
    return_set_status(return_request=ret, status=ReturnStatus.APPROVED)
    response = admin_client_api.patch(url(ret), {"admin_notes": "late"})
    assert response.status_code == 409 and response.json()["code"] == "invalid_transition"


def test_customer_cannot_edit_a_return(customer, customer_client):
    ret = request_return(order=delivered(customer))
    assert customer_client.patch(url(ret), {"admin_notes": "please"}).status_code == 403


# --- R5 status ------------------------------------------------------------------------------


def test_processing_restocks_and_credits_the_invoice(customer, admin_client_api):
    product = ProductFactory(stock=10, price=Decimal("5.00"))
    order = delivered(customer, products=[product], quantity=2)
    invoice_set_status(invoice=Invoice.objects.live().get(order=order), status=InvoiceStatus.PAID)
    ret = request_return(order=order, quantity=2)
    assert admin_client_api.patch(url(ret, "status/"), {"status": "approved"}).status_code == 200
    response = admin_client_api.patch(
        url(ret, "status/"), {"status": "processed", "admin_notes": "done"}
    )
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "processed" and body["processed_at"] and body["admin_notes"] == "done"
    assert Product.objects.get(pk=product.pk).stock == 10
    invoice = Invoice.objects.get(order=order)
    assert invoice.amount_refunded == Decimal("10.00") and invoice.status == InvoiceStatus.REFUNDED


def test_rejecting_a_requested_return(customer, admin_client_api):
    ret = request_return(order=delivered(customer))
    body = admin_client_api.patch(
        url(ret, "status/"), {"status": "rejected", "admin_notes": "worn"}
    ).json()
    assert body["status"] == "rejected" and body["admin_notes"] == "worn"


@pytest.mark.parametrize("target", ["processed", "requested"])
def test_forbidden_return_moves_are_409(customer, admin_client_api, target):
    ret = request_return(order=delivered(customer))
    response = admin_client_api.patch(url(ret, "status/"), {"status": target})
    assert response.status_code == 409 and response.json()["code"] == "invalid_transition"


def test_unknown_return_status_is_400(customer, admin_client_api):
    ret = request_return(order=delivered(customer))
    assert admin_client_api.patch(url(ret, "status/"), {"status": "lost"}).status_code == 400


# --- R6 delete -------------------------------------------------------------------------------


def test_owner_withdraws_a_requested_return(customer, customer_client):
    ret = request_return(order=delivered(customer))
    assert customer_client.delete(url(ret)).status_code == 204
    assert not Return.objects.filter(pk=ret.pk).exists()


def test_owner_cannot_withdraw_a_rejected_return_admin_can(
    customer, customer_client, admin_client_api
):
    ret = request_return(order=delivered(customer))
    return_set_status(return_request=ret, status=ReturnStatus.REJECTED)
    response = customer_client.delete(url(ret))
    assert response.status_code == 409 and response.json()["code"] == "invalid_transition"
    assert admin_client_api.delete(url(ret)).status_code == 204


def test_nobody_deletes_an_approved_return(customer, admin_client_api):
    ret = request_return(order=delivered(customer))
    return_set_status(return_request=ret, status=ReturnStatus.APPROVED)
    assert admin_client_api.delete(url(ret)).status_code == 409


def test_other_customer_cannot_delete_my_return(customer, other_client):
    ret = request_return(order=delivered(customer))
    assert other_client.delete(url(ret)).status_code == 404
    assert Return.objects.filter(pk=ret.pk).exists()


# --- query counts -------------------------------------------------------------------------------


def test_return_list_queries_do_not_grow_with_page_size(
    customer, customer_client, admin_client_api
):
    for _ in range(7):
        order = delivered(customer, products=[ProductFactory(), ProductFactory()])
        request_return(order=order)
    request_return(order=delivered(UserFactory()))
    for client in (customer_client, admin_client_api):
        small = count_queries(client, RETURNS, page_size=5)
        assert small == count_queries(client, RETURNS, page_size=50) <= 6


def test_return_detail_query_count(customer, customer_client, django_assert_max_num_queries):
    ret = request_return(order=delivered(customer))
    with django_assert_max_num_queries(5):
        assert customer_client.get(url(ret)).status_code == 200


def test_place_order_fixture_is_not_returnable(customer, customer_client):
    # A pending order (the checkout default) cannot be returned: guards the helper above.
    assert customer_client.post(RETURNS, body_for(place_order(user=customer))).status_code == 409
