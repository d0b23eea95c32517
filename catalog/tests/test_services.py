"""Catalog services: the rules of API.md C3–C5, C10 and stock that never goes below zero."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from catalog.exceptions import CategoryInUse, InsufficientStock, PetTypeInUse, ProductUnavailable
from catalog.models import Category, PetType, Product
from catalog.services import (
    category_create,
    category_delete,
    category_update,
    pet_type_delete,
    pet_type_save,
    product_create,
    product_delete,
    product_update,
    stock_release,
    stock_reserve,
    stock_set,
)
from catalog.tests.factories import CategoryFactory, ProductFactory
from petshop.core.exceptions import InvalidInput
from sales.models import CartLine, OrderLine
from sales.services import cart_add, cart_for_user
from sales.tests.factories import place_order

pytestmark = pytest.mark.django_db


def stock(product) -> int:
    return Product.objects.values_list("stock", flat=True).get(pk=product.pk)


@pytest.fixture
def carts_holding(customer, other_customer):
    """Put `product` into two users' carts."""

    def put(product):
        for user in (customer, other_customer):
            cart_add(cart=cart_for_user(user=user), product_id=product.pk)

    return put


# --- products ------------------------------------------------------------------------------


def test_create_generates_a_unique_sku_and_a_slug(admin_user):
    fields = {
        "name": "Crunchy Kibble",
        "price": Decimal("9.99"),
        "category": Category.objects.get(slug="food"),
        "pet_type": PetType.objects.get(slug="dog"),
        "stock": 3,
    }
    a = product_create(created_by=admin_user, **fields)
    b = product_create(created_by=admin_user, **fields)
    assert a.sku and b.sku and a.sku != b.sku
    assert a.slug == "crunchy-kibble"
    assert a.created_by == admin_user


def test_create_refuses_a_negative_stock():
    with pytest.raises(ValidationError):
        product_create(
            name="Bad",
            price=Decimal("1.00"),
            category=Category.objects.get(slug="food"),
            pet_type=PetType.objects.get(slug="dog"),
            stock=-1,
        )
    assert not Product.objects.filter(name="Bad").exists()


def test_delete_removes_a_product_never_ordered(carts_holding):
    product = ProductFactory()
    carts_holding(product)
    assert product_delete(product=product) is True
    assert not Product.objects.filter(pk=product.pk).exists()
    assert not CartLine.objects.exists()


def test_delete_of_an_ordered_product_deactivates_it_and_empties_it_from_every_cart(carts_holding):
    product = ProductFactory(stock=20)
    order = place_order(products=[product])
    carts_holding(product)
    before = product.updated_at
    assert product_delete(product=product) is False
    product.refresh_from_db()
    assert product.is_active is False
    assert product.updated_at > before
    assert not CartLine.objects.filter(product=product).exists()
    assert OrderLine.objects.filter(order=order, product=product).exists()  # history stays whole


def test_deactivating_through_update_keeps_it_in_carts_as_no_longer_available(carts_holding):
    # Issue 15: nothing vanishes from a cart unexplained; the line stays, unavailable.
    product, kept = ProductFactory(), ProductFactory()
    carts_holding(product)
    carts_holding(kept)
    product_update(product=product, is_active=False)
    lines = CartLine.objects.select_related("product").filter(product=product)
    assert lines.count() == 2 and not any(line.available for line in lines)
    assert all(line.available for line in CartLine.objects.filter(product=kept))


def test_an_update_that_keeps_it_active_leaves_carts_alone(carts_holding):
    product = ProductFactory()
    carts_holding(product)
    product_update(product=product, name="Renamed")
    assert CartLine.objects.filter(product=product).count() == 2
    product.refresh_from_db()
    assert (product.name, product.slug) == ("Renamed", "renamed")


def test_update_never_overwrites_a_stock_decrement_made_since_loading():
    product = ProductFactory(stock=10)
    loaded = Product.objects.get(pk=product.pk)  # an admin form opened now...
    place_order(products=[product], quantity=3)  # ...a checkout commits meanwhile...
    product_update(product=loaded, price=Decimal("11.00"))  # ...then the form is saved
    assert stock(product) == 7
    assert loaded.stock == 7


def test_update_sets_stock_when_asked_to():
    product = ProductFactory(stock=10)
    product_update(product=product, stock=4)
    assert stock(product) == 4


def test_update_ignores_fields_that_are_not_the_products():
    product = ProductFactory()
    product_update(product=product, created_by_id=123, id=999, name="Ok")
    assert Product.objects.filter(pk=product.pk, name="Ok", created_by=None).exists()


def test_update_refuses_a_negative_stock():
    product = ProductFactory(stock=2)
    with pytest.raises(ValidationError):
        product_update(product=product, stock=-1)
    assert stock(product) == 2


# --- categories ----------------------------------------------------------------------------


def test_category_create_and_update():
    category = category_create(name="Aquarium Plants")
    assert category.slug == "aquarium-plants"
    category_update(category=category, description="Green things")
    category.refresh_from_db()
    assert category.description == "Green things"


def test_category_delete_of_an_unused_category():
    category = CategoryFactory()
    category_delete(category=category)
    assert not Category.objects.filter(pk=category.pk).exists()


@pytest.mark.parametrize("active", [True, False])
def test_category_delete_of_a_used_category_is_category_in_use(active):
    category = CategoryFactory()
    ProductFactory(category=category, is_active=active)
    with pytest.raises(CategoryInUse) as exc:
        category_delete(category=category)
    assert (exc.value.status_code, exc.value.code) == (409, "category_in_use")
    assert Category.objects.filter(pk=category.pk).exists()


# --- stock ---------------------------------------------------------------------------------


def test_reserve_takes_every_quantity():
    a, b = ProductFactory(stock=5), ProductFactory(stock=5)
    stock_reserve(quantities={a.pk: 5, b.pk: 1})
    assert (stock(a), stock(b)) == (0, 4)


def test_reserve_never_goes_below_zero_and_reports_every_short_line():
    a, b, c = ProductFactory(stock=1), ProductFactory(stock=0), ProductFactory(stock=9)
    with pytest.raises(InsufficientStock) as exc:
        stock_reserve(quantities={a.pk: 2, b.pk: 1, c.pk: 1})
    assert exc.value.extra["items"] == [
        {"product_id": a.pk, "requested": 2, "available": 1},
        {"product_id": b.pk, "requested": 1, "available": 0},
    ]
    assert (stock(a), stock(b), stock(c)) == (1, 0, 9)


def test_reserve_of_an_inactive_product_is_product_unavailable():
    product = ProductFactory(is_active=False)
    with pytest.raises(ProductUnavailable):
        stock_reserve(quantities={product.pk: 1})


def test_reserve_of_an_unknown_product_is_invalid_input():
    with pytest.raises(InvalidInput):
        stock_reserve(quantities={999_999: 1})


def test_release_puts_quantities_back():
    a, b = ProductFactory(stock=0), ProductFactory(stock=3)
    stock_release(quantities={a.pk: 2, b.pk: 5})
    assert (stock(a), stock(b)) == (2, 8)


def test_stock_set_refuses_a_negative_figure():
    product = ProductFactory(stock=3)
    with pytest.raises(ValidationError):
        stock_set(product=product, stock=-1)
    assert stock(product) == 3
    stock_set(product=product, stock=0)
    assert stock(product) == 0


def test_release_of_nothing_changes_nothing():
    product = ProductFactory(stock=3)
    stock_release(quantities={product.pk: 0})
    stock_release(quantities={})
    assert stock(product) == 3


# --- pet types -----------------------------------------------------------------------------


def test_pet_type_save_validates_and_saves():
    pet_type = pet_type_save(pet_type=PetType(name="Hamster", slug="hamster"))
    assert PetType.objects.filter(pk=pet_type.pk, slug="hamster").exists()
    with pytest.raises(ValidationError):
        pet_type_save(pet_type=PetType(name="Hamster again", slug="hamster"))


def test_pet_type_delete_of_a_used_pet_type_is_pet_type_in_use():
    pet_type = pet_type_save(pet_type=PetType(name="Ferret", slug="ferret"))
    product = ProductFactory(pet_type=pet_type, is_active=False)
    with pytest.raises(PetTypeInUse):
        pet_type_delete(pet_type=pet_type)
    product.delete()
    pet_type_delete(pet_type=pet_type)
    assert not PetType.objects.filter(slug="ferret").exists()
