"""Users and roles in the Django admin: roles are edited as one field and saved through
accounts.services, the admin role is admin access, and the last admin keeps it."""

import pytest
from django.urls import reverse

from accounts.models import User
from accounts.tests.factories import AdminFactory, UserFactory
from petshop.tests.admin_client import form_data, messages_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff(client, admin_user):
    client.force_login(admin_user)
    return client


def change_url(user):
    return reverse("admin:accounts_user_change", args=[user.pk])


def set_roles(client, user, roles, follow=True, **changes):
    url = change_url(user)
    return client.post(url, form_data(client.get(url), roles=roles, **changes), follow=follow)


def test_giving_the_admin_role_gives_admin_access_at_once(staff):
    from django.test import Client

    customer = UserFactory()
    theirs = Client()
    theirs.force_login(customer)
    assert theirs.get(reverse("admin:index")).status_code == 302

    set_roles(staff, customer, ["customer", "admin"])

    customer.refresh_from_db()
    assert customer.roles == ["customer", "admin"]
    assert customer.is_staff and customer.is_superuser
    assert theirs.get(reverse("admin:index")).status_code == 200  # same session, next request


def test_taking_the_admin_role_takes_admin_access_at_once(staff):
    from django.test import Client

    other_admin = AdminFactory()
    theirs = Client()
    theirs.force_login(other_admin)
    assert theirs.get(reverse("admin:index")).status_code == 200

    set_roles(staff, other_admin, ["customer"])

    other_admin.refresh_from_db()
    assert (other_admin.is_staff, other_admin.is_superuser) == (False, False)
    response = theirs.get(reverse("admin:index"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))


def test_the_last_admin_cannot_lose_the_role(staff, admin_user):
    admin_user.is_customer = False
    admin_user.save()

    response = set_roles(staff, admin_user, ["customer"], first_name="Changed")

    admin_user.refresh_from_db()
    assert admin_user.roles == ["admin"]
    assert admin_user.first_name != "Changed"  # nothing of the edit was kept
    assert messages_of(response) == ["The last active admin cannot lose the admin role."]


def test_a_user_keeps_at_least_one_role(staff):
    customer = UserFactory()

    response = set_roles(staff, customer, [])

    customer.refresh_from_db()
    assert customer.roles == ["customer"]
    assert messages_of(response) == ["A user must keep at least one role."]


def test_staff_flags_cannot_be_set_directly(staff):
    customer = UserFactory()

    set_roles(staff, customer, ["customer"], is_staff="on", is_superuser="on")

    customer.refresh_from_db()
    assert (customer.is_staff, customer.is_superuser) == (False, False)


def test_profile_edit_goes_through_the_service(staff):
    customer = UserFactory()

    set_roles(staff, customer, ["customer"], first_name="Rex", phone="555-0100")

    customer.refresh_from_db()
    assert (customer.first_name, customer.phone) == ("Rex", "555-0100")


def test_email_taken_in_another_case_is_refused(staff):
    UserFactory(email="taken@example.com")
    customer = UserFactory()

    response = set_roles(staff, customer, ["customer"], email="TAKEN@example.com")

    customer.refresh_from_db()
    assert customer.email != "TAKEN@example.com"
    assert response.context["adminform"].form.errors == {
        "email": ["A user with that email address already exists."]
    }


def test_adding_a_user_with_a_taken_email_says_so_in_words(staff):
    UserFactory(email="taken@example.com")
    url = reverse("admin:accounts_user_add")
    data = form_data(
        staff.get(url),
        username="newcomer",
        email="Taken@Example.com",
        password1="a-long-unusual-passphrase",
        password2="a-long-unusual-passphrase",
        roles=["customer"],
    )

    response = staff.post(url, data)

    assert response.status_code == 200 and not User.objects.filter(username="newcomer").exists()
    assert response.context["adminform"].form.errors == {
        "email": ["A user with that email address already exists."]
    }


def test_adding_a_user_registers_them_with_the_chosen_roles(staff):
    url = reverse("admin:accounts_user_add")
    data = form_data(
        staff.get(url),
        username="newstaff",
        email="newstaff@example.com",
        password1="a-long-unusual-passphrase",
        password2="a-long-unusual-passphrase",
        roles=["admin"],
    )

    response = staff.post(url, data)

    user = User.objects.get(username="newstaff")
    assert response.status_code == 302
    assert (
        user.roles == ["admin"]
        and user.is_staff
        and user.check_password("a-long-unusual-passphrase")
    )


def test_deactivate_action_refuses_the_last_admin(staff, admin_user):
    customer = UserFactory()

    response = staff.post(
        reverse("admin:accounts_user_changelist"),
        {"action": "deactivate", "_selected_action": [customer.pk, admin_user.pk]},
        follow=True,
    )

    customer.refresh_from_db()
    admin_user.refresh_from_db()
    assert (customer.is_active, admin_user.is_active) == (False, True)
    assert messages_of(response) == [
        "1 user deactivated.",
        f"1 user refused: {admin_user}: The last active admin cannot lose the admin role.",
    ]


def test_users_are_never_deleted_in_the_admin(staff):
    customer = UserFactory()
    assert staff.get(reverse("admin:accounts_user_delete", args=[customer.pk])).status_code == 403


def test_role_filter_lists_admins(staff, admin_user):
    UserFactory()

    response = staff.get(reverse("admin:accounts_user_changelist"), {"role": "admin"})

    assert [u.pk for u in response.context["cl"].result_list] == [admin_user.pk]
