"""Password reset (A6, A7 and the storefront pages) and the account emails: welcome,
password changed. Emails are delivered by the send task (deliver_emails fixture)."""

import re
import time

import pytest
from django.contrib.auth import SESSION_KEY
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient
from rest_framework_simplejwt.tokens import RefreshToken

from accounts.models import User
from accounts.services import user_register, user_set_password
from accounts.tests.factories import PASSWORD, UserFactory
from notifications.models import Email

pytestmark = pytest.mark.django_db

RESET = "/api/v1/auth/password-reset/"
CONFIRM = "/api/v1/auth/password-reset/confirm/"
NEW_PASSWORD = "a-brand-new-kibble-42"


def reset_email_for(user, deliver):
    response = APIClient().post(RESET, {"email": user.email.upper()}, format="json")
    assert response.status_code == 202
    [message] = deliver()
    return message


def uid_and_token(message) -> tuple[str, str]:
    found = re.search(r"uid (\S+) · token (\S+)", message.body)
    return found.group(1), found.group(2)


def reset_link(message) -> str:
    return re.search(r"http://testserver(/account/reset/\S+/)", message.body).group(1)


@pytest.fixture(autouse=True)
def _links_to_the_test_server(settings):
    settings.SHOP_BASE_URL = "http://testserver"


# --- A6: asking ---------------------------------------------------------------------


def test_the_reset_email_has_a_link_and_the_uid_and_token(customer, deliver_emails):
    message = reset_email_for(customer, deliver_emails)

    assert message.to == [customer.email]
    assert message.subject == "Reset your Pawfect password"
    assert customer.username in message.body
    assert "60 minutes" in message.body
    assert reset_link(message).startswith("/account/reset/")
    uid, token = uid_and_token(message)
    assert f"/account/reset/{uid}/{token}/" in message.body
    html = message.alternatives[0][0]
    assert f'href="http://testserver/account/reset/{uid}/{token}/"' in html


@pytest.mark.parametrize("who", ["unknown", "inactive", "known"])
def test_the_answer_is_the_same_whether_or_not_the_address_is_known(who, deliver_emails):
    user = UserFactory(is_active=who != "inactive")
    email = "nobody@example.com" if who == "unknown" else user.email

    response = APIClient().post(RESET, {"email": email}, format="json")

    assert response.status_code == 202
    assert response.json() == {
        "detail": "If an account uses that address, a password reset link is on its way."
    }
    assert len(deliver_emails()) == (1 if who == "known" else 0)


def test_the_storefront_page_answers_alike_for_known_and_unknown_addresses(
    customer, deliver_emails
):
    known = Client().post(reverse("accounts:password_reset"), {"email": customer.email})
    unknown = Client().post(reverse("accounts:password_reset"), {"email": "no@example.com"})

    assert known.status_code == unknown.status_code == 302
    assert known["Location"] == unknown["Location"] == reverse("accounts:password_reset_done")
    assert [m.to for m in deliver_emails()] == [[customer.email]]


def test_a_malformed_address_is_a_400_and_sends_nothing(deliver_emails):
    response = APIClient().post(RESET, {"email": "not-an-address"}, format="json")

    assert response.status_code == 400 and "email" in response.json()
    assert deliver_emails() == []


def test_requests_are_throttled_per_email_whatever_the_client_address(customer, settings):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "NUM_PROXIES": 1,
        "DEFAULT_THROTTLE_RATES": {
            **settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"],
            "password_reset": "3/hour",
        },
    }
    client = APIClient()
    statuses = [
        client.post(
            RESET, {"email": customer.email}, format="json", HTTP_X_FORWARDED_FOR=f"10.0.0.{i}"
        ).status_code
        for i in range(4)
    ]

    assert statuses == [202, 202, 202, 429]
    assert Email.objects.filter(event="password_reset").count() == 3


def test_requests_are_throttled_per_client_address_whatever_the_email(settings):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {
            **settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"],
            "password_reset": "3/hour",
        },
    }
    client = APIClient()
    statuses = [
        client.post(RESET, {"email": f"guess{i}@example.com"}, format="json").status_code
        for i in range(4)
    ]
    page = Client().post(reverse("accounts:password_reset"), {"email": "more@example.com"})

    assert statuses == [202, 202, 202, 429]
    assert page.status_code == 429 and page["Retry-After"]


# --- A7: confirming -------------------------------------------------------------------


def test_a_reset_sets_the_password_and_revokes_every_token_and_session(customer, deliver_emails):
    refresh = RefreshToken.for_user(customer)
    browser = Client()
    browser.force_login(customer)
    uid, token = uid_and_token(reset_email_for(customer, deliver_emails))

    response = APIClient().post(
        CONFIRM, {"uid": uid, "token": token, "new_password": NEW_PASSWORD}, format="json"
    )

    assert response.status_code == 204
    customer.refresh_from_db()
    assert customer.check_password(NEW_PASSWORD)
    refreshed = APIClient().post("/api/v1/auth/refresh/", {"refresh": str(refresh)})
    assert refreshed.status_code == 401
    assert SESSION_KEY not in browser.get(reverse("accounts:profile")).wsgi_request.session
    login = APIClient().post(
        "/api/v1/auth/login/", {"username": customer.email, "password": NEW_PASSWORD}
    )
    assert login.status_code == 200
    [notice] = deliver_emails()
    assert notice.subject == "Your Pawfect password was changed" and notice.to == [customer.email]


def test_a_used_token_cannot_be_used_again(customer, deliver_emails):
    uid, token = uid_and_token(reset_email_for(customer, deliver_emails))
    body = {"uid": uid, "token": token, "new_password": NEW_PASSWORD}
    assert APIClient().post(CONFIRM, body, format="json").status_code == 204

    again = APIClient().post(CONFIRM, {**body, "new_password": "another-fine-pass-77"})

    assert again.status_code == 400
    assert again.json()["code"] == "invalid_token"
    customer.refresh_from_db()
    assert customer.check_password(NEW_PASSWORD)


def test_an_expired_token_is_refused(customer, deliver_emails, settings):
    uid, token = uid_and_token(reset_email_for(customer, deliver_emails))
    settings.PASSWORD_RESET_TIMEOUT = 0
    time.sleep(1.05)

    response = APIClient().post(
        CONFIRM, {"uid": uid, "token": token, "new_password": NEW_PASSWORD}, format="json"
    )

    assert response.status_code == 400 and response.json()["code"] == "invalid_token"
    customer.refresh_from_db()
    assert customer.check_password(PASSWORD)


@pytest.mark.parametrize(
    ("uid", "token"),
    [
        ("bm9wZQ", "abc-123"),
        ("!!", "x"),
        ("MTIzNDU2Nzg5", "c0ffee-123"),
        ("OTk5OTk5OTk5OTk5OTk5OTk5OTk5OTk5", "c0ffee-123"),
        ("LTE", "c0ffee-123"),
    ],
    ids=["not-a-number", "not-base64", "no-such-user", "beyond-bigint", "negative"],
)
def test_a_wrong_uid_or_token_is_invalid_token(uid, token, customer):
    response = APIClient().post(
        CONFIRM, {"uid": uid, "token": token, "new_password": NEW_PASSWORD}, format="json"
    )

    assert response.status_code == 400
    assert response.json()["code"] == "invalid_token"


def test_a_token_of_another_user_does_not_work(customer, other_customer, deliver_emails):
    _, token = uid_and_token(reset_email_for(customer, deliver_emails))
    other_uid, _ = uid_and_token(reset_email_for(other_customer, deliver_emails))

    response = APIClient().post(
        CONFIRM, {"uid": other_uid, "token": token, "new_password": NEW_PASSWORD}
    )

    assert response.status_code == 400 and response.json()["code"] == "invalid_token"


def test_a_weak_password_is_a_400_on_new_password_and_keeps_the_token(customer, deliver_emails):
    uid, token = uid_and_token(reset_email_for(customer, deliver_emails))

    weak = APIClient().post(CONFIRM, {"uid": uid, "token": token, "new_password": "12345678"})

    assert weak.status_code == 400 and "new_password" in weak.json()
    strong = APIClient().post(CONFIRM, {"uid": uid, "token": token, "new_password": NEW_PASSWORD})
    assert strong.status_code == 204


# --- the storefront journey -----------------------------------------------------------


def test_the_login_page_links_to_forgot_your_password(client):
    page = client.get(reverse("accounts:login"))

    assert "Forgot your password?" in page.text
    assert reverse("accounts:password_reset") in page.text


def test_the_storefront_reset_journey_ends_logged_out_everywhere(customer, deliver_emails):
    elsewhere = Client()
    elsewhere.force_login(customer)
    browser = Client()
    browser.post(reverse("accounts:password_reset"), {"email": customer.email})
    [message] = deliver_emails()

    form = browser.get(reset_link(message), follow=True)
    assert "Choose a new password" in form.text
    done = browser.post(
        form.redirect_chain[-1][0],
        {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
        follow=True,
    )

    assert "Your password is changed" in done.text
    assert SESSION_KEY not in elsewhere.get(reverse("accounts:profile")).wsgi_request.session
    assert browser.login(username=customer.username, password=NEW_PASSWORD)
    again = Client().get(reset_link(message), follow=True)
    assert "This link does not work any more" in again.text


def test_a_weak_password_on_the_reset_page_is_shown_next_to_the_field(customer, deliver_emails):
    browser = Client()
    browser.post(reverse("accounts:password_reset"), {"email": customer.email})
    [message] = deliver_emails()
    form = browser.get(reset_link(message), follow=True)

    page = browser.post(
        form.redirect_chain[-1][0], {"new_password1": "password", "new_password2": "password"}
    )

    assert page.status_code == 200 and "too common" in page.text
    customer.refresh_from_db()
    assert customer.check_password(PASSWORD)


# --- welcome and password changed -----------------------------------------------------


def test_registering_sends_a_welcome_email(deliver_emails, settings):
    settings.SHOP_BASE_URL = "https://shop.example.com"
    user = user_register(
        username="rex", email="rex@example.com", password="kibble-and-bits-42", first_name="Rex"
    )

    [message] = deliver_emails()

    assert message.to == ["rex@example.com"]
    assert message.subject == "Welcome to Pawfect Pet Shop"
    assert "Hello Rex" in message.body and '"rex"' in message.body
    assert "https://shop.example.com/products/" in message.body
    assert Email.objects.get(event="welcome").related == user


def test_changing_the_password_sends_a_notice(customer, deliver_emails):
    user_set_password(user=customer, current_password=PASSWORD, new_password=NEW_PASSWORD)

    [message] = deliver_emails()

    assert message.to == [customer.email]
    assert message.subject == "Your Pawfect password was changed"
    assert "If it was not you" in message.body
    assert "http://testserver/account/password-reset/" in message.body


def test_a_refused_password_change_sends_nothing(customer, deliver_emails):
    from petshop.core.exceptions import InvalidInput

    with pytest.raises(InvalidInput):
        user_set_password(user=customer, current_password="wrong", new_password=NEW_PASSWORD)

    assert deliver_emails() == []
    assert User.objects.get(pk=customer.pk).check_password(PASSWORD)
