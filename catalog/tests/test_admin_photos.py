"""Staff manage a product's photos inline on its admin page: upload (checked by decoding,
a refusal is an error on the field that stores nothing), relabel, reorder, remove."""

import pytest
from django.test import Client
from django.urls import reverse

from catalog.models import ProductImage
from catalog.photos import product_image_add, product_image_renditions_make
from catalog.tests.photo_files import SVG, image_bytes, stored_files, upload
from petshop.tests.admin_client import form_data

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff(client, admin_user):
    client.force_login(admin_user)
    return client


def change_url(product) -> str:
    return reverse("admin:catalog_product_change", args=[product.pk])


def post_change(staff, product, files=None, **changes):
    page = staff.get(change_url(product))
    assert page.status_code == 200
    data = form_data(page, **changes)
    data.update(files or {})
    return staff.post(change_url(product), data)


def photos_of(product) -> list[tuple[str, int]]:
    return list(product.images.order_by("position").values_list("alt", "position"))


def test_the_product_page_previews_its_photos(staff, product):
    image = product_image_add(product=product, file=upload(image_bytes()), alt="Front")
    product_image_renditions_make(image_id=image.pk)
    image.refresh_from_db()
    page = staff.get(change_url(product)).content.decode()
    assert image.renditions["small"]["name"] in page  # the preview is the small rendition
    assert 'accept="image/jpeg,image/png,image/webp"' in page


def test_staff_upload_a_photo_inline(staff, product, django_capture_on_commit_callbacks):
    # Read first, so a missed cache invalidation would serve these stale copies.
    page_url = reverse("catalog:product", args=[product.pk, product.slug])
    assert "/media/photos/" not in Client().get(page_url).content.decode()
    assert Client().get(f"/api/v1/products/{product.pk}/").json()["images"] == []
    with django_capture_on_commit_callbacks(execute=True):
        response = post_change(
            staff,
            product,
            files={"images-0-file": upload(image_bytes(size=(500, 400)))},
            **{"images-0-alt": "Bag, front"},
        )
    assert response.status_code == 302, response.content[:3000]
    image = ProductImage.objects.get()
    assert (image.alt, image.position, image.width, image.height) == ("Bag, front", 0, 500, 400)
    assert stored_files() == [image.original]
    # At once on the storefront and in the API.
    assert image.original in Client().get(page_url).content.decode()
    api = Client().get(f"/api/v1/products/{product.pk}/").json()
    assert api["images"][0]["url"].endswith(image.original)


@pytest.mark.parametrize(
    "content,name",
    [
        (SVG, "logo.svg"),
        (b"not an image" * 50, "photo.jpg"),
        (image_bytes("GIF", mode="P"), "a.gif"),
    ],
    ids=["svg", "fake jpeg", "gif"],
)
def test_a_refused_upload_is_an_error_on_the_field_and_stores_nothing(
    staff, product, content, name
):
    response = post_change(
        staff, product, files={"images-0-file": upload(content, name)}, name="Renamed"
    )
    assert response.status_code == 200  # the form again, with the error
    assert "Only JPEG, PNG or WebP" in response.content.decode() or "not a valid JPEG" in (
        response.content.decode()
    )
    assert not ProductImage.objects.exists() and stored_files() == []
    product.refresh_from_db()
    assert product.name != "Renamed"


def test_staff_relabel_reorder_and_remove_photos(
    staff, product, django_capture_on_commit_callbacks
):
    a, b, c = (
        product_image_add(product=product, file=upload(image_bytes()), alt=alt)
        for alt in ("A", "B", "C")
    )
    # Rows are shown in position order: 0 → A, 1 → B, 2 → C.
    response = post_change(
        staff,
        product,
        **{"images-2-position": "0", "images-2-alt": "C, now first", "images-0-position": "2"},
    )
    assert response.status_code == 302
    assert photos_of(product) == [("C, now first", 0), ("B", 1), ("A", 2)]
    with django_capture_on_commit_callbacks(execute=True):
        response = post_change(staff, product, **{"images-1-DELETE": "on"})  # B
    assert response.status_code == 302
    assert photos_of(product) == [("C, now first", 0), ("A", 1)]
    assert sorted(stored_files()) == sorted([a.original, c.original])


def test_saving_the_product_without_touching_photos_keeps_them(staff, product):
    product_image_add(product=product, file=upload(image_bytes()), alt="Only")
    response = post_change(staff, product, price="12.00")
    assert response.status_code == 302
    assert photos_of(product) == [("Only", 0)]


def test_a_new_product_can_be_added_with_its_photo(staff, django_capture_on_commit_callbacks):
    page = staff.get(reverse("admin:catalog_product_add"))
    data = form_data(
        page,
        name="Photo Kibble",
        price="5.00",
        stock="3",
        category=str(page.context["adminform"].form.fields["category"].queryset.first().pk),
        pet_type=str(page.context["adminform"].form.fields["pet_type"].queryset.first().pk),
    )
    data["images-0-file"] = upload(image_bytes())
    data["images-0-alt"] = ["Kibble"]
    with django_capture_on_commit_callbacks(execute=True):
        response = staff.post(reverse("admin:catalog_product_add"), data)
    assert response.status_code == 302, response.content[:2000]
    assert ProductImage.objects.get().product.name == "Photo Kibble"


def test_a_new_photo_left_without_a_position_goes_last(staff, product):
    product_image_add(product=product, file=upload(image_bytes()), alt="First")
    response = post_change(
        staff,
        product,
        files={"images-1-file": upload(image_bytes())},
        **{"images-1-alt": "Second"},
    )
    assert response.status_code == 302
    assert photos_of(product) == [("First", 0), ("Second", 1)]


def test_the_photo_list_shows_which_wait_for_their_renditions(staff, product):
    ready = product_image_add(product=product, file=upload(image_bytes()), alt="Alt-made")
    product_image_renditions_make(image_id=ready.pk)
    product_image_add(product=product, file=upload(image_bytes()), alt="Alt-pending")
    url = reverse("admin:catalog_productimage_changelist")
    page = staff.get(url, {"renditions": "pending"}).content.decode()
    assert "Alt-pending" in page and "Alt-made" not in page
    page = staff.get(url, {"renditions": "ready"}).content.decode()
    assert "Alt-made" in page and "Alt-pending" not in page
    assert staff.get(reverse("admin:catalog_productimage_add")).status_code == 403
