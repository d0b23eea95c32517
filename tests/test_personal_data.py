"""Personal data (API.md U9 export, U10 erase), reactivation (U3 `is_active`) and
password resets revoking tokens: through the API, the storefront and the admin."""

import json

import pytest
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient
from rest_framework_simplejwt.tokens import RefreshToken

from accounts.exceptions import AccountHasOpenOrders, LastAdmin
from accounts.models import User
from accounts.services import (
    user_deactivate,
    user_erase,
    user_export,
    user_reactivate,
    user_set_password,
)
from accounts.tests.factories import PASSWORD, AdminFactory, UserFactory
from petshop.core.exceptions import InvalidInput
from petshop.tests.admin_client import messages_of
from returns.models import ReturnStatus
from returns.services import return_set_status
from returns.tests.factories import request_return
from sales.models import CartLine, CheckoutKey, Invoice, Order, OrderStatus
from sales.personal_data import ERASED_ADDRESS
from sales.services import cart_add, cart_for_user
from sales.tests.factories import order_in_status, place_order

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "another-Long-passphrase-77"


def url(user, action):
    return f"/api/v1/users/{user.pk}/{action}/"


def refresh_works(refresh: str) -> bool:
    return APIClient().post("/api/v1/auth/refresh/", {"refresh": refresh}).status_code == 200


@pytest.fixture
def shopper(product):
    """A customer with a delivered order, a return processed on it, and a cart line."""
    user = UserFactory(phone="+44 20 7946 0000")
    order = order_in_status(OrderStatus.DELIVERED, user=user)
    ret = request_return(order=order)
    return_set_status(return_request=ret, status=ReturnStatus.REJECTED)
    cart_add(cart=cart_for_user(user=user), product_id=product.pk, quantity=2)
    return user


# --- U9 export -------------------------------------------------------------------------


def test_export_holds_everything_the_shop_keeps_about_the_person(shopper, client_for):
    response = client_for(shopper).get(url(shopper, "export"))

    assert response.status_code == 200
    assert response["Content-Disposition"] == (
        f'attachment; filename="petshop-user-{shopper.pk}.json"'
    )
    body = response.json()
    assert {"exported_at", "user", "orders", "invoices", "returns", "cart"} <= set(body)
    assert body["user"]["email"] == shopper.email and body["user"]["phone"] == shopper.phone
    order = Order.objects.get(user=shopper)
    assert [o["number"] for o in body["orders"]] == [order.number]
    assert body["orders"][0]["shipping_address"] == order.shipping_address
    assert [i["number"] for i in body["invoices"]] == [order.invoices.get().number]
    assert len(body["returns"]) == 1 and body["returns"][0]["items"][0]["reason"] == "Wrong size"
    assert body["cart"]["items"][0]["quantity"] == 2


def test_export_holds_nothing_of_another_customer(shopper, other_customer, client_for):
    place_order(user=other_customer, shipping_address="9 Cat Street, Elsewhere")
    body = client_for(shopper).get(url(shopper, "export")).json()
    assert "9 Cat Street" not in json.dumps(body)
    assert other_customer.email not in json.dumps(body)


def test_admin_exports_a_customer_and_a_customer_cannot_export_another(
    shopper, admin_client_api, other_client
):
    assert admin_client_api.get(url(shopper, "export")).status_code == 200
    assert other_client.get(url(shopper, "export")).status_code == 404
    assert APIClient().get(url(shopper, "export")).status_code == 401


def test_export_costs_the_same_queries_with_many_orders(
    customer, client_for, django_assert_max_num_queries
):
    for _ in range(5):
        order_in_status(OrderStatus.DELIVERED, user=customer)
    client = client_for(customer)
    with django_assert_max_num_queries(20) as few:
        client.get(url(customer, "export"))
    for _ in range(5):
        order_in_status(OrderStatus.DELIVERED, user=customer)
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert len(client.get(url(customer, "export")).json()["orders"]) == 10


# --- U10 erase -------------------------------------------------------------------------


def test_erasing_ones_account_replaces_personal_data_and_keeps_the_accounts(shopper, client_for):
    order = Order.objects.get(user=shopper)
    invoice = order.invoices.get()
    refresh = str(RefreshToken.for_user(shopper))
    CheckoutKey.objects.create(user=shopper, key="k1", fingerprint="f")

    response = client_for(shopper).post(url(shopper, "erase"), {"password": PASSWORD})

    assert response.status_code == 204
    shopper.refresh_from_db()
    assert shopper.username == f"erased-{shopper.pk}"
    assert shopper.email == f"erased-{shopper.pk}@erased.invalid"
    assert (shopper.first_name, shopper.last_name, shopper.phone) == ("", "", "")
    assert not shopper.is_active and not shopper.has_usable_password()
    order.refresh_from_db()
    assert order.shipping_address == ERASED_ADDRESS
    assert Invoice.objects.filter(pk=invoice.pk, total=invoice.total).exists()
    assert order.returns.count() == 1 and order.lines.count() == 1
    assert not CartLine.objects.filter(cart__user=shopper).exists()
    assert not CheckoutKey.objects.filter(user=shopper).exists()
    assert not refresh_works(refresh)


def test_an_erased_account_cannot_log_in_any_more(shopper, client_for):
    email = shopper.email
    client_for(shopper).post(url(shopper, "erase"), {"password": PASSWORD})
    for name in (email, f"erased-{shopper.pk}"):
        response = APIClient().post("/api/v1/auth/login/", {"username": name, "password": PASSWORD})
        assert response.status_code == 401


def test_erase_with_a_wrong_or_missing_password_changes_nothing(shopper, client_for):
    client = client_for(shopper)
    wrong = client.post(url(shopper, "erase"), {"password": "not-my-password"})
    missing = client.post(url(shopper, "erase"), {})

    assert wrong.status_code == 400 and "password" in wrong.json()
    assert missing.status_code == 400 and "password" in missing.json()
    shopper.refresh_from_db()
    assert shopper.is_active and not shopper.username.startswith("erased-")


@pytest.mark.parametrize(
    "status", [OrderStatus.PENDING, OrderStatus.CONFIRMED, OrderStatus.PROCESSING, "shipped"]
)
def test_erase_is_refused_while_an_order_is_open(customer, client_for, status):
    order = order_in_status(status, user=customer)
    response = client_for(customer).post(url(customer, "erase"), {"password": PASSWORD})

    assert response.status_code == 409
    assert response.json()["code"] == "account_has_open_orders"
    assert order.number in response.json()["detail"]
    customer.refresh_from_db()
    assert customer.is_active and customer.email.endswith("@example.com")
    order.refresh_from_db()
    assert order.shipping_address != ERASED_ADDRESS


@pytest.mark.parametrize("status", [ReturnStatus.REQUESTED, ReturnStatus.APPROVED])
def test_erase_is_refused_while_a_return_is_open(customer, client_for, status):
    ret = request_return(user=customer)
    if status == ReturnStatus.APPROVED:
        return_set_status(return_request=ret, status=status)
    response = client_for(customer).post(url(customer, "erase"), {"password": PASSWORD})

    assert response.status_code == 409
    assert response.json()["code"] == "account_has_open_orders"
    assert User.objects.get(pk=customer.pk).is_active


def test_a_cancelled_order_does_not_block_erasure(customer):
    order_in_status(OrderStatus.CANCELLED, user=customer)
    user_erase(user=customer, password=PASSWORD)
    assert not User.objects.get(pk=customer.pk).is_active


def test_admin_erases_a_customer_without_their_password(shopper, admin_client_api):
    response = admin_client_api.post(url(shopper, "erase"), {})
    assert response.status_code == 204
    assert User.objects.get(pk=shopper.pk).username == f"erased-{shopper.pk}"


def test_a_customer_cannot_erase_another(shopper, other_client):
    assert other_client.post(url(shopper, "erase"), {"password": PASSWORD}).status_code == 404
    assert User.objects.get(pk=shopper.pk).is_active


def test_the_last_active_admin_cannot_erase_themselves(admin_user):
    with pytest.raises(LastAdmin):
        user_erase(user=admin_user, password=PASSWORD)
    assert User.objects.get(pk=admin_user.pk).is_staff


def test_an_erased_admin_loses_admin_rights(admin_user):
    other_admin = AdminFactory()
    user_erase(user=other_admin, check_password=False)
    other_admin.refresh_from_db()
    assert not other_admin.is_staff and not other_admin.is_superuser


def test_erase_ends_the_persons_storefront_sessions(shopper):
    browser = Client()
    browser.force_login(shopper)
    assert browser.get(reverse("accounts:profile")).status_code == 200

    user_erase(user=shopper, check_password=False)

    assert browser.get(reverse("accounts:profile")).status_code == 302


def test_every_app_module_is_consulted_before_anything_is_erased(customer):
    order_in_status(OrderStatus.DELIVERED, user=customer)
    open_order = place_order(user=customer)
    with pytest.raises(AccountHasOpenOrders) as refused:
        user_erase(user=customer, password=PASSWORD)
    assert refused.value.extra["open_items"] == [f"order {open_order.number} is pending"]
    # Refused as a whole: not even the finished order lost its address.
    assert not Order.objects.filter(shipping_address=ERASED_ADDRESS).exists()


# --- storefront ------------------------------------------------------------------------


def test_the_account_page_offers_the_download_and_the_file_is_the_export(shopper):
    browser = Client()
    browser.force_login(shopper)
    page = browser.get(reverse("accounts:profile")).content.decode()
    assert reverse("accounts:data_export") in page and reverse("accounts:erase") in page

    response = browser.get(reverse("accounts:data_export"))

    assert response.status_code == 200 and "attachment" in response["Content-Disposition"]
    body = json.loads(response.content)
    assert body["user"]["username"] == shopper.username and len(body["orders"]) == 1


def test_storefront_erase_needs_the_password_then_signs_out(shopper):
    browser = Client()
    browser.force_login(shopper)

    wrong = browser.post(reverse("accounts:erase"), {"password": "nope-nope-nope"})
    assert wrong.status_code == 400 and "password is wrong" in wrong.content.decode()
    assert User.objects.get(pk=shopper.pk).is_active

    done = browser.post(reverse("accounts:erase"), {"password": PASSWORD}, follow=True)
    assert done.status_code == 200 and "Your account is erased" in done.content.decode()
    assert not User.objects.get(pk=shopper.pk).is_active
    assert browser.get(reverse("accounts:profile")).status_code == 302


def test_storefront_erase_with_an_open_order_says_why(customer):
    order = place_order(user=customer)
    browser = Client()
    browser.force_login(customer)
    response = browser.post(reverse("accounts:erase"), {"password": PASSWORD})
    assert response.status_code == 409 and order.number in response.content.decode()
    assert User.objects.get(pk=customer.pk).is_active


# --- admin -----------------------------------------------------------------------------


@pytest.fixture
def staff(client, admin_user):
    client.force_login(admin_user)
    return client


CHANGELIST = "/admin/accounts/user/"


def test_admin_erase_action_asks_first_then_erases(staff, shopper):
    ask = staff.post(
        CHANGELIST, {"action": "erase_personal_data", "_selected_action": [shopper.pk]}
    )
    assert ask.status_code == 200 and "cannot be undone" in ask.content.decode()
    assert User.objects.get(pk=shopper.pk).is_active

    staff.post(
        CHANGELIST,
        {"action": "erase_personal_data", "_selected_action": [shopper.pk], "confirm": "yes"},
    )
    assert User.objects.get(pk=shopper.pk).username == f"erased-{shopper.pk}"


def test_admin_erase_action_reports_a_refusal(staff, customer):
    place_order(user=customer)
    response = staff.post(
        CHANGELIST,
        {"action": "erase_personal_data", "_selected_action": [customer.pk], "confirm": "yes"},
        follow=True,
    )
    assert any("still open" in m for m in messages_of(response))
    assert User.objects.get(pk=customer.pk).is_active


def test_admin_export_action_downloads_one_users_data(staff, shopper, customer):
    response = staff.post(
        CHANGELIST, {"action": "export_personal_data", "_selected_action": [shopper.pk]}
    )
    assert response.status_code == 200 and "attachment" in response["Content-Disposition"]
    assert json.loads(response.content)["user"]["id"] == shopper.pk

    two = staff.post(
        CHANGELIST,
        {"action": "export_personal_data", "_selected_action": [shopper.pk, customer.pk]},
        follow=True,
    )
    assert any("exactly one" in m for m in messages_of(two))


def test_admin_reactivate_action(staff, customer):
    user_deactivate(user=customer)
    staff.post(CHANGELIST, {"action": "reactivate", "_selected_action": [customer.pk]})
    assert User.objects.get(pk=customer.pk).is_active


def test_admin_password_reset_goes_through_the_service_and_revokes_tokens(staff, customer):
    refresh = str(RefreshToken.for_user(customer))
    response = staff.post(
        reverse("admin:auth_user_password_change", args=[customer.pk]),
        {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )
    assert response.status_code == 302
    customer.refresh_from_db()
    assert customer.check_password(NEW_PASSWORD)
    assert not refresh_works(refresh)


def test_admin_password_form_refuses_a_weak_password(staff, customer):
    response = staff.post(
        reverse("admin:auth_user_password_change", args=[customer.pk]),
        {"password1": "123", "password2": "123"},
    )
    assert response.status_code == 200
    assert User.objects.get(pk=customer.pk).check_password(PASSWORD)


# --- reactivate, U3 is_active, password resets -----------------------------------------


def test_reactivated_account_logs_in_again_but_old_tokens_stay_revoked(customer):
    refresh = str(RefreshToken.for_user(customer))
    user_deactivate(user=customer)
    user_reactivate(user=customer)
    assert User.objects.get(pk=customer.pk).is_active
    assert not refresh_works(refresh)
    login = APIClient().post(
        "/api/v1/auth/login/", {"username": customer.username, "password": PASSWORD}
    )
    assert login.status_code == 200


def test_an_erased_account_cannot_be_reactivated(customer):
    user_erase(user=customer, check_password=False)
    with pytest.raises(InvalidInput):
        user_reactivate(user=customer)
    assert not User.objects.get(pk=customer.pk).is_active


def test_admin_reactivates_and_deactivates_through_u3(customer, admin_client_api):
    user_deactivate(user=customer)
    on = admin_client_api.patch(f"/api/v1/users/{customer.pk}/", {"is_active": True})
    assert on.status_code == 200 and on.json()["is_active"] is True
    off = admin_client_api.patch(f"/api/v1/users/{customer.pk}/", {"is_active": False})
    assert off.status_code == 200 and off.json()["is_active"] is False
    assert not User.objects.get(pk=customer.pk).is_active


def test_a_customer_cannot_set_is_active(customer, customer_client):
    response = customer_client.patch(
        f"/api/v1/users/{customer.pk}/", {"is_active": False, "first_name": "Changed"}
    )
    # Ignored like roles and is_staff (U3): the rest of the edit applies.
    assert response.status_code == 200 and response.json()["is_active"] is True
    customer.refresh_from_db()
    assert customer.is_active and customer.first_name == "Changed"


def test_the_last_admin_cannot_be_deactivated_through_u3(admin_user, admin_client_api):
    response = admin_client_api.patch(f"/api/v1/users/{admin_user.pk}/", {"is_active": False})
    assert response.status_code == 409 and response.json()["code"] == "last_admin"
    assert User.objects.get(pk=admin_user.pk).is_active


def test_an_admin_setting_a_password_revokes_the_users_refresh_tokens(customer, admin_user):
    refresh = str(RefreshToken.for_user(customer))
    user_set_password(user=customer, new_password=NEW_PASSWORD, check_current=False)
    assert not refresh_works(refresh)


def test_export_service_lists_each_apps_part(customer):
    data = user_export(user=customer)
    assert {"exported_at", "user", "orders", "invoices", "returns", "cart"} <= set(data)
    assert data["cart"] is None and data["orders"] == []


def test_saved_addresses_are_exported_and_erased(customer):
    from accounts.addresses import address_create
    from accounts.models import Address

    address_create(
        user=customer,
        label="Home",
        name="Alice Example",
        line1="1 Dog Lane",
        city="Barkville",
        postal_code="12345",
        country="GB",
    )
    exported = user_export(user=customer)["addresses"]
    assert [a["line1"] for a in exported] == ["1 Dog Lane"]

    user_erase(user=customer, check_password=False)

    assert not Address.objects.filter(user=customer).exists()


def test_a_claimed_guest_order_forgets_its_email_on_erase(customer):
    order = order_in_status(OrderStatus.DELIVERED, user=customer)
    Order.objects.filter(pk=order.pk).update(guest_email="alice.guest@example.com")
    user_erase(user=customer, check_password=False)
    order.refresh_from_db()
    assert order.guest_email == "" and order.shipping_address == ERASED_ADDRESS
