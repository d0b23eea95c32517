"""The storefront catalog's query. It *is* the API's FilterSet (API.md C1, in
catalog/api/filters.py) — same parameter names, same search and orderings — with the
labels and widgets an HTML form needs. Every filter state is a GET URL to share."""

from decimal import Decimal

import django_filters
from django import forms

from catalog.api.filters import ORDERINGS, PRICE_FILTER, RELEVANCE, ProductFilter
from catalog.search import CENT, normalise_term
from catalog.selectors import nav_categories, nav_pet_types

SORT_LABELS = {
    RELEVANCE: "Best match",  # name order when nothing is searched
    "name": "Name A–Z",
    "-name": "Name Z–A",
    "price": "Price, low to high",
    "-price": "Price, high to low",
    "-created_at": "Newest first",
}
assert set(SORT_LABELS) <= {RELEVANCE, *ORDERINGS}  # only orderings the API's FilterSet knows


def _pet_type_choices():
    # The cached reference lists: rendering and validating the form costs no query.
    return [(p.slug, p.name) for p in nav_pet_types()]


def _category_choices():
    return [(c.slug, c.name) for c in nav_categories()]


_PRICE_WIDGET = {"step": "0.01", "min": "0", "inputmode": "decimal", "placeholder": "$"}


class CatalogFilterForm(forms.Form):
    def clean(self):
        cleaned = super().clean()
        low, high = cleaned.get("min_price"), cleaned.get("max_price")
        # Without this a swapped range lists nothing and does not say why; the error
        # drops max_price from cleaned_data, so it is ignored like any invalid value.
        if low is not None and high is not None and low > high:
            self.add_error("max_price", "The max price is below the min price.")
        return cleaned


class StorefrontProductFilter(ProductFilter):
    """Construct it without `request`: the storefront never shows inactive products,
    whoever is logged in (the API's admin-only `is_active` stays off)."""

    class Meta(ProductFilter.Meta):
        form = CatalogFilterForm

    search = django_filters.CharFilter(
        method="filter_search",
        max_length=200,
        label="Search",
        widget=forms.TextInput(attrs={"type": "search", "placeholder": "Name, brand, SKU…"}),
    )
    pet_type = django_filters.ChoiceFilter(
        choices=_pet_type_choices, method="filter_pet_type", label="Pet", empty_label="All pets"
    )
    category = django_filters.ChoiceFilter(
        choices=_category_choices,
        method="filter_category",
        label="Category",
        empty_label="All categories",
    )
    min_price = django_filters.NumberFilter(
        field_name="price",
        lookup_expr="gte",
        label="Min price",
        min_value=Decimal("0"),
        widget=forms.NumberInput(attrs=_PRICE_WIDGET),
        **PRICE_FILTER,
    )
    max_price = django_filters.NumberFilter(
        field_name="price",
        lookup_expr="lte",
        label="Max price",
        min_value=Decimal("0"),
        widget=forms.NumberInput(attrs=_PRICE_WIDGET),
        **PRICE_FILTER,
    )
    # A checkbox: ticked means in stock only; unticked means everything (the API's
    # `in_stock=false`, out of stock only, has no use in a shop window).
    in_stock = django_filters.BooleanFilter(
        method="filter_in_stock_only", label="In stock only", widget=forms.CheckboxInput
    )
    ordering = django_filters.ChoiceFilter(
        choices=list(SORT_LABELS.items()),
        method="filter_ordering",
        label="Sort by",
        empty_label=None,
    )

    def filter_in_stock_only(self, queryset, name, value):
        return queryset.in_stock() if value else queryset

    def in_stock_selection(self) -> bool | None:
        return True if self.form.cleaned_data.get("in_stock") else None

    def cache_parts(self) -> tuple:
        """The valid filter values, normalised: the part of a cache key naming this list.
        The search term and brands match in any case, so their case is no part of it."""
        data = dict(self.form.cleaned_data)
        data["search"] = normalise_term(data.get("search"))
        data["brand"] = sorted({b.lower() for b in data.get("brand") or ()})
        if not data.get("ordering"):
            data["ordering"] = RELEVANCE if data["search"] else "name"
        return tuple(sorted((k, str(v)) for k, v in data.items() if v not in (None, "", False, [])))

    def facet_cache_parts(self) -> tuple:
        # The order of the list changes no count.
        return tuple(part for part in self.cache_parts() if part[0] != "ordering")


def filter_panel(*, facets: dict, form) -> dict:
    """The storefront filter panel's choices, each with its count and whether it is
    picked. Empty choices are left out (the facets hold none), except a picked one, so
    a shopper can always see and undo what they picked."""
    data = form.cleaned_data

    def choices(items, picked: str, reference) -> list[dict]:
        rows = [{**item, "selected": item["slug"] == picked} for item in items]
        if picked and picked not in {item["slug"] for item in items}:
            name = next((r.name for r in reference if r.slug == picked), picked)
            rows.append({"slug": picked, "name": name, "count": 0, "selected": True})
        return rows

    picked_brands = list(dict.fromkeys(data.get("brand") or ()))
    lower_picked = {b.lower() for b in picked_brands}
    brands = [{**b, "selected": b["name"].lower() in lower_picked} for b in facets["brand"]]
    shown = {b["name"].lower() for b in facets["brand"]}
    brands += [
        {"name": b, "count": 0, "selected": True} for b in picked_brands if b.lower() not in shown
    ]

    def as_text(value):
        return str(value.quantize(CENT)) if value is not None else None

    picked_range = (as_text(data.get("min_price")), as_text(data.get("max_price")))
    prices = []
    for band in facets["price"]:
        # A band holds min <= price < max; the list's max_price is inclusive.
        max_price = as_text(Decimal(band["max"]) - CENT) if band["max"] is not None else None
        prices.append(
            {**band, "max_price": max_price, "selected": picked_range == (band["min"], max_price)}
        )
    return {
        "pet_types": choices(facets["pet_type"], data.get("pet_type") or "", nav_pet_types()),
        "categories": choices(facets["category"], data.get("category") or "", nav_categories()),
        "brands": brands,
        "prices": prices,
        "in_stock_count": facets["in_stock"].get("true", 0),
    }
