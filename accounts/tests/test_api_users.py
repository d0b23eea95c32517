"""Users API (API.md U1–U8): each endpoint's success and every error it lists, for the
caller kinds that matter (anonymous, self, another customer, admin)."""

import pytest

from accounts.models import User
from accounts.tests.factories import AdminFactory, UserFactory

pytestmark = pytest.mark.django_db

USERS = "/api/v1/users/"
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
NEW_PASSWORD = "another-Long-passphrase-77"


def user_url(user_or_id, suffix=""):
    pk = getattr(user_or_id, "pk", user_or_id)
    return f"{USERS}{pk}/{suffix}"


# --- U1 list -------------------------------------------------------------------------


def test_admin_lists_users_paginated(admin_client_api, customer, other_customer):
    response = admin_client_api.get(USERS)
    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"count", "next", "previous", "results"}
    assert body["count"] == 3 and set(body["results"][0]) == USER_FIELDS


@pytest.mark.parametrize(("query", "expected"), [("admin", {"boss"}), ("customer", {"ann", "bob"})])
def test_admin_filters_users_by_role(admin_client_api, admin_user, query, expected):
    User.objects.filter(pk=admin_user.pk).update(username="boss", is_customer=False)
    UserFactory(username="ann")
    UserFactory(username="bob")
    names = {u["username"] for u in admin_client_api.get(USERS, {"role": query}).json()["results"]}
    assert names == expected


def test_admin_searches_users_by_username_email_and_names(admin_client_api):
    UserFactory(username="alpha", email="a@x.test", first_name="Zed", last_name="Q")
    UserFactory(username="beta", email="zed@x.test")
    UserFactory(username="gamma", last_name="Zedson")
    UserFactory(username="delta")
    names = {
        u["username"] for u in admin_client_api.get(USERS, {"search": "zed"}).json()["results"]
    }
    assert names == {"alpha", "beta", "gamma"}


def test_admin_filters_users_by_active_flag(admin_client_api):
    UserFactory(username="gone", is_active=False)
    names = [
        u["username"] for u in admin_client_api.get(USERS, {"is_active": "false"}).json()["results"]
    ]
    assert names == ["gone"]


@pytest.mark.parametrize("value", ["no", "inactive"])
def test_an_is_active_filter_other_than_true_or_false_is_a_400(admin_client_api, value):
    # It used to be ignored: every user came back to `?is_active=no`.
    response = admin_client_api.get(USERS, {"is_active": value})
    assert response.status_code == 400 and "is_active" in response.json()


def test_unknown_role_filter_is_a_400(admin_client_api):
    response = admin_client_api.get(USERS, {"role": "wizard"})
    assert response.status_code == 400 and "role" in response.json()


def test_customers_cannot_list_users(customer_client, api_client):
    assert customer_client.get(USERS).status_code == 403
    assert api_client.get(USERS).status_code == 401


def test_user_list_costs_the_same_queries_for_5_and_50_rows(
    admin_client_api, django_assert_num_queries
):
    UserFactory.create_batch(60)
    with django_assert_num_queries(3):  # the caller, the count, the page
        small = admin_client_api.get(USERS, {"page_size": 5})
    with django_assert_num_queries(3):
        large = admin_client_api.get(USERS, {"page_size": 50})
    assert len(small.json()["results"]) == 5 and len(large.json()["results"]) == 50


@pytest.mark.parametrize(
    ("params", "status"),
    [
        ({"page": "abc"}, 404),
        ({"page": 999}, 404),
        ({"page_size": 10**9}, 200),
        ({"page_size": "x"}, 200),
    ],
)
def test_malformed_paging_is_never_a_500(admin_client_api, params, status):
    response = admin_client_api.get(USERS, params)
    assert response.status_code == status
    if status == 200:
        assert len(response.json()["results"]) <= 100


def test_page_size_is_capped_at_100(admin_client_api):
    UserFactory.create_batch(105)
    assert len(admin_client_api.get(USERS, {"page_size": 10**9}).json()["results"]) == 100


# --- U2 retrieve ---------------------------------------------------------------------


def test_users_read_themselves(customer_client, customer):
    response = customer_client.get(user_url(customer))
    assert response.status_code == 200 and response.json()["id"] == customer.pk


def test_admin_reads_anyone(admin_client_api, customer):
    assert admin_client_api.get(user_url(customer)).json()["username"] == customer.username


def test_another_customer_is_a_404_not_a_403(customer_client, other_customer):
    for suffix in ("", "roles/"):
        assert customer_client.get(user_url(other_customer, suffix)).status_code == 404
    assert customer_client.patch(user_url(other_customer), {"phone": "1"}).status_code == 404
    assert customer_client.delete(user_url(other_customer)).status_code == 404
    response = customer_client.post(
        user_url(other_customer, "password/"), {"new_password": NEW_PASSWORD}
    )
    assert response.status_code == 404
    other_customer.refresh_from_db()
    assert other_customer.is_active and other_customer.phone == ""


@pytest.mark.parametrize("pk", ["abc", "999999", "99999999999999999999", "-1"])
def test_unknown_or_malformed_ids_are_a_404(admin_client_api, pk):
    response = admin_client_api.get(f"{USERS}{pk}/")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("application/json")


def test_anonymous_cannot_read_a_user(api_client, customer):
    assert api_client.get(user_url(customer)).status_code == 401


# --- U3 update -----------------------------------------------------------------------


def test_users_update_their_profile(customer_client, customer):
    response = customer_client.patch(
        user_url(customer), {"first_name": "Zoe", "phone": "+44 20", "email": "zoe@example.com"}
    )
    assert response.status_code == 200
    customer.refresh_from_db()
    assert (customer.first_name, customer.phone, customer.email) == (
        "Zoe",
        "+44 20",
        "zoe@example.com",
    )


def test_put_replaces_the_profile(customer_client, customer):
    body = {
        "username": "renamed",
        "email": "renamed@example.com",
        "first_name": "R",
        "last_name": "S",
        "phone": "",
    }
    response = customer_client.put(user_url(customer), body)
    assert response.status_code == 200 and response.json()["username"] == "renamed"


def test_put_without_required_fields_is_a_400(customer_client, customer):
    response = customer_client.put(user_url(customer), {"first_name": "only"})
    assert response.status_code == 400 and {"username", "email"} <= set(response.json())


def test_profile_update_cannot_touch_roles_or_flags(customer_client, customer):
    response = customer_client.patch(
        user_url(customer),
        {
            "roles": ["admin"],
            "is_staff": True,
            "is_superuser": True,
            "is_active": False,
            "id": 999,
            "first_name": "X",
        },
    )
    assert response.status_code == 200
    customer.refresh_from_db()
    assert customer.roles == ["customer"] and not customer.is_superuser and customer.is_active
    assert customer.pk != 999 and customer.first_name == "X"


def test_profile_update_refuses_a_taken_email_or_username(
    customer_client, customer, other_customer
):
    response = customer_client.patch(user_url(customer), {"email": other_customer.email.upper()})
    assert response.status_code == 400 and list(response.json()) == ["email"]
    response = customer_client.patch(user_url(customer), {"username": other_customer.username})
    assert response.status_code == 400 and list(response.json()) == ["username"]


def test_keeping_ones_own_email_is_not_a_duplicate(customer_client, customer):
    response = customer_client.patch(
        user_url(customer), {"email": customer.email.upper(), "username": customer.username}
    )
    assert response.status_code == 200


def test_admin_updates_another_user(admin_client_api, customer):
    assert admin_client_api.patch(user_url(customer), {"last_name": "Admin-set"}).status_code == 200
    customer.refresh_from_db()
    assert customer.last_name == "Admin-set"


@pytest.mark.parametrize(
    "body", [{"username": "x"}, {"email": "nope"}, {"phone": "9" * 31}, {"first_name": 5 * ["x"]}]
)
def test_profile_update_validates(customer_client, customer, body):
    assert customer_client.patch(user_url(customer), body).status_code == 400


# --- U4 delete (deactivate) ----------------------------------------------------------


def test_users_deactivate_themselves_and_lose_access(
    customer_client, customer, api_client, password
):
    assert customer_client.delete(user_url(customer)).status_code == 204
    customer.refresh_from_db()
    assert not customer.is_active and User.objects.filter(pk=customer.pk).exists()
    assert customer_client.get("/api/v1/auth/me/").status_code == 401
    response = api_client.post(
        "/api/v1/auth/login/", {"username": customer.username, "password": password}
    )
    assert response.status_code == 401


def test_admin_deactivates_a_user(admin_client_api, customer):
    assert admin_client_api.delete(user_url(customer)).status_code == 204
    customer.refresh_from_db()
    assert not customer.is_active


def test_the_last_admin_cannot_deactivate_themselves(admin_client_api, admin_user):
    response = admin_client_api.delete(user_url(admin_user))
    assert response.status_code == 409 and response.json()["code"] == "last_admin"
    admin_user.refresh_from_db()
    assert admin_user.is_active


# --- U5 password ---------------------------------------------------------------------


def test_users_change_their_password_with_the_current_one(customer_client, customer, password):
    response = customer_client.post(
        user_url(customer, "password/"),
        {"current_password": password, "new_password": NEW_PASSWORD},
    )
    assert response.status_code == 204
    customer.refresh_from_db()
    assert customer.check_password(NEW_PASSWORD)


def test_a_wrong_current_password_is_a_400(customer_client, customer, password):
    response = customer_client.post(
        user_url(customer, "password/"), {"current_password": "wrong", "new_password": NEW_PASSWORD}
    )
    assert response.status_code == 400 and "current_password" in response.json()
    customer.refresh_from_db()
    assert customer.check_password(password)


def test_self_service_needs_the_current_password(customer_client, customer):
    response = customer_client.post(user_url(customer, "password/"), {"new_password": NEW_PASSWORD})
    assert response.status_code == 400 and "current_password" in response.json()


def test_admin_sets_another_users_password_without_the_current_one(admin_client_api, customer):
    response = admin_client_api.post(
        user_url(customer, "password/"), {"new_password": NEW_PASSWORD}
    )
    assert response.status_code == 204
    customer.refresh_from_db()
    assert customer.check_password(NEW_PASSWORD)


def test_admin_changing_their_own_password_needs_the_current_one(admin_client_api, admin_user):
    response = admin_client_api.post(
        user_url(admin_user, "password/"), {"new_password": NEW_PASSWORD}
    )
    assert response.status_code == 400


@pytest.mark.parametrize("new_password", ["short", "12345678", "password", ""])
def test_a_weak_new_password_is_a_400(admin_client_api, customer, new_password):
    response = admin_client_api.post(
        user_url(customer, "password/"), {"new_password": new_password}
    )
    assert response.status_code == 400 and "new_password" in response.json()


# --- U6–U8 roles ---------------------------------------------------------------------


def test_users_read_their_roles(customer_client, customer):
    response = customer_client.get(user_url(customer, "roles/"))
    assert response.status_code == 200
    assert response.json() == {
        "user_id": customer.pk,
        "username": customer.username,
        "roles": ["customer"],
    }


def test_admin_grants_the_admin_role(admin_client_api, customer):
    response = admin_client_api.post(user_url(customer, "roles/"), {"role": "admin"})
    assert response.status_code == 200 and response.json()["roles"] == ["customer", "admin"]
    customer.refresh_from_db()
    assert customer.is_staff  # the role is Django admin access


def test_granting_a_held_role_is_a_409(admin_client_api, customer):
    response = admin_client_api.post(user_url(customer, "roles/"), {"role": "customer"})
    assert response.status_code == 409 and response.json()["code"] == "role_already_assigned"


@pytest.mark.parametrize("body", [{"role": "wizard"}, {}, {"role": ["admin"]}])
def test_granting_an_unknown_role_is_a_400(admin_client_api, customer, body):
    response = admin_client_api.post(user_url(customer, "roles/"), body)
    assert response.status_code == 400 and "role" in response.json()


def test_customers_cannot_grant_roles_even_to_themselves(customer_client, customer, api_client):
    assert customer_client.post(user_url(customer, "roles/"), {"role": "admin"}).status_code == 403
    assert customer_client.delete(user_url(customer, "roles/customer/")).status_code == 403
    assert api_client.post(user_url(customer, "roles/"), {"role": "admin"}).status_code == 401
    customer.refresh_from_db()
    assert customer.roles == ["customer"]


def test_admin_takes_a_role_away(admin_client_api):
    both = AdminFactory()  # customer and admin
    response = admin_client_api.delete(user_url(both, "roles/customer/"))
    assert response.status_code == 200 and response.json()["roles"] == ["admin"]


def test_taking_a_role_not_held_is_a_404(admin_client_api, customer):
    for role in ("admin", "wizard"):
        assert admin_client_api.delete(user_url(customer, f"roles/{role}/")).status_code == 404


def test_taking_the_last_role_is_a_409(admin_client_api, customer):
    response = admin_client_api.delete(user_url(customer, "roles/customer/"))
    assert response.status_code == 409 and response.json()["code"] == "last_role"


def test_taking_the_last_active_admins_role_is_a_409(admin_client_api, admin_user):
    response = admin_client_api.delete(user_url(admin_user, "roles/admin/"))
    assert response.status_code == 409 and response.json()["code"] == "last_admin"
    admin_user.refresh_from_db()
    assert admin_user.is_staff


def test_role_endpoints_on_an_unknown_user_are_a_404(admin_client_api):
    assert admin_client_api.get(user_url(999999, "roles/")).status_code == 404
    assert admin_client_api.post(user_url(999999, "roles/"), {"role": "admin"}).status_code == 404
    assert admin_client_api.delete(user_url(999999, "roles/admin/")).status_code == 404
