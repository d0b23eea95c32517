"""Search benchmark (issue 13), by hand: median server time of search and facets at
1,000 and at 100,000 products on PostgreSQL, cache off, with EXPLAIN of each query.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/petshop_search_bench \\
        .venv/bin/python bench/search.py [--sizes 1000 100000] [--repeat 50]

The database named in DATABASE_URL is DROPPED and rebuilt for each size (with
bench/build_shop.py's bulk builder: its COPY fires the search-vector trigger like any
insert). Each request is timed in-process through Django's test client (the whole
Django + DRF stack, no network), after warm-up requests, with the cache off
(CACHE_BACKEND=dummy). Prints a table: median and p90 per request and size, and the
ratio of the largest size's median to the smallest's. Targets: <= 20 ms median at
100,000 and within 1.5x of 1,000.
"""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))
sys.path.insert(0, str(BASE_DIR / "bench"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "petshop.settings")
os.environ["CACHE_BACKEND"] = "dummy"  # cache off: every request reaches the database

# (label, URL). The generated names are "<adjective> <Pet> <noun> <n>", e.g.
# "Premium Dog Kibble 1234"; brands like "Kibble King", "PawPerfect".
REQUESTS = [
    ("3-word search", "/api/v1/products/?search=premium+dog+kibble"),
    ("typo search", "/api/v1/products/?search=crunchy+kible"),
    ("typo, 1 word", "/api/v1/products/?search=kible"),
    ("facets (search)", "/api/v1/products/facets/?search=organic+cat+treats"),
    ("facets (filters)", "/api/v1/products/facets/?pet_type=bird&category=toys&brand=Chirpy"),
    ("facets (none)", "/api/v1/products/facets/"),
    ("suggest", "/api/v1/products/suggest/?q=feathr"),
]
EXPLAINED = {
    "3-word search": {"search": "premium dog kibble"},
    "typo search": {"search": "crunchy kible"},
    "facets (search)": {"search": "organic cat treats"},
}


def measure(client, url: str, repeat: int) -> list[float]:
    for _ in range(3):
        assert client.get(url).status_code == 200, url
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        response = client.get(url)
        times.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200, url
    return times


def explain(label: str, params: dict) -> str:
    from catalog.api.filters import ProductFilter
    from catalog.facets import facet_cells
    from catalog.models import Product

    filterset = ProductFilter(params, queryset=Product.objects.with_related().active())
    assert filterset.is_valid(), filterset.errors
    if label.startswith("facets"):
        selection = filterset.facet_selection()
        queryset = filterset.facet_queryset()
        # The facet query itself (as catalog.facets.facet_cells builds it).
        facet_cells(queryset, selection)  # runs it once; EXPLAIN below is the same SQL
        from django.db import connection

        sql = connection.queries[-1]["sql"] if connection.queries else ""
        with connection.cursor() as cursor:
            cursor.execute("EXPLAIN (ANALYZE, COSTS OFF) " + sql)
            return "\n".join(row[0] for row in cursor.fetchall())
    return filterset.qs[:20].explain(analyze=True, costs=False)


def run_size(url: str, products: int, repeat: int) -> tuple[dict, dict]:
    from build_shop import build, recreate_database
    from django.db import connection, reset_queries
    from django.test import Client
    from django.test.utils import override_settings

    connection.close()
    recreate_database(url)
    t0 = time.monotonic()
    build(products, customers=20, orders=20)
    print(f"built {products:,} products in {time.monotonic() - t0:.0f}s", flush=True)
    client = Client()
    results = {}
    with override_settings(ALLOWED_HOSTS=["*"]):
        for label, request_url in REQUESTS:
            results[label] = measure(client, request_url, repeat)
    plans = {}
    with override_settings(DEBUG=True):  # connection.queries for the facet SQL
        for label, params in EXPLAINED.items():
            reset_queries()
            plans[label] = explain(label, params)
    return results, plans


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1_000, 100_000])
    parser.add_argument("--repeat", type=int, default=50)
    args = parser.parse_args()
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith("postgres"):
        sys.exit("DATABASE_URL must name a PostgreSQL database (it is dropped and recreated).")
    import django

    django.setup()
    table = {}
    plans = {}
    for size in args.sizes:
        table[size], plans[size] = run_size(url, size, args.repeat)
    small, large = min(args.sizes), max(args.sizes)
    for label, plan in plans[large].items():
        print(f"\n--- EXPLAIN ANALYZE at {large:,} products: {label} ---\n{plan}")
    print(f"\nmedian / p90 server time in ms (in-process, cache off, {args.repeat} runs)\n")
    header = "".join(f"{f'{s:,}':>20}" for s in args.sizes)
    print(f"{'request':<18}{header}{'ratio':>10}")
    for label, _ in REQUESTS:
        cells = ""
        for size in args.sizes:
            times = sorted(table[size][label])
            p90 = times[int(len(times) * 0.9) - 1]
            cells += f"{statistics.median(times):>12.1f} / {p90:>5.1f}"
        ratio = statistics.median(table[large][label]) / statistics.median(table[small][label])
        print(f"{label:<18}{cells}{ratio:>9.2f}x")


if __name__ == "__main__":
    main()
