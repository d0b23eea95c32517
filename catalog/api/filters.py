"""C1's query parameters, exactly as API.md writes them (and C15's, the same)."""

from django.core.exceptions import ValidationError
from django.core.validators import ProhibitNullCharactersValidator
from django_filters import rest_framework as filters
from django_filters.fields import MultipleChoiceField

from catalog.facets import Selection
from catalog.models import Product
from catalog.search import MAX_TERM_LENGTH, normalise_term, search
from catalog.selectors import nav_categories, nav_pet_types
from petshop.core.api.filters import StrictBooleanFilter
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
# With `search`, the default: best match first (catalog.search's `relevance`), then name.
RELEVANCE = "relevance"
RELEVANCE_ORDERING = ("-relevance", "name", "id")
BRAND_MAX_LENGTH = 100

# Price bounds as the column holds them (max_digits=10, decimal_places=2) plus headroom:
# anything longer is a 400, never a numeric overflow in the database.
PRICE_FILTER = {"max_digits": 12, "decimal_places": 2}


def _category_choices():
    # The cached reference lists: validating the slug costs no query.
    return [(c.slug, c.name) for c in nav_categories()]


def _pet_type_choices():
    return [(p.slug, p.name) for p in nav_pet_types()]


class _FreeTextsField(MultipleChoiceField):
    """Several free-text values of one parameter (`?brand=A&brand=B`): any text up to
    `max_length` is valid; blank ones are dropped."""

    def __init__(self, *args, max_length: int, **kwargs):
        self.max_length = max_length
        super().__init__(*args, **kwargs)

    def to_python(self, value):
        return [v.strip() for v in super().to_python(value) if v.strip()]

    def valid_value(self, value):
        return len(value) <= self.max_length

    def validate(self, value):
        if self.required and not value:
            raise ValidationError(self.error_messages["required"], code="required")
        for item in value:
            ProhibitNullCharactersValidator()(item)  # as every CharField: PostgreSQL refuses NUL
            if not self.valid_value(item):
                raise ValidationError(
                    f"Ensure each value has at most {self.max_length} characters.",
                    code="max_length",
                )


class BrandFilter(filters.MultipleChoiceFilter):
    """`brand`: products whose brand contains any of the values, in any case."""

    field_class = _FreeTextsField

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("distinct", False)  # one row per product already
        super().__init__(*args, field_name="brand", lookup_expr="icontains", **kwargs)
        # django-filter reads the text "null" as "no brand" (None), which icontains
        # refuses (a 500 found by the fuzz check): here it is a brand text like any other.
        self.null_value = None


class ProductFilter(filters.FilterSet):
    category = filters.ChoiceFilter(choices=_category_choices, method="filter_category")
    pet_type = filters.ChoiceFilter(choices=_pet_type_choices, method="filter_pet_type")
    brand = BrandFilter(max_length=BRAND_MAX_LENGTH)
    min_price = filters.NumberFilter(field_name="price", lookup_expr="gte", **PRICE_FILTER)
    max_price = filters.NumberFilter(field_name="price", lookup_expr="lte", **PRICE_FILTER)
    in_stock = StrictBooleanFilter(method="filter_in_stock")
    search = filters.CharFilter(method="filter_search", max_length=MAX_TERM_LENGTH)
    ordering = filters.ChoiceFilter(
        choices=[(key, key) for key in (RELEVANCE, *ORDERINGS)], method="filter_ordering"
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
        return search(queryset, value)

    def filter_ordering(self, queryset, name, value):
        return queryset  # applied in filter_queryset, so the default applies without ?ordering=

    def filter_is_active(self, queryset, name, value):
        return queryset  # applied in filter_queryset, where the caller is known

    @property
    def caller_is_admin(self) -> bool:
        return is_shop_admin(getattr(self.request, "user", None))

    @property
    def search_term(self) -> str:
        return normalise_term(self.form.cleaned_data.get("search"))

    def is_active_value(self) -> bool:
        is_active = self.form.cleaned_data.get("is_active")
        if not self.caller_is_admin or is_active is None:
            is_active = True
        return is_active

    def filter_queryset(self, queryset):
        queryset = super().filter_queryset(queryset)
        queryset = queryset.filter(is_active=self.is_active_value())
        ordering = self.form.cleaned_data.get("ordering")
        if not ordering:
            ordering = RELEVANCE if self.search_term else DEFAULT_ORDERING
        if ordering == RELEVANCE:
            # Without a search there is no relevance to rank by: name order.
            return queryset.order_by(
                *(RELEVANCE_ORDERING if self.search_term else ORDERINGS[DEFAULT_ORDERING])
            )
        return queryset.order_by(*ORDERINGS[ordering])

    # --- Facets (C15): every facet counts with every filter but its own --------------

    def facet_queryset(self):
        """The products every facet counts within: the search and visibility, none of
        the facet filters (catalog.facets.Selection applies those per facet)."""
        return search(self.queryset, self.search_term).filter(is_active=self.is_active_value())

    def in_stock_selection(self) -> bool | None:
        return self.form.cleaned_data.get("in_stock")

    def facet_selection(self) -> Selection:
        data = self.form.cleaned_data
        pet_type = next((p for p in nav_pet_types() if p.slug == data.get("pet_type")), None)
        category = next((c for c in nav_categories() if c.slug == data.get("category")), None)
        return Selection(
            pet_type_id=pet_type.pk if pet_type else None,
            category_id=category.pk if category else None,
            brands=tuple(data.get("brand") or ()),
            min_price=data.get("min_price"),
            max_price=data.get("max_price"),
            in_stock=self.in_stock_selection(),
        )
