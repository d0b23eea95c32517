"""What product photos cost (run by hand; prints tables).

    .venv/bin/python bench/photos.py                     # a scratch SQLite file
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/petshop_photos_bench \\
        REDIS_URL=redis://127.0.0.1:6379/3 .venv/bin/python bench/photos.py

1. The storefront catalog page with 24 photographed products against the same page with
   24 products without photos: SQL queries of one request and server time (median of
   --runs, in-process with Django's test client), with the catalog cache cold (the page
   computed: where photos cost anything) and warm (served from the cache).
2. The photo pipeline on a typical 12-megapixel phone upload (4000×3000 JPEG with EXIF):
   checking and re-encoding it (the upload request's part), then making the three WebP
   renditions (the worker's part); and what a thumbnail library that renders on first
   view would add to requests instead.

The database named by DATABASE_URL is dropped and created again (PostgreSQL), or the
scratch SQLite file replaced: never point it at data you want to keep.
"""

import argparse
import io
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))
SCRATCH_SQLITE = Path(tempfile.gettempdir()) / "petshop-photos-bench.sqlite3"
os.environ.setdefault("DATABASE_URL", f"sqlite:///{SCRATCH_SQLITE}")
os.environ.setdefault("MEDIA_ROOT", tempfile.mkdtemp(prefix="petshop-photos-bench-"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "petshop.settings")

PER_PAGE = 24


def fresh_database() -> None:
    url = os.environ["DATABASE_URL"]
    if url.startswith("postgres"):
        import psycopg

        base, name = url.rsplit("/", 1)
        with psycopg.connect(f"{base}/postgres", autocommit=True) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{name}"')
            connection.execute(f'CREATE DATABASE "{name}"')
    else:
        for suffix in ("", "-wal", "-shm"):
            Path(f"{SCRATCH_SQLITE}{suffix}").unlink(missing_ok=True)


def phone_photo(width=4000, height=3000) -> bytes:
    """A 12-megapixel JPEG that compresses like a photo (noise and gradients), with the
    EXIF a phone writes (camera, GPS, orientation)."""
    from PIL import Image, ImageDraw

    noise = Image.effect_noise((width, height), 48)
    gradient = Image.linear_gradient("L").resize((width, height))
    image = Image.merge("RGB", (noise, gradient, Image.blend(noise, gradient, 0.5)))
    draw = ImageDraw.Draw(image)
    for n in range(12):
        x, y = (n * 331) % width, (n * 197) % height
        draw.ellipse((x, y, x + 600, y + 450), fill=(40 + n * 15, 120, 200 - n * 10))
    exif = Image.Exif()
    exif[0x010F], exif[0x0110], exif[0x0112] = "PhoneMaker", "Phone 12", 1
    exif.get_ifd(0x8825).update({1: "N", 2: (48.0, 51.0, 29.0), 3: "E", 4: (2.0, 17.0, 40.0)})
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=92, exif=exif)
    return buffer.getvalue()


def build_shop() -> tuple[str, str]:
    """Two pet types with PER_PAGE products each, one with a photo per product."""
    from catalog.models import Category, PetType
    from catalog.photos import product_image_add, product_images_render_pending
    from catalog.services import pet_type_save, product_create
    from petshop.demo.photos import packshot_jpeg

    food = Category.objects.get(slug="food")
    bare = pet_type_save(pet_type=PetType(name="Bench bare", slug="bench-bare"))
    shot = pet_type_save(pet_type=PetType(name="Bench photos", slug="bench-photos"))
    for pet_type in (bare, shot):
        for n in range(PER_PAGE):
            product = product_create(
                sku=f"{pet_type.slug}-{n:03d}",
                name=f"{pet_type.name} product {n:03d}",
                price="9.99",
                stock=5,
                category=food,
                pet_type=pet_type,
                brand="Bench",
            )
            if pet_type is shot:
                product_image_add(
                    product=product,
                    file=io.BytesIO(packshot_jpeg(sku=product.sku, category="food", brand="B")),
                    alt=product.name,
                )
    product_images_render_pending()
    return f"/products/?pet_type={bare.slug}", f"/products/?pet_type={shot.slug}"


def time_pages(client, urls: list[str], runs: int, *, cold: bool) -> list[tuple[float, int]]:
    """Median ms and queries of one request to each URL; the URLs take turns within each
    run, so a slower moment of a shared machine weighs on all of them alike."""
    from django.core.cache import cache
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for url in urls:
        client.get(url)  # warm up (templates, connection, cache)
    timings = {url: [] for url in urls}
    queries = {}
    for run in range(runs):
        for url in urls if run % 2 else reversed(urls):
            if cold:
                cache.clear()
            with CaptureQueriesContext(connection) as captured:
                started = time.perf_counter()
                response = client.get(url)
                timings[url].append((time.perf_counter() - started) * 1000)
            assert response.status_code == 200
            queries[url] = len(captured)
    return [(statistics.median(timings[url]), queries[url]) for url in urls]


def pipeline(runs: int) -> list[tuple[str, float]]:
    from django.core.cache import cache

    from catalog import imaging

    upload = phone_photo()
    prepare, renditions, sizes = [], [], {}
    for _ in range(runs):
        started = time.perf_counter()
        prepared = imaging.image_prepare(io.BytesIO(upload))
        prepare.append(time.perf_counter() - started)
        started = time.perf_counter()
        made = imaging.renditions_make(prepared.content)
        renditions.append(time.perf_counter() - started)
        sizes = {name: len(r.content) for name, r in made.items()}
    # A render-on-view library keeps a key-value record per thumbnail and looks it up on
    # every view: one cache read per photo shown (sorl-thumbnail's KVStore), at best.
    keys = [f"thumbnail:{n}" for n in range(PER_PAGE)]
    cache.set_many(dict.fromkeys(keys, "photos/xx/name-small.webp"))
    started = time.perf_counter()
    for _ in range(runs):
        for key in keys:
            cache.get(key)
    lookups = (time.perf_counter() - started) / runs
    return [
        ("12 MP JPEG upload", len(upload) / 1e6),
        ("check + re-encode (upload request), s", statistics.median(prepare)),
        ("3 WebP renditions (worker), s", statistics.median(renditions)),
        ("small / medium / large, kB", sizes),
        (
            "render-on-view library: first view of 24 new photos, s",
            24 * statistics.median(renditions),
        ),
        ("render-on-view library: 24 lookups per page view, ms", lookups * 1000),
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--pipeline-runs", type=int, default=3)
    args = parser.parse_args()

    fresh_database()
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.test import Client
    from django.test.utils import setup_test_environment

    setup_test_environment()
    call_command("migrate", verbosity=0)
    bare_url, photo_url = build_shop()
    client = Client()
    print(
        f"database: {settings.DATABASES['default']['ENGINE'].rsplit('.', 1)[-1]}, cache: "
        f"{settings.CACHES['default']['BACKEND'].rsplit('.', 1)[-1]}, runs: {args.runs}"
    )
    print()
    print(f"{'catalog page, 24 products':<34}{'queries':>8}{'median ms':>11}")
    for cold in (True, False):
        (bare_ms, bare_q), (photo_ms, photo_q) = time_pages(
            client, [bare_url, photo_url], args.runs, cold=cold
        )
        state = "cache cold" if cold else "cache warm"
        print(f"{'without photos, ' + state:<34}{bare_q:>8}{bare_ms:>11.2f}")
        print(f"{'with photos, ' + state:<34}{photo_q:>8}{photo_ms:>11.2f}")
        print(f"{'  photos add':<34}{photo_q - bare_q:>+8}{photo_ms / bare_ms - 1:>+11.1%}")
    print()
    print("photo pipeline (Pillow " + __import__("PIL").__version__ + ")")
    for label, value in pipeline(args.pipeline_runs):
        if isinstance(value, dict):
            shown = " / ".join(f"{v / 1000:.0f}" for v in value.values())
        else:
            shown = f"{value:.2f}" if value >= 0.01 else f"{value:.4f}"
        print(f"  {label:<58}{shown:>16}")


if __name__ == "__main__":
    main()
