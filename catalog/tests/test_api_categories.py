"""Categories and pet types API (API.md C6–C11): each endpoint's success and every
error it lists, query counts and the cache."""

import pytest

from catalog import services
from catalog.models import Category
from catalog.tests.factories import CategoryFactory, PetTypeFactory, ProductFactory

pytestmark = pytest.mark.django_db

CATEGORIES = "/api/v1/categories/"
PET_TYPES = "/api/v1/pet-types/"
REFERENCE_CATEGORIES = ["accessories", "food", "grooming", "health", "toys"]


def category_url(pk):
    return f"{CATEGORIES}{pk}/"


def slugs(response):
    assert response.status_code == 200, response.content
    return [c["slug"] for c in response.json()["results"]]


# --- C6 / C7 read ----------------------------------------------------------------------


def test_anyone_lists_categories_paginated(api_client):
    response = api_client.get(CATEGORIES)
    body = response.json()
    assert set(body) == {"count", "next", "previous", "results"}
    assert slugs(response) == REFERENCE_CATEGORIES
    assert set(body["results"][0]) == {"id", "name", "slug", "description"}


def test_anyone_reads_one_category(api_client):
    food = Category.objects.get(slug="food")
    response = api_client.get(category_url(food.pk))
    assert response.status_code == 200 and response.json()["name"] == food.name


@pytest.mark.parametrize("pk", ["999999", "abc", "99999999999999999999"])
def test_an_unknown_category_is_a_json_404(api_client, pk):
    response = api_client.get(f"{CATEGORIES}{pk}/")
    assert response.status_code == 404 and response["Content-Type"].startswith("application/json")


def test_category_list_costs_the_same_queries_for_5_and_50_rows(
    api_client, django_assert_num_queries
):
    CategoryFactory.create_batch(55)
    with django_assert_num_queries(2):  # count, page
        small = api_client.get(CATEGORIES, {"page_size": 5})
    with django_assert_num_queries(2):
        large = api_client.get(CATEGORIES, {"page_size": 50})
    assert len(small.json()["results"]) == 5 and len(large.json()["results"]) == 50


# --- C8 create -------------------------------------------------------------------------


def test_admin_creates_a_category_with_a_generated_slug(admin_client_api):
    response = admin_client_api.post(
        CATEGORIES, {"name": "Aquarium Plants", "description": "Green"}
    )
    assert response.status_code == 201, response.json()
    assert response.json()["slug"] == "aquarium-plants"
    assert Category.objects.filter(slug="aquarium-plants", description="Green").exists()


def test_admin_creates_a_category_with_its_own_slug(admin_client_api):
    response = admin_client_api.post(CATEGORIES, {"name": "Beds", "slug": "sleep"})
    assert response.status_code == 201 and response.json()["slug"] == "sleep"


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"name": "Food"}, "name"),
        ({"name": "Nourishment", "slug": "food"}, "slug"),
        ({"name": "Food!"}, "slug"),  # the generated slug "food" is taken
        ({"name": ""}, "name"),
        ({}, "name"),
        ({"name": "x" * 101}, "name"),
        ({"name": "Ok", "slug": "not a slug"}, "slug"),
        ({"name": "!!!"}, "slug"),  # nothing to make a slug of
        ({"name": ["a"]}, "name"),
    ],
)
def test_create_category_refuses_duplicates_and_bad_input(admin_client_api, body, field):
    before = Category.objects.count()
    response = admin_client_api.post(CATEGORIES, body)
    assert response.status_code == 400, response.json()
    assert field in response.json()
    assert Category.objects.count() == before


def test_only_admins_create_categories(api_client, customer_client):
    assert api_client.post(CATEGORIES, {"name": "New"}).status_code == 401
    assert customer_client.post(CATEGORIES, {"name": "New"}).status_code == 403
    assert not Category.objects.filter(name="New").exists()


# --- C9 update -------------------------------------------------------------------------


def test_admin_patches_a_category(admin_client_api):
    toys = Category.objects.get(slug="toys")
    response = admin_client_api.patch(category_url(toys.pk), {"description": "Fun things"})
    assert response.status_code == 200 and response.json()["description"] == "Fun things"
    toys.refresh_from_db()
    assert toys.description == "Fun things"


def test_patch_to_a_taken_name_is_a_400(admin_client_api):
    toys = Category.objects.get(slug="toys")
    response = admin_client_api.patch(category_url(toys.pk), {"name": "Food"})
    assert response.status_code == 400 and "name" in response.json()


def test_put_is_not_allowed_on_categories(admin_client_api):
    toys = Category.objects.get(slug="toys")
    assert admin_client_api.put(category_url(toys.pk), {"name": "Toys"}).status_code == 405


def test_only_admins_update_categories(api_client, customer_client):
    toys = Category.objects.get(slug="toys")
    assert api_client.patch(category_url(toys.pk), {"name": "X"}).status_code == 401
    assert customer_client.patch(category_url(toys.pk), {"name": "X"}).status_code == 403


def test_update_of_an_unknown_category_is_a_404(admin_client_api):
    assert admin_client_api.patch(category_url(999999), {"name": "X"}).status_code == 404


# --- C10 delete ------------------------------------------------------------------------


def test_admin_deletes_an_unused_category(admin_client_api):
    unused = CategoryFactory()
    assert admin_client_api.delete(category_url(unused.pk)).status_code == 204
    assert not Category.objects.filter(pk=unused.pk).exists()


def test_deleting_a_category_in_use_is_a_409(admin_client_api, product):
    response = admin_client_api.delete(category_url(product.category_id))
    assert response.status_code == 409 and response.json()["code"] == "category_in_use"
    assert Category.objects.filter(pk=product.category_id).exists()


def test_an_inactive_product_still_holds_its_category(admin_client_api):
    product = ProductFactory(is_active=False)
    assert admin_client_api.delete(category_url(product.category_id)).status_code == 409


def test_only_admins_delete_categories(api_client, customer_client):
    unused = CategoryFactory()
    assert api_client.delete(category_url(unused.pk)).status_code == 401
    assert customer_client.delete(category_url(unused.pk)).status_code == 403
    assert Category.objects.filter(pk=unused.pk).exists()


def test_delete_of_an_unknown_category_is_a_404(admin_client_api):
    assert admin_client_api.delete(category_url(999999)).status_code == 404


# --- C11 pet types ---------------------------------------------------------------------


def test_anyone_lists_pet_types(api_client):
    response = api_client.get(PET_TYPES)
    assert response.status_code == 200
    results = response.json()["results"]
    assert [p["slug"] for p in results] == ["bird", "cat", "dog", "fish", "other", "reptile"]
    assert set(results[0]) == {"id", "name", "slug"}


@pytest.mark.parametrize("method", ["post", "put", "patch", "delete"])
def test_pet_types_are_read_only(admin_client_api, method):
    assert (
        getattr(admin_client_api, method)(PET_TYPES, {"name": "Horse", "slug": "horse"}).status_code
        == 405
    )


def test_pet_type_list_costs_the_same_queries_for_5_and_50_rows(
    api_client, django_assert_num_queries
):
    PetTypeFactory.create_batch(55)
    with django_assert_num_queries(2):  # count, page
        small = api_client.get(PET_TYPES, {"page_size": 5})
    with django_assert_num_queries(2):
        large = api_client.get(PET_TYPES, {"page_size": 50})
    assert len(small.json()["results"]) == 5 and len(large.json()["results"]) == 50


# --- Cache -----------------------------------------------------------------------------


def test_category_writes_are_visible_on_the_next_read(
    api_client, django_capture_on_commit_callbacks
):
    assert "sleep" not in slugs(api_client.get(CATEGORIES))
    toys = Category.objects.get(slug="toys")
    api_client.get(category_url(toys.pk))
    with django_capture_on_commit_callbacks(execute=True):
        services.category_create(name="Beds", slug="sleep")
        services.category_update(category=toys, description="Now described")
    assert "sleep" in slugs(api_client.get(CATEGORIES))
    assert api_client.get(category_url(toys.pk)).json()["description"] == "Now described"


def test_pet_type_writes_are_visible_on_the_next_read(
    api_client, django_capture_on_commit_callbacks
):
    from catalog.models import PetType

    assert api_client.get(PET_TYPES).json()["count"] == 6
    with django_capture_on_commit_callbacks(execute=True):
        services.pet_type_save(pet_type=PetType(name="Horse", slug="horse"))
    assert api_client.get(PET_TYPES).json()["count"] == 7


def test_cached_category_reads_cost_no_query(api_client, django_assert_num_queries):
    api_client.get(CATEGORIES)
    with django_assert_num_queries(0):
        assert api_client.get(CATEGORIES).status_code == 200
