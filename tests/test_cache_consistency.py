"""No stale reads, proven: every face that writes the catalog or stock is followed by
reads through the API (product list and detail) and the storefront (catalog page and
product page), with the cache on, and every read shows the new value.

The cache is real here: locmem by default, django-redis when REDIS_URL is set (CI's
PostgreSQL pass). Each read is made once *before* the write, so the old value sits in
the cache and a missing invalidation would serve it. Writes run inside
``django_capture_on_commit_callbacks(execute=True)`` because the invalidation happens
on commit, as in production.
"""

from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse

from catalog.models import Product
from catalog.tests.factories import ProductFactory
from catalog.tests.test_admin import list_edit
from catalog.tests.test_storefront_fragments import without_token
from returns.models import Return
from sales.models import Order, OrderStatus
from sales.services import order_place, order_set_status

pytestmark = pytest.mark.django_db

ADDRESS = "1 Cache Street, Freshville 1234"


# --- The four reads ---------------------------------------------------------------------


def api_list_row(client, product_id: int) -> dict | None:
    response = client.get("/api/v1/products/", {"page_size": 100})
    assert response.status_code == 200
    return next((p for p in response.json()["results"] if p["id"] == product_id), None)


def api_detail(client, product_id: int) -> dict | None:
    response = client.get(f"/api/v1/products/{product_id}/")
    assert response.status_code in (200, 404)
    return response.json() if response.status_code == 200 else None


def store_get(client, url: str):
    """The page rendered around its cached body (the client sends a cookie other than
    the CSRF one, so the template's context is there to read), checked against the
    whole page that a visitor without cookies gets from the cache
    (catalog.fragments.render_page): the same, but for the CSRF token."""
    from django.test import Client

    response = client.get(url, follow=True)
    whole = Client().get(url, follow=True)
    assert whole.status_code == response.status_code
    assert without_token(whole.content) == without_token(response.content)
    return response


def store_list_row(client, product_id: int) -> dict | None:
    response = store_get(client, reverse("catalog:product_list"))
    assert response.status_code == 200
    return next((p for p in response.context["page"]["products"] if p["id"] == product_id), None)


def store_page(client, product_id: int) -> dict | None:
    product = Product.objects.filter(pk=product_id).first()
    slug = product.slug if product else "gone"
    response = store_get(client, reverse("catalog:product", args=[product_id, slug]))
    assert response.status_code in (200, 404)
    return response.context["product"] if response.status_code == 200 else None


def seen(product_id: int) -> dict:
    """What each read shows of the product: (price, stock), or None when absent."""
    from django.test import Client
    from rest_framework.test import APIClient

    api, store = APIClient(), Client(HTTP_COOKIE="seen=1")
    rows = {
        "api list": api_list_row(api, product_id),
        "api detail": api_detail(api, product_id),
        "store list": store_list_row(store, product_id),
        "store page": store_page(store, product_id),
    }
    return {
        face: None if row is None else (Decimal(str(row["price"])), int(row["stock"]))
        for face, row in rows.items()
    }


def everywhere(value) -> dict:
    return dict.fromkeys(["api list", "api detail", "store list", "store page"], value)


@pytest.fixture
def stocked():
    return ProductFactory(price=Decimal("10.00"), stock=20)


# --- The cache really is on (so the tests below can fail) ------------------------------


def test_a_write_that_skips_the_services_is_served_stale(stocked):
    """The control: a raw UPDATE does not invalidate, so every cached read still shows
    the old figure. If this failed, the cache would be off and the tests below would
    prove nothing."""
    assert seen(stocked.pk) == everywhere((Decimal("10.00"), 20))
    Product.objects.filter(pk=stocked.pk).update(price=Decimal("99.00"), stock=1)
    assert seen(stocked.pk) == everywhere((Decimal("10.00"), 20))


# --- API writes -------------------------------------------------------------------------


def test_api_product_update_is_seen_everywhere(
    stocked, admin_client_api, django_capture_on_commit_callbacks
):
    seen(stocked.pk)
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client_api.patch(
            f"/api/v1/products/{stocked.pk}/", {"price": "12.50", "stock": 7}, format="json"
        )
    assert response.status_code == 200, response.content
    assert seen(stocked.pk) == everywhere((Decimal("12.50"), 7))


def test_api_product_create_is_seen_everywhere(
    stocked, admin_client_api, django_capture_on_commit_callbacks
):
    seen(stocked.pk)  # the lists are cached without the new product
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client_api.post(
            "/api/v1/products/",
            {
                "name": "Fresh Kibble",
                "price": "4.20",
                "category": "food",
                "pet_type": "dog",
                "stock": 3,
            },
            format="json",
        )
    assert response.status_code == 201, response.content
    assert seen(response.json()["id"]) == everywhere((Decimal("4.20"), 3))


def test_api_product_delete_is_seen_everywhere(
    stocked, admin_client_api, django_capture_on_commit_callbacks
):
    assert seen(stocked.pk) == everywhere((Decimal("10.00"), 20))
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client_api.delete(f"/api/v1/products/{stocked.pk}/")
    assert response.status_code == 204
    assert seen(stocked.pk) == everywhere(None)


# --- Storefront checkout ----------------------------------------------------------------


def test_storefront_checkout_stock_is_seen_everywhere(
    stocked, customer, client, django_capture_on_commit_callbacks
):
    client.force_login(customer)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("sales:cart_add"), {"product_id": stocked.pk, "quantity": 3})
    seen(stocked.pk)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("sales:checkout"),
            {
                "full_name": "Ada Cache",
                "street": "1 Cache Street",
                "postal_code": "1234",
                "city": "Freshville",
                "country": "Testland",
                "idempotency_key": "cache-test-1",
            },
        )
    assert response.status_code == 302, response.content
    assert Order.objects.filter(user=customer).count() == 1
    assert seen(stocked.pk) == everywhere((Decimal("10.00"), 17))


# --- Admin list editing -----------------------------------------------------------------


def test_admin_list_edit_of_price_and_stock_is_seen_everywhere(
    stocked, admin_user, client, django_capture_on_commit_callbacks
):
    client.force_login(admin_user)
    seen(stocked.pk)
    with django_capture_on_commit_callbacks(execute=True):
        response = list_edit(
            client, [stocked], follow=False, **{stocked.sku: {"price": "11.11", "stock": 5}}
        )
    assert response.status_code == 302, response.content
    assert seen(stocked.pk) == everywhere((Decimal("11.11"), 5))


# --- import_products --------------------------------------------------------------------


def test_import_products_update_is_seen_everywhere(
    stocked, tmp_path, django_capture_on_commit_callbacks
):
    seen(stocked.pk)
    csv = tmp_path / "products.csv"
    csv.write_text(f"sku,price,stock\n{stocked.sku},13.00,4\n")
    with django_capture_on_commit_callbacks(execute=True):
        call_command("import_products", str(csv), stdout=StringIO())
    assert seen(stocked.pk) == everywhere((Decimal("13.00"), 4))


# --- Order cancel and return processing (restock) ---------------------------------------


def _place(user, product, quantity, capture):
    with capture(execute=True):
        order, _ = order_place(
            user=user,
            shipping_address=ADDRESS,
            items=[{"product_id": product.pk, "quantity": quantity}],
        )
    return order


def test_order_cancel_restock_is_seen_everywhere(
    stocked, customer, customer_client, django_capture_on_commit_callbacks
):
    order = _place(customer, stocked, 4, django_capture_on_commit_callbacks)
    assert seen(stocked.pk) == everywhere((Decimal("10.00"), 16))
    with django_capture_on_commit_callbacks(execute=True):
        response = customer_client.post(f"/api/v1/orders/{order.pk}/cancel/")
    assert response.status_code == 200, response.content
    assert seen(stocked.pk) == everywhere((Decimal("10.00"), 20))


def test_return_process_restock_is_seen_everywhere(
    stocked,
    customer,
    admin_user,
    customer_client,
    admin_client_api,
    django_capture_on_commit_callbacks,
):
    order = _place(customer, stocked, 5, django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=True):
        order_set_status(order=order, status=OrderStatus.DELIVERED, by=admin_user)
        response = customer_client.post(
            "/api/v1/returns/",
            {
                "order_id": order.pk,
                "items": [{"product_id": stocked.pk, "quantity": 2, "reason": "Too big"}],
            },
            format="json",
        )
    assert response.status_code == 201, response.content
    ret = Return.objects.get(pk=response.json()["id"])
    with django_capture_on_commit_callbacks(execute=True):
        assert (
            admin_client_api.patch(
                f"/api/v1/returns/{ret.pk}/status/", {"status": "approved"}, format="json"
            ).status_code
            == 200
        )
    assert seen(stocked.pk) == everywhere((Decimal("10.00"), 15))
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client_api.patch(
            f"/api/v1/returns/{ret.pk}/status/", {"status": "processed"}, format="json"
        )
    assert response.status_code == 200, response.content
    assert seen(stocked.pk) == everywhere((Decimal("10.00"), 17))


# --- The anonymous fast path (catalog API reads served from the cache before DRF) -------


def test_the_fast_path_serves_what_the_full_path_rendered(stocked, api_client):
    first = api_client.get("/api/v1/products/", {"page_size": 100})  # miss: full path fills
    second = api_client.get("/api/v1/products/", {"page_size": 100})  # hit: fast path
    assert second.content == first.content
    assert second["Content-Type"] == first["Content-Type"] == "application/json"
    assert second["Vary"] == first["Vary"] and second["Allow"] == first["Allow"]


def test_credentials_never_take_the_fast_path(stocked, api_client, admin_client_api):
    api_client.get(f"/api/v1/products/{stocked.pk}/")  # cached for anonymous readers
    api_client.credentials(HTTP_AUTHORIZATION="Bearer not-a-token")
    assert api_client.get(f"/api/v1/products/{stocked.pk}/").status_code == 401
    # An admin sees the admin fields, not the anonymous entry.
    assert "internal_cost" in admin_client_api.get(f"/api/v1/products/{stocked.pk}/").json()
