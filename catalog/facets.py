"""Facet counts (API.md C15): how many products each filter choice holds, each facet
counting with every filter but its own. On PostgreSQL an unsearched catalog is counted
from FacetCell (kept by a trigger); otherwise from the rows, in one grouped query."""

from dataclasses import dataclass
from decimal import Decimal

from django.db import connections
from django.db.models import BooleanField, Case, Count, F, Q, Value, When

from catalog.cache import cached
from catalog.models import FacetCell
from catalog.search import CENT, PRICE_BANDS, _is_postgres
from catalog.selectors import nav_categories, nav_pet_types

# --- Facets (API.md C15) -------------------------------------------------------------


@dataclass(frozen=True)
class Selection:
    """The facet filters a list applies (every other filter is already in the
    queryset handed to `facet_cells`)."""

    pet_type_id: int | None = None
    category_id: int | None = None
    brands: tuple[str, ...] = ()
    min_price: Decimal | None = None
    max_price: Decimal | None = None
    in_stock: bool | None = None

    @property
    def lower_brands(self) -> tuple[str, ...]:
        return tuple(b.lower() for b in self.brands)

    @property
    def has_price_range(self) -> bool:
        return self.min_price is not None or self.max_price is not None


# A cell of the facet cube, as a tuple (cheap to sum by the thousand).
CELL_FIELDS = ("pet_type_id", "category_id", "brand", "band", "stocked", "price_ok", "n")


def _band_expression():
    whens = [When(price__lt=high, then=Value(i)) for i, (_, high) in enumerate(PRICE_BANDS) if high]
    return Case(*whens, default=Value(len(PRICE_BANDS) - 1))


def facet_cells(queryset, selection: Selection) -> list[dict]:
    """One grouped query: how many products of `queryset` share each (pet type,
    category, brand, price band, in stock, within the price filter) combination. Every
    facet is then a sum over these cells, so it costs one query whatever the filters."""
    price_ok = Q()
    if selection.min_price is not None:
        price_ok &= Q(price__gte=selection.min_price)
    if selection.max_price is not None:
        price_ok &= Q(price__lte=selection.max_price)
    rows = (
        queryset.order_by()
        .annotate(
            band=_band_expression(),
            stocked=Case(When(stock__gt=0, then=Value(True)), default=Value(False)),
            price_ok=Case(When(price_ok, then=Value(True)), default=Value(False))
            if price_ok
            else Value(True, output_field=BooleanField()),
        )
        .values("pet_type_id", "category_id", "brand", "band", "stocked", "price_ok")
        .annotate(n=Count("pk"))
        .values_list(*CELL_FIELDS)
    )
    return list(rows)


def stored_cells(*, is_active: bool) -> list[dict]:
    """The facet cube as the database keeps it (catalog.models.FacetCell, PostgreSQL):
    the same cells as `facet_cells` over every product, without reading a product."""
    rows = (
        FacetCell.objects.filter(is_active=is_active, count__gt=0)
        .annotate(stocked=F("in_stock"), n=F("count"), price_ok=Value(True))
        .values_list(*CELL_FIELDS)
    )
    return list(rows)


# The stored cube summed per facet by PostgreSQL (GROUPING SETS): a few dozen rows
# instead of every cell. Each facet sums with every filter but its own; the price band
# facet and the total with all of them (no price range on this path).
STORED_SUMS = """
WITH cells AS (
    SELECT pet_type_id, category_id, brand, band, in_stock, count,
        {pet_type} AS pet_ok, {category} AS category_ok, {brand} AS brand_ok,
        {in_stock} AS stock_ok
    FROM catalog_facetcell WHERE is_active = %s AND count > 0
)
SELECT GROUPING(pet_type_id, category_id, brand, band, in_stock),
    pet_type_id, category_id, brand, band, in_stock,
    SUM(count) FILTER (WHERE category_ok AND brand_ok AND stock_ok),
    SUM(count) FILTER (WHERE pet_ok AND brand_ok AND stock_ok),
    SUM(count) FILTER (WHERE pet_ok AND category_ok AND stock_ok),
    SUM(count) FILTER (WHERE pet_ok AND category_ok AND brand_ok AND stock_ok),
    SUM(count) FILTER (WHERE pet_ok AND category_ok AND brand_ok)
FROM cells
GROUP BY GROUPING SETS ((pet_type_id), (category_id), (brand), (band), (in_stock), ())
"""
# GROUPING(...) of each set (a bit per column left out, pet type the highest) → facet.
STORED_SETS = {0b01111: 0, 0b10111: 1, 0b11011: 2, 0b11101: 3, 0b11110: 4}
TOTAL_SET = 0b11111


def stored_facets(*, is_active: bool, selection: Selection) -> dict:
    """C15's body for an unsearched catalog without a price range, from the stored cube
    (catalog.models.FacetCell, PostgreSQL) in one query that reads no product."""
    params: list = []

    def condition(sql: str, *values) -> str:
        params.extend(values)
        return sql if values else "TRUE"

    brands = selection.brands
    pet_type, category, in_stock = selection.pet_type_id, selection.category_id, selection.in_stock
    sql = STORED_SUMS.format(
        pet_type=condition("pet_type_id = %s", *([pet_type] if pet_type else [])),
        category=condition("category_id = %s", *([category] if category else [])),
        # As the brand filter (icontains): the brand contains any value, in any case.
        brand=condition(
            "(" + " OR ".join(["strpos(UPPER(brand), UPPER(%s)) > 0"] * len(brands)) + ")",
            *brands,
        ),
        in_stock=condition("in_stock = %s", *([] if in_stock is None else [in_stock])),
    )
    params.append(is_active)
    facets: tuple[dict, ...] = ({}, {}, {}, {}, {})
    count = 0
    with connections[FacetCell.objects.db].cursor() as cursor:
        cursor.execute(sql, params)
        for grouping, *keys_and_sums in cursor.fetchall():
            keys, sums = keys_and_sums[:5], keys_and_sums[5:]
            if grouping == TOTAL_SET:
                count = sums[3] or 0
            elif sums[i := STORED_SETS[grouping]]:
                facets[i][keys[i]] = sums[i]
    return facet_body(count, facets)


def facet_counts(cells: list[dict], selection: Selection) -> dict:
    """API.md C15's body from the cells of `facet_cells`."""
    return facet_body(*_sum_cells(cells, selection))


def _sum_cells(cells: list[dict], selection: Selection) -> tuple[int, tuple[dict, ...]]:
    """The total and the five facets (pet type, category, brand, price band, in stock:
    key → count) of the cells. One pass: a cell that passes every facet filter counts in
    every facet; one that fails exactly one filter counts only in that filter's own
    facet (each facet counts with every filter but its own)."""
    pet_type_id, category_id = selection.pet_type_id, selection.category_id
    in_stock, lower_brands = selection.in_stock, selection.lower_brands
    brand_ok: dict[str, bool] = {}
    # One bit per facet filter passed: pet type, category, brand, price, in stock.
    full = 0b11111
    facets: tuple[dict, ...] = ({}, {}, {}, {}, {})
    single = {1 << i: i for i in range(5)}
    count = 0
    for pet_type, category, brand, band, stocked, price_ok, n in cells:
        ok = brand_ok.get(brand)
        if ok is None:
            lower = brand.lower()
            ok = brand_ok[brand] = not lower_brands or any(b in lower for b in lower_brands)
        stocked = bool(stocked)
        mask = (
            (not pet_type_id or pet_type == pet_type_id)
            | (not category_id or category == category_id) << 1
            | ok << 2
            | bool(price_ok) << 3
            | (in_stock is None or stocked == in_stock) << 4
        )
        keys = (pet_type, category, brand, band, stocked)
        if mask == full:
            count += n
            for facet, key in zip(facets, keys, strict=True):
                facet[key] = facet.get(key, 0) + n
        else:
            i = single.get(full ^ mask)
            if i is not None:
                facets[i][keys[i]] = facets[i].get(keys[i], 0) + n
    return count, facets


def facet_body(count: int, facets: tuple[dict, ...]) -> dict:
    """API.md C15's body from the total and the five facets of `_sum_cells`."""
    by_pet_type, by_category, by_brand_exact, by_band, by_stock = facets
    by_brand = {brand: n for brand, n in by_brand_exact.items() if brand}
    names: dict[str, str] = {}
    for brand in sorted(by_brand):
        names.setdefault(brand.lower(), brand)
    brands = []
    for lower, name in sorted(names.items()):
        # As the brand filter counts it (contains, any case), so a facet's count is the
        # count of the list it leads to.
        total = sum(n for brand, n in by_brand.items() if lower in brand.lower())
        brands.append({"name": name, "count": total})
    price = []
    for i, (low, high) in enumerate(PRICE_BANDS):
        if by_band.get(i):
            price.append(
                {
                    "min": str(low.quantize(CENT)),
                    "max": str(high.quantize(CENT)) if high is not None else None,
                    "count": by_band[i],
                }
            )
    return {
        "count": count,
        "pet_type": [
            {"slug": p.slug, "name": p.name, "count": by_pet_type[p.pk]}
            for p in nav_pet_types()
            if by_pet_type.get(p.pk)
        ],
        "category": [
            {"slug": c.slug, "name": c.name, "count": by_category[c.pk]}
            for c in nav_categories()
            if by_category.get(c.pk)
        ],
        "brand": brands,
        "price": price,
        "in_stock": {
            key: by_stock[value]
            for key, value in (("true", True), ("false", False))
            if by_stock.get(value)
        },
    }


# --- Cached (catalog.cache: versioned, so never stale) -----------------------------


def product_facets(*, filterset, cache_parts: tuple | None = None) -> dict:
    """C15's facets for a validated ProductFilter; cached under `cache_parts` (the
    normalised filters) when given."""

    def compute():
        selection = filterset.facet_selection()
        queryset = filterset.facet_queryset()
        if _is_postgres(queryset) and not filterset.search_term and not selection.has_price_range:
            return stored_facets(is_active=filterset.is_active_value(), selection=selection)
        return facet_counts(facet_cells(queryset, selection), selection)

    if cache_parts is None:
        return compute()
    return cached("search:facets", cache_parts, compute)
