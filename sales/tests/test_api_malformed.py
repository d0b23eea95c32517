"""No input, however malformed, produces a 500 (API.md, Conventions): a table of bad
bodies, query strings and paths thrown at every endpoint of the cart, orders, invoices
and returns API. Every answer must be a JSON 4xx."""

import json

import pytest

from returns.tests.factories import request_return
from sales.models import OrderStatus
from sales.services import cart_add, cart_for_user
from sales.tests.factories import order_in_status, place_order

pytestmark = pytest.mark.django_db

HUGE = 10**30
BAD_INT = ["abc", None, [], {}, HUGE, -HUGE, -1, 0, 1.5, True, "", "1e3", "x" * 10_000]
BAD_TEXT = [None, [], {}, True, "x" * 10_001]  # for free text where "" is allowed
BAD_STRING = [*BAD_TEXT, ""]
BAD_STATUS = ["teleported", None, [], {}, 123, True, ""]
BAD_DATE = ["yesterday", "2026-13-45", "99999-01-01", 20260101, None, [], ""]
BAD_LIST = [
    "not a list",
    None,
    {},
    5,
    [None],
    [1, 2],
    [[]],
    ["x"],
    [{"product_id": "x", "quantity": 1}],
]
BAD_BODIES = ['{"items": ', "null", "[]", '"text"', "123", "true", "{", "\x00\x01", '{"a":' * 2000]


def _ids(objects):
    """The objects every endpoint needs: a customer's cart line, orders, an invoice, a return."""
    customer = objects["customer"]
    product = objects["product"]
    cart_add(cart=cart_for_user(user=customer), product_id=product.pk, quantity=1)
    order = place_order(user=customer, products=[product])
    delivered = order_in_status(OrderStatus.DELIVERED, user=customer, quantity=2)
    ret = request_return(order=delivered)
    return {
        "product": product.pk,
        "order": order.pk,
        "invoice": order.invoices.get().pk,
        "delivered": delivered.pk,
        "delivered_product": delivered.lines.first().product_id,
        "return": ret.pk,
    }


def line(pid):
    return {"product_id": pid, "quantity": 1}


# (who, method, path, valid body, {field: bad values}); {name} are filled from _ids().
WRITE_ENDPOINTS = [
    (
        "customer",
        "put",
        "/api/v1/cart/",
        lambda i: {"items": [line(i["product"])]},
        {"items": BAD_LIST},
    ),
    (
        "customer",
        "post",
        "/api/v1/cart/items/",
        lambda i: line(i["product"]),
        {"product_id": BAD_INT, "quantity": BAD_INT + [51]},
    ),
    (
        "customer",
        "patch",
        "/api/v1/cart/items/{product}/",
        lambda i: {"quantity": 2},
        {"quantity": [q for q in BAD_INT if q != 0] + [51]},
    ),
    (
        "customer",
        "post",
        "/api/v1/orders/",
        lambda i: {"shipping_address": "1 Dog Lane", "items": [line(i["product"])]},
        {"shipping_address": BAD_STRING + ["abc"], "items": BAD_LIST},
    ),
    (
        "customer",
        "patch",
        "/api/v1/orders/{order}/",
        lambda i: {"shipping_address": "1 Dog Lane"},
        {"shipping_address": BAD_STRING},
    ),
    (
        "admin",
        "patch",
        "/api/v1/orders/{order}/status/",
        lambda i: {"status": "confirmed"},
        {"status": BAD_STATUS},
    ),
    (
        "admin",
        "post",
        "/api/v1/invoices/",
        lambda i: {"order_id": i["order"]},
        {"order_id": BAD_INT, "due_date": BAD_DATE},
    ),
    (
        "admin",
        "patch",
        "/api/v1/invoices/{invoice}/",
        lambda i: {"notes": "n"},
        {"due_date": BAD_DATE, "notes": BAD_TEXT},
    ),
    (
        "admin",
        "patch",
        "/api/v1/invoices/{invoice}/status/",
        lambda i: {"status": "paid"},
        {"status": BAD_STATUS, "payment_reference": [None, [], {}, True, "x" * 101]},
    ),
    (
        "customer",
        "post",
        "/api/v1/returns/",
        lambda i: {
            "order_id": i["delivered"],
            "items": [{"product_id": i["delivered_product"], "quantity": 1, "reason": "r"}],
        },
        {
            "order_id": BAD_INT,
            "items": BAD_LIST + [[{"product_id": 1, "quantity": 1, "reason": ""}]],
        },
    ),
    (
        "admin",
        "patch",
        "/api/v1/returns/{return}/",
        lambda i: {"admin_notes": "n"},
        {"items": BAD_LIST + [[]], "admin_notes": BAD_TEXT},
    ),
    (
        "admin",
        "patch",
        "/api/v1/returns/{return}/status/",
        lambda i: {"status": "approved"},
        {"status": BAD_STATUS, "admin_notes": BAD_TEXT},
    ),
]


@pytest.fixture
def clients(customer, customer_client, admin_client_api, product):
    ids = _ids({"customer": customer, "product": product})
    return {"customer": customer_client, "admin": admin_client_api}, ids


def _send(client, method, path, raw: str, content_type="application/json"):
    return getattr(client, method)(path, data=raw, content_type=content_type)


def _assert_json_4xx(response, what):
    assert 400 <= response.status_code < 500, (
        f"{what} → {response.status_code} {response.content[:200]!r}"
    )
    assert response["Content-Type"].startswith("application/json"), what
    json.loads(response.content)


@pytest.mark.parametrize(
    "who,method,path,valid,bad_fields",
    WRITE_ENDPOINTS,
    ids=[f"{m.upper()} {p}" for _, m, p, _, _ in WRITE_ENDPOINTS],
)
def test_malformed_bodies_are_json_4xx(clients, who, method, path, valid, bad_fields):
    by_role, ids = clients
    client, url = by_role[who], path.format(**ids)
    body = valid(ids)
    for raw in BAD_BODIES:
        _assert_json_4xx(_send(client, method, url, raw), f"{method} {url} body {raw[:30]!r}")
    _assert_json_4xx(
        _send(client, method, url, "shipping_address=x", "application/x-www-form-urlencoded"),
        "form body",
    )
    _assert_json_4xx(_send(client, method, url, json.dumps(body), "text/plain"), "text/plain body")
    for field, values in bad_fields.items():
        for value in values:
            raw = json.dumps({**body, field: value})
            _assert_json_4xx(
                _send(client, method, url, raw), f"{method} {url} {field}={str(value)[:40]!r}"
            )


@pytest.mark.parametrize(
    "who,path,params",
    [
        ("customer", "/api/v1/orders/", {"page": "abc"}),
        ("customer", "/api/v1/orders/", {"page": "-1"}),
        ("customer", "/api/v1/orders/", {"page": str(HUGE)}),
        ("customer", "/api/v1/orders/", {"status": "lost"}),
        ("customer", "/api/v1/orders/", {"created_after": "soon"}),
        ("customer", "/api/v1/orders/", {"created_before": "2026-02-30"}),
        ("admin", "/api/v1/orders/", {"user": "abc"}),
        ("admin", "/api/v1/orders/", {"user": str(HUGE)}),
        ("admin", "/api/v1/orders/", {"user": "1.5"}),
        ("customer", "/api/v1/invoices/", {"overdue": "perhaps"}),
        ("customer", "/api/v1/invoices/", {"status": "x"}),
        ("admin", "/api/v1/invoices/", {"user": "-3"}),
        ("customer", "/api/v1/returns/", {"order": "abc"}),
        ("customer", "/api/v1/returns/", {"order": str(HUGE)}),
        ("customer", "/api/v1/returns/", {"status": "x"}),
        ("admin", "/api/v1/carts/", {"user": "abc"}),
        ("admin", "/api/v1/carts/", {"page": "0"}),
    ],
)
def test_malformed_query_strings_are_json_4xx(clients, who, path, params):
    by_role, _ = clients
    _assert_json_4xx(by_role[who].get(path, params), f"{path}?{params}")


@pytest.mark.parametrize("path", ["/api/v1/orders/", "/api/v1/invoices/", "/api/v1/returns/"])
def test_a_huge_page_size_is_capped_at_100(clients, path):
    by_role, _ = clients
    response = by_role["customer"].get(path, {"page_size": str(10**9)})
    assert response.status_code == 200


@pytest.mark.parametrize(
    "who,method,path",
    [
        ("customer", "get", "/api/v1/orders/abc/"),
        ("customer", "get", f"/api/v1/orders/{HUGE}/"),
        ("customer", "get", "/api/v1/orders/-1/"),
        ("customer", "post", f"/api/v1/orders/{HUGE}/cancel/"),
        ("customer", "get", "/api/v1/invoices/1.5/"),
        ("customer", "get", f"/api/v1/invoices/{HUGE}/"),
        ("customer", "get", "/api/v1/returns/abc/"),
        ("customer", "delete", f"/api/v1/returns/{HUGE}/"),
        ("customer", "patch", "/api/v1/cart/items/abc/"),
        ("customer", "patch", f"/api/v1/cart/items/{HUGE}/"),
        ("customer", "delete", f"/api/v1/cart/items/{HUGE}/"),
        ("admin", "get", f"/api/v1/carts/{HUGE}/"),
        ("admin", "patch", f"/api/v1/orders/{HUGE}/status/"),
        ("admin", "delete", f"/api/v1/invoices/{HUGE}/"),
    ],
)
def test_non_numeric_and_huge_ids_are_json_404(clients, who, method, path):
    by_role, _ = clients
    if method == "get":
        response = by_role[who].get(path)
    else:
        body = json.dumps({"quantity": 1, "status": "confirmed"})
        response = getattr(by_role[who], method)(path, data=body, content_type="application/json")
    assert response.status_code == 404, f"{method} {path} → {response.status_code}"
    _assert_json_4xx(response, path)


def test_an_unsupported_method_is_a_json_405(clients):
    by_role, ids = clients
    _assert_json_4xx(by_role["customer"].put(f"/api/v1/orders/{ids['order']}/", {}), "PUT order")
    _assert_json_4xx(by_role["customer"].post("/api/v1/cart/items/1/", {}), "POST cart item")


@pytest.mark.parametrize("debug", [False, True])
@pytest.mark.parametrize(
    "method,path",
    [
        ("get", "/api/v1/nothing-here/"),
        ("post", "/api/v1/orders"),
        ("get", "/api/v1/orders/abc/"),
        ("delete", "/api/v1/cart/items/x/"),
    ],
)
def test_unknown_api_paths_are_json_404_even_with_debug_on(
    customer_client, settings, debug, method, path
):
    settings.DEBUG = debug
    response = getattr(customer_client, method)(path)
    _assert_json_4xx(response, path)
    assert response.status_code == 404
    if path == "/api/v1/orders":
        assert "end with a slash" in response.json()["detail"]


@pytest.mark.parametrize(
    "who,path",
    [
        ("customer", "/api/v1/cart/"),
        ("customer", "/api/v1/cart/items/"),
        ("customer", "/api/v1/cart/items/{product}/"),
        ("admin", "/api/v1/carts/"),
        ("customer", "/api/v1/orders/"),
        ("customer", "/api/v1/orders/{order}/"),
        ("customer", "/api/v1/orders/{order}/cancel/"),
        ("admin", "/api/v1/orders/{order}/status/"),
        ("customer", "/api/v1/invoices/"),
        ("admin", "/api/v1/invoices/{invoice}/"),
        ("admin", "/api/v1/invoices/{invoice}/status/"),
        ("customer", "/api/v1/returns/"),
        ("admin", "/api/v1/returns/{return}/"),
        ("admin", "/api/v1/returns/{return}/status/"),
    ],
)
def test_options_describes_every_endpoint(clients, who, path):
    by_role, ids = clients
    response = by_role[who].options(path.format(**ids))
    assert response.status_code == 200, response.content[:300]
    assert response["Content-Type"].startswith("application/json")


@pytest.mark.parametrize(
    "who,method,path",
    [
        ("customer", "post", "/api/v1/orders/"),
        ("customer", "put", "/api/v1/cart/"),
        ("admin", "post", "/api/v1/invoices/"),
    ],
)
def test_a_body_over_the_upload_limit_is_a_json_413(clients, settings, who, method, path):
    by_role, _ = clients
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    response = _send(by_role[who], method, path, json.dumps({"shipping_address": "x" * 5000}))
    assert response.status_code == 413
    assert response.json()["code"] == "request_too_large"
