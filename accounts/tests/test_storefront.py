"""Register, log in and out, profile and password in the storefront (Django test client)."""

import re

import pytest
from django.contrib.auth import SESSION_KEY
from django.test import Client
from django.urls import reverse

from accounts.models import User
from accounts.tests.factories import UserFactory
from catalog.tests.factories import ProductFactory
from sales.models import Cart
from sales.services import cart_add, cart_for_user

pytestmark = pytest.mark.django_db

LOGIN = reverse("accounts:login")
REGISTER = reverse("accounts:register")
PROFILE = reverse("accounts:profile")
PASSWORD = reverse("accounts:password_change")
NEW_USER = {
    "username": "newbie",
    "email": "newbie@example.com",
    "first_name": "Nia",
    "last_name": "",
    "password1": "kibble-and-bits-42",
    "password2": "kibble-and-bits-42",
}


def messages_of(response) -> list[str]:
    return [str(m) for m in response.context["messages"]]


def test_register_creates_a_customer_and_logs_them_in(client):
    response = client.post(REGISTER, NEW_USER, follow=True)
    user = User.objects.get(username="newbie")
    assert user.is_customer and not user.is_staff
    assert int(client.session[SESSION_KEY]) == user.pk
    assert "Welcome to the pet shop, Nia!" in messages_of(response)


def test_register_errors_sit_next_to_fields_and_keep_the_input(client):
    UserFactory(username="taken", email="taken@example.com")
    response = client.post(
        REGISTER, {**NEW_USER, "email": "TAKEN@example.com", "password2": "something-else"}
    )
    assert response.status_code == 400
    errors = response.context["form"].errors
    assert "already exists" in errors["email"][0]
    assert "differ" in errors["password2"][0]
    html = response.content.decode()
    assert 'value="newbie"' in html and 'value="TAKEN@example.com"' in html
    assert "kibble-and-bits-42" not in html  # passwords are never echoed back
    assert not User.objects.filter(username="newbie").exists()


def test_register_refuses_a_weak_password(client):
    response = client.post(REGISTER, {**NEW_USER, "password1": "12345678", "password2": "12345678"})
    assert response.status_code == 400
    assert response.context["form"].errors["password1"]


@pytest.mark.parametrize("login_as", ["username", "email"])
def test_login_by_username_or_email(client, customer, password, login_as):
    identifier = customer.username if login_as == "username" else customer.email.upper()
    response = client.post(LOGIN, {"username": identifier, "password": password})
    assert response.status_code == 302 and response["Location"] == reverse("catalog:home")
    assert int(client.session[SESSION_KEY]) == customer.pk


def test_wrong_password_is_an_error_and_keeps_the_username(client, customer):
    response = client.post(LOGIN, {"username": customer.username, "password": "nope"})
    assert response.status_code == 200
    assert "do not match" in response.content.decode()
    assert f'value="{customer.username}"' in response.content.decode()
    assert SESSION_KEY not in client.session


def test_login_follows_a_safe_next_and_ignores_an_external_one(client, customer, password):
    ok = client.post(
        LOGIN, {"username": customer.username, "password": password, "next": "/checkout/"}
    )
    assert ok["Location"] == "/checkout/"
    client.logout()
    evil = client.post(
        LOGIN,
        {"username": customer.username, "password": password, "next": "https://evil.example/"},
    )
    assert evil["Location"] == reverse("catalog:home")


def test_login_and_register_links_carry_next_both_ways(client):
    # A visitor sent to log in on the way to checkout can hop between the two forms
    # without losing where they were going.
    to_register = f'href="{REGISTER}?next=/checkout/"'
    to_login = f'href="{LOGIN}?next=/checkout/"'
    assert to_register in client.get(LOGIN, {"next": "/checkout/"}).content.decode()
    assert to_login in client.get(REGISTER, {"next": "/checkout/"}).content.decode()


def test_login_merges_the_visitors_cart_into_theirs(client, customer, password):
    kept, capped = ProductFactory(name="Kept", stock=10), ProductFactory(name="Capped", stock=4)
    cart_add(cart=cart_for_user(user=customer), product_id=capped.pk, quantity=3)
    client.post(reverse("sales:cart_add"), {"product_id": kept.pk, "quantity": 2})
    client.post(reverse("sales:cart_add"), {"product_id": capped.pk, "quantity": 3})
    visitor_key = client.session.session_key

    response = client.post(
        LOGIN, {"username": customer.username, "password": password}, follow=True
    )
    lines = dict(cart_for_user(user=customer).lines.values_list("product__name", "quantity"))
    assert lines == {"Kept": 2, "Capped": 4}
    assert "Capped: quantity capped at 4." in messages_of(response)
    assert not Cart.objects.filter(session_key=visitor_key).exists()


def test_registering_keeps_the_visitors_cart(client, product):
    client.post(reverse("sales:cart_add"), {"product_id": product.pk, "quantity": 2})
    client.post(REGISTER, NEW_USER)
    user = User.objects.get(username="newbie")
    assert cart_for_user(user=user).lines.get().quantity == 2


def test_logout_is_a_post(client, customer):
    client.force_login(customer)
    assert client.get(reverse("accounts:logout")).status_code == 405
    response = client.post(reverse("accounts:logout"))
    assert response.status_code == 302 and SESSION_KEY not in client.session


def test_account_pages_need_a_login(client):
    for url in (PROFILE, PASSWORD):
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith(LOGIN)


def test_profile_edit_saves_through_the_service(client, customer):
    client.force_login(customer)
    response = client.post(
        PROFILE,
        {"first_name": "Bo", "last_name": "Dog", "email": "bo@example.com", "phone": "123"},
        follow=True,
    )
    assert "Your profile is saved." in messages_of(response)
    customer.refresh_from_db()
    assert (customer.first_name, customer.email, customer.phone) == ("Bo", "bo@example.com", "123")


def test_profile_refuses_another_users_email(client, customer, other_customer):
    client.force_login(customer)
    response = client.post(
        PROFILE, {"first_name": "", "last_name": "", "email": other_customer.email, "phone": ""}
    )
    assert response.status_code == 400
    assert response.context["form"].errors["email"]
    customer.refresh_from_db()
    assert customer.email != other_customer.email


def test_password_change_checks_the_current_password(client, customer):
    client.force_login(customer)
    response = client.post(
        PASSWORD,
        {
            "current_password": "wrong",
            "new_password": "fresh-bones-2026",
            "new_password_again": "fresh-bones-2026",
        },
    )
    assert response.status_code == 400
    assert response.context["form"].errors["current_password"]


def test_password_change_keeps_the_customer_logged_in(client, customer, password):
    client.force_login(customer)
    response = client.post(
        PASSWORD,
        {
            "current_password": password,
            "new_password": "fresh-bones-2026",
            "new_password_again": "fresh-bones-2026",
        },
    )
    assert response["Location"] == PROFILE
    customer.refresh_from_db()
    assert customer.check_password("fresh-bones-2026")
    assert client.get(PROFILE).status_code == 200  # the session survived the change


def test_login_and_register_refuse_posts_without_csrf(customer, password):
    client = Client(enforce_csrf_checks=True)
    assert (
        client.post(LOGIN, {"username": customer.username, "password": password}).status_code == 403
    )
    assert client.post(REGISTER, NEW_USER).status_code == 403
    assert not User.objects.filter(username="newbie").exists()


@pytest.mark.parametrize("url", [LOGIN, REGISTER])
def test_every_input_has_a_label(client, url):
    html = client.get(url).content.decode()
    import re

    ids = re.findall(r'<input[^>]*type="(?:text|email|password)"[^>]*id="([^"]+)"', html)
    ids += re.findall(r'<input[^>]*id="([^"]+)"[^>]*type="(?:text|email|password)"', html)
    assert ids
    for input_id in set(ids):
        assert f'for="{input_id}"' in html


def test_login_form_is_throttled_like_the_api(client, customer, password, settings):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {
            **settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"],
            "login": "3/min",
        },
    }
    for _ in range(3):
        assert (
            client.post(LOGIN, {"username": customer.username, "password": "guess"}).status_code
            == 200
        )
    refused = client.post(LOGIN, {"username": customer.username, "password": password})
    assert refused.status_code == 429 and int(refused["Retry-After"]) > 0
    assert "Too many attempts" in refused.content.decode()
    assert f'value="{customer.username}"' in refused.content.decode()
    assert SESSION_KEY not in client.session


def test_register_form_is_throttled_like_the_api(client, settings):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {
            **settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"],
            "register": "1/hour",
        },
    }
    client.post(REGISTER, {**NEW_USER, "password2": "typo"})
    refused = client.post(REGISTER, NEW_USER)
    assert refused.status_code == 429 and 'value="newbie"' in refused.content.decode()
    assert not User.objects.filter(username="newbie").exists()


def test_field_errors_are_tied_to_their_inputs_for_screen_readers(client):
    response = client.post(REGISTER, {**NEW_USER, "password2": "different-thing-99"})
    html = response.content.decode()
    tag = re.search(r'<input[^>]*name="password2"[^>]*>', html).group(0)
    assert 'aria-invalid="true"' in tag and 'aria-describedby="id_password2_error"' in tag
    assert (
        '<div id="id_password2_error"><p class="error">The two passwords differ.</p></div>' in html
    )
