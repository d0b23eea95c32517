"""The password reset journey in a real browser: "Forgot your password?" on the login
page → the email, sent by the real worker (`manage.py db_worker --batch`) → its link,
followed from the email itself → a new password → logged in with it."""

import re
from pathlib import Path

import pytest
from django.core import mail
from django.core.management import call_command

pytestmark = [
    pytest.mark.skipif(
        not Path("/usr/bin/chromium").exists(),
        reason="Chromium is not installed at /usr/bin/chromium (apt-get install chromium)",
    ),
    pytest.mark.django_db(transaction=True),
]

NEW_PASSWORD = "fresh-salmon-kibble-77"


def run_worker():
    """What `make run`'s worker does, until the queue is empty."""
    call_command("db_worker", batch=True, startup_delay=False, reload=False, verbosity=0)


def test_forgot_password_email_link_new_password_log_in(page, live_server, settings, shoot):
    from playwright.sync_api import expect

    from accounts.tests.factories import UserFactory

    settings.SHOP_BASE_URL = live_server.url
    UserFactory(username="nora", email="nora@example.com", first_name="Nora")

    # The login page offers a way out.
    page.goto("/account/login/")
    page.get_by_role("link", name="Forgot your password?").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Forgot your password?")
    page.get_by_label("Email").fill("NORA@example.com")
    page.get_by_role("button", name="Send me a reset link").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Check your email")
    assert mail.outbox == []  # queued in the outbox: the worker sends it

    run_worker()

    [email] = mail.outbox
    assert email.to == ["nora@example.com"]
    assert email.subject == "Reset your Pawfect password"

    # Open the email as a phone's mail client would show it, and follow its button.
    html = email.alternatives[0][0]
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto("about:blank")  # a blank document: no shop page (nor its CSP) around the email
    page.set_content(html)
    shoot(page, "email-password-reset")
    link = page.get_by_role("link", name="Choose a new password")
    reset_url = link.get_attribute("href")
    assert re.fullmatch(rf"{re.escape(live_server.url)}/account/reset/[^/]+/[^/]+/", reset_url)
    link.click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Choose a new password")
    page.get_by_label("New password", exact=True).fill(NEW_PASSWORD)
    page.get_by_label("New password confirmation").fill(NEW_PASSWORD)
    page.get_by_role("button", name="Set my new password").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your password is changed")

    # Log in with the new password.
    page.get_by_role("link", name="Log in").last.click()
    page.get_by_label("Username or email").fill("nora@example.com")
    page.get_by_label("Password").fill(NEW_PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.locator(".messages")).to_contain_text("Welcome back, Nora")

    # The link was for one use only.
    run_worker()  # the "password changed" notice
    assert mail.outbox[-1].subject == "Your Pawfect password was changed"
    page.goto(reset_url)
    expect(page.get_by_role("heading", level=1)).to_have_text("This link does not work any more")


def test_a_checkout_in_the_browser_produces_an_order_confirmation(
    page, live_server, settings, shoot, reference_data
):
    """The order confirmation as the customer reads it on a phone, and its link back to
    the order (the same browser, logged in)."""
    from playwright.sync_api import expect

    from accounts.tests.factories import PASSWORD, UserFactory
    from catalog.tests.factories import ProductFactory
    from sales.models import Order

    settings.SHOP_BASE_URL = live_server.url
    UserFactory(username="otto", email="otto@example.com", first_name="Otto")
    ProductFactory(name="Salmon Kibble 2 kg", sku="SAL-2", price="24.90", stock=5)
    page.goto("/account/login/")
    page.get_by_label("Username or email").fill("otto")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.goto("/products/")
    page.get_by_role("link", name="Salmon Kibble 2 kg").first.click()
    page.get_by_label("Quantity").fill("2")
    page.get_by_role("button", name="Add to cart").click()
    page.goto("/checkout/")
    page.get_by_label("Full name").fill("Otto Pawson")
    page.get_by_label("Street and number").fill("3 Whisker Way")
    page.get_by_label("Postal code").fill("1010")
    page.get_by_label("City").fill("Vienna")
    page.get_by_label("Country").fill("Austria")
    page.get_by_role("button", name="Place order").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Thank you for your order!")
    order = Order.objects.get(user__username="otto")

    run_worker()

    [email] = mail.outbox
    assert email.to == ["otto@example.com"]
    assert email.subject == f"Order {order.number} confirmed"
    assert "2 × Salmon Kibble 2 kg (SAL-2) at $24.90 = $49.80" in email.body
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto("about:blank")
    page.set_content(email.alternatives[0][0])
    expect(page.get_by_role("heading", level=1)).to_have_text("Thank you for your order!")
    expect(page.get_by_text("3 Whisker Way")).to_be_visible()
    shoot(page, "email-order-confirmation")
    page.get_by_role("link", name="Follow your order").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(order.number)
