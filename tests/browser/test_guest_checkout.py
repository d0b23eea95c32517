"""Guest checkout in a real browser: a visitor buys with an email and no account, reads
the confirmation email, follows its private link to the order and its invoice, then
registers with that email, proves it from the second email, and finds the order in the
account. Shipping and tax are on, as in the demo shop."""

import re
from decimal import Decimal
from pathlib import Path

import pytest

from catalog.models import Category, PetType

pytestmark = [
    pytest.mark.skipif(
        not Path("/usr/bin/chromium").exists(),
        reason="Chromium is not installed at /usr/bin/chromium (apt-get install chromium)",
    ),
    pytest.mark.django_db(transaction=True),
]


def link_in(message, pattern: str) -> str:
    """The path of the first link in an email's text matching `pattern`."""
    url = re.search(rf"https?://[^\s]*?{pattern}", message.body).group(0)
    return re.sub(r"^https?://[^/]+", "", url)


def test_guest_checks_out_follows_the_emailed_link_then_claims_the_order(
    page, reference_data, deliver_emails, shoot
):
    from playwright.sync_api import expect

    from catalog.tests.factories import ProductFactory
    from sales.models import Order, ShippingMethod, TaxRate

    ShippingMethod.objects.create(name="Standard", price=Decimal("4.90"), free_above=Decimal("50"))
    ShippingMethod.objects.create(name="Express", price=Decimal("12.90"), position=1)
    TaxRate.objects.create(rate=Decimal("8.00"))
    ProductFactory(
        name="Salmon Kibble 2 kg",
        slug="salmon-kibble-2-kg",
        pet_type=PetType.objects.get(slug="dog"),
        category=Category.objects.get(slug="food"),
        price=Decimal("24.90"),
        stock=10,
    )

    # A visitor adds to the cart and checks out with an email, no account.
    page.goto("/products/")
    page.get_by_role("link", name=re.compile("Salmon Kibble")).click()
    page.get_by_role("button", name="Add to cart").click()
    page.locator("a.cart-link").click()
    page.get_by_role("link", name="Checkout").click()
    expect(page.get_by_text("No account needed")).to_be_visible()
    page.get_by_label("Email address").fill("grace@example.com")
    page.get_by_label("Full name").fill("Grace Hopper")
    page.get_by_label("Street and number").fill("7 Cat Road")
    page.get_by_label("Postal code").fill("2000")
    page.get_by_label("City").fill("Meowtown")
    page.get_by_label("Country").fill("Petland")
    page.get_by_label(re.compile("^Express")).check()
    expect(page.get_by_test_id("tax")).to_have_text("$1.99")  # 8 % of 24.90, half up
    shoot(page, "guest-checkout")
    page.get_by_role("button", name="Place order").click()

    # The confirmation, in this browser.
    expect(page.get_by_role("heading", level=1)).to_contain_text("Thank you for your order")
    order = Order.objects.get()
    assert order.user is None and order.guest_email == "grace@example.com"
    assert (order.shipping_method, order.shipping_cost, order.tax, order.total) == (
        "Express",
        Decimal("12.90"),
        Decimal("1.99"),
        Decimal("39.79"),
    )
    expect(page.locator(".order-number")).to_have_text(order.number)

    # The worker sends the confirmation; its private link opens the order and invoice.
    (confirmation,) = deliver_emails()
    assert confirmation.to == ["grace@example.com"]
    page.goto(link_in(confirmation, r"/track/[0-9a-f]+/(?=\s)"))  # the order's, not the invoice's
    expect(page.get_by_role("heading", level=1)).to_contain_text(f"Order {order.number}")
    expect(page.get_by_test_id("total")).to_have_text("$39.79")
    page.get_by_role("link", name=re.compile("^Invoice ")).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(order.live_invoice.number)
    expect(page.get_by_text("8 %")).to_be_visible()
    shoot(page, "guest-invoice")

    # Later, the same person registers with that email...
    page.goto("/account/register/")
    page.get_by_label("Username", exact=True).fill("grace")
    page.get_by_label("Email").fill("grace@example.com")
    page.get_by_label("Password", exact=True).fill("kibble-and-bits-42")
    page.get_by_label("Password again").fill("kibble-and-bits-42")
    page.get_by_role("button", name="Create account").click()
    expect(page.locator(".messages")).to_contain_text("we emailed you a link")
    order.refresh_from_db()
    assert order.user is None  # not before the email is proven

    # ...follows the proof link from the second email, and the order is in the account.
    (claim,) = [m for m in deliver_emails() if "claim-orders" in m.body]  # (and a welcome)
    assert claim.to == ["grace@example.com"]
    page.goto(link_in(claim, r"/claim-orders/[^\s]+"))
    expect(page.locator(".messages")).to_contain_text("1 order added to your account")
    expect(page.get_by_role("link", name=order.number)).to_be_visible()
    order.refresh_from_db()
    assert order.user.username == "grace"
