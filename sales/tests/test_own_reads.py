"""The customer's own reads (issue 14): the plain-dict documents render exactly what the
serializers rendered, every read costs the same queries for 1 row or 20, and a cached
read answers what the full path answered, headers included."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.utils import timezone
from rest_framework.renderers import JSONRenderer

from accounts.tests.factories import AdminFactory, UserFactory
from catalog.models import Product
from catalog.tests.factories import ProductFactory
from returns.api.representations import return_documents
from returns.api.serializers import ReturnSerializer
from returns.models import Return
from returns.services import return_request, return_set_status
from sales.api.representations import (
    cart_document,
    carts_with_lines,
    invoice_documents,
    order_documents,
    own_cart_document,
    own_cart_rows,
    placed_order_document,
)
from sales.api.serializers import CartSerializer, InvoiceSerializer, OrderSerializer
from sales.models import CartLine, Invoice, Order, OrderStatus, ShippingMethod, TaxRate
from sales.services import (
    cart_add,
    cart_for_user,
    guest_orders_claim,
    invoice_set_status,
    order_cancel,
    order_place,
    order_set_status,
)
from sales.services.guest_orders import claim_token

pytestmark = pytest.mark.django_db

D = Decimal
render = JSONRenderer().render


@pytest.fixture
def rich(customer):
    """Orders of every shape: tax and shipping, cancelled (voided invoice) and re-billed,
    delivered with a processed return refunding shipping, a claimed guest order, history
    by a deleted admin; a cart with an unavailable and a short line."""
    admin, gone = AdminFactory(), AdminFactory()
    products = [ProductFactory(price=D(p), stock=50) for p in ("3.33", "19.99", "0.10")]
    items = [{"product_id": p.pk, "quantity": q} for p, q in zip(products, (3, 1, 7), strict=True)]
    address = "Ann Example\n1 Rich Road\nTestville 1234"
    untaxed = order_place(user=customer, shipping_address=address, items=items)
    TaxRate.objects.create(rate=D("20.00"))
    method = ShippingMethod.objects.create(
        name="Standard", price=D("4.90"), free_above=D("500.00"), estimated_days=3
    )
    taxed = [
        order_place(user=customer, shipping_address=address, items=items, shipping_method=method.pk)
        for _ in range(2)
    ]
    orders = [taxed[0], taxed[1], untaxed, taxed[0]]
    order_cancel(order=orders[1].order, by=customer)
    delivered = order_set_status(order=orders[2].order, status=OrderStatus.DELIVERED, by=gone)
    ret = return_request(
        order=delivered, items=[{"product_id": products[2].pk, "quantity": 4, "reason": "Bad"}]
    )
    return_set_status(return_request=ret, status="approved", by=admin)
    return_set_status(return_request=ret, status="processed", refund_shipping=True, by=admin)
    invoice = orders[3].order.invoices.get()
    Invoice.objects.filter(pk=invoice.pk).update(due_date=timezone.localdate() - timedelta(1))
    invoice_set_status(invoice=Invoice.objects.get(pk=invoice.pk), status="paid", by=admin)
    guest = order_place(
        guest_email=customer.email,
        shipping_address=address,
        items=items,
        shipping_method=method.pk,
    )
    guest_orders_claim(user=customer, token=claim_token(customer))
    gone.delete()  # the history keeps the entry, with `by` null
    overdue = order_place(
        user=customer, shipping_address=address, items=items[:1], shipping_method=method.pk
    ).order
    Invoice.objects.filter(order=overdue).update(due_date=timezone.localdate() - timedelta(3))
    cart = cart_for_user(user=customer)
    for product, quantity in zip(products, (2, 1, 9), strict=True):
        cart_add(cart=cart, product_id=product.pk, quantity=quantity)
    products[1].is_active = False
    products[1].save()
    products[2].stock = 5
    products[2].save()
    assert guest.order.pk in Order.objects.filter(user=customer).values_list("pk", flat=True)
    return customer


def test_order_documents_render_the_serializers_bytes(rich):
    orders = list(Order.objects.filter(user=rich))
    expected = OrderSerializer(Order.objects.filter(user=rich).with_details(), many=True).data
    assert len(orders) == 5
    assert render(order_documents(orders)) == render(expected)


@pytest.mark.parametrize("shipped", [False, True], ids=["untaxed", "tax and shipping"])
def test_a_new_orders_document_renders_the_serializers_bytes_without_a_query(
    customer, shipped, django_assert_num_queries
):
    products = [ProductFactory(price=D(p), stock=50) for p in ("3.33", "19.99")]
    items = [{"product_id": p.pk, "quantity": q} for p, q in zip(products, (3, 1), strict=True)]
    method = None
    if shipped:
        TaxRate.objects.create(rate=D("20.00"))
        method = ShippingMethod.objects.create(name="Standard", price=D("4.90"), estimated_days=3)
    placed = order_place(
        user=customer,
        shipping_address="1 New Road, Testville",
        items=items,
        shipping_method=method and method.pk,
    )
    with django_assert_num_queries(0):
        document = placed_order_document(placed)
    order = Order.objects.with_details().get(pk=placed.order.pk)
    assert render(document) == render(OrderSerializer(order).data)


def test_invoice_documents_render_the_serializers_bytes(rich):
    invoices = list(Invoice.objects.filter(order__user=rich).select_related("order"))
    assert {i.is_overdue for i in invoices} == {True, False}
    expected = InvoiceSerializer(invoices, many=True).data
    assert render(invoice_documents(invoices)) == render(expected)


def test_return_documents_render_the_serializers_bytes(rich):
    returns = list(Return.objects.filter(order__user=rich).with_details())
    expected = ReturnSerializer(returns, many=True).data
    assert render(return_documents(returns)) == render(expected)


def test_cart_document_renders_the_serializers_bytes(rich, client_for):
    cart = carts_with_lines().get(user=rich)
    assert {line.available for line in cart.lines.all()} == {True, False}
    expected = render(CartSerializer(carts_with_lines().get(user=rich)).data)
    assert render(cart_document(cart)) == expected
    assert render(own_cart_document(own_cart_rows(rich))) == expected
    assert client_for(rich).get("/api/v1/cart/").content == expected


@pytest.mark.parametrize("url", ["/api/v1/orders/", "/api/v1/invoices/", "/api/v1/returns/"])
def test_the_api_lists_render_the_serializers_bytes(rich, client_for, url):
    reference = {
        "/api/v1/orders/": lambda: (
            OrderSerializer(Order.objects.filter(user=rich).with_details(), many=True).data
        ),
        "/api/v1/invoices/": lambda: (
            InvoiceSerializer(
                Invoice.objects.filter(order__user=rich).select_related("order"), many=True
            ).data
        ),
        "/api/v1/returns/": lambda: (
            ReturnSerializer(Return.objects.filter(order__user=rich).with_details(), many=True).data
        ),
    }[url]()
    client = client_for(rich)
    for _ in ("computed", "cached"):
        body = client.get(url).content
        assert body.endswith(b',"results":' + render(reference) + b"}")


@pytest.mark.parametrize(
    ("is_active", "stock", "quantity", "available"),
    [(True, 5, 5, True), (True, 5, 6, False), (True, 0, 1, False), (False, 9, 1, False)],
    ids=["sellable", "short", "out of stock", "withdrawn"],
)
def test_the_api_cart_line_says_what_the_cart_line_model_says(
    customer, client_for, is_active, stock, quantity, available
):
    """The API reads plain column values; its `available`, price and total are the model
    properties' rules (one function each), whatever the sale problem."""
    product = ProductFactory(price=D("2.35"), stock=50)
    cart = cart_for_user(user=customer)
    cart_add(cart=cart, product_id=product.pk, quantity=quantity)
    Product.objects.filter(pk=product.pk).update(is_active=is_active, stock=stock)
    line = CartLine.objects.select_related("product").get(cart=cart)

    [item] = client_for(customer).get("/api/v1/cart/").json()["items"]

    assert item["available"] is line.available is available
    assert (item["unit_price"], item["line_total"]) == ("2.35", f"{line.line_total:.2f}")


# --- Query counts: as many for 1 row as for 20 ------------------------------------------


def _shop(count: int):
    user, admin = UserFactory(), AdminFactory()
    products = [ProductFactory(stock=1000) for _ in range(count)]
    for i in range(count):
        order = order_place(
            user=user,
            shipping_address="1 Count Road, Sumtown",
            items=[{"product_id": products[i].pk, "quantity": 2}],
        ).order
        order = order_set_status(order=order, status=OrderStatus.DELIVERED, by=admin)
        return_request(
            order=order, items=[{"product_id": products[i].pk, "quantity": 1, "reason": "x"}]
        )
    big = order_place(
        user=user,
        shipping_address="1 Count Road, Sumtown",
        items=[{"product_id": p.pk, "quantity": 1} for p in products],
    ).order
    cart = cart_for_user(user=user)
    for product in products:
        cart_add(cart=cart, product_id=product.pk, quantity=1)
    return user, big


# Every read's queries, pinned: the token's user, then (computed) the page count, the
# rows, and one query per kind of detail (an order's lines, history, invoices; a
# return's lines); a cart is its lines with cart and products in one. A hit is the
# token's user alone; the cart, whose availability follows every stock change, is never
# cached.
QUERIES = {
    "computed": {"orders": 6, "order": 5, "invoices": 3, "returns": 4, "cart": 2},
    "cached": {"orders": 1, "order": 1, "invoices": 1, "returns": 1, "cart": 2},
}


@pytest.mark.parametrize("mode", ["computed", "cached"])
@pytest.mark.parametrize("size", [1, 20])
def test_each_own_read_costs_the_same_queries_for_1_row_or_20(
    client_for, django_assert_num_queries, mode, size
):
    user, big = _shop(size)
    client = client_for(user)
    urls = {
        "orders": "/api/v1/orders/",
        "order": f"/api/v1/orders/{big.pk}/",
        "invoices": "/api/v1/invoices/",
        "returns": "/api/v1/returns/",
        "cart": "/api/v1/cart/",
    }
    for name, url in urls.items():
        client.get(url)  # the cart exists; the cached case reads this entry back
        if mode == "computed":
            cache.clear()
        with django_assert_num_queries(QUERIES[mode][name]):
            response = client.get(url)
        assert response.status_code == 200
        rows = response.json().get("results", response.json().get("items"))
        assert rows is None or len(rows) in (size, size + 1)  # the orders list: + the big one


def test_a_cached_read_answers_the_full_paths_bytes_and_headers(rich, client_for):
    client = client_for(rich)
    for url in ("/api/v1/orders/", "/api/v1/invoices/?status=paid", "/api/v1/returns/"):
        cache.clear()
        computed, cached = client.get(url), client.get(url)
        assert cached.content == computed.content
        per_request = {"X-Request-ID"}
        assert {k: v for k, v in cached.headers.items() if k not in per_request} == {
            k: v for k, v in computed.headers.items() if k not in per_request
        }
