"""Issue 15 in a real browser, JavaScript off: a withdrawn product stays in the cart,
a cancel asks first, erasing needs the password, and staff enrol a second factor."""

import re
from base64 import b32decode
from pathlib import Path

import pytest

from tests.browser.test_journeys import expect_message, make_product

pytestmark = [
    pytest.mark.skipif(
        not Path("/usr/bin/chromium").exists(),
        reason="Chromium is not installed at /usr/bin/chromium (apt-get install chromium)",
    ),
    pytest.mark.django_db(transaction=True),
]


@pytest.fixture
def no_js(browser, live_server):
    context = browser.new_context(base_url=live_server.url, java_script_enabled=False)
    context.set_default_timeout(15_000)
    yield context.new_page()
    context.close()


def log_in(page, username, password):
    page.goto("/account/login/")
    page.get_by_label("Username or email").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()


def test_withdrawn_product_cancel_confirmation_and_erase(no_js, reference_data):
    from playwright.sync_api import expect

    from accounts.models import User
    from accounts.tests.factories import PASSWORD, UserFactory
    from catalog.services import product_update
    from sales.models import Order, OrderStatus
    from sales.services import cart_add, cart_for_user
    from sales.tests.factories import place_order

    page = no_js
    customer = UserFactory(username="hedy")
    duck = make_product("Retired Squeaky Duck", category="toys")
    cart_add(cart=cart_for_user(user=customer), product_id=duck.pk, quantity=1)
    product_update(product=duck, is_active=False)
    order = place_order(user=customer)

    log_in(page, "hedy", PASSWORD)
    page.goto("/cart/")
    expect(page.get_by_role("alert").first).to_contain_text(
        "No longer available: Retired Squeaky Duck"
    )
    expect(page.locator("tbody")).to_contain_text("Retired Squeaky Duck")

    page.goto(f"/orders/{order.number}/")
    page.get_by_role("link", name=re.compile("Cancel this order")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Cancel order {order.number}?")
    page.get_by_role("link", name="No, keep the order").click()
    assert Order.objects.get(pk=order.pk).status == OrderStatus.PENDING
    page.get_by_role("link", name=re.compile("Cancel this order")).click()
    page.get_by_role("button", name="Yes, cancel the order").click()
    expect_message(page, f"Order {order.number} is cancelled.")

    page.goto("/account/profile/")
    page.get_by_role("link", name=re.compile("Erase my account")).click()
    page.get_by_label("Your password").fill("not-my-password")
    page.get_by_role("button", name="Erase my account").click()
    expect(page.locator(".field-error")).to_contain_text("The password is wrong.")
    page.get_by_label("Your password").fill(PASSWORD)
    page.get_by_role("button", name="Erase my account").click()
    expect_message(page, "Your account is erased")
    assert User.objects.get(pk=customer.pk).username == f"erased-{customer.pk}"


def test_staff_enrol_a_second_factor_and_then_reach_the_admin(no_js, settings):
    from django_otp.oath import totp
    from playwright.sync_api import expect

    from accounts.tests.factories import PASSWORD, AdminFactory

    settings.STAFF_2FA_REQUIRED = True
    AdminFactory(username="ada")
    page = no_js
    page.goto("/admin/login/?next=/admin/")
    page.get_by_label("Username").fill("ada")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()

    expect(page).to_have_url(re.compile(r"/admin/2fa/setup/"))
    expect(page.locator(".qr svg")).to_be_visible()
    secret = page.locator("li code").first.inner_text()
    code = f"{totp(b32decode(secret)):06d}"
    page.get_by_label("Code").fill(code)
    page.get_by_role("button", name="Confirm").click()
    expect(page.locator(".backup-codes li")).to_have_count(10)
    page.get_by_role("link", name="Continue to the admin").click()
    expect(page).to_have_url(re.compile(r"/admin/$"))
    expect(page.locator("#site-name")).to_be_visible()
