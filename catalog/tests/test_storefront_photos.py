"""Photos on the storefront: cards show the main photo, the product page a gallery that
works without JavaScript, every img with its dimensions; no query per card; uploaded
files are served as images only."""

import re

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from catalog.photos import product_image_add, product_image_renditions_make
from catalog.tests.factories import ProductFactory
from catalog.tests.photo_files import image_bytes, upload

pytestmark = pytest.mark.django_db


def photographed(product=None, count=1, size=(1200, 900), ready=True):
    product = product or ProductFactory()
    images = []
    for n in range(count):
        image = product_image_add(
            product=product, file=upload(image_bytes(size=size)), alt=f"{product.name} {n}"
        )
        if ready:
            product_image_renditions_make(image_id=image.pk)
            image.refresh_from_db()
        images.append(image)
    return product, images


def imgs(html: str) -> list[str]:
    return re.findall(r"<img [^>]*>", html)


def test_a_card_shows_the_main_photo_with_srcset_and_dimensions(client):
    product, (main, _second) = photographed(count=2)
    html = client.get(reverse("catalog:product_list")).content.decode()
    card = next(tag for tag in imgs(html) if "/media/photos/" in tag)
    small = main.renditions["small"]
    assert f'src="/media/{small["name"]}"' in card
    assert f'width="{small["width"]}" height="{small["height"]}"' in card
    for size in ("small", "medium", "large"):
        rendition = main.renditions[size]
        assert f"/media/{rendition['name']} {rendition['width']}w" in card
    assert 'sizes="' in card and f'alt="{main.alt}"' in card


def test_products_without_photos_keep_the_pet_drawing(client, product):
    html = client.get(reverse("catalog:product_list")).content.decode()
    assert "/static/img/pets/dog.svg" in html and "/media/" not in html


def test_a_photo_without_renditions_yet_shows_the_original_with_its_size(client):
    product, (image,) = photographed(size=(640, 480), ready=False)
    html = client.get(reverse("catalog:product", args=[product.pk, product.slug])).content.decode()
    main = next(tag for tag in imgs(html) if "/media/photos/" in tag)
    assert f'src="/media/{image.original}"' in main
    assert 'width="640" height="480"' in main and "srcset" not in main


def test_cards_below_the_first_row_load_lazily(client):
    for _ in range(6):
        photographed(size=(80, 60))
    cards = [tag for tag in imgs(client.get("/products/").content.decode()) if "/media/" in tag]
    assert len(cards) == 6
    assert ['loading="lazy"' in tag for tag in cards] == [False] * 4 + [True] * 2


def test_every_img_on_the_catalog_and_product_pages_has_dimensions(client):
    product, _ = photographed(count=3)
    ProductFactory(pet_type=product.pet_type)  # a related product without a photo
    for url in ("/", "/products/", reverse("catalog:product", args=[product.pk, product.slug])):
        for tag in imgs(client.get(url).content.decode()):
            assert re.search(r'width="\d+"', tag) and re.search(r'height="\d+"', tag), tag


def test_the_gallery_works_with_links(client):
    product, images = photographed(count=3)
    url = reverse("catalog:product", args=[product.pk, product.slug])
    html = client.get(url).content.decode()
    main = images[0]
    assert f'<a class="gallery-main" href="/media/{main.renditions["large"]["name"]}">' in html
    for image in images:
        assert f'href="?photo={image.pk}#gallery"' in html
    # Following a thumbnail's link shows that photo as the main one.
    chosen = images[2]
    html = client.get(url, {"photo": chosen.pk}).content.decode()
    assert f'src="/media/{chosen.renditions["medium"]["name"]}"' in html
    assert f'href="?photo={chosen.pk}#gallery" aria-current="true"' in html
    # An unknown ?photo= is simply the first.
    html = client.get(url, {"photo": "nope"}).content.decode()
    assert f'src="/media/{main.renditions["medium"]["name"]}"' in html


def test_the_catalog_page_costs_the_same_queries_with_photos(client):
    def queries_for_catalog() -> int:
        cache.clear()  # computed, not served from the catalog cache
        with CaptureQueriesContext(connection) as captured:
            assert client.get("/products/").status_code == 200
        return len(captured)

    for _ in range(3):
        ProductFactory()
    bare = queries_for_catalog()
    for _ in range(3):
        photographed(count=2, size=(80, 60))
    assert queries_for_catalog() == bare
    for _ in range(10):
        photographed(count=1, size=(80, 60))
    assert queries_for_catalog() == bare


def test_uploaded_files_are_served_as_images_with_nosniff(client, product):
    _, (image,) = photographed(product, size=(80, 60))
    response = client.get(f"/media/{image.original}")
    assert response.status_code == 200
    assert response["Content-Type"] == "image/jpeg"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "immutable" in response["Cache-Control"]
    webp = client.get(f"/media/{image.renditions['small']['name']}")
    assert webp["Content-Type"] == "image/webp"


@pytest.mark.parametrize(
    "path", ["photos/x.html", "photos/x.svg", "photos/../../settings.py", "photos/none.jpg"]
)
def test_nothing_but_stored_images_is_served_from_media(client, path):
    from django.core.files.base import ContentFile
    from django.core.files.storage import default_storage

    default_storage.save("photos/x.html", ContentFile(b"<script>alert(1)</script>"))
    default_storage.save("photos/x.svg", ContentFile(b"<svg/>"))
    assert client.get(f"/media/{path}").status_code in (400, 404)


def test_a_photo_change_is_read_back_fresh_on_the_storefront(
    client, product, django_capture_on_commit_callbacks
):
    url = reverse("catalog:product", args=[product.pk, product.slug])
    assert "/media/" not in client.get(url).content.decode()
    assert "/media/" not in Client().get("/products/").content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        _, (image,) = photographed(product, ready=False)
    assert f"/media/{image.original}" in client.get(url).content.decode()
    assert f"/media/{image.original}" in Client().get("/products/").content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        product_image_renditions_make(image_id=image.pk)
    image.refresh_from_db()
    assert image.renditions["medium"]["name"] in client.get(url).content.decode()
