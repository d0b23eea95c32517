"""Finding products (issue 13): search, suggestions, "did you mean" and facet counts.

PostgreSQL: full-text search over the stored `search_vector` (English word forms; name,
brand and sku weigh most, then category and pet type, then description; see migration
"search_vector"), every word also matching as a prefix, OR'ed with trigram word
similarity on the name and brand (one or two wrong letters still match) and the exact
sku. Ranked by relevance: the exact sku first, then full-text rank plus name similarity.
Every branch of the match is served by a GIN index.

SQLite (development, CI's second database): a plainer search. Every word (a trailing
plural "s" dropped) must appear, in any case, in the name, brand, sku, description,
category or pet type; the exact sku, then name matches come first; no typo tolerance
in the search itself ("did you mean" still offers close names).
"""

import difflib
import re
from dataclasses import dataclass
from decimal import Decimal

from django.contrib.postgres.search import SearchQuery, SearchRank, TrigramWordSimilarity
from django.db import connections, transaction
from django.db.models import BooleanField, Case, Count, F, FloatField, Q, Value, When
from django.db.models.functions import Upper

from catalog.cache import cached
from catalog.models import FacetCell, Product
from catalog.selectors import nav_categories, nav_pet_types

MAX_TERM_LENGTH = 200
SUGGEST_LIMIT = 8
SUGGEST_MIN_LENGTH = 2
DID_YOU_MEAN_LIMIT = 5
# Below the search's own word-similarity threshold (pg_trgm's default 0.6): "did you
# mean" is asked only when the search found nothing, so it must reach further.
DID_YOU_MEAN_THRESHOLD = 0.3
SKU_BONUS = 100.0  # an exact sku outranks any text match
SKU_PART_BONUS = 2.0  # part of a sku ("bisc-4"), for staff who remember its start
# Trigrams need three characters to say anything (and to use the index).
TRIGRAM_MIN_LENGTH = 3

# Price bands of the price facet: lower bound inclusive, upper bound exclusive (the last
# is open). Prices carry two decimals, so a band [10, 25) is min_price=10, max_price=24.99.
PRICE_BANDS = (
    (Decimal("0"), Decimal("10")),
    (Decimal("10"), Decimal("25")),
    (Decimal("25"), Decimal("50")),
    (Decimal("50"), Decimal("100")),
    (Decimal("100"), None),
)
CENT = Decimal("0.01")

# Letters and digits only: what reaches a tsquery can never be an operator.
_WORD = re.compile(r"[^\W_]+")


def normalise_term(term: str | None) -> str:
    """The search as the database sees it, and as cache keys name it: control
    characters (NUL included, which PostgreSQL refuses in text) dropped, spacing
    collapsed, lower case. Every search is case-insensitive, so this changes no result."""
    if not term:
        return ""
    printable = "".join(ch if ch.isprintable() else " " for ch in term)
    return " ".join(printable.split()).lower()[:MAX_TERM_LENGTH]


def _words(term: str) -> list[str]:
    return _WORD.findall(term)


def _is_postgres(queryset) -> bool:
    return connections[queryset.db].vendor == "postgresql"


def _prefix_query(words: list[str]) -> SearchQuery:
    # Every word, stemmed by the English configuration, as a prefix: `toys` → 'toy':*,
    # `kibb` → 'kibb':*. Words are letters and digits only, so the raw syntax is safe.
    return SearchQuery(" & ".join(f"{w}:*" for w in words), search_type="raw", config="english")


def _singular(word: str) -> str:
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 3 and word.endswith("s") and not word.endswith("ss"):
        return word[:-1]
    return word


def search(queryset, term: str):
    """`queryset` narrowed to the products matching `term`, with a `relevance` alias
    (order by "-relevance"). A blank term (after normalising) narrows nothing."""
    term = normalise_term(term)
    if not term:
        return queryset.alias(relevance=Value(0.0, output_field=FloatField()))
    if _is_postgres(queryset):
        return _search_postgres(queryset, term)
    return _search_plain(queryset, term)


def _search_postgres(queryset, term: str):
    words = _words(term)
    queryset = queryset.alias(upper_name=Upper("name"), upper_brand=Upper("brand"))
    sku_exact = Q(sku__iexact=term)
    # Part of a sku only from three characters on (the trigram index on UPPER(sku)).
    sku_part = Q(sku__icontains=term) if len(term) >= TRIGRAM_MIN_LENGTH else sku_exact
    relevance = Case(When(sku_exact, then=Value(SKU_BONUS)), default=Value(0.0)) + Case(
        When(sku_part, then=Value(SKU_PART_BONUS)), default=Value(0.0)
    )
    if not words:
        return queryset.filter(sku_exact | sku_part).alias(relevance=relevance)
    query = _prefix_query(words)
    if _has_word_matches(term, query):
        # Every word is a word (or a word's start) somewhere: one GIN lookup of the
        # whole query, ranked by full-text rank and name similarity.
        return queryset.filter(sku_exact | sku_part | Q(search_vector=query)).alias(
            relevance=relevance
            + SearchRank(F("search_vector"), query)
            + TrigramWordSimilarity(Value(term), "name") * Value(0.5)
        )
    # Some word matches no word: typo tolerant. Every word must match as a word start
    # or as a close spelling of a word of the name or brand (trigram word similarity).
    words_match = Q()
    for word in words:
        word_match = Q(search_vector=_prefix_query([word]))
        if len(word) >= TRIGRAM_MIN_LENGTH:
            word_match |= Q(upper_name__trigram_word_similar=word) | Q(
                upper_brand__trigram_word_similar=word
            )
        words_match &= word_match
    return queryset.filter(sku_exact | sku_part | words_match).alias(
        relevance=relevance + TrigramWordSimilarity(Value(term), "name")
    )


def _has_word_matches(term: str, query: SearchQuery) -> bool:
    """Whether any product (of the whole catalog, so that the answer is the same for
    every filter and facet of one search) holds every word of `term`: then the search
    is a plain full-text one, else the typo tolerant one. Cached per term."""
    return cached(
        "search:has_word_matches",
        (term,),
        lambda: Product.objects.filter(search_vector=query).exists(),
    )


def _search_plain(queryset, term: str):
    words = [_singular(word) for word in _words(term)]
    word_match = Q()
    for word in words:
        word_match &= (
            Q(name__icontains=word)
            | Q(brand__icontains=word)
            | Q(sku__icontains=word)
            | Q(description__icontains=word)
            | Q(category__name__icontains=word)
            | Q(pet_type__name__icontains=word)
        )
    match = Q(sku__icontains=term)
    if word_match:
        match |= word_match
    # Ranked: the exact sku, then part of a sku, then how many words the name and the
    # brand hold.
    relevance = Case(
        When(sku__iexact=term, then=Value(SKU_BONUS)),
        When(sku__icontains=term, then=Value(SKU_PART_BONUS)),
        default=Value(0.0),
        output_field=FloatField(),
    )
    for word in words:
        relevance += Case(
            When(name__icontains=word, then=Value(1.0)),
            When(brand__icontains=word, then=Value(0.5)),
            default=Value(0.0),
            output_field=FloatField(),
        )
    return queryset.filter(match).alias(relevance=relevance)


def suggest(term: str, *, limit: int = SUGGEST_LIMIT) -> list[dict]:
    """Up to `limit` active products `{id, name, slug}` for a search box as the shopper
    types: names starting with the term first, then word prefixes and close spellings."""
    term = normalise_term(term)
    if len(term) < SUGGEST_MIN_LENGTH:
        return []
    queryset = Product.objects.active().alias(upper_name=Upper("name"))
    starts = Q(upper_name__startswith=term.upper())
    if _is_postgres(queryset):
        words = _words(term)
        match = starts | Q(upper_name__trigram_word_similar=term)
        score = TrigramWordSimilarity(Value(term), "name")
        if words:
            match |= Q(search_vector=_prefix_query(words))
    else:
        match = starts
        for word in _words(term):
            match |= Q(name__icontains=word)
        score = Value(0.0)
    queryset = queryset.filter(match).alias(
        starts_first=Case(When(starts, then=Value(1.0)), default=Value(0.0)), score=score
    )
    rows = queryset.order_by("-starts_first", "-score", "name", "id").values("id", "name", "slug")
    return list(rows[:limit])


def did_you_mean(term: str, *, limit: int = DID_YOU_MEAN_LIMIT) -> list[dict]:
    """The active products whose names come closest to `term` (for a search that found
    nothing): `{id, name, slug}`, closest first."""
    term = normalise_term(term)
    if not _words(term):
        return []
    queryset = Product.objects.active()
    if _is_postgres(queryset):
        with transaction.atomic(using=queryset.db), connections[queryset.db].cursor() as cursor:
            # Local to this transaction: the search's own threshold stays untouched.
            cursor.execute(
                "SELECT set_config('pg_trgm.word_similarity_threshold', %s, true)",
                [str(DID_YOU_MEAN_THRESHOLD)],
            )
            # Any word close to a word of the name, closest to the whole term first.
            close = Q(upper_name__trigram_word_similar=term)
            for word in _words(term):
                if len(word) >= TRIGRAM_MIN_LENGTH:
                    close |= Q(upper_name__trigram_word_similar=word)
            rows = (
                queryset.alias(upper_name=Upper("name"))
                .filter(close)
                .alias(similarity=TrigramWordSimilarity(Value(term), "name"))
                .order_by("-similarity", "name", "id")
                .values("id", "name", "slug")
            )
            return list(rows[:limit])
    # SQLite: a development database, small enough to compare names in Python. Names
    # with the most words close to the term's words first, then the closest overall.
    words = _words(term)
    scored = []
    for row in queryset.order_by("name", "id").values("id", "name", "slug")[:5000]:
        lower = row["name"].lower()
        name_words = _words(lower)
        hits = sum(1 for w in words if difflib.get_close_matches(w, name_words, n=1, cutoff=0.75))
        if hits:
            ratio = difflib.SequenceMatcher(None, term, lower).ratio()
            scored.append((-hits, -ratio, row["name"], row["id"], row))
    return [entry[-1] for entry in sorted(scored)[:limit]]


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


def facet_counts(cells: list[dict], selection: Selection) -> dict:
    """API.md C15's body from the cells of `facet_cells`. One pass: a cell that passes
    every facet filter counts in every facet; one that fails exactly one filter counts
    only in that filter's own facet (each facet counts with every filter but its own)."""
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


# --- Cached reads (catalog.cache: versioned, so never stale) ------------------------


def product_facets(*, filterset, cache_parts: tuple | None = None) -> dict:
    """C15's facets for a validated ProductFilter; cached under `cache_parts` (the
    normalised filters) when given."""

    def compute():
        selection = filterset.facet_selection()
        queryset = filterset.facet_queryset()
        if _is_postgres(queryset) and not filterset.search_term and not selection.has_price_range:
            cells = stored_cells(is_active=filterset.is_active_value())
        else:
            cells = facet_cells(queryset, selection)
        return facet_counts(cells, selection)

    if cache_parts is None:
        return compute()
    return cached("search:facets", cache_parts, compute)


def cached_suggest(term: str) -> list[dict]:
    term = normalise_term(term)
    if len(term) < SUGGEST_MIN_LENGTH:
        return []
    return cached("search:suggest", (term,), lambda: suggest(term))


def cached_did_you_mean(term: str) -> list[dict]:
    term = normalise_term(term)
    return cached("search:did_you_mean", (term,), lambda: did_you_mean(term))
