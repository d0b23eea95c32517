"""Finding things (issue 13): search, facets, suggestions, "did you mean".

Runs on both databases. The relevance table needs PostgreSQL's full-text search and
trigrams; on SQLite its rows are skipped (the plainer fallback is tested on its own).
"""

import re
from decimal import Decimal

import factory
import pytest
from django.db import connection
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from catalog import services
from catalog.facets import Selection, facet_cells, stored_cells
from catalog.models import Category, PetType, Product, SearchWord
from catalog.search import PRICE_BANDS, normalise_term, search
from catalog.tests.factories import ProductFactory

pytestmark = pytest.mark.django_db

PRODUCTS = "/api/v1/products/"
FACETS = "/api/v1/products/facets/"
SUGGEST = "/api/v1/products/suggest/"
LIST = "/products/"

on_postgres = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="full-text search and trigram typo tolerance are PostgreSQL's (SQLite: plainer)",
)

# name, brand, category, pet type, sku, price, stock, description
CATALOG = [
    ("Wild Salmon Kibble", "Northern Paws", "food", "cat", "FD-SAL-01", "24.99", 5, ""),
    ("Chicken Kibble", "Farmhouse", "food", "dog", "FD-CHK-02", "8.50", 0, ""),
    ("Squeaky Rope Toy", "TugMaster", "toys", "dog", "TY-ROPE-03", "9.99", 12, ""),
    ("Feather Wand", "Whisker Co", "toys", "cat", "TY-FTH-04", "5.00", 3, "A teaser for cats."),
    ("Orthopedic Dog Bed", "Snooze", "accessories", "dog", "AC-BED-05", "79.00", 2, ""),
    ("Aquarium Heater", "AquaLife", "accessories", "fish", "AC-HTR-06", "31.00", 0, ""),
    ("Flea Drops", "PetPro", "health", "dog", "HL-FLE-07", "15.00", 7, ""),
    ("Salmon Oil Supplement", "PetPro", "health", "dog", "HL-OIL-08", "19.00", 4, ""),
    ("Refill for FD-SAL-01 bowls", "PetPro Plus", "accessories", "cat", "AC-REF-09", "3.00", 9, ""),
    ("Parrot Seed Mix", "Feathery", "food", "bird", "FD-SEED-10", "120.00", 1, ""),
]


@pytest.fixture
def catalog(db):
    categories = {c.slug: c for c in Category.objects.all()}
    pet_types = {p.slug: p for p in PetType.objects.all()}
    made = {}
    for name, brand, category, pet_type, sku, price, stock, description in CATALOG:
        made[name] = services.product_create(
            name=name,
            brand=brand,
            category=categories[category],
            pet_type=pet_types[pet_type],
            sku=sku,
            price=Decimal(price),
            stock=stock,
            description=description or f"{name} by {brand}.",
        )
    services.product_create(  # never found: inactive
        name="Retired Salmon Kibble",
        brand="Northern Paws",
        category=categories["food"],
        pet_type=pet_types["cat"],
        sku="OLD-1",
        price=Decimal("1.00"),
        stock=5,
        is_active=False,
    )
    return made


def api_names(client, **params):
    response = client.get(PRODUCTS, params)
    assert response.status_code == 200, response.content
    return [p["name"] for p in response.json()["results"]]


# --- Relevance: the product that must come first -------------------------------------

RELEVANCE_TABLE = [
    # (query, the product that must come first, why)
    ("kible", "Chicken Kibble", "a typo (one letter missing); equal matches by name"),
    ("salmn kible", "Wild Salmon Kibble", "two typos in two words"),
    ("salmn", "Salmon Oil Supplement", "a typo; the shorter name matches more of it"),
    ("toys", "Squeaky Rope Toy", "word form: toys finds toy (the name, over the category)"),
    ("FD-SAL-01", "Wild Salmon Kibble", "exact sku first, before a name that holds it"),
    ("fd-sal-01", "Wild Salmon Kibble", "exact sku in any case"),
    ("petpro", "Flea Drops", "brand (weight A), ties by name"),
    ("salmon oil", "Salmon Oil Supplement", "multi-word"),
    ("dog bed", "Orthopedic Dog Bed", "multi-word, one word also a pet type"),
    ("aquarium heatr", "Aquarium Heater", "a typo in the second word"),
    ("fish", "Aquarium Heater", "the pet type's name is in the index"),
    ("whiskr", "Feather Wand", "a typo in a brand"),
    ("seed", "Parrot Seed Mix", "a word of the name"),
    ("teaser", "Feather Wand", "a word of the description only"),
]


@on_postgres
@pytest.mark.parametrize(("query", "first", "why"), RELEVANCE_TABLE)
def test_search_puts_the_best_match_first(api_client, catalog, query, first, why):
    found = api_names(api_client, search=query)
    assert found and found[0] == first, why


@on_postgres
def test_search_orders_by_relevance_unless_asked_otherwise(api_client, catalog):
    by_relevance = api_names(api_client, search="petpro")
    assert by_relevance == api_names(api_client, search="petpro", ordering="relevance")
    by_price = api_names(api_client, search="petpro", ordering="price")
    assert sorted(by_relevance) == sorted(by_price) and by_relevance != by_price


@on_postgres
def test_a_renamed_category_is_searchable_under_its_new_name(
    api_client, catalog, django_capture_on_commit_callbacks
):
    toys = Category.objects.get(slug="toys")
    assert "Feather Wand" not in api_names(api_client, search="playthings")
    with django_capture_on_commit_callbacks(execute=True):
        services.category_update(category=toys, name="Playthings")
    assert {"Feather Wand", "Squeaky Rope Toy"} <= set(api_names(api_client, search="playthings"))


@on_postgres
def test_the_search_vector_follows_every_write_path(api_client, catalog):
    product = catalog["Flea Drops"]
    services.product_update(product=product, name="Tick Shield")
    Product.objects.filter(pk=product.pk).update(description="Works on ticks and mites.")
    assert api_names(api_client, search="tick shield") == ["Tick Shield"]
    assert api_names(api_client, search="mites") == ["Tick Shield"]
    assert "Tick Shield" not in api_names(api_client, search="flea")


@on_postgres
def test_search_never_scans_the_table(catalog):
    """EXPLAIN of a typo search uses the full-text GIN index, and its spelling
    correction the vocabulary's trigram index (forced on small tables, where the
    planner would otherwise rightly prefer a scan)."""
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        plan = search(Product.objects.all(), "salmn kible").explain()
        correction = SearchWord.objects.filter(word__trigram_word_similar="kible").explain()
    assert "Seq Scan" not in plan and "product_search_vector" in plan
    assert "Seq Scan" not in correction and "searchword_word_trgm" in correction


def _vocabulary_of(products) -> dict[str, int]:
    counts: dict[str, int] = {}
    for name, brand in products.values_list("name", "brand"):
        for word in set(re.findall(r"[^\W_]+", f"{name} {brand}".lower())):
            if not word.isdigit():
                counts[word] = counts.get(word, 0) + 1
    return counts


@on_postgres
def test_the_search_vocabulary_follows_every_write(catalog):
    """The trigger-kept vocabulary (what typos are corrected against) holds every word
    of the names and brands with its number of products, after creates, renames, brand
    changes, bulk updates and deletes."""
    services.product_update(product=catalog["Flea Drops"], name="Tick Shield 2000")
    services.product_update(product=catalog["Feather Wand"], brand="Purrfect")
    Product.objects.filter(brand="PetPro").update(brand="Pet Pro")
    services.product_delete(product=catalog["Parrot Seed Mix"])
    ProductFactory.create_batch(3, name="Heated Bed", brand="Snooze")
    Product.objects.filter(name="Heated Bed").update(stock=0)  # no word changes
    stored = dict(SearchWord.objects.filter(products__gt=0).values_list("word", "products"))
    assert stored == _vocabulary_of(Product.objects.all())
    assert "parrot" not in stored and stored["shield"] == 1


@on_postgres
def test_a_typo_finds_a_word_a_product_was_renamed_to(
    api_client, catalog, django_capture_on_commit_callbacks
):
    assert api_names(api_client, search="tick shieldz") == []
    with django_capture_on_commit_callbacks(execute=True):
        services.product_update(product=catalog["Flea Drops"], name="Tick Shield")
    assert api_names(api_client, search="tick shieldz") == ["Tick Shield"]


def test_inactive_products_are_never_found(api_client, catalog):
    assert "Retired Salmon Kibble" not in api_names(api_client, search="salmon kibble")
    assert api_names(api_client, search="OLD-1") == []


def test_exact_sku_comes_first_on_every_database(api_client, catalog):
    # "Refill for FD-SAL-01 bowls" holds the sku in its name; the sku's owner wins.
    assert api_names(api_client, search="FD-SAL-01")[0] == "Wild Salmon Kibble"


def test_plural_finds_singular_on_every_database(api_client, catalog):
    assert api_names(api_client, search="toys")[0] == "Squeaky Rope Toy"


def test_multi_word_search_needs_every_word_on_every_database(api_client, catalog):
    found = api_names(api_client, search="salmon oil")
    assert found[0] == "Salmon Oil Supplement"
    assert "Chicken Kibble" not in found


@pytest.mark.skipif(connection.vendor == "postgresql", reason="the SQLite fallback")
def test_sqlite_fallback_is_a_plain_every_word_search(api_client, catalog):
    assert api_names(api_client, search="PETPRO") == [
        "Flea Drops",
        "Refill for FD-SAL-01 bowls",
        "Salmon Oil Supplement",
    ]
    assert api_names(api_client, search="kible") == []  # no typo tolerance on SQLite
    assert "Aquarium Heater" in api_names(api_client, search="fish")  # pet type names count


def test_brand_takes_several_values(api_client, catalog):
    found = api_names(api_client, brand=["snooze", "AquaLife"])
    assert found == ["Aquarium Heater", "Orthopedic Dog Bed"]


def test_a_blank_brand_value_filters_nothing_and_a_long_one_is_a_400(api_client, catalog):
    assert len(api_names(api_client, brand=["", " "])) == len(CATALOG)
    response = api_client.get(PRODUCTS, {"brand": ["Snooze", "x" * 101]})
    assert response.status_code == 400 and "brand" in response.json()


# --- Facets (C15) -------------------------------------------------------------------


def test_facets_count_per_choice_and_leave_out_zeros(api_client, catalog):
    body = api_client.get(FACETS, {"pet_type": "cat"}).json()
    assert body["count"] == 3
    # The pet type facet ignores its own filter: every pet type with products shows.
    assert {p["slug"]: p["count"] for p in body["pet_type"]} == {
        "bird": 1,
        "cat": 3,
        "dog": 5,
        "fish": 1,
    }
    assert {c["slug"]: c["count"] for c in body["category"]} == {
        "accessories": 1,
        "food": 1,
        "toys": 1,
    }
    assert body["in_stock"] == {"true": 3}  # no out-of-stock cat product: left out
    assert [b["count"] for b in body["price"]] == [2, 1]
    assert body["price"][0] == {"min": "0.00", "max": "10.00", "count": 2}


def test_price_bands_cover_every_price_once(api_client, catalog):
    body = api_client.get(FACETS).json()
    assert sum(b["count"] for b in body["price"]) == body["count"] == len(CATALOG)
    assert body["price"][-1] == {"min": str(PRICE_BANDS[-1][0]) + ".00", "max": None, "count": 1}


def test_brand_facet_counts_as_the_brand_filter_does(api_client, catalog):
    body = api_client.get(FACETS, {"brand": "Snooze"}).json()
    brands = {b["name"]: b["count"] for b in body["brand"]}
    # "PetPro" is contained in "PetPro Plus": the filter (contains) lists both.
    assert brands["PetPro"] == 3 and brands["PetPro Plus"] == 1
    assert body["count"] == 1


def test_facets_with_a_bad_filter_are_a_400_like_the_list(api_client, catalog):
    response = api_client.get(FACETS, {"pet_type": "dragon"})
    assert response.status_code == 400 and "pet_type" in response.json()


FILTER_VALUES = st.fixed_dictionaries(
    {},
    optional={
        "search": st.sampled_from(["kibble", "salmon", "toy", "petpro", "dog", "zzz"]),
        "pet_type": st.sampled_from(["dog", "cat", "fish", "bird", "reptile"]),
        "category": st.sampled_from(["food", "toys", "accessories", "health", "grooming"]),
        "brand": st.lists(
            st.sampled_from(["PetPro", "petpro plus", "Snooze", "Farm", "Feathery", "Nope"]),
            min_size=1,
            max_size=3,
        ),
        "min_price": st.sampled_from(["0", "5", "9.99", "10", "25", "50", "100"]),
        "max_price": st.sampled_from(["9.99", "10", "24.99", "31", "99.99", "500"]),
        "in_stock": st.sampled_from(["true", "false"]),
    },
)


def _list_count(client, params) -> int:
    response = client.get(PRODUCTS, params)
    assert response.status_code == 200, (params, response.content)
    return response.json()["count"]


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(params=FILTER_VALUES)
def test_every_facet_count_is_the_count_of_the_list_it_leads_to(api_client, catalog, params):
    body = api_client.get(FACETS, params).json()
    assert body["count"] == _list_count(api_client, params)
    for choice in body["pet_type"]:
        assert choice["count"] == _list_count(api_client, {**params, "pet_type": choice["slug"]})
    for choice in body["category"]:
        assert choice["count"] == _list_count(api_client, {**params, "category": choice["slug"]})
    for choice in body["brand"]:
        assert choice["count"] == _list_count(api_client, {**params, "brand": [choice["name"]]})
    for band in body["price"]:
        banded = {k: v for k, v in params.items() if k not in ("min_price", "max_price")}
        banded["min_price"] = band["min"]
        if band["max"] is not None:
            banded["max_price"] = str(Decimal(band["max"]) - Decimal("0.01"))
        assert band["count"] == _list_count(api_client, banded)
    for value, count in body["in_stock"].items():
        assert count == _list_count(api_client, {**params, "in_stock": value})
    counts = [c["count"] for key in ("pet_type", "category", "brand", "price") for c in body[key]]
    assert all(counts) and all(body["in_stock"].values())  # zero counts left out


def test_facets_run_one_query_whatever_the_filters(api_client, catalog, django_assert_num_queries):
    api_client.get(FACETS)  # reference lists into the cache
    cache_key_params = {"search": "salmon", "brand": ["PetPro", "Northern"], "in_stock": "true"}
    # PostgreSQL first asks (once per term) whether the search is full-text or typo-tolerant.
    with django_assert_num_queries(2 if connection.vendor == "postgresql" else 1):
        api_client.get(FACETS, cache_key_params)
    with django_assert_num_queries(0):  # then cached
        api_client.get(FACETS, {**cache_key_params, "search": "  SALMON "})


# --- Suggestions (C16) --------------------------------------------------------------


def test_suggestions_put_names_starting_with_the_term_first(api_client, catalog):
    found = api_client.get(SUGGEST, {"q": "sal"}).json()
    assert found[0] == {
        "id": catalog["Salmon Oil Supplement"].pk,
        "name": "Salmon Oil Supplement",
        "slug": "salmon-oil-supplement",
    }
    assert "Wild Salmon Kibble" in [s["name"] for s in found]
    assert "Retired Salmon Kibble" not in [s["name"] for s in found]


@pytest.mark.parametrize("q", ["", "s", " s ", None])
def test_suggestions_need_two_characters(api_client, catalog, q):
    response = api_client.get(SUGGEST, {"q": q} if q is not None else {})
    assert response.status_code == 200 and response.json() == []


def test_suggestions_stop_at_eight(api_client, db):
    ProductFactory.create_batch(12, name=factory.Sequence(lambda n: f"Ball {n}"))
    assert len(api_client.get(SUGGEST, {"q": "ball"}).json()) == 8


@on_postgres
def test_suggestions_tolerate_a_typo(api_client, catalog):
    assert api_client.get(SUGGEST, {"q": "feathr"}).json()[0]["name"] == "Feather Wand"


# --- Never a 500 --------------------------------------------------------------------

HOSTILE = [
    "&|!:*'",
    "'; DROP TABLE catalog_product; --",
    "a & b | !c <-> d:*",
    "\x00",
    "x\x00y",
    "ü😀 кибл 猫",
    "a" * 5000,
    "(((",
    ":*",
    "%_\\",
    "   ",
    "\t\n",
    "-",
]


@pytest.mark.parametrize("term", HOSTILE)
def test_no_search_term_is_a_500(api_client, client, catalog, term):
    for response in (
        api_client.get(PRODUCTS, {"search": term}),
        api_client.get(FACETS, {"search": term}),
        api_client.get(SUGGEST, {"q": term}),
        client.get(LIST, {"search": term}),
    ):
        assert response.status_code < 500, (term, response.status_code)


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(term=st.text(max_size=60))
def test_no_unicode_text_is_a_500(api_client, catalog, term):
    # A NUL byte is a 400 on `search` (as in every text parameter); suggest drops it.
    assert api_client.get(PRODUCTS, {"search": term}).status_code in (200, 400)
    assert api_client.get(FACETS, {"search": term}).status_code in (200, 400)
    assert api_client.get(SUGGEST, {"q": term}).status_code == 200


@pytest.mark.parametrize(
    ("raw", "normal"),
    [("  Salmon   KIBBLE ", "salmon kibble"), ("a\x00b", "a b"), ("\t", ""), (None, "")],
)
def test_the_term_is_normalised(raw, normal):
    assert normalise_term(raw) == normal


# --- Storefront ----------------------------------------------------------------------


def test_filter_panel_shows_counts_and_hides_empty_choices(client, catalog):
    html = client.get(LIST, {"pet_type": "cat"}).content.decode()
    assert 'value="dog"' in html and 'Dog <span class="facet-count">(5)</span>' in html
    assert 'value="reptile"' not in html  # no reptile products: hidden
    assert 'value="grooming"' not in html
    assert 'Food <span class="facet-count">(1)</span>' in html


def test_filter_panel_takes_several_brands_and_keeps_a_picked_empty_one(client, catalog):
    response = client.get(LIST, {"brand": ["Snooze", "AquaLife"], "pet_type": "fish"})
    html = response.content.decode()
    assert response.context["page"]["count"] == 1  # fish + (Snooze or AquaLife)
    assert 'name="brand" value="Snooze" checked' in html
    assert 'name="brand" value="AquaLife" checked' in html
    # A picked brand without products under the other filters stays, to be unticked.
    response = client.get(LIST, {"brand": "Nope"})
    assert 'name="brand" value="Nope" checked' in response.content.decode()


def test_price_bands_are_links_that_list_the_band(client, catalog):
    html = client.get(LIST).content.decode()
    assert "?min_price=10.00&amp;max_price=24.99" in html
    response = client.get(LIST, {"min_price": "10.00", "max_price": "24.99"})
    assert response.context["page"]["count"] == 3
    assert 'aria-current="true">$10.00 – $24.99' in response.content.decode()


def test_the_panel_works_without_javascript(client, catalog):
    html = client.get(LIST).content.decode()
    assert '<form method="get" action="/products/"' in html
    assert "<script>" not in html and " onclick=" not in html


def test_no_results_says_so_and_offers_close_matches_and_a_way_back(client, catalog):
    response = client.get(LIST, {"search": "chikn", "category": "food"})
    html = response.content.decode()
    assert response.status_code == 200 and response.context["page"]["count"] == 0
    assert "No products match “chikn” with these filters." in html
    assert "Did you mean:" in html
    assert [m["name"] for m in response.context["did_you_mean"]][0] == "Chicken Kibble"
    assert f'href="/products/{catalog["Chicken Kibble"].pk}/chicken-kibble/"' in html
    assert 'href="/products/">See all products</a>' in html
    assert 'href="/products/?search=chikn">Search all products' in html


def test_a_search_that_finds_something_offers_no_alternatives(client, catalog):
    response = client.get(LIST, {"search": "salmon"})
    assert (
        response.context["did_you_mean"] == [] and "Did you mean" not in response.content.decode()
    )


def test_the_search_term_is_normalised_in_the_cache_key(client, catalog, django_assert_num_queries):
    client.get(LIST, {"search": "Salmon  Oil"})
    with django_assert_num_queries(0):
        response = client.get(LIST, {"search": " salmon oil "})
    assert response.context["page"]["products"][0]["name"] == "Salmon Oil Supplement"


def test_search_results_are_never_stale(client, catalog, django_capture_on_commit_callbacks):
    assert client.get(LIST, {"search": "tick"}).context["page"]["count"] == 0
    with django_capture_on_commit_callbacks(execute=True):
        services.product_update(product=catalog["Flea Drops"], name="Tick Drops")
    page = client.get(LIST, {"search": "tick"}).context["page"]
    assert [p["name"] for p in page["products"]] == ["Tick Drops"]


def test_header_search_box_points_at_the_suggestions(client, db):
    html = client.get("/").content.decode()
    assert 'data-suggest-url="/api/v1/products/suggest/"' in html
    assert "js/search" in html


def _cells(rows) -> list[tuple]:
    return sorted(
        (pet, cat, brand, band, bool(stocked), n) for pet, cat, brand, band, stocked, _, n in rows
    )


@on_postgres
def test_the_stored_facet_cells_follow_every_write(catalog, django_capture_on_commit_callbacks):
    """The trigger-kept cube (what unsearched facets read) equals a count of the rows
    after creates, sales to zero, restocks, moves, price changes, deactivation, deletes."""
    toys = Category.objects.get(slug="toys")
    services.stock_reserve(quantities={catalog["Flea Drops"].pk: 7})  # to zero
    services.stock_release(quantities={catalog["Chicken Kibble"].pk: 3})  # from zero
    services.stock_reserve(quantities={catalog["Squeaky Rope Toy"].pk: 1})  # same cell
    services.product_update(product=catalog["Feather Wand"], price=Decimal("55.00"))
    services.product_update(product=catalog["Aquarium Heater"], category=toys, brand="Aqua")
    services.product_update(product=catalog["Orthopedic Dog Bed"], is_active=False)
    services.product_delete(product=catalog["Parrot Seed Mix"])
    ProductFactory.create_batch(3, brand="NewBrand")
    for is_active in (True, False):
        counted = facet_cells(Product.objects.filter(is_active=is_active), Selection())
        assert _cells(stored_cells(is_active=is_active)) == _cells(counted)


@on_postgres
def test_unsearched_facets_read_the_stored_cells(api_client, catalog, django_assert_num_queries):
    api_client.get(FACETS, {"search": "x"})  # reference lists into the cache
    with django_assert_num_queries(1) as captured:
        body = api_client.get(FACETS, {"pet_type": "dog", "brand": "PetPro"}).json()
    assert "catalog_facetcell" in captured.captured_queries[0]["sql"]
    assert body["count"] == 2
