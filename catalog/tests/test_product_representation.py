"""The public product as a plain dict (catalog.api.representations, issue 13): it renders
exactly what ProductSerializer renders, byte for byte, and the API's public list and
detail serve it."""

from decimal import Decimal

import pytest
from rest_framework.renderers import JSONRenderer
from rest_framework.test import APIRequestFactory

from catalog.api.representations import product_document, product_documents
from catalog.api.serializers import ProductSerializer
from catalog.models import Product
from catalog.photos import product_image_add, product_image_renditions_make
from catalog.tests.factories import ProductFactory
from catalog.tests.photo_files import image_bytes, upload

pytestmark = pytest.mark.django_db

D = Decimal
render = JSONRenderer().render


@pytest.fixture
def rich():
    """Products of every shape: no photo and a unicode name with markup, photos with
    renditions made and not yet made, null and odd weights and prices, an inactive one,
    a legacy image_url, stock at zero and at the column's limit."""
    ProductFactory(
        name="Hundefutter für Große Hunde 🐕 «Spezial» — 狗粮",
        description='Line one\nline "two" </script> & \u2028 end',
        brand="",
        price=D("0.10"),
        weight_kg=None,
        stock=0,
    )
    photographed = ProductFactory(
        name="Ошейник",
        price=D("99999999.99"),
        weight_kg=D("0.001"),
        image_url="https://img.example/legacy.jpg",
    )
    ready = product_image_add(
        product=photographed, file=upload(image_bytes(size=(64, 48))), alt="Vorne «front»"
    )
    product_image_add(product=photographed, file=upload(image_bytes(size=(48, 64))), alt="")
    product_image_renditions_make(image_id=ready.pk)
    ProductFactory(price=D("12.5"), weight_kg=D("12.5"), stock=2_147_483_647, is_active=False)
    ProductFactory(price=D("0"), weight_kg=D("0"), brand="Ñandú")
    products = list(Product.objects.with_related().with_images().order_by("pk"))
    assert [bool(p.images.all()[0].renditions) for p in products if p.images.all()] == [True]
    return products


def request():
    return APIRequestFactory().get("/api/v1/products/")


def serialized(products, request):
    return render(ProductSerializer(products, many=True, context={"request": request}).data)


def test_documents_render_as_the_product_serializer_byte_for_byte(rich):
    req = request()
    assert render(product_documents(rich, request=req)) == serialized(rich, req)


def test_one_document_renders_as_the_serializer_of_one_product(rich):
    req = request()
    for product in rich:
        expected = render(ProductSerializer(product, context={"request": req}).data)
        assert render(product_document(product, request=req)) == expected


def test_datetimes_follow_the_current_time_zone_as_the_serializer_does(rich, settings):
    settings.TIME_ZONE = "America/St_Johns"  # -03:30 or -02:30: no "Z", an odd offset
    req = request()
    documents = product_documents(rich, request=req)
    assert not documents[0]["created_at"].endswith("Z")
    assert render(documents) == serialized(rich, req)


def test_without_a_request_photo_urls_stay_as_the_serializer_leaves_them(rich):
    assert render(product_documents(rich)) == render(ProductSerializer(rich, many=True).data)


def test_documents_cost_no_query_for_loaded_products(rich, django_assert_num_queries):
    with django_assert_num_queries(0):
        product_documents(rich, request=request())


def test_the_public_list_and_detail_serve_the_serializers_bytes(rich, api_client):
    listed = api_client.get("/api/v1/products/", {"page_size": 100})
    assert listed.status_code == 200
    active = [p for p in rich if p.is_active]
    expected = serialized(sorted(active, key=lambda p: (p.name, p.pk)), listed.wsgi_request)
    assert b'"results":' + expected + b"}" in listed.content
    for product in active:
        detail = api_client.get(f"/api/v1/products/{product.pk}/")
        expected = ProductSerializer(product, context={"request": detail.wsgi_request}).data
        assert detail.content == render(expected)


def test_admins_still_read_the_admin_product(rich, admin_client_api):
    body = admin_client_api.get(f"/api/v1/products/{rich[0].pk}/").json()
    assert {"internal_cost", "margin", "low_stock", "created_by"} <= body.keys()
    listed = admin_client_api.get("/api/v1/products/").json()["results"]
    assert all("internal_cost" in product for product in listed)


def test_public_reads_skip_the_serializers_field_machinery(rich, api_client, monkeypatch):
    def refuse(self, instance):
        raise AssertionError("ProductSerializer rendered a public read")

    monkeypatch.setattr(ProductSerializer, "to_representation", refuse)
    assert api_client.get("/api/v1/products/", {"search": "Ошейник"}).status_code == 200
    assert api_client.get(f"/api/v1/products/{rich[0].pk}/").status_code == 200
