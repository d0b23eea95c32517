"""The database itself refuses bad catalog data (constraints proven by writing around
the model's validation), and the reference data is there after migrate."""

from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction

from catalog.models import Category, PetType, Product
from catalog.tests.factories import ProductFactory

pytestmark = pytest.mark.django_db


def _refused(**values):
    product = ProductFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        Product.objects.filter(pk=product.pk).update(**values)


def test_negative_stock_is_refused():
    _refused(stock=-1)


def test_negative_price_is_refused():
    _refused(price=Decimal("-0.01"))


def test_negative_internal_cost_is_refused():
    _refused(internal_cost=Decimal("-1.00"))


def test_zero_stock_price_and_cost_are_accepted():
    product = ProductFactory()
    Product.objects.filter(pk=product.pk).update(stock=0, price=0, internal_cost=0)
    product.refresh_from_db()
    assert (product.stock, product.price, product.internal_cost) == (0, 0, 0)


def test_sku_is_unique():
    product = ProductFactory(sku="DUP-1")
    clone = Product(
        sku="DUP-1",
        name="Clone",
        slug="clone",
        price=1,
        category=product.category,
        pet_type=product.pet_type,
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        Product.objects.bulk_create([clone])


def test_reference_categories_are_present_after_migrate():
    assert set(Category.objects.values_list("slug", flat=True)) >= {
        "food",
        "toys",
        "accessories",
        "health",
        "grooming",
    }


def test_reference_pet_types_are_present_after_migrate():
    assert set(PetType.objects.values_list("slug", flat=True)) >= {
        "dog",
        "cat",
        "bird",
        "fish",
        "reptile",
        "other",
    }
