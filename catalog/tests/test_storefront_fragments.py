"""The storefront's cached bodies (catalog/fragments.py): the same page warm as cold, no
visitor's data inside an entry, never stale after a write through any face, and a warm
page costs only the visitor's own queries."""

import re
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.http import QueryDict
from django.test import Client
from django.urls import reverse

from accounts.tests.factories import UserFactory
from catalog.fragments import catalog_body, product_body
from catalog.models import Product
from catalog.photos import product_image_add
from catalog.services import product_update
from catalog.tests.factories import ProductFactory
from catalog.tests.photo_files import image_bytes, upload
from catalog.tests.test_admin import list_edit
from sales.services import cart_add, cart_for_user, order_place

pytestmark = pytest.mark.django_db

LIST = reverse("catalog:product_list")
ADDRESS = "1 Fragment Row, Cachetown 1234"
TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def page_url(product) -> str:
    return reverse("catalog:product", kwargs={"pk": product.pk, "slug": product.slug})


def without_token(html: bytes) -> str:
    return TOKEN.sub('name="csrfmiddlewaretoken" value=""', html.decode())


@pytest.fixture
def shop():
    products = [ProductFactory(stock=n, brand="Acme" if n % 2 else "") for n in range(30)]
    product_image_add(product=products[3], file=upload(image_bytes(size=(80, 60))), alt="Front")
    product_image_add(product=products[3], file=upload(image_bytes(size=(80, 60))), alt="Back")
    return products


@pytest.fixture
def shopper(shop):
    """A logged-in customer with three items in the cart: every per-visitor bit shows."""
    user = UserFactory(username="zanzibar", first_name="Zanzibar")
    cart_add(cart=cart_for_user(user=user), product_id=shop[10].pk, quantity=3)
    client = Client()
    client.force_login(user)
    return client


def urls(shop) -> list[str]:
    pet = shop[0].pet_type.slug
    return [
        reverse("catalog:home"),
        LIST,
        f"{LIST}?page=2",
        f"{LIST}?pet_type={pet}&in_stock=on&ordering=-price&utm=x",
        f"{LIST}?search=NO+SUCH+THING",
        f"{LIST}?brand=acme&brand=Nobody&min_price=9&max_price=1",
        f"{LIST}?pet_type=nope&page=abc",
        page_url(shop[3]),
        f"{page_url(shop[3])}?photo={shop[3].images.last().pk}&quantity=2",
        page_url(shop[0]),  # out of stock: no form
    ]


@pytest.mark.parametrize("visitor", ["anonymous", "logged in"])
def test_a_page_served_warm_is_the_page_rendered_cold_but_for_the_csrf_token(
    shop, shopper, visitor
):
    client = shopper if visitor == "logged in" else Client()
    cold = {}
    for url in urls(shop):
        cache.clear()
        cold[url] = client.get(url)
        assert cold[url].status_code == 200, url
    for _ in range(2):  # every page warm, each entry beside the others
        for url in urls(shop):
            warm = client.get(url)
            assert without_token(warm.content) == without_token(cold[url].content), url
            assert warm.get("Vary") == cold[url].get("Vary"), url


def test_a_sessionless_visitors_whole_page_is_the_page_rendered_around_the_body(shop):
    # A visitor who sends only the CSRF cookie gets the whole page from the cache
    # (fragments.render_page); any other cookie renders base.html around the body.
    for url in urls(shop):
        whole = Client().get(url)
        around = Client(HTTP_COOKIE="utm_source=mail").get(url)
        assert whole.status_code == around.status_code == 200, url
        assert without_token(whole.content) == without_token(around.content), url
        assert whole.get("Vary") == around.get("Vary"), url


def test_a_guest_with_a_cart_never_gets_the_page_cached_for_sessionless_visitors(shop):
    Client().get(page_url(shop[3]))  # a sessionless visit fills the whole page
    guest = Client()
    guest.post(reverse("sales:cart_add"), {"product_id": shop[3].pk, "quantity": 2})
    html = guest.get(page_url(shop[3])).content.decode()
    assert '<span class="cart-count">2<' in html


def test_the_logged_in_page_around_the_cached_body_is_the_visitors(shop, shopper):
    Client().get(page_url(shop[3]))  # an anonymous visit fills the entry
    html = shopper.get(page_url(shop[3])).content.decode()
    assert '<span class="cart-count">3<' in html
    assert ">Zanzibar</a>" in html
    assert html.count("csrfmiddlewaretoken") == 2  # the log-out form and the add form


def test_no_entry_holds_a_csrf_token_a_username_or_a_cart_count(shop, shopper):
    for url in urls(shop):
        assert shopper.get(url).status_code == 200
    token = shopper.cookies["csrftoken"].value
    entries = [
        catalog_body(QueryDict()),
        catalog_body(QueryDict("page=2")),
        product_body(product_id=shop[3].pk, photo="", quantity="1"),
    ]
    for entry in entries:
        html = "".join(entry["pieces"]) + entry["pet_nav"]
        assert "zanzibar" not in html.lower()
        assert "cart-count" not in html and token not in html
        assert not TOKEN.findall(html)  # joined without a token: an empty value
    # The product page's form is the one place a token goes: the entry is split there.
    assert len(entries[2]["pieces"]) == 2
    assert entries[2]["pieces"][0].endswith('name="csrfmiddlewaretoken" value="')


def test_the_add_to_cart_form_of_a_warm_page_carries_the_visitors_own_token(shop):
    Client().get(page_url(shop[3]))  # cached by somebody else
    visitor = Client(enforce_csrf_checks=True)
    html = visitor.get(page_url(shop[3])).content.decode()
    (token,) = TOKEN.findall(html)
    response = visitor.post(
        reverse("sales:cart_add"),
        {"csrfmiddlewaretoken": token, "product_id": shop[3].pk, "quantity": 1},
    )
    assert response.status_code == 302
    assert visitor.get(reverse("sales:cart")).context["item_count"] == 1


# --- Never stale: a write through any face shows on the next page view ---------------------


def _admin_price(product, admin_user, **_):
    client = Client()
    client.force_login(admin_user)
    response = list_edit(client, [product], follow=False, **{product.sku: {"price": "43.21"}})
    assert response.status_code == 302, response.content


def _api_price(product, admin_client_api, **_):
    response = admin_client_api.patch(
        f"/api/v1/products/{product.pk}/", {"price": "43.21"}, format="json"
    )
    assert response.status_code == 200, response.content


def _service_price(product, **_):
    product_update(product=product, price=Decimal("43.21"))


def _api_withdrawn(product, admin_client_api, **_):
    response = admin_client_api.patch(
        f"/api/v1/products/{product.pk}/", {"is_active": False}, format="json"
    )
    assert response.status_code == 200, response.content


def _service_withdrawn(product, **_):
    product_update(product=product, is_active=False)


def _service_photo(product, **_):
    return product_image_add(product=product, file=upload(image_bytes(size=(80, 60))), alt="New")


def _sold_out_by_an_order(product, customer, **_):
    order_place(
        user=customer,
        shipping_address=ADDRESS,
        items=[{"product_id": product.pk, "quantity": product.stock}],
    )


def _shown(product) -> tuple[str, str]:
    """The catalog page (sorted by newest, so the product is on the first page) and the
    product page, as an anonymous visitor sees them."""
    visitor = Client()
    listing = visitor.get(LIST, {"ordering": "-created_at"}).content.decode()
    page = visitor.get(page_url(product))
    return listing, page.content.decode() if page.status_code == 200 else ""


def _card(listing: str, product) -> str:
    """The product's card on the catalog page, or ''."""
    for card in listing.split('<li class="card product-card">')[1:]:
        if f'href="{page_url(product)}"' in card:
            return card
    return ""


@pytest.mark.parametrize("write", [_admin_price, _api_price, _service_price])
def test_a_price_change_shows_on_the_next_view(
    write, admin_user, admin_client_api, django_capture_on_commit_callbacks
):
    product = ProductFactory(price=Decimal("10.00"), stock=50)
    listing, page = _shown(product)
    assert "$10.00" in _card(listing, product) and "$10.00" in page
    with django_capture_on_commit_callbacks(execute=True):
        write(product, admin_user=admin_user, admin_client_api=admin_client_api)
    listing, page = _shown(product)
    assert "$43.21" in _card(listing, product) and "$43.21" in page


@pytest.mark.parametrize("write", [_api_withdrawn, _service_withdrawn])
def test_a_withdrawn_product_is_gone_on_the_next_view(
    write, admin_client_api, django_capture_on_commit_callbacks
):
    product = ProductFactory(stock=50)
    listing, page = _shown(product)
    assert _card(listing, product) and page
    with django_capture_on_commit_callbacks(execute=True):
        write(product, admin_client_api=admin_client_api)
    listing, page = _shown(product)
    assert not _card(listing, product) and not page  # no card; the product page is a 404


def test_a_new_photo_shows_on_the_next_view(django_capture_on_commit_callbacks):
    product = ProductFactory(stock=50)
    listing, page = _shown(product)
    assert "/media/" not in _card(listing, product) + page
    with django_capture_on_commit_callbacks(execute=True):
        image = _service_photo(product)
    listing, page = _shown(product)
    assert f"/media/{image.original}" in _card(listing, product)
    assert f"/media/{image.original}" in page


def test_stock_sold_out_by_an_order_shows_on_the_next_view(
    customer, django_capture_on_commit_callbacks
):
    product = ProductFactory(stock=3)
    listing, page = _shown(product)
    assert "Only 3 left" in _card(listing, product) and 'class="add-form"' in page
    with django_capture_on_commit_callbacks(execute=True):
        _sold_out_by_an_order(product, customer=customer)
    assert Product.objects.get(pk=product.pk).stock == 0
    listing, page = _shown(product)
    assert "Out of stock" in _card(listing, product)
    assert "Out of stock" in page and 'class="add-form"' not in page


# --- Query counts with the cache warm ------------------------------------------------------


@pytest.mark.parametrize(
    ("visitor", "queries"),
    [
        ("anonymous", 0),
        # Its user and the header's cart count (the session comes from the cache): the
        # visitor's own, nothing of the catalog.
        ("logged in", 2),
    ],
)
def test_a_warm_catalog_or_product_page_makes_only_the_visitors_queries(
    shop, shopper, visitor, queries, django_assert_num_queries
):
    client = shopper if visitor == "logged in" else Client()
    for url in (LIST, f"{LIST}?page=2&pet_type={shop[0].pet_type.slug}", page_url(shop[3])):
        assert client.get(url).status_code == 200
        with django_assert_num_queries(queries):
            assert client.get(url).status_code == 200
