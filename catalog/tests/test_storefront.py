"""The storefront's catalog pages through Django's test client."""

import re
from decimal import Decimal

import pytest
from django.template.loader import render_to_string
from django.urls import reverse

from catalog.models import Category, PetType
from catalog.pages import PAGE_SIZE
from catalog.services import product_update, stock_set
from catalog.tests.factories import ProductFactory

pytestmark = pytest.mark.django_db

LIST = reverse("catalog:product_list")


def names(response) -> list[str]:
    return [p["name"] for p in response.context["page"]["products"]]


def product_url(p) -> str:
    return reverse("catalog:product", kwargs={"pk": p.pk, "slug": p.slug})


def test_home_shows_pet_types_categories_and_featured_products(client):
    ProductFactory(name="Squeaky Bone")
    ProductFactory(name="Sold Out Ball", stock=0)
    response = client.get(reverse("catalog:home"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Squeaky Bone" in html
    assert "Sold Out Ball" not in html  # featured = in stock only
    assert "?pet_type=cat" in html and "?category=grooming" in html
    assert html.count("<h1") == 1


def test_catalog_filters_by_pet_type_category_price_and_stock(client):
    cat, toys = PetType.objects.get(slug="cat"), Category.objects.get(slug="toys")
    ProductFactory(name="Cat toy cheap", pet_type=cat, category=toys, price=Decimal("3.00"))
    ProductFactory(name="Cat toy dear", pet_type=cat, category=toys, price=Decimal("30.00"))
    ProductFactory(name="Cat toy gone", pet_type=cat, category=toys, price=Decimal("4.00"), stock=0)
    ProductFactory(name="Dog food", price=Decimal("5.00"))

    response = client.get(
        LIST, {"pet_type": "cat", "category": "toys", "max_price": "10", "in_stock": "on"}
    )
    assert names(response) == ["Cat toy cheap"]
    response = client.get(LIST, {"pet_type": "cat", "min_price": "4"})
    assert names(response) == ["Cat toy dear", "Cat toy gone"]
    # The form shows the state it filtered by, so the URL can be shared and refined.
    assert 'value="4"' in response.content.decode()


def test_catalog_search_matches_name_brand_and_sku(client):
    ProductFactory(name="Tuna Feast", brand="Whisker Co")
    ProductFactory(name="Plain biscuit", sku="BISC-42")
    ProductFactory(name="Other")
    assert names(client.get(LIST, {"search": "tuna"})) == ["Tuna Feast"]
    assert names(client.get(LIST, {"search": "whisker"})) == ["Tuna Feast"]
    assert names(client.get(LIST, {"search": "bisc-4"})) == ["Plain biscuit"]


def test_catalog_sorts_by_price_both_ways(client):
    for price in ("5.00", "1.00", "9.00"):
        ProductFactory(name=f"P {price}", price=Decimal(price))
    assert names(client.get(LIST, {"ordering": "price"})) == ["P 1.00", "P 5.00", "P 9.00"]
    assert names(client.get(LIST, {"ordering": "-price"})) == ["P 9.00", "P 5.00", "P 1.00"]


def test_catalog_pages_and_page_links_keep_the_filters(client):
    ProductFactory.create_batch(PAGE_SIZE + 3)
    first = client.get(LIST, {"pet_type": "dog"})
    assert len(names(first)) == PAGE_SIZE
    html = first.content.decode()
    assert re.search(r'href="\?pet_type=dog&amp;page=2"', html)
    second = client.get(LIST, {"pet_type": "dog", "page": "2"})
    assert len(names(second)) == 3
    assert set(names(first)).isdisjoint(names(second))


def test_unknown_filter_value_is_shown_as_an_error_and_ignored(client):
    ProductFactory(name="Still listed")
    response = client.get(LIST, {"pet_type": "dragon", "min_price": "cheap"})
    assert response.status_code == 200
    assert names(response) == ["Still listed"]
    assert response.context["form"].errors.keys() == {"pet_type", "min_price"}


def test_a_swapped_price_range_says_so_instead_of_listing_nothing(client):
    ProductFactory(name="Twenty", price=Decimal("20.00"))
    ProductFactory(name="Five", price=Decimal("5.00"))
    response = client.get(LIST, {"min_price": "10", "max_price": "2"})
    assert response.context["form"].errors["max_price"] == ["The max price is below the min price."]
    assert names(response) == ["Twenty"]  # the max is ignored, the min still applies
    assert "The max price is below the min price." in response.content.decode()


def test_inactive_products_are_never_listed(client):
    ProductFactory(name="Gone", is_active=False)
    assert names(client.get(LIST)) == []


def test_product_page_shows_stock_state_and_add_to_cart(client):
    product = ProductFactory(name="Kibble", stock=3)
    response = client.get(product_url(product))
    html = response.content.decode()
    assert response.status_code == 200
    assert "Only 3 left" in html
    assert reverse("sales:cart_add") in html and 'name="quantity"' in html
    assert html.count("<h1") == 1


def test_out_of_stock_product_page_offers_no_add_form(client):
    product = ProductFactory(stock=0)
    html = client.get(product_url(product)).content.decode()
    assert "Out of stock" in html
    assert reverse("sales:cart_add") not in html


def test_product_without_image_gets_its_pet_type_placeholder(client):
    product = ProductFactory(pet_type=PetType.objects.get(slug="fish"), image_url="")
    assert "img/pets/fish.svg" in client.get(product_url(product)).content.decode()


def test_product_url_with_a_stale_slug_redirects_to_the_canonical_one(client):
    product = ProductFactory()
    response = client.get(reverse("catalog:product", kwargs={"pk": product.pk, "slug": "old-name"}))
    assert response.status_code == 301
    assert response["Location"] == product_url(product)


def test_inactive_or_unknown_product_page_is_the_shops_404(client):
    product = ProductFactory(is_active=False)
    response = client.get(product_url(product))
    assert response.status_code == 404
    assert b"couldn't sniff out that page" in response.content
    assert client.get("/products/999999/nothing/").status_code == 404


def test_cached_pages_follow_every_stock_and_price_change(
    client, django_capture_on_commit_callbacks
):
    product = ProductFactory(name="Fresh", stock=10, price=Decimal("10.00"))
    assert client.get(LIST, {"in_stock": "on"}).context["page"]["count"] == 1
    client.get(product_url(product))  # both now cached
    # The cache version moves when the write commits (on_commit), as in production.
    with django_capture_on_commit_callbacks(execute=True):
        stock_set(product=product, stock=0)
        product_update(product=product, price=Decimal("12.50"))
    assert client.get(LIST, {"in_stock": "on"}).context["page"]["count"] == 0
    html = client.get(product_url(product)).content.decode()
    assert "Out of stock" in html and "$12.50" in html


@pytest.mark.parametrize("url_name", ["catalog:home", "catalog:product_list"])
def test_catalog_pages_use_no_inline_style_or_script(client, url_name):
    ProductFactory()
    html = client.get(reverse(url_name)).content.decode()
    assert " style=" not in html and "<style" not in html
    assert not re.search(r"<script(?![^>]*\bsrc=)", html)


def _queries_for(client, django_assert_max_num_queries, url, limit):
    with django_assert_max_num_queries(limit) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


@pytest.mark.parametrize("count", [5, 40])
def test_catalog_page_runs_a_bounded_number_of_queries(
    client, django_assert_max_num_queries, count
):
    ProductFactory.create_batch(count)
    # Cold cache: the count, the page and its main photos, the facet counts (one grouped
    # query), plus reference lists; none per product.
    _queries_for(client, django_assert_max_num_queries, LIST + "?pet_type=dog&ordering=-price", 6)


@pytest.mark.parametrize("count", [5, 40])
def test_product_page_runs_a_bounded_number_of_queries(
    client, django_assert_max_num_queries, count
):
    products = ProductFactory.create_batch(count)
    # The product, related products, the photos of both.
    _queries_for(client, django_assert_max_num_queries, product_url(products[0]), 4)


def test_warm_catalog_page_is_served_from_the_cache(client, django_assert_max_num_queries):
    ProductFactory.create_batch(10)
    client.get(LIST)
    with django_assert_max_num_queries(0):
        client.get(LIST)


def test_error_pages_render_without_the_database(django_assert_num_queries):
    with django_assert_num_queries(0):
        assert "back in a moment" in render_to_string("503.html", {})
        assert "went wrong" in render_to_string("500.html", {})


def test_a_pet_type_without_a_drawing_gets_the_generic_placeholder(client):
    from catalog.tests.factories import PetTypeFactory

    product = ProductFactory(
        pet_type=PetTypeFactory(name="Hedgehog", slug="hedgehog"), image_url=""
    )
    html = client.get(product_url(product)).content.decode()
    assert "img/pets/other.svg" in html and "img/pets/hedgehog.svg" not in html


def test_a_product_photo_carries_its_placeholder_as_fallback(client):
    product = ProductFactory(image_url="https://images.example.com/kibble.jpg")
    html = client.get(product_url(product)).content.decode()
    assert 'src="https://images.example.com/kibble.jpg"' in html
    assert 'data-fallback="/static/img/pets/dog.svg"' in html


@pytest.mark.parametrize("number", ["²", "٣", "1e3", "-2", "0"])
def test_a_page_or_photo_number_that_is_no_plain_number_shows_the_first(client, number):
    # "²" is a digit to str.isdigit() but no number to int(): it was a 500.
    product = ProductFactory(name="Bone")
    assert client.get(reverse("catalog:product_list"), {"page": number}).status_code == 200
    page = client.get(f"/products/{product.pk}/{product.slug}/", {"photo": number})
    assert page.status_code == 200
