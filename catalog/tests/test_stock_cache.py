"""Stock writes and the catalog cache (catalog/cache.py, catalog/api/read_cache.py).

A stock write that takes nothing in or out of stock moves only the stock version, so
cached product lists survive orders; their stock figures are laid over the cached bytes
from one indexed query. Proven here: after every face that changes stock (an order, a
cancellation, a processed return, an admin list edit, an API update) every way of
reading a product (fast path, full path, revalidation with an old ETag) shows the
current figure and availability, byte for byte what an uncached read renders.
"""

from decimal import Decimal

import pytest
from django.conf import settings
from django.db import transaction
from django.test import override_settings

from catalog.cache import catalog_version, stock_version
from catalog.services import stock_release, stock_reserve, stock_set
from catalog.tests.factories import ProductFactory
from catalog.tests.test_admin import list_edit
from sales.models import OrderStatus
from sales.services import order_place, order_set_status

pytestmark = pytest.mark.django_db

ADDRESS = "1 Cache Street, Freshville 1234"
NO_CACHE = {"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}
LIST = "/api/v1/products/?page_size=100"
IN_STOCK = "/api/v1/products/?in_stock=true&page_size=100"
FACETS = "/api/v1/products/facets/"
# Every way a read is served: from the cache before DRF, through DRF from the cache
# (indented JSON has its own entry; a session cookie takes the plain one through DRF).
WAYS = {
    "fast path": {},
    "full path, indented": {"HTTP_ACCEPT": "application/json; indent=4"},
    "full path, session cookie": {"HTTP_COOKIE": f"{settings.SESSION_COOKIE_NAME}=none"},
}


@pytest.fixture
def stocked():
    ProductFactory(name="Another bowl", stock=30)  # a neighbour on every page
    return ProductFactory(name="Blue bowl", price=Decimal("10.00"), stock=10)


def versions() -> tuple[int, int]:
    return catalog_version(), stock_version()


# --- The mechanism: which version a stock write moves --------------------------------


@pytest.mark.parametrize(
    ("start", "write", "moves_catalog"),
    [
        (10, lambda pk: stock_reserve(quantities={pk: 3}), False),
        (3, lambda pk: stock_reserve(quantities={pk: 3}), True),  # sold out
        (5, lambda pk: stock_release(quantities={pk: 2}), False),
        (0, lambda pk: stock_release(quantities={pk: 2}), True),  # back in stock
    ],
    ids=["sale", "sell-out", "restock", "back-in-stock"],
)
def test_a_stock_shift_moves_the_catalog_version_only_when_availability_changes(
    start, write, moves_catalog, django_capture_on_commit_callbacks
):
    product = ProductFactory(stock=start)
    catalog_before, stock_before = versions()
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        write(product.pk)
    assert stock_version() != stock_before
    assert (catalog_version() != catalog_before) is moves_catalog


@pytest.mark.parametrize(("start", "new", "moves_catalog"), [(10, 4, False), (4, 0, True)])
def test_a_staff_correction_moves_the_catalog_version_only_when_availability_changes(
    start, new, moves_catalog, django_capture_on_commit_callbacks
):
    product = ProductFactory(stock=start)
    catalog_before, stock_before = versions()
    with django_capture_on_commit_callbacks(execute=True):
        stock_set(product=product, stock=new)
    assert stock_version() != stock_before
    assert (catalog_version() != catalog_before) is moves_catalog


def test_a_cached_list_takes_one_query_after_a_sale_and_none_after_that(
    stocked, api_client, django_capture_on_commit_callbacks, django_assert_num_queries
):
    api_client.get(LIST)
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        stock_reserve(quantities={stocked.pk: 1})
    with django_assert_num_queries(1):  # the stock of the products shown
        row = row_of(api_client.get(LIST).json(), stocked.pk)
    assert row["stock"] == 9
    with django_assert_num_queries(0):  # stamped with the stock version again
        api_client.get(LIST)


# --- Every read, fresh and byte for byte ---------------------------------------------


def row_of(body: dict, pk: int) -> dict | None:
    rows = body.get("results", [body])
    return next((row for row in rows if row.get("id") == pk), None)


def urls(product) -> list[str]:
    return [LIST, IN_STOCK, FACETS, f"/api/v1/products/{product.pk}/"]


def warm(client, product) -> dict:
    """Every read once (now cached), with the ETag each answered."""
    return {
        (way, url): client.get(url, **headers)["ETag"]
        for way, headers in WAYS.items()
        for url in urls(product)
    }


def assert_every_read_current(client, product, old_etags: dict) -> None:
    """Every way of every read: what an uncached read renders now (bytes and ETag), a
    304 on a tag taken before the write only if those bytes did not change, and the
    database's figures."""
    product.refresh_from_db()
    for way, headers in WAYS.items():
        for url in urls(product):
            with override_settings(CACHES=NO_CACHE):
                uncached = client.get(url, **headers)
            cached = client.get(url, **headers)
            assert cached.status_code == uncached.status_code == 200, (way, url)
            assert cached.content == uncached.content, (way, url)
            assert cached["ETag"] == uncached["ETag"], (way, url)
            revalidated = client.get(url, HTTP_IF_NONE_MATCH=old_etags[way, url], **headers)
            unchanged = uncached["ETag"] == old_etags[way, url]
            assert revalidated.status_code == (304 if unchanged else 200), (way, url)
            if url == FACETS:
                continue  # compared as bytes above (in_stock counts)
            row = row_of(cached.json(), product.pk)
            if url == IN_STOCK:
                assert (row is not None) is (product.stock > 0), way
            else:
                shown = (row["stock"], row["in_stock"])
                assert shown == (product.stock, product.stock > 0), (way, url)


def _place(user, product, quantity):
    order, _ = order_place(
        user=user,
        shipping_address=ADDRESS,
        items=[{"product_id": product.pk, "quantity": quantity}],
    )
    return order


@pytest.mark.parametrize("quantity", [4, 10], ids=["sale", "sell-out"])
def test_an_order_and_its_cancellation_are_read_at_once(
    quantity, stocked, customer, customer_client, api_client, django_capture_on_commit_callbacks
):
    etags = warm(api_client, stocked)
    with django_capture_on_commit_callbacks(execute=True):
        order = _place(customer, stocked, quantity)
    assert_every_read_current(api_client, stocked, etags)

    etags = warm(api_client, stocked)
    with django_capture_on_commit_callbacks(execute=True):
        response = customer_client.post(f"/api/v1/orders/{order.pk}/cancel/")
    assert response.status_code == 200, response.content
    assert_every_read_current(api_client, stocked, etags)
    assert stocked.stock == 10


def test_a_processed_return_is_read_at_once(
    stocked,
    customer,
    admin_user,
    customer_client,
    admin_client_api,
    api_client,
    django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks(execute=True):
        order = _place(customer, stocked, 5)
        order_set_status(order=order, status=OrderStatus.DELIVERED, by=admin_user)
        response = customer_client.post(
            "/api/v1/returns/",
            {
                "order_id": order.pk,
                "items": [{"product_id": stocked.pk, "quantity": 2, "reason": "Too big"}],
            },
        )
        assert response.status_code == 201, response.content
        url = f"/api/v1/returns/{response.json()['id']}/status/"
        assert admin_client_api.patch(url, {"status": "approved"}).status_code == 200
    etags = warm(api_client, stocked)
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client_api.patch(url, {"status": "processed"})
    assert response.status_code == 200, response.content
    assert_every_read_current(api_client, stocked, etags)
    assert stocked.stock == 7


@pytest.mark.parametrize("new", [3, 0], ids=["correction", "sold-out"])
def test_an_admin_list_edit_of_stock_is_read_at_once(
    new, stocked, admin_user, client, api_client, django_capture_on_commit_callbacks
):
    client.force_login(admin_user)
    etags = warm(api_client, stocked)
    with django_capture_on_commit_callbacks(execute=True):
        response = list_edit(
            client, [stocked], follow=False, **{stocked.sku: {"price": "10.00", "stock": new}}
        )
    assert response.status_code == 302, response.content
    assert_every_read_current(api_client, stocked, etags)
    assert stocked.stock == new


def test_an_api_stock_update_is_read_at_once(
    stocked, admin_client_api, api_client, django_capture_on_commit_callbacks
):
    etags = warm(api_client, stocked)
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client_api.patch(f"/api/v1/products/{stocked.pk}/", {"stock": 2})
    assert response.status_code == 200, response.content
    assert_every_read_current(api_client, stocked, etags)
    assert stocked.stock == 2
