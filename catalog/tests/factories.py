from decimal import Decimal

import factory

from catalog.models import Category, PetType, Product


class CategoryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Category
        django_get_or_create = ("slug",)

    name = factory.Sequence(lambda n: f"Category {n}")
    slug = factory.Sequence(lambda n: f"category-{n}")


class PetTypeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PetType
        django_get_or_create = ("slug",)

    name = factory.Sequence(lambda n: f"Pet {n}")
    slug = factory.Sequence(lambda n: f"pet-{n}")


class ProductFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Product

    sku = factory.Sequence(lambda n: f"SKU-{n:06d}")
    name = factory.Sequence(lambda n: f"Product {n}")
    slug = factory.Sequence(lambda n: f"product-{n}")
    description = "A fine product."
    price = Decimal("10.00")
    category = factory.LazyFunction(lambda: Category.objects.get(slug="food"))
    pet_type = factory.LazyFunction(lambda: PetType.objects.get(slug="dog"))
    brand = "Acme"
    stock = 10
    is_active = True
