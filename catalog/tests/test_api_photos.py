"""API.md C12–C14 and the Product `images` field (v1.1)."""

import pytest
from django.core.files.storage import default_storage

from catalog.models import ProductImage
from catalog.photos import product_image_add, product_image_renditions_make
from catalog.tests.factories import ProductFactory
from catalog.tests.photo_files import SVG, image_bytes, stored_files, upload

pytestmark = pytest.mark.django_db


def images_url(product) -> str:
    return f"/api/v1/products/{product.pk}/images/"


def post_photo(client, product, content=None, name="photo.jpg", **fields):
    return client.post(
        images_url(product),
        {"file": upload(content or image_bytes(size=(900, 600)), name), **fields},
        format="multipart",
    )


def test_admin_uploads_a_photo(admin_client_api, product):
    response = post_photo(admin_client_api, product, alt="Front of the bag")
    assert response.status_code == 201, response.content
    body = response.json()
    image = ProductImage.objects.get()
    assert body["id"] == image.pk
    assert body["alt"] == "Front of the bag"
    assert (body["width"], body["height"], body["position"]) == (900, 600, 0)
    assert body["url"] == f"http://testserver/media/{image.original}"
    # Renditions come from the worker: until then every thumbnail is the original.
    assert body["thumbnails"] == dict.fromkeys(["small", "medium", "large"], body["url"])


@pytest.mark.parametrize(
    "content,name",
    [
        (b"GIF89a not really" * 20, "photo.jpg"),
        (SVG, "photo.svg"),
        (image_bytes("GIF", size=(20, 20), mode="P"), "photo.gif"),
        (image_bytes(size=(600, 400))[:2000], "photo.jpg"),
    ],
    ids=["fake jpeg", "svg", "gif", "truncated"],
)
def test_what_is_not_a_jpeg_png_or_webp_is_a_400_on_file_storing_nothing(
    admin_client_api, product, content, name
):
    response = post_photo(admin_client_api, product, content, name)
    assert response.status_code == 400
    assert list(response.json()) == ["file"]
    assert not ProductImage.objects.exists() and stored_files() == []


def test_too_many_bytes_or_pixels_is_a_400_on_file(admin_client_api, product, settings):
    settings.IMAGE_MAX_PIXELS = 100_000
    response = post_photo(admin_client_api, product, image_bytes("PNG", size=(400, 400)))
    assert response.status_code == 400 and "too many pixels" in response.json()["file"][0]
    settings.IMAGE_MAX_BYTES = 1_000
    response = post_photo(admin_client_api, product, image_bytes(size=(300, 300)))
    assert response.status_code == 400 and "larger than" in response.json()["file"][0]
    assert not ProductImage.objects.exists() and stored_files() == []


def test_a_missing_file_is_a_400(admin_client_api, product):
    response = admin_client_api.post(images_url(product), {"alt": "x"}, format="multipart")
    assert response.status_code == 400 and "file" in response.json()


def test_photo_writes_are_for_admins_only(api_client, customer_client, product):
    assert post_photo(api_client, product).status_code == 401
    assert post_photo(customer_client, product).status_code == 403
    image = product_image_add(product=product, file=upload(image_bytes()))
    url = f"{images_url(product)}{image.pk}/"
    assert customer_client.patch(url, {"alt": "x"}, format="json").status_code == 403
    assert customer_client.delete(url).status_code == 403
    assert ProductImage.objects.get().alt == ""


def test_unknown_product_or_photo_is_a_404(admin_client_api, product):
    image = product_image_add(product=product, file=upload(image_bytes()))
    other = ProductFactory()
    assert admin_client_api.post(
        "/api/v1/products/999999/images/", {}, format="multipart"
    ).status_code in (404,)
    # A photo reached through another product's path is not found.
    response = admin_client_api.patch(
        f"{images_url(other)}{image.pk}/", {"alt": "x"}, format="json"
    )
    assert response.status_code == 404


def test_patch_relabels_and_moves_a_photo(admin_client_api, product):
    first, second, third = (
        product_image_add(product=product, file=upload(image_bytes())) for _ in range(3)
    )
    response = admin_client_api.patch(
        f"{images_url(product)}{third.pk}/", {"position": 0, "alt": "Side"}, format="json"
    )
    assert response.status_code == 200, response.content
    assert (response.json()["position"], response.json()["alt"]) == (0, "Side")
    order = list(product.images.order_by("position").values_list("pk", "position"))
    assert order == [(third.pk, 0), (first.pk, 1), (second.pk, 2)]
    bad = admin_client_api.patch(f"{images_url(product)}{third.pk}/", {"position": -1})
    assert bad.status_code == 400 and "position" in bad.json()


def test_delete_removes_the_photo_and_every_file(
    admin_client_api, product, django_capture_on_commit_callbacks
):
    image = product_image_add(product=product, file=upload(image_bytes()))
    product_image_renditions_make(image_id=image.pk)
    assert len(stored_files()) == 4
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client_api.delete(f"{images_url(product)}{image.pk}/")
    assert response.status_code == 204
    assert not ProductImage.objects.exists() and stored_files() == []


def test_products_carry_their_images_in_order_with_absolute_urls(api_client, product):
    main = product_image_add(product=product, file=upload(image_bytes()), alt="Main")
    product_image_add(product=product, file=upload(image_bytes()), alt="Back")
    product_image_renditions_make(image_id=main.pk)
    main.refresh_from_db()
    body = api_client.get(f"/api/v1/products/{product.pk}/").json()
    assert [i["alt"] for i in body["images"]] == ["Main", "Back"]
    first = body["images"][0]
    assert first["thumbnails"]["small"] == (
        "http://testserver" + default_storage.url(main.renditions["small"]["name"])
    )
    assert first["thumbnails"]["small"].endswith("-small.webp")
    listed = api_client.get("/api/v1/products/").json()["results"]
    assert [i["alt"] for i in listed[0]["images"]] == ["Main", "Back"]


def test_the_product_list_loads_images_in_one_query(api_client, django_assert_max_num_queries):
    for _ in range(3):
        product = ProductFactory()
        for _ in range(2):
            product_image_add(product=product, file=upload(image_bytes(size=(64, 48))))
    with django_assert_max_num_queries(3):  # count, page, images
        response = api_client.get("/api/v1/products/")
    assert sum(len(p["images"]) for p in response.json()["results"]) == 6


def test_an_upload_through_the_api_is_read_back_fresh(
    admin_client_api, api_client, product, django_capture_on_commit_callbacks
):
    assert api_client.get(f"/api/v1/products/{product.pk}/").json()["images"] == []  # cached
    with django_capture_on_commit_callbacks(execute=True):
        assert post_photo(admin_client_api, product).status_code == 201
    assert len(api_client.get(f"/api/v1/products/{product.pk}/").json()["images"]) == 1
    image = ProductImage.objects.get()
    with django_capture_on_commit_callbacks(execute=True):
        admin_client_api.patch(f"{images_url(product)}{image.pk}/", {"alt": "New"}, format="json")
    assert api_client.get(f"/api/v1/products/{product.pk}/").json()["images"][0]["alt"] == "New"
    with django_capture_on_commit_callbacks(execute=True):
        product_image_renditions_make(image_id=image.pk)  # the worker's write
    small = api_client.get(f"/api/v1/products/{product.pk}/").json()["images"][0]["thumbnails"]
    assert small["small"].endswith("-small.webp")
    with django_capture_on_commit_callbacks(execute=True):
        admin_client_api.delete(f"{images_url(product)}{image.pk}/")
    assert api_client.get(f"/api/v1/products/{product.pk}/").json()["images"] == []


def test_the_schema_documents_the_photo_endpoints(api_client):
    schema = api_client.get("/api/v1/schema/", HTTP_ACCEPT="application/json").json()
    post = schema["paths"]["/api/v1/products/{id}/images/"]["post"]
    assert "multipart/form-data" in post["requestBody"]["content"]
    assert set(post["responses"]) >= {"201", "400", "401", "403", "404"}
    item = schema["paths"]["/api/v1/products/{id}/images/{image_id}/"]
    assert set(item) >= {"patch", "delete"}
    assert "images" in schema["components"]["schemas"]["Product"]["properties"]
