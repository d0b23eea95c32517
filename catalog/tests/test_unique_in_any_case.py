"""sku, category names and slugs, pet type names and slugs are unique in any case: in
the database, in every service (field errors in words) and in the migration's check."""

import importlib

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction

from catalog.models import Category, PetType, Product
from catalog.services import category_create, pet_type_save, product_create, product_update
from catalog.tests.factories import ProductFactory

pytestmark = pytest.mark.django_db

migration = importlib.import_module("catalog.migrations.0004_unique_in_any_case")


def test_a_sku_differing_only_in_case_is_refused_on_the_sku_field():
    ProductFactory(sku="ABC-1")
    other = ProductFactory(sku="XYZ-9")
    with pytest.raises(ValidationError) as created:
        product_create(
            sku="abc-1",
            name="Bowl",
            price=1,
            stock=1,
            category=other.category,
            pet_type=other.pet_type,
        )
    with pytest.raises(ValidationError) as updated:
        product_update(product=other, sku="Abc-1")
    for refusal in (created.value, updated.value):
        assert refusal.message_dict == {"sku": ["A product with that sku already exists."]}


@pytest.mark.parametrize("field", ["name", "slug"])
def test_category_name_and_slug_are_unique_in_any_case(field):
    category_create(name="Aquaria", slug="aquaria")
    clash = (
        {"name": "AQUARIA", "slug": "other"}
        if field == "name"
        else {"name": "X", "slug": "AQUARIA"}
    )
    with pytest.raises(ValidationError) as refused:
        category_create(**clash)
    assert list(refused.value.message_dict) == [field]


def test_pet_type_names_are_unique_in_any_case():
    with pytest.raises(ValidationError) as refused:
        pet_type_save(pet_type=PetType(name="DOG", slug="doggo"))
    assert list(refused.value.message_dict) == ["name"]


def test_the_database_refuses_a_clash_that_skips_the_services():
    Category.objects.create(name="Kennels", slug="kennels-1")
    with pytest.raises(IntegrityError), transaction.atomic():
        Category.objects.create(name="KENNELS", slug="kennels-2")


def test_the_migration_names_every_existing_clash_before_adding_the_constraints():
    with connection.cursor() as cursor:
        cursor.execute("DROP INDEX product_sku_unique_ci")
    first = ProductFactory(sku="DUP-1")
    second = ProductFactory(sku="dup-1")

    with pytest.raises(RuntimeError) as refused:
        migration.refuse_existing_clashes(apps, None)

    text = str(refused.value)
    assert "Product.sku" in text and f"(id {first.pk})" in text and f"(id {second.pk})" in text
    Product.objects.filter(pk=second.pk).update(sku="DUP-2")
    migration.refuse_existing_clashes(apps, None)  # no clash left: passes
