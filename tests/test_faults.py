"""Database outages answered as 503s, in process (fast). The same faults on real
processes (the production server, a private redis-server killed and restarted,
PostgreSQL cut behind a proxy) are the CI check .ci/checks/30-faults.sh
(scripts/reliability/faults.py)."""

import json

import pytest
from django.db import OperationalError
from django.db.backends.utils import CursorWrapper
from django.test import Client
from rest_framework.test import APIClient


@pytest.fixture
def database_down(monkeypatch):
    """From now on every query fails as it does when PostgreSQL is unreachable."""

    def unreachable(*args, **kwargs):
        raise OperationalError("connection refused (simulated)")

    def cut():
        monkeypatch.setattr(CursorWrapper, "execute", unreachable)
        monkeypatch.setattr(CursorWrapper, "executemany", unreachable)

    return cut


def assert_json_503(response):
    assert response.status_code == 503, response.content[:300]
    assert response["Content-Type"].startswith("application/json")
    assert json.loads(response.content)["code"] == "service_unavailable"
    assert response["Retry-After"]


def assert_page_503(response):
    assert response.status_code == 503, response.content[:300]
    assert response["Content-Type"].startswith("text/html")
    assert b"Traceback" not in response.content and b"OperationalError" not in response.content


@pytest.mark.django_db
def test_healthz_is_a_json_503_when_the_database_is_down(database_down):
    client = Client(raise_request_exception=False)
    database_down()

    response = client.get("/healthz")

    assert response.status_code == 503
    assert response.json()["database"] == "down"


@pytest.mark.django_db
def test_api_answers_json_503_for_anonymous_and_token_users(customer, database_down):
    token_client = APIClient(raise_request_exception=False)
    from rest_framework_simplejwt.tokens import AccessToken

    token_client.credentials(HTTP_AUTHORIZATION=f"Bearer {AccessToken.for_user(customer)}")
    anonymous = APIClient(raise_request_exception=False)
    database_down()

    assert_json_503(anonymous.get("/api/v1/products/?search=nothing-cached"))
    assert_json_503(
        anonymous.post("/api/v1/auth/login/", {"username": "a", "password": "b"}, format="json")
    )
    assert_json_503(token_client.get("/api/v1/orders/"))
    assert_json_503(token_client.get("/api/v1/auth/me/"))


@pytest.mark.django_db
def test_storefront_answers_a_503_page_even_for_a_session_user(customer, database_down):
    client = Client(raise_request_exception=False)
    client.force_login(customer)  # the session itself now lives in the unreachable DB
    database_down()

    assert_page_503(client.get("/products/?search=nothing-cached"))
    assert_page_503(client.get("/cart/"))


@pytest.mark.django_db
def test_session_api_user_gets_json_503(customer, database_down):
    client = Client(raise_request_exception=False)
    client.force_login(customer)
    database_down()

    assert_json_503(client.get("/api/v1/cart/"))


@pytest.mark.django_db
def test_the_503_page_renders_without_a_query(rf, django_assert_num_queries):
    from petshop.middleware import DatabaseUnavailableMiddleware

    with django_assert_num_queries(0):
        response = DatabaseUnavailableMiddleware.unavailable(
            rf.get("/products/"), OperationalError("x")
        )

    assert_page_503(response)


def test_a_database_error_outside_any_view_is_a_503_not_a_500(rf):
    """Raised by a middleware (session save), it reaches handler500 instead of the
    view's exception hook; that handler must still say 503."""
    from petshop.views import server_error

    try:
        raise OperationalError("server closed the connection unexpectedly")
    except OperationalError:
        api = server_error(rf.get("/api/v1/orders/"))
        page = server_error(rf.get("/orders/"))

    assert_json_503(api)
    assert_page_503(page)


def test_other_errors_stay_500(rf):
    from petshop.views import server_error

    try:
        raise ValueError("a bug")
    except ValueError:
        response = server_error(rf.get("/api/v1/orders/"))

    assert response.status_code == 500


def _dead_port() -> int:
    import socket

    for port in range(6400, 6500):  # this suite's own range; nothing may listen there
        with socket.socket() as sock:
            if sock.connect_ex(("127.0.0.1", port)) != 0:
                return port
    pytest.skip("no free port in 6400-6499")


@pytest.fixture
def redis_down(settings):
    """The production cache settings, pointed at a Redis that is not there."""
    default = {
        "BACKEND": "django_redis.cache.RedisCache",
        "LOCATION": f"redis://127.0.0.1:{_dead_port()}/0",
        "OPTIONS": {
            "CLIENT_CLASS": "django_redis.client.DefaultClient",
            "IGNORE_EXCEPTIONS": True,
            "SOCKET_CONNECT_TIMEOUT": 0.5,
            "SOCKET_TIMEOUT": 0.5,
        },
    }
    # The sessions' alias raises its errors (petshop/core/sessions.py), as in settings.
    sessions = {**default, "OPTIONS": {**default["OPTIONS"], "IGNORE_EXCEPTIONS": False}}
    settings.CACHES = {"default": default, "sessions": sessions}
    settings.SESSION_CACHE_ALIAS = "sessions"
    settings.DJANGO_REDIS_IGNORE_EXCEPTIONS = True


def test_production_cache_settings_fail_fast():
    """With REDIS_URL set, a dead Redis costs a refused or timed-out connection of at most
    half a second (not the socket defaults, which wait for ever), and never an error."""
    import os
    import subprocess
    import sys
    from pathlib import Path

    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "CACHE_BACKEND")}
    env["REDIS_URL"] = "redis://127.0.0.1:6399/0"
    script = "import json; from django.conf import settings; print(json.dumps(settings.CACHES['default']))"
    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", script],
        cwd=Path(__file__).resolve().parent.parent,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )

    cache = json.loads(result.stdout.strip().splitlines()[-1])
    assert cache["BACKEND"] == "django_redis.cache.RedisCache"
    assert cache["OPTIONS"]["IGNORE_EXCEPTIONS"] is True
    assert cache["OPTIONS"]["SOCKET_CONNECT_TIMEOUT"] <= 0.5
    assert cache["OPTIONS"]["SOCKET_TIMEOUT"] <= 0.5


@pytest.mark.django_db
def test_with_redis_down_the_shop_answers_from_the_database(redis_down, client, customer, product):
    import time

    from rest_framework_simplejwt.tokens import AccessToken

    started = time.monotonic()
    health = client.get("/healthz")
    products = client.get("/api/v1/products/")
    detail = client.get(f"/api/v1/products/{product.pk}/")
    page = client.get("/products/")
    login = client.post(
        "/api/v1/auth/login/",
        {"username": customer.username, "password": "correct-horse-battery-staple"},
        content_type="application/json",
    )
    me = client.get(
        "/api/v1/auth/me/", HTTP_AUTHORIZATION=f"Bearer {AccessToken.for_user(customer)}"
    )
    elapsed = time.monotonic() - started

    assert (
        health.status_code == 200
        and health.json()["cache"] == "down"
        and health.json()["database"] == "ok"
    )
    assert products.status_code == 200 and products.json()["count"] == 1
    assert detail.status_code == 200 and detail.json()["sku"] == product.sku
    assert page.status_code == 200 and product.name.encode() in page.content
    assert login.status_code == 200 and me.status_code == 200
    assert elapsed < 5


@pytest.mark.django_db
def test_a_cached_read_whose_stock_needs_the_database_is_a_503_when_it_is_down(
    database_down, django_capture_on_commit_callbacks
):
    # CachedReadMiddleware lays current stock over a known URL's entry with a query,
    # before the view: with the database gone that is the API's 503, never a 500.
    from catalog.services import stock_reserve
    from catalog.tests.factories import ProductFactory

    product = ProductFactory(stock=50)  # stays in stock: only the stock version moves
    client = APIClient(raise_request_exception=False)
    url = f"/api/v1/products/{product.pk}/"
    assert client.get(url).status_code == client.get(url).status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        stock_reserve(quantities={product.pk: 1})  # the entry's stock is now behind
    database_down()

    assert_json_503(client.get(url))
