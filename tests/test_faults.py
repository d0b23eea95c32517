"""Database outages answered as 503s, in process (fast). The same faults on real
processes (gunicorn, a private redis-server killed and restarted, PostgreSQL cut behind
a proxy) are the CI check .ci/checks/30-faults.sh (scripts/reliability/faults.py)."""

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
    assert_json_503(anonymous.post("/api/v1/auth/login/", {"username": "a", "password": "b"}, format="json"))
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
        response = DatabaseUnavailableMiddleware.unavailable(rf.get("/products/"), OperationalError("x"))

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
