"""Auth API (API.md A1–A5): each endpoint's success and every error it lists, the
throttles, and that the user is re-read from the database on every request."""

import pytest
from rest_framework.test import APIClient

from accounts import services
from accounts.models import User
from accounts.tests.factories import AdminFactory, UserFactory

pytestmark = pytest.mark.django_db

REGISTER = "/api/v1/auth/register/"
LOGIN = "/api/v1/auth/login/"
REFRESH = "/api/v1/auth/refresh/"
LOGOUT = "/api/v1/auth/logout/"
ME = "/api/v1/auth/me/"
USER_FIELDS = {
    "id",
    "username",
    "email",
    "first_name",
    "last_name",
    "phone",
    "roles",
    "is_active",
    "date_joined",
}
STRONG = "a-Long-and-unusual-passphrase-42"


def registration(**overrides):
    return {"username": "newbie", "email": "newbie@example.com", "password": STRONG, **overrides}


def login(client, username, password):
    return client.post(LOGIN, {"username": username, "password": password})


def bearer(access: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {access}")
    return client


# --- A1 register ---------------------------------------------------------------------


def test_register_creates_a_customer_and_returns_the_user(api_client):
    response = api_client.post(REGISTER, registration(first_name="Ann", phone="+331234"))
    assert response.status_code == 201, response.json()
    body = response.json()
    assert set(body) == USER_FIELDS
    assert (
        body["roles"] == ["customer"] and body["first_name"] == "Ann" and body["phone"] == "+331234"
    )
    user = User.objects.get(username="newbie")
    assert user.check_password(STRONG) and "password" not in body


def test_register_ignores_role_and_staff_fields(api_client):
    response = api_client.post(
        REGISTER,
        registration(
            roles=["admin"], role="admin", is_staff=True, is_superuser=True, is_active=False
        ),
    )
    assert response.status_code == 201
    user = User.objects.get(username="newbie")
    assert (
        user.roles == ["customer"]
        and not user.is_staff
        and not user.is_superuser
        and user.is_active
    )


@pytest.mark.parametrize(
    ("field", "taken", "sent"),
    [("username", "Rex", "rex"), ("email", "Rex@Example.com", "rex@example.COM")],
)
def test_register_refuses_a_duplicate_in_any_case_on_that_field(api_client, field, taken, sent):
    UserFactory(**{field: taken})
    response = api_client.post(REGISTER, registration(**{field: sent}))
    assert response.status_code == 400
    assert list(response.json()) == [field]


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"username": "ab"}, "username"),
        ({"username": "a" * 51}, "username"),
        ({"username": "has space"}, "username"),
        ({"email": "not-an-email"}, "email"),
        ({"password": "12345678"}, "password"),  # numeric and common
        ({"password": "short"}, "password"),
        ({"password": "newbie12"}, "password"),  # too close to the username
        ({"username": None}, "username"),
        ({"email": 42}, "email"),
        ({"password": ["a", "list"]}, "password"),
    ],
)
def test_register_validates_each_field(api_client, overrides, field):
    response = api_client.post(REGISTER, registration(**overrides))
    assert response.status_code == 400
    assert field in response.json()
    assert not User.objects.filter(email="newbie@example.com").exists()


def test_register_accepts_usernames_of_3_and_50_characters(api_client):
    assert api_client.post(REGISTER, registration(username="abc")).status_code == 201
    response = api_client.post(REGISTER, registration(username="b" * 50, email="b@example.com"))
    assert response.status_code == 201


def test_register_requires_username_email_and_password(api_client):
    response = api_client.post(REGISTER, {})
    assert response.status_code == 400
    assert set(response.json()) == {"username", "email", "password"}


@pytest.mark.parametrize("body", ["{not json", "[]", '"a string"', "null"])
def test_register_with_malformed_json_is_a_400(api_client, body):
    response = api_client.post(REGISTER, body, content_type="application/json")
    assert response.status_code == 400
    assert response["Content-Type"].startswith("application/json")


# --- A2 login ------------------------------------------------------------------------


def test_login_with_username_returns_tokens_and_the_user(api_client, customer, password):
    response = login(api_client, customer.username, password)
    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"access", "refresh", "user"}
    assert body["user"]["id"] == customer.pk and set(body["user"]) == USER_FIELDS
    assert bearer(body["access"]).get(ME).json()["username"] == customer.username


def test_login_accepts_the_email_in_any_case(api_client, customer, password):
    response = login(api_client, customer.email.upper(), password)
    assert response.status_code == 200
    assert response.json()["user"]["id"] == customer.pk


def test_a_username_spelled_like_my_email_does_not_lock_me_out(api_client, customer, password):
    # Anyone may register a username that is another user's email address; login by
    # email must still find the owner of that email (and the squatter, by their own
    # password, their own account).
    response = api_client.post(REGISTER, registration(username=customer.email.upper()))
    assert response.status_code == 201
    squatter = response.json()["id"]
    assert login(api_client, customer.email, password).json()["user"]["id"] == customer.pk
    assert login(api_client, customer.email, STRONG).json()["user"]["id"] == squatter
    assert login(api_client, customer.email, "wrong-password").status_code == 401


def test_login_records_last_login(api_client, customer, password):
    login(api_client, customer.username, password)
    customer.refresh_from_db()
    assert customer.last_login is not None


def test_login_failures_are_401_with_one_message_whatever_the_cause(api_client, customer, password):
    inactive = UserFactory(is_active=False)
    answers = [
        login(api_client, customer.username, "wrong-password"),
        login(api_client, "nobody-by-that-name", password),
        login(api_client, inactive.username, password),
    ]
    assert [r.status_code for r in answers] == [401, 401, 401]
    assert len({r.content for r in answers}) == 1  # nothing tells which usernames exist
    assert "WWW-Authenticate" in answers[0]


def test_login_ignores_a_stale_bearer_token(customer, password):
    client = bearer("not-a-token")
    assert login(client, customer.username, password).status_code == 200


def test_login_without_fields_is_a_400(api_client):
    response = api_client.post(LOGIN, {"username": ""})
    assert response.status_code == 400
    assert set(response.json()) == {"username", "password"}


# --- A3 refresh ----------------------------------------------------------------------


def tokens(client, user, password):
    return login(client, user.username, password).json()


def test_refresh_rotates_the_refresh_token(api_client, customer, password):
    first = tokens(api_client, customer, password)
    response = api_client.post(REFRESH, {"refresh": first["refresh"]})
    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"access", "refresh"} and body["refresh"] != first["refresh"]
    assert bearer(body["access"]).get(ME).status_code == 200


def test_a_used_refresh_token_is_refused(api_client, customer, password):
    first = tokens(api_client, customer, password)
    assert api_client.post(REFRESH, {"refresh": first["refresh"]}).status_code == 200
    assert api_client.post(REFRESH, {"refresh": first["refresh"]}).status_code == 401


@pytest.mark.parametrize("refresh", ["garbage", "a.b.c"])
def test_refresh_with_a_bad_token_is_a_401(api_client, refresh):
    assert api_client.post(REFRESH, {"refresh": refresh}).status_code == 401


def test_refresh_with_an_access_token_is_a_401(api_client, customer, password):
    access = tokens(api_client, customer, password)["access"]
    assert api_client.post(REFRESH, {"refresh": access}).status_code == 401


def test_refresh_without_a_token_is_a_400(api_client):
    assert api_client.post(REFRESH, {}).status_code == 400


def test_refresh_of_a_deactivated_user_is_a_401(api_client, customer, password):
    refresh = tokens(api_client, customer, password)["refresh"]
    services.user_deactivate(user=customer)
    assert api_client.post(REFRESH, {"refresh": refresh}).status_code == 401


# --- A4 logout -----------------------------------------------------------------------


def test_logout_blacklists_the_refresh_token(api_client, customer, password):
    pair = tokens(api_client, customer, password)
    response = bearer(pair["access"]).post(LOGOUT, {"refresh": pair["refresh"]})
    assert response.status_code == 204
    assert api_client.post(REFRESH, {"refresh": pair["refresh"]}).status_code == 401


def test_logout_needs_authentication(api_client, customer, password):
    pair = tokens(api_client, customer, password)
    assert api_client.post(LOGOUT, {"refresh": pair["refresh"]}).status_code == 401
    assert api_client.post(REFRESH, {"refresh": pair["refresh"]}).status_code == 200


def test_logout_refuses_another_users_token(api_client, customer, other_customer, password):
    mine = tokens(api_client, customer, password)
    theirs = tokens(api_client, other_customer, password)
    response = bearer(mine["access"]).post(LOGOUT, {"refresh": theirs["refresh"]})
    assert response.status_code == 400 and "refresh" in response.json()
    assert api_client.post(REFRESH, {"refresh": theirs["refresh"]}).status_code == 200


@pytest.mark.parametrize("body", [{}, {"refresh": "garbage"}])
def test_logout_with_a_bad_token_is_a_400(customer_client, body):
    assert customer_client.post(LOGOUT, body).status_code == 400


# --- A5 me, and the user re-read on every request --------------------------------------


def test_me_returns_the_current_user(customer_client, customer):
    response = customer_client.get(ME)
    assert response.status_code == 200
    assert response.json()["id"] == customer.pk and set(response.json()) == USER_FIELDS


def test_me_needs_authentication(api_client):
    response = api_client.get(ME)
    assert response.status_code == 401 and "detail" in response.json()


def test_me_with_a_garbage_token_is_a_401():
    assert bearer("garbage").get(ME).status_code == 401


def test_a_deactivated_users_token_stops_working_at_once(client_for, customer):
    client = client_for(customer)
    assert client.get(ME).status_code == 200
    User.objects.filter(pk=customer.pk).update(is_active=False)
    assert client.get(ME).status_code == 401


def test_a_removed_admin_role_stops_working_at_once(client_for):
    admin = AdminFactory()
    AdminFactory()  # so the role can be taken away (not the last admin)
    client = client_for(admin)
    assert client.get("/api/v1/users/").status_code == 200
    services.user_role_remove(user=admin, role="admin")
    assert client.get("/api/v1/users/").status_code == 403


# --- Throttles -----------------------------------------------------------------------


@pytest.fixture
def tight_throttles(settings):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"login": "3/min", "register": "2/hour"},
    }


def test_login_is_throttled_per_address(tight_throttles, customer, password):
    client = APIClient(REMOTE_ADDR="10.0.0.1")
    answers = [login(client, f"someone{i}", "x").status_code for i in range(3)]
    assert answers == [401, 401, 401]
    response = login(client, customer.username, password)
    assert response.status_code == 429
    assert int(response["Retry-After"]) > 0
    # Another address is not affected.
    assert login(APIClient(REMOTE_ADDR="10.0.0.2"), customer.username, password).status_code == 200


def test_login_is_throttled_per_username_across_addresses(tight_throttles, customer, password):
    for i in range(3):
        login(APIClient(REMOTE_ADDR=f"10.0.1.{i}"), customer.username.upper(), "wrong")
    response = login(APIClient(REMOTE_ADDR="10.0.1.99"), customer.username, password)
    assert response.status_code == 429 and "Retry-After" in response


def test_register_is_throttled(tight_throttles):
    client = APIClient(REMOTE_ADDR="10.0.2.1")
    for i in range(2):
        client.post(REGISTER, registration(username=f"user-{i}", email=f"u{i}@example.com"))
    response = client.post(REGISTER, registration(username="third", email="third@example.com"))
    assert response.status_code == 429 and "Retry-After" in response
    assert not User.objects.filter(username="third").exists()
