"""The catalog API's read cache layer (catalog/api/read_cache.py): both fast paths (the
view's and CachedReadMiddleware's) answer exactly what the full path sent, and reads
answer ETags and 304s without ever mixing an admin's body with an anonymous one."""

import pytest
from django.conf import settings
from django.core.handlers.base import BaseHandler
from rest_framework.test import APIClient
from rest_framework.views import APIView

from catalog.api import read_cache
from catalog.models import Category
from catalog.tests.factories import ProductFactory

pytestmark = pytest.mark.django_db

# Made per request, not part of what the cache serves.
PER_REQUEST_HEADERS = {"x-request-id"}


@pytest.fixture
def shop():
    return [ProductFactory(name=f"Crunchy bone {i}", stock=i) for i in range(3)]


def read_urls(shop):
    product = shop[0]
    return {
        "list": "/api/v1/products/?page=1",
        "filtered list": "/api/v1/products/?in_stock=true&ordering=-price",
        "detail": f"/api/v1/products/{product.pk}/",
        "facets": "/api/v1/products/facets/?search=Crunchy",
        "suggest": "/api/v1/products/suggest/?q=crun",
        "categories": "/api/v1/categories/",
        "category": f"/api/v1/categories/{Category.objects.get(slug='food').pk}/",
        "pet types": "/api/v1/pet-types/",
    }


READS = [
    "list",
    "filtered list",
    "detail",
    "facets",
    "suggest",
    "categories",
    "category",
    "pet types",
]


def headers_of(response) -> dict:
    return {
        k.lower(): v for k, v in response.headers.items() if k.lower() not in PER_REQUEST_HEADERS
    }


@pytest.fixture
def no_drf(monkeypatch):
    """Makes any request that reaches DRF's dispatch fail: proves the fast path served."""

    def entered(self, *args, **kwargs):
        raise AssertionError("the request reached DRF")

    def arm():
        monkeypatch.setattr(APIView, "dispatch", entered)

    return arm


@pytest.fixture
def no_view(monkeypatch):
    """Makes any request that reaches URL resolution fail: proves that
    CachedReadMiddleware answered, before the rest of the stack."""

    def resolving(self, request):
        raise AssertionError("the request reached URL resolution")

    def arm():
        monkeypatch.setattr(BaseHandler, "resolve_request", resolving)

    return arm


@pytest.mark.parametrize("read", READS)
def test_the_fast_paths_send_what_the_full_path_sent(read, shop, no_drf, no_view):
    url = read_urls(shop)[read]
    full = APIClient().get(url)  # cold: DRF computes, renders and fills the entry
    no_drf()
    client = APIClient()  # a new handler: its middleware has not seen the URL yet
    by_view = client.get(url)
    no_view()
    by_middleware = client.get(url)

    assert full.status_code == 200
    for fast in (by_view, by_middleware):
        assert fast.status_code == 200
        assert fast.content == full.content
        assert headers_of(fast) == headers_of(full)
    assert full["Content-Type"] == "application/json"
    assert full["Vary"] == "Accept, Authorization, Cookie"
    assert full["X-Frame-Options"] == by_middleware["X-Frame-Options"] == "DENY"
    assert by_middleware["X-Request-ID"] != full["X-Request-ID"]


@pytest.mark.parametrize("read", ["list", "detail", "facets"])
def test_the_middleware_answers_a_revalidation_as_the_full_path_does(read, shop, no_view):
    url = read_urls(shop)[read]
    client = APIClient()
    etag = client.get(url)["ETag"]
    full = APIClient().get(url, HTTP_IF_NONE_MATCH=etag)  # a new handler: the whole stack
    no_view()
    short = client.get(url, HTTP_IF_NONE_MATCH=etag)
    assert full.status_code == short.status_code == 304
    assert headers_of(short) == headers_of(full)


def test_a_token_or_a_session_is_never_answered_from_what_an_anonymous_read_taught(
    shop, api_client, admin_user
):
    from rest_framework_simplejwt.tokens import RefreshToken

    url = read_urls(shop)["detail"]
    anonymous = api_client.get(url)
    assert api_client.get(url).content == anonymous.content  # the middleware knows the URL
    token = RefreshToken.for_user(admin_user).access_token
    api_client.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
    as_admin = api_client.get(url)
    assert as_admin.status_code == 200
    assert as_admin["ETag"] != anonymous["ETag"]  # the admin's own body, through DRF
    api_client.credentials()
    api_client.force_login(admin_user)
    assert api_client.get(url)["ETag"] != anonymous["ETag"]


def test_the_middleware_shows_a_stock_or_catalog_change_at_once(
    shop, django_capture_on_commit_callbacks, monkeypatch
):
    from catalog.services import product_update, stock_reserve

    product = shop[2]  # in stock before and after: only the stock version moves
    url = f"/api/v1/products/{product.pk}/"
    client = APIClient()
    client.get(url)
    assert client.get(url).json()["stock"] == 2
    with django_capture_on_commit_callbacks(execute=True):
        stock_reserve(quantities={product.pk: 1})  # as a checkout does
    with monkeypatch.context() as patched:  # the stock is laid over the entry in place
        patched.setattr(BaseHandler, "resolve_request", None)
        assert client.get(url).json()["stock"] == 1
    with django_capture_on_commit_callbacks(execute=True):
        product_update(product=product, name="Chewy bone")
    fresh = client.get(url).json()
    assert (fresh["stock"], fresh["name"]) == (1, "Chewy bone")


def test_the_middleware_forgets_its_urls_when_it_knows_too_many(shop, monkeypatch, no_view):
    monkeypatch.setattr(read_cache, "MAX_KNOWN_URLS", 2)
    client = APIClient()
    urls = [read_urls(shop)[name] for name in ("list", "detail", "categories")]
    answers = [client.get(url).content for url in urls]  # the third one starts over
    no_view()
    assert client.get(urls[2]).content == answers[2]


@pytest.mark.parametrize("read", ["list", "detail", "facets", "categories"])
def test_a_read_revalidated_with_its_etag_is_a_304_without_a_body(read, shop, api_client):
    url = read_urls(shop)[read]
    first = api_client.get(url)  # full path
    etag = first["ETag"]

    for taken in ("fast path", "full path"):
        if taken == "full path":  # a session cookie sends a request through DRF
            api_client.cookies[settings.SESSION_COOKIE_NAME] = "no-such-session"
        response = api_client.get(url, HTTP_IF_NONE_MATCH=etag)
        assert response.status_code == 304, taken
        assert response.content == b""
        assert response["ETag"] == etag
        assert response["Vary"] == "Accept, Authorization, Cookie"

    other = api_client.get(url, HTTP_IF_NONE_MATCH='"something-else"')
    assert other.status_code == 200 and other.content == first.content


def test_a_weak_or_listed_etag_revalidates_too(shop, api_client):
    url = read_urls(shop)["list"]
    etag = api_client.get(url)["ETag"]
    assert api_client.get(url, HTTP_IF_NONE_MATCH=f'"x", W/{etag}').status_code == 304
    assert api_client.get(url, HTTP_IF_NONE_MATCH="*").status_code == 304


def test_the_browsable_api_and_indented_json_have_their_own_etags(shop, api_client):
    url = read_urls(shop)["categories"]
    plain = api_client.get(url)
    indented = api_client.get(url, HTTP_ACCEPT="application/json; indent=4")
    assert indented.content != plain.content
    assert indented["ETag"] != plain["ETag"]
    assert api_client.get(url, HTTP_IF_NONE_MATCH=plain["ETag"]).status_code == 304
    again = api_client.get(
        url, HTTP_ACCEPT="application/json; indent=4", HTTP_IF_NONE_MATCH=indented["ETag"]
    )
    assert again.status_code == 304


@pytest.mark.parametrize("read", ["categories", "category", "pet types", "list", "detail"])
def test_an_admin_and_an_anonymous_reader_never_revalidate_each_others_body(
    read, shop, api_client, admin_client_api
):
    url = read_urls(shop)[read]
    anonymous = api_client.get(url)
    admin = admin_client_api.get(url)
    assert anonymous.status_code == admin.status_code == 200
    # Even where the bytes agree (categories and pet types look alike to both), the tags
    # differ: a 304 must never hand one of them the other's body.
    assert admin["ETag"] != anonymous["ETag"]
    assert admin_client_api.get(url, HTTP_IF_NONE_MATCH=anonymous["ETag"]).status_code == 200
    assert api_client.get(url, HTTP_IF_NONE_MATCH=admin["ETag"]).status_code == 200
    assert admin_client_api.get(url, HTTP_IF_NONE_MATCH=admin["ETag"]).status_code == 304
    assert admin["Vary"] == "Accept, Authorization, Cookie"


def test_a_customer_reads_the_public_body_and_its_etag(shop, api_client, customer_client):
    url = read_urls(shop)["detail"]
    anonymous = api_client.get(url)
    customer = customer_client.get(url)
    assert customer.content == anonymous.content
    assert customer["ETag"] == anonymous["ETag"]


def test_errors_and_writes_carry_no_etag(shop, api_client, admin_client_api):
    assert "ETag" not in api_client.get("/api/v1/products/999999/")
    assert "ETag" not in api_client.get("/api/v1/products/?in_stock=maybe")
    created = admin_client_api.post("/api/v1/categories/", {"name": "Aquaria"})
    assert created.status_code == 201 and "ETag" not in created


def test_a_catalog_write_changes_the_etag(
    shop, api_client, admin_client_api, django_capture_on_commit_callbacks
):
    url = read_urls(shop)["category"]
    etag = api_client.get(url)["ETag"]
    assert api_client.get(url, HTTP_IF_NONE_MATCH=etag).status_code == 304
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client_api.patch(url, {"description": "Bowls and more"})
    assert response.status_code == 200
    fresh = api_client.get(url, HTTP_IF_NONE_MATCH=etag)
    assert fresh.status_code == 200
    assert fresh.json()["description"] == "Bowls and more"
    assert fresh["ETag"] != etag


def test_a_head_read_revalidates_like_a_get(shop, api_client):
    url = read_urls(shop)["detail"]
    etag = api_client.get(url)["ETag"]
    first = api_client.head(url, HTTP_IF_NONE_MATCH=etag)  # DRF maps HEAD on its first one
    again = api_client.head(url, HTTP_IF_NONE_MATCH=etag)
    assert first.status_code == again.status_code == 304
    assert again["Vary"] == "Accept, Authorization, Cookie"


@pytest.mark.parametrize(
    "refused", ["crunchy\x00", "crunchy " + "x" * 250], ids=["NUL", "over 200 characters"]
)
def test_a_search_the_filters_refuse_is_refused_even_after_its_normal_form_was_cached(
    refused, api_client
):
    # Facets key a term by its normal form; a refused term must not share that key.
    from catalog.search import normalise_term

    ProductFactory(name="Crunchy bone")
    facets = "/api/v1/products/facets/"
    assert api_client.get(facets, {"search": refused}).status_code == 400
    assert api_client.get(facets, {"search": normalise_term(refused)}).status_code == 200
    assert api_client.get(facets, {"search": refused}).status_code == 400
    assert api_client.get(facets, {"search": "  CRUNCHY "}).status_code == 200
