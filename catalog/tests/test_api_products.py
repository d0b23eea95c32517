"""Products API (API.md C1–C5): each endpoint's success and every error it lists,
filters and ordering, admin-only fields, hostile input, query counts and the cache."""

from decimal import Decimal

import pytest

from catalog import services
from catalog.models import Category, PetType, Product
from catalog.tests.factories import ProductFactory

pytestmark = pytest.mark.django_db

PRODUCTS = "/api/v1/products/"
PUBLIC_FIELDS = {
    "id", "sku", "name", "slug", "description", "price", "category", "pet_type", "brand",
    "weight_kg", "image_url", "images", "stock", "in_stock", "is_active", "created_at",
    "updated_at",
}  # fmt: skip
ADMIN_FIELDS = PUBLIC_FIELDS | {
    "internal_cost",
    "supplier_info",
    "margin",
    "low_stock",
    "created_by",
}


def product_url(pk):
    return f"{PRODUCTS}{pk}/"


def names(response):
    assert response.status_code == 200, response.content
    return [p["name"] for p in response.json()["results"]]


def new_product(**overrides):
    return {
        "name": "Crunchy Bites",
        "price": "12.50",
        "category": "food",
        "pet_type": "dog",
        "stock": 7,
        **overrides,
    }


# --- C1 list -------------------------------------------------------------------------


def test_anyone_lists_active_products_paginated_by_name(api_client):
    ProductFactory(name="Bravo")
    ProductFactory(name="Alpha")
    ProductFactory(name="Hidden", is_active=False)
    response = api_client.get(PRODUCTS)
    body = response.json()
    assert set(body) == {"count", "next", "previous", "results"}
    assert names(response) == ["Alpha", "Bravo"] and body["count"] == 2
    assert set(body["results"][0]) == PUBLIC_FIELDS


def test_product_renders_money_as_strings_and_relations_as_slugs(api_client):
    ProductFactory(price=Decimal("4.5"), weight_kg=Decimal("1.250"), stock=0)
    row = api_client.get(PRODUCTS).json()["results"][0]
    assert row["price"] == "4.50" and row["weight_kg"] == "1.250"
    assert row["category"] == "food" and row["pet_type"] == "dog" and row["in_stock"] is False


def test_customers_never_see_admin_fields(customer_client, product):
    row = customer_client.get(PRODUCTS).json()["results"][0]
    assert set(row) == PUBLIC_FIELDS
    assert set(customer_client.get(product_url(product.pk)).json()) == PUBLIC_FIELDS


def test_admins_see_admin_fields(admin_client_api, admin_user):
    product = ProductFactory(
        price=Decimal("10.00"), internal_cost=Decimal("6.50"), stock=3, created_by=admin_user
    )
    row = admin_client_api.get(product_url(product.pk)).json()
    assert set(row) == ADMIN_FIELDS
    assert (
        row["margin"] == "3.50" and row["low_stock"] is True and row["created_by"] == admin_user.pk
    )
    assert set(admin_client_api.get(PRODUCTS).json()["results"][0]) == ADMIN_FIELDS


@pytest.mark.parametrize(
    ("query", "expected"),
    [({}, ["On"]), ({"is_active": "false"}, ["Off"]), ({"is_active": "true"}, ["On"])],
)
def test_admins_choose_active_or_inactive(admin_client_api, query, expected):
    ProductFactory(name="On")
    ProductFactory(name="Off", is_active=False)
    assert names(admin_client_api.get(PRODUCTS, query)) == expected


def test_customers_cannot_list_inactive_products(customer_client):
    ProductFactory(name="Off", is_active=False)
    assert names(customer_client.get(PRODUCTS, {"is_active": "false"})) == []


def test_filters_by_category_and_pet_type_slugs(api_client):
    ProductFactory(name="Dog food")
    ProductFactory(
        name="Cat toy",
        category=Category.objects.get(slug="toys"),
        pet_type=PetType.objects.get(slug="cat"),
    )
    ProductFactory(name="Dog toy", category=Category.objects.get(slug="toys"))
    assert names(api_client.get(PRODUCTS, {"category": "toys"})) == ["Cat toy", "Dog toy"]
    assert names(api_client.get(PRODUCTS, {"pet_type": "dog"})) == ["Dog food", "Dog toy"]
    assert names(api_client.get(PRODUCTS, {"category": "toys", "pet_type": "dog"})) == ["Dog toy"]


@pytest.mark.parametrize("param", ["category", "pet_type"])
def test_an_unknown_slug_is_a_400(api_client, param):
    response = api_client.get(PRODUCTS, {param: "unicorns"})
    assert response.status_code == 400 and param in response.json()


def test_filters_by_brand_contains_in_any_case(api_client):
    ProductFactory(name="A", brand="Happy Paws")
    ProductFactory(name="B", brand="Other")
    assert names(api_client.get(PRODUCTS, {"brand": "PAWS"})) == ["A"]


def test_the_brand_null_is_a_text_like_any_other(api_client):
    # django-filter's default reads "null" as None, which icontains refused with a 500.
    ProductFactory(name="A", brand="Nullarbor Pets")
    ProductFactory(name="B", brand="Other")
    assert names(api_client.get(PRODUCTS, {"brand": "null"})) == ["A"]
    assert api_client.get(PRODUCTS + "facets/", {"brand": "null"}).status_code == 200
    assert api_client.get("/products/", {"brand": "null"}).status_code == 200


def test_filters_by_price_range_inclusive(api_client):
    for name, price in [("cheap", "1.00"), ("mid", "5.00"), ("dear", "9.99")]:
        ProductFactory(name=name, price=Decimal(price))
    assert names(api_client.get(PRODUCTS, {"min_price": "5", "max_price": "9.99"})) == [
        "dear",
        "mid",
    ]
    assert names(api_client.get(PRODUCTS, {"max_price": "5.00"})) == ["cheap", "mid"]


def test_filters_in_stock(api_client):
    ProductFactory(name="Some", stock=1)
    ProductFactory(name="None", stock=0)
    assert names(api_client.get(PRODUCTS, {"in_stock": "true"})) == ["Some"]


@pytest.mark.parametrize("value", ["yes", "maybe", "on", "2"])
def test_an_in_stock_value_other_than_true_or_false_is_a_400(api_client, value):
    # It used to mean "no filter": out-of-stock products came back to a client that
    # asked for in-stock ones only.
    ProductFactory(name="None", stock=0)
    response = api_client.get(PRODUCTS, {"in_stock": value})
    assert response.status_code == 400 and "in_stock" in response.json()


@pytest.mark.parametrize(
    ("value", "expected"),
    [("1", ["Some"]), ("0", ["None"]), ("TRUE", ["Some"]), ("", ["None", "Some"])],
)
def test_in_stock_also_takes_1_0_and_any_case(api_client, value, expected):
    ProductFactory(name="Some", stock=1)
    ProductFactory(name="None", stock=0)
    assert names(api_client.get(PRODUCTS, {"in_stock": value})) == expected


def test_an_is_active_value_other_than_true_or_false_is_a_400(admin_client_api):
    response = admin_client_api.get(PRODUCTS, {"is_active": "inactive"})
    assert response.status_code == 400 and "is_active" in response.json()


@pytest.mark.parametrize("term", ["kibble", "KIBBLE", "acme-k", "crunchy"])
def test_search_covers_name_description_brand_and_sku(api_client, term):
    ProductFactory(name="Kibble", brand="Plain", sku="X-1")
    ProductFactory(name="Treat", description="crunchy goodness", sku="X-2")
    ProductFactory(name="Biscuit", sku="ACME-K9")
    ProductFactory(name="Nothing here", sku="X-4")
    found = names(api_client.get(PRODUCTS, {"search": term}))
    # Full-text since v1.1: every word matches (or starts) a word; "acme-k" (brand Acme,
    # a word starting with k) finds the product whose sku holds it first.
    assert found and "Nothing here" not in found
    assert found[0] == {"kibble": "Kibble", "acme-k": "Biscuit", "crunchy": "Treat"}[term.lower()]


@pytest.mark.parametrize(
    ("ordering", "expected"),
    [
        ("price", ["b", "c", "a"]),
        ("-price", ["a", "c", "b"]),
        ("name", ["a", "b", "c"]),
        ("-name", ["c", "b", "a"]),
        ("created_at", ["c", "a", "b"]),
        ("-created_at", ["b", "a", "c"]),
    ],
)
def test_orderings(api_client, ordering, expected):
    ProductFactory(name="c", price=Decimal("5"))
    ProductFactory(name="a", price=Decimal("9"))
    ProductFactory(name="b", price=Decimal("1"))
    assert names(api_client.get(PRODUCTS, {"ordering": ordering})) == expected


@pytest.mark.parametrize("ordering", ["stock", "internal_cost", "name,price", "?"])
def test_an_ordering_outside_the_whitelist_is_a_400(api_client, ordering):
    response = api_client.get(PRODUCTS, {"ordering": ordering})
    assert response.status_code == 400 and "ordering" in response.json()


@pytest.mark.parametrize(
    "params",
    [
        {"min_price": "abc"},
        {"max_price": "1e30"},
        {"min_price": "NaN"},
        {"max_price": "1" * 400},
        {"search": "x\x00y"},
        {"brand": "\x00"},
        {"in_stock": "maybe"},
        {"page": "abc"},
        {"page": "0"},
        {"page": str(10**30)},
        {"page_size": str(10**9)},
        {"page_size": "-5"},
        {"category": ""},
        {"search": "a" * 5000},
    ],
)
def test_hostile_query_parameters_are_never_a_500(api_client, product, params):
    response = api_client.get(PRODUCTS, params)
    assert response.status_code in (200, 400, 404)
    assert response["Content-Type"].startswith("application/json")


def test_page_size_is_capped_at_100(api_client):
    ProductFactory.create_batch(101)
    assert len(api_client.get(PRODUCTS, {"page_size": 10**9}).json()["results"]) == 100


def test_pages_do_not_overlap_when_prices_tie(api_client):
    ProductFactory.create_batch(7, price=Decimal("3.00"))
    first = api_client.get(PRODUCTS, {"ordering": "price", "page_size": 4}).json()
    second = api_client.get(PRODUCTS, {"ordering": "price", "page_size": 4, "page": 2}).json()
    ids = [p["id"] for p in first["results"] + second["results"]]
    assert len(ids) == len(set(ids)) == 7


@pytest.mark.parametrize(("client_name", "expected"), [("api_client", 3), ("admin_client_api", 4)])
def test_product_list_costs_the_same_queries_for_5_and_50_rows(
    request, client_name, expected, django_assert_num_queries
):
    client = request.getfixturevalue(client_name)
    ProductFactory.create_batch(60)
    client.get(PRODUCTS, {"category": "food", "page_size": 1})  # warms the cached reference lists
    # The count, the page (category and pet type joined in) and the page's photos (one
    # prefetch); an admin: + the caller.
    with django_assert_num_queries(expected):
        small = client.get(PRODUCTS, {"page_size": 5, "category": "food"})
    with django_assert_num_queries(expected):
        large = client.get(PRODUCTS, {"page_size": 50, "category": "food", "ordering": "-price"})
    assert len(small.json()["results"]) == 5 and len(large.json()["results"]) == 50


# --- C2 detail -----------------------------------------------------------------------


def test_anyone_reads_an_active_product(api_client, product):
    response = api_client.get(product_url(product.pk))
    assert response.status_code == 200 and response.json()["sku"] == product.sku


def test_an_inactive_product_is_a_404_except_to_admins(
    api_client, customer_client, admin_client_api
):
    product = ProductFactory(is_active=False)
    assert api_client.get(product_url(product.pk)).status_code == 404
    assert customer_client.get(product_url(product.pk)).status_code == 404
    assert admin_client_api.get(product_url(product.pk)).status_code == 200


@pytest.mark.parametrize("pk", ["abc", "0", "999999", "99999999999999999999", "1.5", "-3"])
def test_unknown_or_malformed_product_ids_are_a_json_404(api_client, pk):
    response = api_client.get(f"{PRODUCTS}{pk}/")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("application/json")


def test_product_detail_costs_two_queries(api_client, product, django_assert_num_queries):
    with django_assert_num_queries(2):  # the product, its photos
        assert api_client.get(product_url(product.pk)).status_code == 200


# --- C3 create -----------------------------------------------------------------------


def test_admin_creates_a_product_with_a_generated_sku(admin_client_api, admin_user):
    response = admin_client_api.post(PRODUCTS, new_product())
    assert response.status_code == 201, response.json()
    body = response.json()
    assert set(body) == ADMIN_FIELDS and body["sku"] and body["is_active"] is True
    product = Product.objects.get(pk=body["id"])
    assert product.created_by == admin_user and product.slug == "crunchy-bites"
    assert product.category.slug == "food" and product.price == Decimal("12.50")


def test_admin_creates_a_product_with_every_optional_field(admin_client_api):
    body = new_product(
        sku="MY-SKU.1",
        description="Tasty",
        brand="Acme",
        weight_kg="2.500",
        image_url="https://img.example.com/a.png",
        is_active=False,
        internal_cost="8.00",
        supplier_info="Acme Ltd",
    )
    response = admin_client_api.post(PRODUCTS, body)
    assert response.status_code == 201, response.json()
    created = response.json()
    assert (
        created["sku"] == "MY-SKU.1"
        and created["margin"] == "4.50"
        and created["is_active"] is False
    )


def test_generated_skus_are_unique(admin_client_api):
    skus = {admin_client_api.post(PRODUCTS, new_product()).json()["sku"] for _ in range(3)}
    assert len(skus) == 3


def test_a_duplicate_sku_is_a_400(admin_client_api, product):
    response = admin_client_api.post(PRODUCTS, new_product(sku=product.sku))
    assert response.status_code == 400 and list(response.json()) == ["sku"]


def test_create_requires_the_required_fields(admin_client_api):
    response = admin_client_api.post(PRODUCTS, {})
    assert response.status_code == 400
    assert set(response.json()) == {"name", "price", "category", "pet_type", "stock"}


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"price": "-0.01"}, "price"),
        ({"price": 1e30}, "price"),
        ({"price": "1e30"}, "price"),
        ({"price": "100000000.00"}, "price"),
        ({"price": "1.234"}, "price"),
        ({"price": "NaN"}, "price"),
        ({"price": "Infinity"}, "price"),
        ({"price": "cheap"}, "price"),
        ({"price": True}, "price"),
        ({"stock": -1}, "stock"),
        ({"stock": 10**12}, "stock"),
        ({"stock": "many"}, "stock"),
        ({"stock": 1.5}, "stock"),
        ({"category": "unicorns"}, "category"),
        ({"pet_type": 7}, "pet_type"),
        ({"name": ""}, "name"),
        ({"name": "x" * 201}, "name"),
        ({"name": "nul\x00byte"}, "name"),
        ({"sku": "has space"}, "sku"),
        ({"sku": "x" * 65}, "sku"),
        ({"weight_kg": "-1"}, "weight_kg"),
        ({"weight_kg": "123456.0"}, "weight_kg"),
        ({"internal_cost": "-5"}, "internal_cost"),
        ({"image_url": "not a url"}, "image_url"),
        ({"is_active": "perhaps"}, "is_active"),
    ],
)
def test_create_validates_each_field(admin_client_api, overrides, field):
    response = admin_client_api.post(PRODUCTS, new_product(**overrides))
    assert response.status_code == 400, response.json()
    assert field in response.json()
    assert not Product.objects.exists()


def test_create_ignores_read_only_fields(admin_client_api, customer):
    body = new_product(
        id=4242, slug="evil", created_by=customer.pk, created_at="2000-01-01T00:00:00Z", margin="1"
    )
    created = admin_client_api.post(PRODUCTS, body).json()
    assert (
        created["id"] != 4242
        and created["slug"] == "crunchy-bites"
        and created["created_by"] != customer.pk
    )


@pytest.mark.parametrize("body", ["{bad json", "[1, 2]", "12"])
def test_create_with_malformed_json_is_a_400(admin_client_api, body):
    response = admin_client_api.post(PRODUCTS, body, content_type="application/json")
    assert response.status_code == 400


def test_only_admins_create_products(api_client, customer_client):
    assert api_client.post(PRODUCTS, new_product()).status_code == 401
    assert customer_client.post(PRODUCTS, new_product()).status_code == 403
    assert not Product.objects.exists()


# --- C4 update -----------------------------------------------------------------------


def test_admin_patches_a_product(admin_client_api, product):
    response = admin_client_api.patch(
        product_url(product.pk), {"price": "3.33", "name": "Renamed", "category": "toys"}
    )
    assert response.status_code == 200, response.json()
    product.refresh_from_db()
    assert (
        product.price == Decimal("3.33")
        and product.slug == "renamed"
        and product.category.slug == "toys"
    )


def test_admin_puts_a_whole_product(admin_client_api, product):
    response = admin_client_api.put(product_url(product.pk), new_product(sku=product.sku, stock=0))
    assert response.status_code == 200, response.json()
    product.refresh_from_db()
    assert product.name == "Crunchy Bites" and product.stock == 0


def test_put_needs_the_required_fields(admin_client_api, product):
    assert admin_client_api.put(product_url(product.pk), {"name": "only"}).status_code == 400


def test_keeping_its_own_sku_is_not_a_duplicate(admin_client_api, product):
    assert admin_client_api.patch(product_url(product.pk), {"sku": product.sku}).status_code == 200


def test_update_to_another_products_sku_is_a_400(admin_client_api, product):
    other = ProductFactory()
    response = admin_client_api.patch(product_url(product.pk), {"sku": other.sku})
    assert response.status_code == 400 and "sku" in response.json()


@pytest.mark.parametrize(
    "body", [{"price": "-1"}, {"stock": -3}, {"price": 1e30}, {"category": "nope"}]
)
def test_update_validates(admin_client_api, product, body):
    assert admin_client_api.patch(product_url(product.pk), body).status_code == 400
    product.refresh_from_db()
    assert product.price == Decimal("10.00") and product.stock == 10


def test_admin_updates_an_inactive_product(admin_client_api):
    product = ProductFactory(is_active=False)
    assert admin_client_api.patch(product_url(product.pk), {"is_active": True}).status_code == 200
    product.refresh_from_db()
    assert product.is_active


def test_only_admins_update_products(api_client, customer_client, product):
    assert api_client.patch(product_url(product.pk), {"price": "1"}).status_code == 401
    assert customer_client.patch(product_url(product.pk), {"price": "1"}).status_code == 403
    product.refresh_from_db()
    assert product.price == Decimal("10.00")


def test_update_of_an_unknown_product_is_a_404(admin_client_api):
    assert admin_client_api.patch(product_url(999999), {"price": "1"}).status_code == 404


# --- C5 delete -----------------------------------------------------------------------


def test_admin_deletes_a_product_never_ordered(admin_client_api, product):
    assert admin_client_api.delete(product_url(product.pk)).status_code == 204
    assert not Product.objects.filter(pk=product.pk).exists()


def test_a_product_in_an_order_is_deactivated_instead(admin_client_api, customer, product):
    from sales.tests.factories import place_order

    place_order(user=customer, products=[product])
    assert admin_client_api.delete(product_url(product.pk)).status_code == 204
    product.refresh_from_db()
    assert product.is_active is False


def test_only_admins_delete_products(api_client, customer_client, product):
    assert api_client.delete(product_url(product.pk)).status_code == 401
    assert customer_client.delete(product_url(product.pk)).status_code == 403
    assert Product.objects.filter(pk=product.pk, is_active=True).exists()


def test_delete_of_an_unknown_product_is_a_404(admin_client_api):
    assert admin_client_api.delete(product_url(999999)).status_code == 404


# --- Cache: never stale after a write ------------------------------------------------


def test_a_service_write_is_visible_on_the_next_read(
    api_client, product, django_capture_on_commit_callbacks
):
    url = product_url(product.pk)
    assert api_client.get(url).json()["price"] == "10.00"
    assert api_client.get(PRODUCTS).json()["results"][0]["price"] == "10.00"
    with django_capture_on_commit_callbacks(execute=True):
        services.product_update(product=product, price=Decimal("11.00"))
    assert api_client.get(url).json()["price"] == "11.00"
    assert api_client.get(PRODUCTS).json()["results"][0]["price"] == "11.00"


def test_an_api_write_is_visible_on_the_next_read(
    api_client, admin_client_api, product, django_capture_on_commit_callbacks
):
    assert api_client.get(PRODUCTS).json()["count"] == 1
    with django_capture_on_commit_callbacks(execute=True):
        admin_client_api.post(PRODUCTS, new_product())
        admin_client_api.patch(product_url(product.pk), {"is_active": False})
    assert names(api_client.get(PRODUCTS)) == ["Crunchy Bites"]
    assert api_client.get(product_url(product.pk)).status_code == 404


def test_stock_changes_by_checkout_are_visible_on_the_next_read(
    api_client, product, django_capture_on_commit_callbacks
):
    assert api_client.get(product_url(product.pk)).json()["stock"] == 10
    with django_capture_on_commit_callbacks(execute=True):
        services.stock_release(quantities={product.pk: 5})
    assert api_client.get(product_url(product.pk)).json()["stock"] == 15


def test_cached_list_reads_cost_no_query(api_client, product, django_assert_num_queries):
    api_client.get(PRODUCTS, {"page_size": 5})
    with django_assert_num_queries(0):
        assert api_client.get(PRODUCTS, {"page_size": 5}).status_code == 200


def test_cached_pages_keep_the_callers_host_in_their_links(api_client):
    ProductFactory.create_batch(3)
    first = api_client.get(PRODUCTS, {"page_size": 2}, HTTP_HOST="localhost").json()
    second = api_client.get(PRODUCTS, {"page_size": 2}, HTTP_HOST="127.0.0.1").json()
    assert first["next"].startswith("http://localhost/") and second["next"].startswith(
        "http://127.0.0.1/"
    )


def test_admins_never_get_the_public_cached_answer(api_client, admin_client_api, product):
    api_client.get(PRODUCTS)
    assert set(admin_client_api.get(PRODUCTS).json()["results"][0]) == ADMIN_FIELDS
    admin_client_api.get(product_url(product.pk))
    assert set(api_client.get(product_url(product.pk)).json()) == PUBLIC_FIELDS
