"""petshop.core.throttling: the rate-limit API both faces call."""

import pytest
from django.test import RequestFactory

from petshop.core.throttling import (
    Rate,
    auth_attempt_wait,
    client_address,
    rate_limit_hit,
    username_ident,
)


@pytest.fixture
def login_rate(settings):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"login": "2/min"},
        "NUM_PROXIES": 0,
    }


@pytest.mark.parametrize(
    ("text", "rate"),
    [
        ("10/min", Rate(10, 60)),
        ("3/s", Rate(3, 1)),
        ("30/hour", Rate(30, 3600)),
        ("1/day", Rate(1, 86400)),
    ],
)
def test_a_rate_reads_count_and_period(text, rate):
    assert Rate.parse(text) == rate


def test_the_attempt_over_the_rate_waits_and_is_not_counted(login_rate):
    hits = [rate_limit_hit(scope="login", bucket="address", ident="1.2.3.4") for _ in range(4)]
    assert hits[:2] == [None, None]
    assert all(isinstance(w, int) and 1 <= w <= 61 for w in hits[2:])
    # Another identity, or a scope without a rate, is not affected.
    assert rate_limit_hit(scope="login", bucket="address", ident="5.6.7.8") is None
    assert rate_limit_hit(scope="unrated", bucket="address", ident="1.2.3.4") is None


def test_an_auth_attempt_counts_per_address_and_per_username_in_any_case(login_rate):
    assert auth_attempt_wait(scope="login", address="10.0.0.1", username="Alice") is None
    assert auth_attempt_wait(scope="login", address="10.0.0.2", username="alice ") is None
    # A third address, but the same username in another case: refused.
    assert auth_attempt_wait(scope="login", address="10.0.0.3", username="ALICE") is not None


def test_a_blank_username_has_no_bucket():
    assert username_ident("  ") is None and username_ident(None) is None


def test_the_client_address_trusts_forwarded_for_only_behind_configured_proxies(settings):
    request = RequestFactory().get(
        "/", REMOTE_ADDR="10.0.0.9", HTTP_X_FORWARDED_FOR="6.6.6.6, 1.1.1.1"
    )
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "NUM_PROXIES": 0}
    assert client_address(request) == "10.0.0.9"
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "NUM_PROXIES": 1}
    assert client_address(request) == "1.1.1.1"
