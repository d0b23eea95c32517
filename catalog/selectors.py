"""Named catalog reads shared by the storefront and the API."""

from catalog.cache import cached
from catalog.models import Category, PetType


def nav_pet_types() -> list[PetType]:
    return cached("pet_types", (), lambda: list(PetType.objects.all()))


def nav_categories() -> list[Category]:
    return cached("categories", (), lambda: list(Category.objects.all()))
