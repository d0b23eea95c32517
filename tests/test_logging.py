"""Structured logs: one JSON line per request, carrying the request id and the user."""

import io
import json
import logging

import pytest
from django.db import OperationalError
from django.test import RequestFactory

from petshop.logging import JsonFormatter, RequestContextFilter


@pytest.fixture
def log_lines():
    """What the request logger writes, formatted as on stdout in production."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.addFilter(RequestContextFilter())
    handler.setFormatter(JsonFormatter())
    logger = logging.getLogger("petshop.request")
    logger.addHandler(handler)
    previous = logger.level
    logger.setLevel(logging.INFO)
    yield lambda: [json.loads(line) for line in stream.getvalue().splitlines()]
    logger.removeHandler(handler)
    logger.setLevel(previous)


@pytest.mark.django_db
def test_request_logs_one_json_line_with_its_id(client, log_lines):
    response = client.get("/healthz", HTTP_X_REQUEST_ID="lb-req-42")

    assert response["X-Request-ID"] == "lb-req-42"
    lines = [line for line in log_lines() if line["request_id"] == "lb-req-42"]
    assert len(lines) == 1
    assert lines[0]["message"].startswith("GET /healthz 200")
    assert lines[0]["user"] == "-"
    assert {"time", "level", "logger"} <= set(lines[0])


@pytest.mark.django_db
def test_request_without_id_gets_a_fresh_one_echoed(client, log_lines):
    first = client.get("/healthz")["X-Request-ID"]
    second = client.get("/healthz")["X-Request-ID"]

    assert first and second and first != second
    assert [line["request_id"] for line in log_lines()][-2:] == [first, second]


@pytest.mark.django_db
def test_untame_request_id_is_replaced(client, log_lines):
    response = client.get("/healthz", HTTP_X_REQUEST_ID='x" ' + "y" * 100)

    assert response["X-Request-ID"].isalnum() and len(response["X-Request-ID"]) == 32


@pytest.mark.django_db
def test_api_request_logs_the_token_user(customer, client_for, log_lines):
    response = client_for(customer).get("/api/v1/auth/me/", HTTP_X_REQUEST_ID="me-1")

    assert response.status_code == 200
    (line,) = [line for line in log_lines() if line["request_id"] == "me-1"]
    assert line["user"] == customer.username


@pytest.mark.django_db
def test_session_request_logs_the_session_user(client, customer, log_lines):
    client.force_login(customer)
    client.get("/", HTTP_X_REQUEST_ID="home-1")

    (line,) = [line for line in log_lines() if line["request_id"] == "home-1"]
    assert line["user"] == customer.username


def test_log_line_of_a_failure_keeps_the_exception(log_lines):
    logger = logging.getLogger("petshop.request")
    try:
        raise OperationalError("boom")
    except OperationalError:
        logger.exception("failed")

    (line,) = log_lines()
    assert line["level"] == "ERROR" and "OperationalError: boom" in line["exc"]


def test_unloaded_session_user_is_not_looked_up_after_a_503():
    """After a database outage answer, logging must not go back to the database."""
    from django.http import HttpResponse
    from django.utils.functional import SimpleLazyObject

    from petshop.middleware import _username

    def load_user():
        raise AssertionError("the user was loaded from the database")

    request = RequestFactory().get("/")
    request.user = SimpleLazyObject(load_user)

    assert _username(request, HttpResponse(status=503)) == ""
