"""The session store with a shared cache (petshop/core/sessions.py): whatever ends a
session ends it at once for every worker, cache or no cache, and a cache that fails
never leaves a session alive that looks ended. The suite runs this store everywhere
(conftest.py); on SQLite on the in-process cache."""

import ast
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.contrib.auth import SESSION_KEY
from django.contrib.auth.tokens import default_token_generator
from django.contrib.sessions.models import Session
from django.core.cache import caches
from django.test import Client
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from rest_framework.test import APIClient

from accounts.tests.factories import PASSWORD
from petshop.core.sessions import SessionStore
from tests.test_faults import redis_down  # noqa: F401 (a fixture: Redis gone, production settings)

pytestmark = pytest.mark.django_db

ORDERS = "/orders/"  # a page only a logged-in customer sees


def logged_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def holding(client: Client) -> Client:
    """Another browser (or worker) holding the same session cookie."""
    other = Client()
    other.cookies[django_settings.SESSION_COOKIE_NAME] = session_key(client)
    return other


def session_key(client: Client) -> str:
    return client.cookies[django_settings.SESSION_COOKIE_NAME].value


def in_cache(key: str) -> bool:
    return caches[django_settings.SESSION_CACHE_ALIAS].get(SessionStore.cache_key_prefix + key)


def test_a_logged_in_page_reads_its_session_from_the_cache_not_the_database(
    customer, settings, django_assert_num_queries
):
    client = logged_in(customer)
    client.get(ORDERS)
    key = session_key(client)
    assert in_cache(key)
    with django_assert_num_queries(2) as cached:  # no session row among them
        assert client.get(ORDERS).status_code == 200
    settings.SESSION_ENGINE = "django.contrib.sessions.backends.db"
    with django_assert_num_queries(3) as uncached:  # a new client: a new middleware
        assert holding(client).get(ORDERS).status_code == 200
    assert not any("django_session" in query["sql"] for query in cached.captured_queries)
    assert any("django_session" in query["sql"] for query in uncached.captured_queries)


def test_a_logged_out_session_cookie_is_refused_at_once(customer):
    browser = logged_in(customer)
    stolen = holding(browser)
    key = session_key(browser)
    assert stolen.get(ORDERS).status_code == 200

    browser.post(reverse("accounts:logout"))

    assert stolen.get(ORDERS).status_code == 302
    assert not in_cache(key) and not Session.objects.filter(session_key=key).exists()


def test_a_password_change_rotates_this_session_and_ends_the_others(customer):
    here, elsewhere = logged_in(customer), logged_in(customer)
    old_here = holding(here)
    for client in (here, elsewhere):
        assert client.get(ORDERS).status_code == 200  # both cached

    response = here.post(
        reverse("accounts:password_change"),
        {
            "current_password": PASSWORD,
            "new_password": "another-long-kibble-77",
            "new_password_again": "another-long-kibble-77",
        },
    )

    assert response.status_code == 302
    assert here.get(ORDERS).status_code == 200  # still logged in, on a new key
    assert old_here.get(ORDERS).status_code == 302
    assert elsewhere.get(ORDERS).status_code == 302


def test_a_password_reset_ends_every_cached_session(customer):
    browser = logged_in(customer)
    assert browser.get(ORDERS).status_code == 200
    uid = urlsafe_base64_encode(force_bytes(customer.pk))
    token = default_token_generator.make_token(customer)

    response = APIClient().post(
        "/api/v1/auth/password-reset/confirm/",
        {"uid": uid, "token": token, "new_password": "a-brand-new-kibble-42"},
        format="json",
    )

    assert response.status_code == 204
    assert browser.get(ORDERS).status_code == 302


def test_a_deactivated_user_is_logged_out_of_a_cached_session(customer):
    browser = logged_in(customer)
    assert browser.get(ORDERS).status_code == 200
    customer.is_active = False
    customer.save(update_fields=["is_active"])

    assert browser.get(ORDERS).status_code == 302


@pytest.mark.usefixtures("redis_down")
def test_with_redis_down_a_visitor_logs_in_and_pages_read_the_database(customer, product):
    client = Client()
    client.post(reverse("sales:cart_add"), {"product_id": product.pk, "quantity": 1})
    visitor_key = session_key(client)  # login rotates it: the old key's delete tolerates

    response = client.post(
        reverse("accounts:login"), {"username": customer.username, "password": PASSWORD}
    )

    assert response.status_code == 302 and session_key(client) != visitor_key
    assert not Session.objects.filter(session_key=visitor_key).exists()
    assert client.get(ORDERS).status_code == 200
    assert product.name in client.get(reverse("sales:cart")).content.decode()


@pytest.mark.usefixtures("redis_down")
def test_a_logout_redis_cannot_confirm_fails_and_leaves_the_session_whole(customer):
    browser = logged_in(customer)
    browser.raise_request_exception = False
    key = session_key(browser)

    response = browser.post(reverse("accounts:logout"))

    # Not "logged out" while the cache might still serve the session: "try again" (a
    # 503, not a 500), and the session exactly as it was (the database row too), so a
    # retry can end it.
    assert response.status_code == 503 and response["Retry-After"] == "5"
    assert "back in a moment" in response.content.decode().lower()
    assert Session.objects.filter(session_key=key).exists()
    assert SESSION_KEY in browser.get(ORDERS).wsgi_request.session


def test_no_code_deletes_sessions_behind_the_cache():
    """Deleting Session rows with a queryset leaves their cached copies alive: nothing
    outside the tests may touch the Session model (sessions end through the store, or
    through the user's session auth hash)."""
    root = Path(__file__).resolve().parents[2]
    offenders = []
    for path in root.rglob("*.py"):
        relative = path.relative_to(root)
        if relative.parts[0] in {".venv", "node_modules"} or "tests" in relative.parts:
            continue
        tree = ast.parse(path.read_text(), filename=str(path))
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.module in {
                "django.contrib.sessions.models",
                "django.contrib.sessions.backends.db",
                "django.contrib.sessions.base_session",
            }:
                offenders.append(f"{relative}:{node.lineno}")
    assert offenders == []


@pytest.mark.usefixtures("redis_down")
def test_a_session_ended_elsewhere_is_a_503_while_redis_cannot_drop_its_copy(customer):
    # The password was changed on another device: this session's auth hash no longer
    # matches, and Django ends it, which needs the cache. A "try again", not a crash.
    browser = logged_in(customer)
    browser.raise_request_exception = False
    customer.set_password("a-new-password-for-rex-7")
    customer.save()

    response = browser.get(ORDERS)

    assert response.status_code == 503
