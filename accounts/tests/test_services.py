"""Account services against API.md, Users and roles (A1, U3–U8)."""

import pytest
from rest_framework_simplejwt.token_blacklist.models import BlacklistedToken, OutstandingToken
from rest_framework_simplejwt.tokens import RefreshToken

from accounts.exceptions import LastAdmin, LastRole, RoleAlreadyAssigned, RoleNotHeld
from accounts.models import Role, User
from accounts.services import (
    user_deactivate,
    user_register,
    user_role_add,
    user_role_remove,
    user_set_password,
    user_set_roles,
    user_update,
)
from accounts.tests.factories import PASSWORD, AdminFactory
from petshop.core.exceptions import InvalidInput
from sales.models import Order
from sales.tests.factories import place_order

pytestmark = pytest.mark.django_db

GOOD_PASSWORD = "a-long-unusual-passphrase-9"


def register(**overrides) -> User:
    data = {"username": "rex", "email": "rex@example.com", "password": GOOD_PASSWORD, **overrides}
    return user_register(**data)


# --- register ------------------------------------------------------------------------------


def test_register_makes_a_customer_and_nothing_more():
    user = register(first_name="Rex", last_name="Dog", phone="555")
    assert user.roles == [Role.CUSTOMER]
    assert not user.is_staff and not user.is_superuser
    assert user.check_password(GOOD_PASSWORD)
    assert (user.first_name, user.last_name, user.phone) == ("Rex", "Dog", "555")


def test_register_has_no_door_for_roles():
    with pytest.raises(TypeError):
        register(is_staff=True)


@pytest.mark.parametrize("email", ["rex@example.com", "REX@Example.com"])
def test_register_refuses_a_duplicate_email_in_any_case(email):
    register()
    with pytest.raises(InvalidInput) as exc:
        register(username="other", email=email)
    assert exc.value.extra["field"] == "email"


@pytest.mark.parametrize("username", ["rex", "REX"])
def test_register_refuses_a_duplicate_username_in_any_case(username):
    register()
    with pytest.raises(InvalidInput) as exc:
        register(username=username, email="other@example.com")
    assert exc.value.extra["field"] == "username"


@pytest.mark.parametrize("password", ["short", "password123", "12345678901", "rex@example.com"])
def test_register_refuses_a_weak_password(password):
    with pytest.raises(InvalidInput) as exc:
        register(password=password)
    assert exc.value.extra["field"] == "password"
    assert not User.objects.filter(username="rex").exists()


# --- update --------------------------------------------------------------------------------


def test_update_changes_only_profile_fields(customer):
    user_update(user=customer, first_name="New", is_staff=True, is_customer=False, is_active=False)
    customer.refresh_from_db()
    assert customer.first_name == "New"
    assert (customer.is_staff, customer.is_customer, customer.is_active) == (False, True, True)


def test_update_refuses_another_users_email(customer, other_customer):
    with pytest.raises(InvalidInput) as exc:
        user_update(user=customer, email=other_customer.email.upper())
    assert exc.value.extra["field"] == "email"


def test_update_keeps_ones_own_email(customer):
    user_update(user=customer, email=customer.email.upper())
    customer.refresh_from_db()
    assert customer.email == customer.email.upper()


# --- roles ---------------------------------------------------------------------------------


def test_role_add_admin_gives_admin_access(customer):
    user = user_role_add(user=customer, role=Role.ADMIN)
    user.refresh_from_db()
    assert user.roles == [Role.CUSTOMER, Role.ADMIN]
    assert user.is_staff and user.is_superuser and user.is_shop_admin


def test_role_add_of_a_held_role_is_role_already_assigned(customer):
    with pytest.raises(RoleAlreadyAssigned) as exc:
        user_role_add(user=customer, role=Role.CUSTOMER)
    assert (exc.value.status_code, exc.value.code) == (409, "role_already_assigned")


def test_role_add_of_an_unknown_role_is_invalid_input(customer):
    with pytest.raises(InvalidInput):
        user_role_add(user=customer, role="wizard")


def test_role_remove_takes_the_admin_access_away():
    AdminFactory()  # someone else stays admin
    admin = AdminFactory()
    user = user_role_remove(user=admin, role=Role.ADMIN)
    user.refresh_from_db()
    assert user.roles == [Role.CUSTOMER]
    assert not user.is_staff and not user.is_superuser


def test_role_remove_of_a_role_not_held_is_role_not_held_404(customer):
    with pytest.raises(RoleNotHeld) as exc:
        user_role_remove(user=customer, role=Role.ADMIN)
    assert (exc.value.status_code, exc.value.code) == (404, "role_not_held")


def test_role_remove_of_an_unknown_role_is_404(customer):
    with pytest.raises(RoleNotHeld):
        user_role_remove(user=customer, role="wizard")


def test_role_remove_of_the_last_role_is_last_role(customer):
    with pytest.raises(LastRole) as exc:
        user_role_remove(user=customer, role=Role.CUSTOMER)
    assert exc.value.code == "last_role"
    customer.refresh_from_db()
    assert customer.roles == [Role.CUSTOMER]


def test_an_admin_may_drop_the_customer_role():
    admin = AdminFactory()
    assert user_role_remove(user=admin, role=Role.CUSTOMER).roles == [Role.ADMIN]


def test_the_last_active_admin_keeps_the_admin_role():
    admin = AdminFactory()
    AdminFactory(is_active=False)  # an inactive admin does not count
    with pytest.raises(LastAdmin) as exc:
        user_role_remove(user=admin, role=Role.ADMIN)
    assert exc.value.code == "last_admin"
    admin.refresh_from_db()
    assert admin.is_staff


def test_an_inactive_admin_can_lose_the_role_even_if_alone():
    admin = AdminFactory(is_active=False)
    assert user_role_remove(user=admin, role=Role.ADMIN).roles == [Role.CUSTOMER]


def test_set_roles_sets_the_whole_set(customer):
    AdminFactory()
    user = user_set_roles(user=customer, roles={Role.ADMIN})
    assert user.roles == [Role.ADMIN]
    user = user_set_roles(user=user, roles={Role.CUSTOMER, Role.ADMIN})
    assert user.roles == [Role.CUSTOMER, Role.ADMIN]
    user = user_set_roles(user=user, roles={Role.CUSTOMER})
    assert user.roles == [Role.CUSTOMER] and not user.is_staff


def test_set_roles_refuses_an_empty_set(customer):
    with pytest.raises(LastRole):
        user_set_roles(user=customer, roles=set())


def test_set_roles_refuses_unknown_roles(customer):
    with pytest.raises(InvalidInput):
        user_set_roles(user=customer, roles={Role.CUSTOMER, "wizard"})


def test_set_roles_keeps_the_last_admin():
    admin = AdminFactory()
    with pytest.raises(LastAdmin):
        user_set_roles(user=admin, roles={Role.CUSTOMER})


# --- deactivation --------------------------------------------------------------------------


def test_deactivation_keeps_the_orders(customer):
    order = place_order(user=customer)
    user_deactivate(user=customer)
    customer.refresh_from_db()
    assert not customer.is_active
    assert Order.objects.filter(pk=order.pk, user=customer).exists()


def test_deactivation_blacklists_every_outstanding_refresh_token(customer, other_customer):
    tokens = [RefreshToken.for_user(customer) for _ in range(2)]
    RefreshToken.for_user(other_customer)
    tokens[0].blacklist()  # one already blacklisted must not break it
    user_deactivate(user=customer)
    mine = OutstandingToken.objects.filter(user=customer)
    assert mine.count() == 2
    assert BlacklistedToken.objects.filter(token__in=mine).count() == 2
    assert not BlacklistedToken.objects.filter(token__user=other_customer).exists()


def test_the_last_active_admin_cannot_be_deactivated():
    admin = AdminFactory()
    with pytest.raises(LastAdmin):
        user_deactivate(user=admin)
    admin.refresh_from_db()
    assert admin.is_active


def test_an_admin_can_be_deactivated_while_another_remains():
    AdminFactory()
    admin = AdminFactory()
    assert not user_deactivate(user=admin).is_active


# --- password ------------------------------------------------------------------------------


def test_password_change_with_the_current_password(customer):
    user_set_password(user=customer, current_password=PASSWORD, new_password=GOOD_PASSWORD)
    customer.refresh_from_db()
    assert customer.check_password(GOOD_PASSWORD)


def test_a_wrong_current_password_is_invalid_input(customer):
    with pytest.raises(InvalidInput) as exc:
        user_set_password(user=customer, current_password="wrong", new_password=GOOD_PASSWORD)
    assert (exc.value.status_code, exc.value.extra["field"]) == (400, "current_password")
    customer.refresh_from_db()
    assert customer.check_password(PASSWORD)


def test_a_missing_current_password_is_invalid_input(customer):
    with pytest.raises(InvalidInput):
        user_set_password(user=customer, new_password=GOOD_PASSWORD)


def test_an_admin_sets_a_password_without_the_current_one(customer):
    user_set_password(user=customer, new_password=GOOD_PASSWORD, check_current=False)
    customer.refresh_from_db()
    assert customer.check_password(GOOD_PASSWORD)


def test_a_weak_new_password_is_invalid_input(customer):
    with pytest.raises(InvalidInput) as exc:
        user_set_password(user=customer, current_password=PASSWORD, new_password="123")
    assert exc.value.extra["field"] == "new_password"
    customer.refresh_from_db()
    assert customer.check_password(PASSWORD)


def test_a_profile_update_does_not_write_back_a_role_changed_meanwhile(customer):
    AdminFactory()  # so the admin role can be taken away again
    stale = User.objects.get(pk=customer.pk)  # loaded before the role change
    user_set_roles(user=customer, roles={"customer", "admin"})

    user_update(user=stale, first_name="Renamed")

    customer.refresh_from_db()
    assert customer.first_name == "Renamed"
    assert customer.roles == ["customer", "admin"] and customer.is_superuser


def test_a_profile_update_does_not_write_back_a_password_changed_meanwhile(customer):
    stale = User.objects.get(pk=customer.pk)
    user_set_password(user=customer, new_password="another-long-passphrase", check_current=False)

    user_update(user=stale, phone="555-0199")

    customer.refresh_from_db()
    assert customer.check_password("another-long-passphrase") and customer.phone == "555-0199"
