"""Search benchmark (issue 13), by hand: median server time of search and facets at
1,000 and at 100,000 products on PostgreSQL, cache off, with EXPLAIN of each query.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/petshop_search_bench \\
        .venv/bin/python bench/search.py [--sizes 1000 100000] [--repeat 50] [--skip-build]

Each size has its own database, named after DATABASE_URL's with the size appended
(petshop_search_bench_1000, petshop_search_bench_100000): it is DROPPED and rebuilt
with bench/build_shop.py's bulk builder (its COPY fires the search triggers like any
insert), unless --skip-build finds it already holding that many products (then it is
only migrated). Each request is timed in-process through Django's test client (the
whole Django + DRF stack, no network), after warm-up requests, with the cache off
(CACHE_BACKEND=dummy). Then every SQL query of one such request is run under EXPLAIN
ANALYZE (5 times, median of the execution times, summed): the database's share,
the fairest figure on a loaded machine. Prints the plans of the searched requests at
the largest size and a table: median and p90 per request and size, database time,
and the ratio of the largest size's median to the smallest's. Targets: <= 20 ms median
at 100,000 and within 1.5x of 1,000.
"""

import argparse
import os
import re
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
EXPLAINED = ("3-word search", "typo search", "typo, 1 word", "facets (search)", "suggest")
EXPLAIN_RUNS = 5
EXECUTION = re.compile(r"Execution Time: ([\d.]+) ms")


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


def explain_request(client, url: str) -> tuple[float, list[str]]:
    """Every query one request runs, under EXPLAIN ANALYZE: the summed median execution
    time in ms, and each query's plan."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200, url
    total, plans = 0.0, []
    with connection.cursor() as cursor:
        for query in captured.captured_queries:
            if not query["sql"].lstrip().upper().startswith(("SELECT", "WITH")):
                continue
            runs = []
            for _ in range(EXPLAIN_RUNS):
                cursor.execute("EXPLAIN (ANALYZE, COSTS OFF) " + query["sql"])
                plan = "\n".join(row[0] for row in cursor.fetchall())
                runs.append(float(EXECUTION.search(plan).group(1)))
            total += statistics.median(runs)
            plans.append(f"{query['sql'][:300]}\n{plan}")
    return total, plans


def use_database(url: str, size: int, skip_build: bool) -> None:
    from build_shop import build, recreate_database
    from django.core.management import call_command
    from django.db import connection

    name = f"{url.rsplit('/', 1)[1].split('?')[0]}_{size}"
    size_url = f"{url.rsplit('/', 1)[0]}/{name}"
    connection.close()
    connection.settings_dict["NAME"] = name
    if skip_build:
        from catalog.models import Product

        try:
            call_command("migrate", verbosity=0, interactive=False)
            if Product.objects.count() == size:
                print(f"reusing {name} ({size:,} products)", flush=True)
                return
        except Exception as error:  # no such database yet: build it
            print(f"{name}: {error}", flush=True)
        connection.close()
    recreate_database(size_url)
    t0 = time.monotonic()
    build(size, customers=20, orders=20)
    print(f"built {size:,} products in {name} in {time.monotonic() - t0:.0f}s", flush=True)


def run_size(url: str, size: int, repeat: int, skip_build: bool) -> tuple[dict, dict, dict]:
    from django.test import Client
    from django.test.utils import override_settings

    use_database(url, size, skip_build)
    client = Client()
    results, db_times, plans = {}, {}, {}
    with override_settings(ALLOWED_HOSTS=["*"]):
        for label, request_url in REQUESTS:
            results[label] = measure(client, request_url, repeat)
        for label, request_url in REQUESTS:
            db_times[label], plans[label] = explain_request(client, request_url)
    return results, db_times, plans


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1_000, 100_000])
    parser.add_argument("--repeat", type=int, default=50)
    parser.add_argument(
        "--skip-build", action="store_true", help="reuse each size's database if it is built"
    )
    args = parser.parse_args()
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith("postgres"):
        sys.exit("DATABASE_URL must name a PostgreSQL database (it is dropped and recreated).")
    import django

    django.setup()
    table, db_times, plans = {}, {}, {}
    for size in args.sizes:
        table[size], db_times[size], plans[size] = run_size(url, size, args.repeat, args.skip_build)
    small, large = min(args.sizes), max(args.sizes)
    for label in EXPLAINED:
        for plan in plans[large][label]:
            print(f"\n--- EXPLAIN ANALYZE at {large:,} products: {label} ---\n{plan}")
    print(
        f"\nmedian / p90 server time in ms (in-process, cache off, {args.repeat} runs);"
        f" db: summed EXPLAIN ANALYZE execution time of the request's queries\n"
    )
    header = "".join(f"{f'{s:,}':>28}" for s in args.sizes)
    print(f"{'request':<18}{header}{'ratio':>8}{'db ratio':>10}")
    for label, _ in REQUESTS:
        cells = ""
        for size in args.sizes:
            times = sorted(table[size][label])
            p90 = times[int(len(times) * 0.9) - 1]
            cells += (
                f"{statistics.median(times):>10.1f} / {p90:>5.1f} db {db_times[size][label]:>5.2f}"
            )
        ratio = statistics.median(table[large][label]) / statistics.median(table[small][label])
        db_ratio = db_times[large][label] / max(db_times[small][label], 0.001)
        print(f"{label:<18}{cells}{ratio:>7.2f}x{db_ratio:>9.2f}x")


if __name__ == "__main__":
    main()
