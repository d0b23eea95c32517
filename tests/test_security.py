"""Locked down: production settings, password hashing, login throttles and errors,
security headers, the admin behind the admin role."""

import json
import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

import petshop.settings as project_settings
from accounts import services as account_services

ROOT = Path(__file__).resolve().parent.parent


def manage(*args: str, **env: str) -> subprocess.CompletedProcess:
    """manage.py in a fresh process with the given environment on top of a clean one."""
    base = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    base.pop("DATABASE_URL", None)  # nothing here needs the database
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**base, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


PRODUCTION = {
    "DJANGO_DEBUG": "false",
    "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
    "DJANGO_ALLOWED_HOSTS": "shop.example.com",
}


# --- production settings ---------------------------------------------------------------


def test_check_deploy_is_clean_with_production_settings():
    result = manage("check", "--deploy", "--fail-level", "WARNING", **PRODUCTION)

    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_check_deploy_flags_a_debug_configuration():
    """The check above can fail: the same command on development settings does."""
    result = manage("check", "--deploy", "--fail-level", "WARNING", DJANGO_DEBUG="true")

    assert result.returncode != 0
    assert "security.W018" in result.stderr + result.stdout  # DEBUG on in deployment


@pytest.mark.parametrize(
    "secret_key",
    ["", project_settings.DEV_SECRET_KEY, "short-but-not-empty"],
    ids=["missing", "the development default", "too short"],
)
def test_production_refuses_to_start_without_a_real_secret(secret_key):
    result = manage("check", DJANGO_DEBUG="false", DJANGO_SECRET_KEY=secret_key)

    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY" in result.stderr


def test_production_settings_force_https_and_secure_cookies():
    script = (
        "import json; from django.conf import settings as s; print(json.dumps({"
        "'debug': s.DEBUG, 'redirect': s.SECURE_SSL_REDIRECT, 'hsts': s.SECURE_HSTS_SECONDS,"
        "'session': s.SESSION_COOKIE_SECURE, 'csrf': s.CSRF_COOKIE_SECURE,"
        "'hasher': s.PASSWORD_HASHERS[0]}))"
    )
    result = manage("shell", "-c", script, **PRODUCTION)

    assert result.returncode == 0, result.stderr
    values = json.loads(result.stdout.strip().splitlines()[-1])
    assert values.pop("hsts") >= 365 * 24 * 3600
    assert values == {
        "debug": False,
        "redirect": True,
        "session": True,
        "csrf": True,
        "hasher": "django.contrib.auth.hashers.Argon2PasswordHasher",
    }


def test_seed_demo_refuses_a_production_configuration():
    """The demo publishes its passwords: on a real shop it must not run by accident (and
    with --force it still leaves every user it did not create alone: see
    petshop/tests/test_seed_demo.py)."""
    result = manage("seed_demo", **PRODUCTION)

    assert result.returncode != 0
    assert "refuses to run with DJANGO_DEBUG=false" in result.stderr
    assert "admin-demo-pass" not in result.stdout + result.stderr


# --- passwords -------------------------------------------------------------------------


@pytest.mark.django_db
def test_passwords_are_stored_as_argon2_hashes(settings):
    settings.PASSWORD_HASHERS = project_settings.PASSWORD_HASHERS  # undo the tests' fast hasher

    user = account_services.user_register(
        username="argon", email="argon@example.com", password="a-Long-enough-passphrase-1"
    )

    user.refresh_from_db()
    assert user.password.startswith("argon2$argon2id$")
    assert "a-Long-enough-passphrase-1" not in user.password
    assert user.check_password("a-Long-enough-passphrase-1")


# --- login: throttles and errors ----------------------------------------------------------

LOGIN = "/api/v1/auth/login/"
REGISTER = "/api/v1/auth/register/"


@pytest.fixture
def low_auth_rates(settings):
    rest = dict(settings.REST_FRAMEWORK)
    rest["DEFAULT_THROTTLE_RATES"] = {
        **rest["DEFAULT_THROTTLE_RATES"],
        "login": "3/min",
        "register": "3/hour",
    }
    settings.REST_FRAMEWORK = rest
    return 3


def post_from(address: str, path: str, body: dict, **headers):
    return APIClient().post(path, body, format="json", REMOTE_ADDR=address, **headers)


def assert_throttled(response):
    assert response.status_code == 429, response.content
    assert int(response["Retry-After"]) > 0


@pytest.mark.django_db
def test_login_is_throttled_per_address(low_auth_rates):
    for n in range(low_auth_rates):
        assert (
            post_from("10.0.0.1", LOGIN, {"username": f"nobody{n}", "password": "x"}).status_code
            == 401
        )

    assert_throttled(post_from("10.0.0.1", LOGIN, {"username": "nobody-else", "password": "x"}))
    assert (
        post_from("10.0.0.2", LOGIN, {"username": "nobody-else", "password": "x"}).status_code
        == 401
    )


@pytest.mark.django_db
def test_login_is_throttled_per_username(low_auth_rates, customer):
    for n in range(low_auth_rates):
        assert (
            post_from(
                f"10.0.1.{n}", LOGIN, {"username": customer.username, "password": "x"}
            ).status_code
            == 401
        )

    # Even the right password is refused until the window passes: no guessing by spreading.
    assert_throttled(
        post_from("10.0.1.99", LOGIN, {"username": customer.username.upper(), "password": "x"})
    )


@pytest.mark.django_db
def test_forged_forwarded_for_does_not_escape_the_address_throttle(low_auth_rates):
    """Without a trusted proxy in front (DJANGO_NUM_PROXIES=0), X-Forwarded-For is the
    client's own claim and must not pick the throttle bucket."""
    for n in range(low_auth_rates):
        post_from(
            "10.0.2.1",
            LOGIN,
            {"username": f"spray{n}", "password": "x"},
            HTTP_X_FORWARDED_FOR=f"1.2.3.{n}",
        )

    assert_throttled(
        post_from(
            "10.0.2.1",
            LOGIN,
            {"username": "spray-last", "password": "x"},
            HTTP_X_FORWARDED_FOR="9.9.9.9",
        )
    )


def _register_body(username: str) -> dict:
    return {
        "username": username,
        "email": f"{username}@example.com",
        "password": "a-Long-enough-passphrase-1",
    }


@pytest.mark.django_db
def test_register_is_throttled_per_address(low_auth_rates):
    for n in range(low_auth_rates):
        assert post_from("10.0.3.1", REGISTER, _register_body(f"newbie{n}")).status_code == 201

    assert_throttled(post_from("10.0.3.1", REGISTER, _register_body("newbie-last")))
    assert post_from("10.0.3.2", REGISTER, _register_body("newbie-last")).status_code == 201


@pytest.mark.django_db
def test_register_is_throttled_per_username(low_auth_rates):
    for n in range(low_auth_rates):
        post_from(f"10.0.4.{n}", REGISTER, _register_body("wanted"))

    assert_throttled(post_from("10.0.4.99", REGISTER, _register_body("wanted")))


@pytest.mark.django_db
def test_login_errors_do_not_reveal_which_usernames_exist(customer, django_user_model):
    inactive = django_user_model.objects.create_user(
        username="gone", email="gone@example.com", password="pw-gone-1234"
    )
    inactive.is_active = False
    inactive.save()

    unknown = post_from(
        "10.0.5.1", LOGIN, {"username": "no-such-user", "password": "wrong-password"}
    )
    wrong = post_from(
        "10.0.5.2", LOGIN, {"username": customer.username, "password": "wrong-password"}
    )
    deactivated = post_from("10.0.5.3", LOGIN, {"username": "gone", "password": "pw-gone-1234"})

    assert unknown.status_code == wrong.status_code == deactivated.status_code == 401
    assert unknown.json() == wrong.json() == deactivated.json()


@pytest.mark.django_db
def test_storefront_login_errors_do_not_reveal_which_usernames_exist(client, customer):
    url = reverse("accounts:login")
    unknown = client.post(url, {"username": "no-such-user", "password": "wrong-password"})
    wrong = client.post(url, {"username": customer.username, "password": "wrong-password"})

    assert unknown.status_code == wrong.status_code == 200  # the form again, not a redirect
    assert unknown.context["form"].errors == wrong.context["form"].errors
    assert "_auth_user_id" not in client.session


# --- security headers --------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    "path", ["/", "/products/", "/cart/", "/account/login/", "/account/register/"]
)
def test_storefront_pages_send_the_security_headers(client, path):
    response = client.get(path)

    assert response.status_code == 200
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "same-origin"
    csp = response["Content-Security-Policy"]
    assert "default-src 'self'" in csp and "frame-ancestors 'none'" in csp
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp


@pytest.mark.django_db
def test_api_answers_send_the_security_headers(client):
    response = client.get("/api/v1/products/")

    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["X-Frame-Options"] == "DENY"


# --- the admin -------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    "path", ["/admin/", "/admin/sales/order/", "/admin/accounts/user/", "/admin/catalog/product/"]
)
def test_admin_is_closed_to_customers(client, customer, path):
    client.force_login(customer)

    response = client.get(path)

    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")


@pytest.mark.django_db
def test_customer_cannot_log_into_the_admin(client, customer, password):
    response = client.post(
        "/admin/login/?next=/admin/", {"username": customer.username, "password": password}
    )

    assert response.status_code == 200  # the form again, with an error
    assert client.get("/admin/").status_code == 302


@pytest.mark.django_db
def test_admin_role_opens_the_admin_and_losing_it_closes_it_at_once(
    client, admin_user, django_user_model
):
    django_user_model.objects.create_user(  # not the last admin, so the role can go
        username="other-admin",
        email="oa@example.com",
        password="x",
        is_staff=True,
        is_superuser=True,
    )
    client.force_login(admin_user)
    assert client.get("/admin/").status_code == 200

    account_services.user_role_remove(user=admin_user, role="admin")

    assert client.get("/admin/").status_code == 302


@pytest.mark.django_db
def test_storefront_login_is_throttled_and_shares_the_api_buckets(low_auth_rates, client, customer):
    for n in range(low_auth_rates - 1):
        post_from("10.0.6.1", LOGIN, {"username": f"nobody{n}", "password": "x"})
    url = reverse("accounts:login")

    last_allowed = client.post(
        url, {"username": "nobody-x", "password": "x"}, REMOTE_ADDR="10.0.6.1"
    )
    refused = client.post(
        url, {"username": customer.username, "password": "x"}, REMOTE_ADDR="10.0.6.1"
    )

    assert last_allowed.status_code == 200  # the form again, with its error
    assert_throttled(refused)
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_storefront_login_is_throttled_per_username(low_auth_rates, client, customer, password):
    url = reverse("accounts:login")
    for n in range(low_auth_rates):
        client.post(
            url, {"username": customer.username, "password": "wrong"}, REMOTE_ADDR=f"10.0.7.{n}"
        )

    refused = client.post(
        url, {"username": customer.username, "password": password}, REMOTE_ADDR="10.0.7.99"
    )

    assert_throttled(refused)
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_storefront_register_is_throttled_per_address(low_auth_rates, client):
    url = reverse("accounts:register")
    for n in range(low_auth_rates):
        client.post(
            url, {"username": f"form{n}", "email": f"form{n}@example.com"}, REMOTE_ADDR="10.0.8.1"
        )

    assert_throttled(client.post(url, {"username": "form-last"}, REMOTE_ADDR="10.0.8.1"))


@pytest.mark.django_db
@pytest.mark.parametrize("target", ["https://evil.example/", "//evil.example/", "/\\evil.example"])
def test_login_never_redirects_off_site(client, customer, password, target):
    response = client.post(
        reverse("accounts:login") + f"?next={target}",
        {"username": customer.username, "password": password, "next": target},
    )

    assert response.status_code == 302
    assert "evil.example" not in response["Location"]
