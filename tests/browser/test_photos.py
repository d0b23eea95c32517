"""Product photos in a real browser: a phone downloads the small rendition, a desktop the
sizes its layout needs, and the gallery works by links. Also takes the README's photo
screenshots (UPDATE_SCREENSHOTS=1)."""

import io
import re
from pathlib import Path

import pytest

pytestmark = [
    pytest.mark.skipif(
        not Path("/usr/bin/chromium").exists(),
        reason="Chromium is not installed at /usr/bin/chromium (apt-get install chromium)",
    ),
    pytest.mark.django_db(transaction=True),
]

CATALOG = [
    ("Salmon Kibble 2 kg", "dog", "food", "Northpaw"),
    ("Tug Ball", "dog", "toys", "Chewy Co"),
    ("Leather Collar", "dog", "accessories", "Snooze"),
    ("Joint Care Drops", "cat", "health", "Whisker"),
    ("Soft Slicker Brush", "cat", "grooming", "Groomly"),
    ("Tuna Pâté 12-pack", "cat", "food", "Whisker"),
]


@pytest.fixture
def photographed(reference_data):
    """Products with drawn packshots (as seed_demo makes them), renditions made."""
    from catalog.models import Category, PetType
    from catalog.photos import product_image_add, product_images_render_pending
    from catalog.tests.factories import ProductFactory
    from petshop.demo.photos import packshot_jpeg

    products = []
    for n, (name, pet, category, brand) in enumerate(CATALOG):
        product = ProductFactory(
            name=name,
            slug=re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-"),
            pet_type=PetType.objects.get(slug=pet),
            category=Category.objects.get(slug=category),
            brand=brand,
        )
        shots = 3 if n == 0 else 1
        for shot in range(shots):
            product_image_add(
                product=product,
                file=io.BytesIO(
                    packshot_jpeg(sku=f"{product.sku}-{shot}", category=category, brand=brand)
                ),
                alt=f"{name}, view {shot + 1}",
            )
        products.append(product)
    product_images_render_pending()
    return products


def media_requests(page) -> list[str]:
    seen = []
    page.on("request", lambda request: seen.append(request.url))
    return seen


def test_a_phone_loads_the_small_rendition_on_the_product_page(browser, live_server, photographed):
    product = photographed[0]
    main = product.images.order_by("position").first()
    context = browser.new_context(
        base_url=live_server.url,
        viewport={"width": 375, "height": 740},
        device_scale_factor=1,
        is_mobile=True,
    )
    page = context.new_page()
    requested = media_requests(page)
    page.goto(f"/products/{product.pk}/{product.slug}/")
    page.wait_for_load_state("networkidle")
    img = page.locator(".gallery-main img")
    assert img.evaluate("img => img.complete && img.naturalWidth > 0")
    current = img.evaluate("img => img.currentSrc")
    assert current.endswith(main.renditions["small"]["name"])
    assert not any(url.endswith(main.renditions["medium"]["name"]) for url in requested)
    assert not any(url.endswith(main.renditions["large"]["name"]) for url in requested)
    context.close()


def test_a_desktop_gets_the_medium_rendition_and_the_gallery_works_by_links(
    page, photographed, shoot
):
    product = photographed[0]
    images = list(product.images.order_by("position"))
    page.goto(f"/products/{product.pk}/{product.slug}/")
    main = page.locator(".gallery-main img")
    assert main.evaluate("img => img.currentSrc").endswith(images[0].renditions["medium"]["name"])
    shoot(page, "photos-product")
    page.locator(".gallery-thumbs a").nth(2).click()
    page.wait_for_url(re.compile(rf"\?photo={images[2].pk}"))
    assert (
        page.locator(".gallery-main img")
        .evaluate("img => img.currentSrc")
        .endswith(images[2].renditions["medium"]["name"])
    )
    # The main photo links to the large rendition (the zoom).
    href = page.locator(".gallery-main").get_attribute("href")
    assert href.endswith(images[2].renditions["large"]["name"])


def test_the_catalog_shows_every_photo_without_layout_shift(page, photographed, shoot):
    page.goto("/products/")
    page.wait_for_load_state("networkidle")
    cards = page.locator(".product-card img.photo")
    assert cards.count() == len(CATALOG)
    for n in range(cards.count()):
        assert cards.nth(n).evaluate("img => img.complete && img.naturalWidth > 0")
        assert cards.nth(n).get_attribute("width") and cards.nth(n).get_attribute("height")
    shoot(page, "photos-catalog", full_page=False)


def test_staff_see_photo_previews_in_the_admin(page, photographed, shoot, admin_password_user):
    user, password = admin_password_user
    product = photographed[0]
    page.goto("/admin/login/")
    page.fill("#id_username", user.username)
    page.fill("#id_password", password)
    page.click("input[type=submit]")
    page.goto(f"/admin/catalog/product/{product.pk}/change/")
    previews = page.locator(".field-preview img")
    assert previews.count() == 3
    assert previews.first.evaluate("img => img.naturalWidth > 0")
    page.locator("#images-group").scroll_into_view_if_needed()
    shoot(page, "photos-admin", full_page=False)


@pytest.fixture
def admin_password_user(transactional_db):
    from accounts.tests.factories import PASSWORD, AdminFactory

    return AdminFactory(), PASSWORD
