"""Deep pages are fetched ids first; they must hold exactly what plain OFFSET gives."""

import pytest
from django.core.paginator import Paginator
from django.db import connection
from django.test.utils import CaptureQueriesContext

from catalog.models import Product
from catalog.tests.factories import ProductFactory
from petshop.core.api import pagination
from petshop.core.api.pagination import DeepPagePaginator

pytestmark = pytest.mark.django_db


@pytest.fixture
def deep_from_offset_10(monkeypatch):
    monkeypatch.setattr(pagination, "DEFERRED_JOIN_OFFSET", 10)


@pytest.mark.parametrize("ordering", [("name", "id"), ("-price", "id"), ("-created_at", "-id")])
def test_every_deep_page_holds_what_offset_gives(deep_from_offset_10, ordering):
    for n in range(37):
        ProductFactory(name=f"Product {n % 7}", price=n % 5)
    queryset = Product.objects.with_related().order_by(*ordering)
    for number in range(1, 5):
        expected = [p.pk for p in Paginator(queryset, 10).page(number)]
        page = DeepPagePaginator(queryset, 10).page(number)
        assert [p.pk for p in page] == expected
        assert page.paginator.count == 37


def test_a_deep_page_takes_the_ids_first_then_the_rows(deep_from_offset_10):
    for _ in range(25):
        ProductFactory()
    queryset = Product.objects.with_related()
    with CaptureQueriesContext(connection) as ctx:
        list(DeepPagePaginator(queryset, 10).page(3))
    ids_query, rows_query = [q["sql"] for q in ctx.captured_queries if "COUNT" not in q["sql"]]
    assert "OFFSET 20" in ids_query and "catalog_category" not in ids_query
    assert "OFFSET" not in rows_query and "catalog_category" in rows_query


def test_the_api_serves_a_deep_page(deep_from_offset_10, api_client):
    for n in range(30):
        ProductFactory(name=f"Item {n:02d}")
    response = api_client.get("/api/v1/products/", {"page": 3, "page_size": 10, "ordering": "name"})
    assert response.status_code == 200
    assert [p["name"] for p in response.json()["results"]] == [
        f"Item {n:02d}" for n in range(20, 30)
    ]
