"""C1's query parameters, exactly as API.md writes them."""

from django_filters import rest_framework as filters

from catalog.models import Product
from catalog.selectors import nav_categories, nav_pet_types
from petshop.core.api.filters import StrictBooleanFilter, search_fields
from petshop.core.roles import is_shop_admin

# Each public ordering, with the id as tie-break so pages never overlap or skip rows
# (and the (is_active, <field>, id) indexes serve them).
ORDERINGS = {
    "name": ("name", "id"),
    "-name": ("-name", "-id"),
    "price": ("price", "id"),
    "-price": ("-price", "-id"),
    "created_at": ("created_at", "id"),
    "-created_at": ("-created_at", "-id"),
}
DEFAULT_ORDERING = "name"

# Price bounds as the column holds them (max_digits=10, decimal_places=2) plus headroom:
# anything longer is a 400, never a numeric overflow in the database.
PRICE_FILTER = {"max_digits": 12, "decimal_places": 2}


def _category_choices():
    # The cached reference lists: validating the slug costs no query.
    return [(c.slug, c.name) for c in nav_categories()]


def _pet_type_choices():
    return [(p.slug, p.name) for p in nav_pet_types()]


class ProductFilter(filters.FilterSet):
    category = filters.ChoiceFilter(choices=_category_choices, method="filter_category")
    pet_type = filters.ChoiceFilter(choices=_pet_type_choices, method="filter_pet_type")
    brand = filters.CharFilter(lookup_expr="icontains", max_length=100)
    min_price = filters.NumberFilter(field_name="price", lookup_expr="gte", **PRICE_FILTER)
    max_price = filters.NumberFilter(field_name="price", lookup_expr="lte", **PRICE_FILTER)
    in_stock = StrictBooleanFilter(method="filter_in_stock")
    search = filters.CharFilter(method="filter_search", max_length=200)
    ordering = filters.ChoiceFilter(
        choices=[(key, key) for key in ORDERINGS], method="filter_ordering"
    )
    # Admins only (see filter_queryset); others always get active products.
    is_active = StrictBooleanFilter(method="filter_is_active")

    class Meta:
        model = Product
        fields = []

    def filter_category(self, queryset, name, value: str):  # the hint: a slug in the schema
        category = next(c for c in nav_categories() if c.slug == value)
        return queryset.filter(category_id=category.pk)

    def filter_pet_type(self, queryset, name, value: str):
        pet_type = next(p for p in nav_pet_types() if p.slug == value)
        return queryset.filter(pet_type_id=pet_type.pk)

    def filter_in_stock(self, queryset, name, value):
        return queryset.in_stock() if value else queryset.filter(stock=0)

    def filter_search(self, queryset, name, value):
        return search_fields(queryset, value, ("name", "description", "brand", "sku"))

    def filter_ordering(self, queryset, name, value):
        return queryset  # applied in filter_queryset, so the default applies without ?ordering=

    def filter_is_active(self, queryset, name, value):
        return queryset  # applied in filter_queryset, where the caller is known

    @property
    def caller_is_admin(self) -> bool:
        return is_shop_admin(getattr(self.request, "user", None))

    def filter_queryset(self, queryset):
        queryset = super().filter_queryset(queryset)
        is_active = self.form.cleaned_data.get("is_active")
        if not self.caller_is_admin or is_active is None:
            is_active = True
        queryset = queryset.filter(is_active=is_active)
        ordering = self.form.cleaned_data.get("ordering") or DEFAULT_ORDERING
        return queryset.order_by(*ORDERINGS[ordering])
