"""Checkout answers with the order it just wrote, without reading it back: the answer
must be exactly what a fresh read of that order gives."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from catalog.tests.factories import ProductFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("from_cart", [False, True])
def test_checkout_answer_is_what_a_fresh_read_gives(customer_client, from_cart):
    products = [ProductFactory(stock=10) for _ in range(3)]
    items = [{"product_id": p.pk, "quantity": n + 1} for n, p in enumerate(products)]
    body = {"shipping_address": "1 Fresh Lane, Readville"}
    if from_cart:
        for item in items:
            customer_client.post("/api/v1/cart/items/", item, format="json")
    else:
        body["items"] = items
    placed = customer_client.post("/api/v1/orders/", body, format="json")
    assert placed.status_code == 201, placed.content
    fresh = customer_client.get(f"/api/v1/orders/{placed.json()['id']}/")
    assert placed.json() == fresh.json()
    assert placed.json()["invoice_id"] is not None
    assert [i["quantity"] for i in placed.json()["items"]] == [1, 2, 3]


def test_checkout_does_not_read_the_new_order_back(customer_client):
    product = ProductFactory(stock=10)
    body = {
        "shipping_address": "1 Fresh Lane, Readville",
        "items": [{"product_id": product.pk, "quantity": 1}],
    }
    with CaptureQueriesContext(connection) as ctx:
        assert customer_client.post("/api/v1/orders/", body, format="json").status_code == 201
    reads_after_commit = (
        [
            q["sql"]
            for q in ctx.captured_queries[
                [q["sql"] for q in ctx.captured_queries].index("COMMIT") + 1 :
            ]
        ]
        if any(q["sql"] == "COMMIT" for q in ctx.captured_queries)
        else []
    )
    assert not [sql for sql in reads_after_commit if "sales_order" in sql]
    assert not [q for q in ctx.captured_queries if q["sql"].startswith('SELECT "sales_orderline"')]
