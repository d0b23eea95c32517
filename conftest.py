"""Fixtures every app's tests share."""

import pytest
from django.core.cache import cache
from rest_framework.test import APIClient

from accounts.tests.factories import PASSWORD, AdminFactory, UserFactory
from catalog.tests.factories import ProductFactory


@pytest.fixture(autouse=True)
def _fast_and_isolated(settings):
    # A fast hasher for tests (production uses Argon2), and a clean cache per test so
    # throttles and cached catalog pages never leak from one test into another.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _sessions_as_production_stores_them(settings):
    # Production (REDIS_URL) reads sessions from the cache and writes them through to the
    # database (petshop/core/sessions.py); the suite runs that store on SQLite too, on
    # the in-process cache, so both runs pin the same queries. The settings keep the
    # database store for a shop without Redis (its cache is not shared between workers).
    # On the default alias, which tests that swap CACHES for their own keep; the strict
    # alias production gives sessions is petshop/tests/test_sessions.py's (redis_down).
    settings.SESSION_ENGINE = "petshop.core.sessions"
    settings.SESSION_CACHE_ALIAS = "default"


@pytest.fixture(autouse=True)
def _content_types_as_the_database_has_them(request):
    # A test that commits for real (transaction=True, live_server) starts after an earlier
    # such test flushed the database, and a flush after a serialized rollback leaves no
    # content types at all. ContentType.objects keeps a process-wide cache of their ids,
    # so without this the audit trail's rows point at ids the table no longer holds: a
    # foreign key error on commit (seen on PostgreSQL after the worker's tests).
    marker = request.node.get_closest_marker("django_db")
    transactional = bool(
        marker and (marker.kwargs.get("transaction") or (marker.args and marker.args[0]))
    ) or bool({"transactional_db", "live_server"} & set(request.fixturenames))
    if transactional:
        from django.contrib.contenttypes.models import ContentType

        ContentType.objects.clear_cache()


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path_factory):
    # Uploaded and generated photos go to a scratch folder per test, never to media/.
    settings.MEDIA_ROOT = str(tmp_path_factory.mktemp("media"))


@pytest.fixture
def password():
    return PASSWORD


@pytest.fixture
def customer(db):
    return UserFactory()


@pytest.fixture
def other_customer(db):
    return UserFactory()


@pytest.fixture
def admin_user(db):
    return AdminFactory()


@pytest.fixture
def product(db):
    return ProductFactory()


@pytest.fixture
def api_client():
    return APIClient()


def _client_for(user) -> APIClient:
    from rest_framework_simplejwt.tokens import RefreshToken

    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {RefreshToken.for_user(user).access_token}")
    return client


@pytest.fixture
def customer_client(customer):
    return _client_for(customer)


@pytest.fixture
def other_client(other_customer):
    return _client_for(other_customer)


@pytest.fixture
def admin_client_api(admin_user):
    return _client_for(admin_user)


@pytest.fixture
def client_for():
    """`client_for(user)`: an API client authenticated with a fresh JWT for that user."""
    return _client_for


@pytest.fixture
def deliver_emails(mailoutbox):
    """`deliver_emails()`: what the worker does, in process: runs the queued tasks that
    write or send emails in the order they were queued (an order confirmation, then its
    send task), then sends any queued outbox email left without a task; returns the
    messages sent by this call."""
    from django_tasks_db.compat import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    from notifications.models import Email, EmailStatus
    from notifications.tasks import send_email
    from sales.tasks import order_confirmation

    email_tasks = DBTaskResult.objects.filter(
        task_path__in=[order_confirmation.module_path, send_email.module_path]
    )

    def deliver():
        before = len(mailoutbox)
        while (row := email_tasks.ready().order_by("enqueued_at", "id").first()) is not None:
            DBTaskResult.objects.filter(pk=row.pk).update(status=TaskResultStatus.SUCCESSFUL)
            row.task.call(*row.args_kwargs["args"], **row.args_kwargs["kwargs"])
        for pk in (
            Email.objects.filter(status=EmailStatus.QUEUED)
            .order_by("pk")
            .values_list("pk", flat=True)
        ):
            send_email.call(pk)
        return mailoutbox[before:]

    return deliver
