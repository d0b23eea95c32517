"""Staff two-factor sign-in for the Django admin (django-otp): enrolment with a QR code,
the verify step, one-time backup codes, throttling, and the STAFF_2FA_REQUIRED gate."""

import re

import pytest
from django.test import Client
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.services import user_erase
from accounts.tests.factories import AdminFactory, UserFactory
from accounts.two_factor.services import (
    backup_codes_regenerate,
    has_second_factor,
    two_factor_reset,
)

pytestmark = pytest.mark.django_db

ADMIN_PAGES = ["/admin/", "/admin/accounts/user/", "/admin/sales/order/"]
SETUP, VERIFY = "/admin/2fa/setup/", "/admin/2fa/verify/"


@pytest.fixture
def required(settings):
    settings.STAFF_2FA_REQUIRED = True


@pytest.fixture
def staff_browser(admin_user):
    browser = Client()
    browser.force_login(admin_user)
    return browser


def code_for(device) -> str:
    return f"{totp(device.bin_key, device.step, device.t0, device.digits, device.drift):06d}"


def enrolled(user) -> TOTPDevice:
    return TOTPDevice.objects.create(user=user, name="authenticator", confirmed=True)


@pytest.mark.parametrize("page", ADMIN_PAGES)
def test_with_2fa_required_no_admin_page_opens_without_a_second_factor(
    required, staff_browser, page
):
    response = staff_browser.get(page)
    assert response.status_code == 302
    assert response["Location"].startswith(SETUP)


@pytest.mark.parametrize("page", ADMIN_PAGES)
def test_an_enrolled_staff_user_is_sent_to_verify_even_when_not_required(
    settings, staff_browser, admin_user, page
):
    settings.STAFF_2FA_REQUIRED = False
    enrolled(admin_user)
    response = staff_browser.get(page)
    assert response.status_code == 302 and response["Location"].startswith(VERIFY)


def test_without_the_requirement_the_demo_admin_opens_with_a_password(settings, staff_browser):
    settings.STAFF_2FA_REQUIRED = False
    assert staff_browser.get("/admin/").status_code == 200


def test_customers_and_the_storefront_are_not_gated(required, customer):
    browser = Client()
    browser.force_login(customer)
    assert browser.get(reverse("accounts:profile")).status_code == 200
    assert browser.get(SETUP).status_code == 302  # staff only: to the admin login
    assert browser.get("/admin/").status_code == 302


def test_enrolment_shows_a_qr_code_then_a_right_code_confirms_and_opens_the_admin(
    required, staff_browser, admin_user
):
    page = staff_browser.get(SETUP)
    assert page.status_code == 200
    html = page.content.decode()
    assert "<svg" in html and "otpauth" not in html  # the QR code, inline
    device = TOTPDevice.objects.get(user=admin_user, confirmed=False)

    wrong = staff_browser.post(SETUP, {"token": "abcdef"})
    assert wrong.status_code == 400 and not has_second_factor(admin_user)
    device.refresh_from_db()
    device.throttle_reset()  # django-otp's own back-off after a failure

    done = staff_browser.post(SETUP, {"token": code_for(device)})
    assert done.status_code == 200
    codes = re.findall(r"<li><code>(\w+)</code></li>", done.content.decode())
    assert len(codes) == 10
    assert has_second_factor(admin_user)
    assert staff_browser.get("/admin/accounts/user/").status_code == 200


def test_a_verified_code_opens_the_admin_for_the_session(required, staff_browser, admin_user):
    device = enrolled(admin_user)
    assert staff_browser.get("/admin/").status_code == 302

    wrong = staff_browser.post(VERIFY, {"token": "12345x"})
    assert wrong.status_code == 400 and staff_browser.get("/admin/").status_code == 302
    device.refresh_from_db()
    device.throttle_reset()  # django-otp's own back-off after a failure (a second here)
    right = staff_browser.post(VERIFY, {"token": code_for(device), "next": "/admin/sales/order/"})
    assert right.status_code == 302 and right["Location"] == "/admin/sales/order/"
    assert staff_browser.get("/admin/sales/order/").status_code == 200


def test_a_backup_code_works_once(required, admin_user):
    enrolled(admin_user)
    code = backup_codes_regenerate(user=admin_user)[0]

    first = Client()
    first.force_login(admin_user)
    assert first.post(VERIFY, {"token": code}).status_code == 302
    assert first.get("/admin/").status_code == 200

    second = Client()
    second.force_login(admin_user)
    assert second.post(VERIFY, {"token": code}).status_code == 400
    assert second.get("/admin/").status_code == 302
    assert StaticToken.objects.filter(device__user=admin_user).count() == 9


def test_guessing_codes_is_throttled(required, settings, staff_browser, admin_user):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {
            **settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"],
            "otp": "3/min",
        },
    }
    device = enrolled(admin_user)
    statuses = [staff_browser.post(VERIFY, {"token": "999999"}).status_code for _ in range(3)]
    assert statuses == [400, 400, 400]
    blocked = staff_browser.post(VERIFY, {"token": code_for(device)})
    assert blocked.status_code == 429 and "Retry-After" in blocked
    assert staff_browser.get("/admin/").status_code == 302  # even the right code waited


def test_a_stolen_password_cannot_re_enrol_over_an_existing_factor(
    required, staff_browser, admin_user
):
    enrolled(admin_user)
    response = staff_browser.get(SETUP)
    assert response.status_code == 302 and response["Location"].startswith(VERIFY)
    assert TOTPDevice.objects.filter(user=admin_user).count() == 1


def test_new_backup_codes_replace_the_old_ones(required, staff_browser, admin_user):
    device = enrolled(admin_user)
    old = backup_codes_regenerate(user=admin_user)
    staff_browser.post(VERIFY, {"token": code_for(device)})

    response = staff_browser.post("/admin/2fa/backup-codes/")

    assert response.status_code == 200
    tokens = set(
        StaticToken.objects.filter(device__user=admin_user).values_list("token", flat=True)
    )
    assert len(tokens) == 10 and not tokens & set(old)


def test_an_admin_resets_another_staff_users_second_factor(required, admin_user):
    colleague = AdminFactory()
    enrolled(colleague)
    me = Client()
    me.force_login(admin_user)
    device = enrolled(admin_user)
    me.post(VERIFY, {"token": code_for(device)})

    me.post(
        "/admin/accounts/user/", {"action": "reset_two_factor", "_selected_action": [colleague.pk]}
    )

    assert not has_second_factor(colleague)


def test_erasing_an_account_removes_its_second_factors(admin_user):
    colleague = AdminFactory()
    enrolled(colleague)
    backup_codes_regenerate(user=colleague)
    user_erase(user=colleague, check_password=False)
    assert not TOTPDevice.objects.filter(user=colleague).exists()
    assert not StaticToken.objects.filter(device__user=colleague).exists()


def test_reset_service_forgets_every_device(customer):
    enrolled(customer)
    backup_codes_regenerate(user=customer)
    two_factor_reset(user=customer)
    assert not has_second_factor(customer)


def test_a_non_staff_user_never_needs_a_second_factor(required):
    from accounts.two_factor.middleware import second_factor_needed

    assert not second_factor_needed(UserFactory())


def test_no_admin_page_shows_the_secrets_of_second_factors(required, staff_browser, admin_user):
    device = enrolled(admin_user)
    staff_browser.post(VERIFY, {"token": code_for(device)})
    assert staff_browser.get("/admin/otp_totp/totpdevice/").status_code == 404
    assert staff_browser.get(f"/admin/otp_totp/totpdevice/{device.pk}/config/").status_code == 404
