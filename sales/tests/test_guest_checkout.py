"""Guest checkout: a visitor buys with an email and no password; a private link opens
that order (and its invoice) and nothing else; the person claims their guest orders
into an account after proving the email."""

import re

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from accounts.tests.factories import UserFactory
from catalog.tests.factories import ProductFactory
from notifications.models import Email
from sales.models import Order
from sales.services import guest_orders_claim, order_place
from sales.services.guest_orders import InvalidClaimLink, claim_token

pytestmark = pytest.mark.django_db

CHECKOUT = reverse("sales:checkout")
ADDRESS = {
    "full_name": "Grace Hopper",
    "street": "7 Cat Road",
    "postal_code": "2000",
    "city": "Meowtown",
    "country": "Petland",
}
LINK = re.compile(r"https?://[^\s]+/track/([\w-]+)/")


def set_rate(settings, scope: str, rate: str) -> None:
    rates = {**settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"], scope: rate}
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": rates}


def visitor_with_cart(product=None, quantity=1) -> Client:
    client = Client()
    product = product or ProductFactory(stock=10, price="8.00")
    client.post(reverse("sales:cart_add"), {"product_id": product.pk, "quantity": quantity})
    return client


def guest_checkout(client, email="grace@example.com", **overrides):
    key = client.get(CHECKOUT).context["form"].initial["idempotency_key"]
    data = {**ADDRESS, "email": email, "idempotency_key": key, **overrides}
    return client.post(CHECKOUT, data, follow=True)


def token_from_last_email() -> str:
    return LINK.search(mail.outbox[-1].body).group(1)


def place_guest_order(email="grace@example.com"):
    product = ProductFactory(stock=5)
    return order_place(
        user=None,
        guest_email=email,
        shipping_address="7 Cat Road, Meowtown",
        items=[{"product_id": product.pk, "quantity": 1}],
    ).order


def test_a_visitor_checks_out_with_an_email_and_gets_the_private_link(
    deliver_emails,
):
    product = ProductFactory(stock=10, price="8.00")
    client = visitor_with_cart(product, quantity=2)
    response = guest_checkout(client)
    (confirmation,) = deliver_emails()  # the worker sends what checkout queued
    order = Order.objects.get()
    assert order.user is None and order.guest_email == "grace@example.com"
    assert order.is_guest and order.total == 16 and order.invoices.count() == 1
    assert order.history.get().to_status == "pending"
    product.refresh_from_db()
    assert product.stock == 8
    # The confirmation page, in this browser, then the email with the private link.
    assert response.redirect_chain[-1][0] == reverse("sales:order_placed", args=[order.number])
    assert "grace@example.com" in response.content.decode()
    assert not client.get(reverse("sales:cart")).context["rows"]
    assert confirmation.to == ["grace@example.com"] and order.number in confirmation.subject
    token = token_from_last_email()
    assert token not in order.access_token_hash and order.number not in token
    page = Client().get(reverse("sales:guest_order", args=[token]))  # any browser with the link
    assert page.status_code == 200 and order.number in page.content.decode()
    invoice = Client().get(reverse("sales:guest_invoice", args=[token]))
    assert invoice.status_code == 200 and order.invoices.get().number in invoice.content.decode()


def test_a_double_submitted_guest_checkout_places_one_order():
    client = visitor_with_cart()
    key = client.get(CHECKOUT).context["form"].initial["idempotency_key"]
    data = {**ADDRESS, "email": "grace@example.com", "idempotency_key": key}
    first = client.post(CHECKOUT, data)
    second = client.post(CHECKOUT, data)
    assert first.status_code == second.status_code == 302
    assert first["Location"] == second["Location"]
    assert Order.objects.count() == 1


def test_a_guest_checkout_needs_a_valid_email_and_changes_nothing_without_one():
    product = ProductFactory(stock=3)
    client = visitor_with_cart(product)
    response = guest_checkout(client, email="not-an-email")
    assert response.status_code == 400
    assert "email" in response.context["form"].errors
    assert not Order.objects.exists()
    product.refresh_from_db()
    assert product.stock == 3


def test_the_private_link_of_one_guest_order_opens_no_other(deliver_emails):
    first = place_guest_order("one@example.com")
    deliver_emails()
    first_token = token_from_last_email()
    second = place_guest_order("two@example.com")
    deliver_emails()
    second_token = token_from_last_email()
    visitor = Client()
    first_page = visitor.get(reverse("sales:guest_order", args=[first_token])).content.decode()
    assert first.number in first_page and second.number not in first_page
    second_page = visitor.get(reverse("sales:guest_order", args=[second_token])).content.decode()
    assert second.number in second_page and first.number not in second_page
    # Neither the order number, a truncated or altered token, nor a stored hash opens one.
    for guess in (first.number, first_token[:-1], first_token[:-1] + "x", first.access_token_hash):
        assert visitor.get(reverse("sales:guest_order", args=[guess])).status_code == 404
        assert visitor.get(reverse("sales:guest_invoice", args=[guess])).status_code == 404
    # Nor do a registered customer's order pages.
    assert visitor.get(reverse("sales:order", args=[first.number])).status_code == 302


def test_private_link_lookups_are_throttled(settings):
    set_rate(settings, "order_link", "3/hour")
    visitor = Client()
    codes = [
        visitor.get(reverse("sales:guest_order", args=[f"guess{i}"])).status_code for i in range(4)
    ]
    assert codes == [404, 404, 404, 404]
    order = place_guest_order()
    # Even a right token gets nothing once the address is over its rate.
    assert order.access_token_hash
    assert visitor.get(reverse("sales:guest_order", args=["any"])).status_code == 404


def test_guest_checkout_is_throttled_per_client_address(settings):
    set_rate(settings, "guest_checkout", "1/hour")
    assert guest_checkout(visitor_with_cart()).status_code == 200
    client = visitor_with_cart()
    response = guest_checkout(client)
    assert response.status_code == 429
    assert Order.objects.count() == 1


def test_a_guest_order_shows_for_no_other_customer_and_in_no_api_list(customer_client, customer):
    order = place_guest_order(email=customer.email)  # even with the same email, unproven
    assert customer_client.get(reverse("api-order-list")).json()["count"] == 0
    assert customer_client.get(reverse("api-order-detail", args=[order.pk])).status_code == 404
    assert customer_client.get(reverse("api-invoice-list")).json()["count"] == 0
    shopper = Client()
    shopper.force_login(customer)
    assert shopper.get(reverse("sales:order", args=[order.number])).status_code == 404
    assert shopper.get(reverse("sales:order_placed", args=[order.number])).status_code == 404


def test_the_confirmation_page_shows_only_orders_this_browser_placed():
    order = place_guest_order()
    for number in (order.number, "PS-0000-NOSUCH"):
        response = Client().get(reverse("sales:order_placed", args=[number]))
        assert response.status_code == 302 and "/account/login/" in response["Location"]


def test_admins_see_guest_orders_marked_as_guest():
    from accounts.tests.factories import AdminFactory

    order = place_guest_order("guest@example.com")
    staff = Client()
    staff.force_login(AdminFactory())
    page = staff.get(reverse("admin:sales_order_changelist")).content.decode()
    assert "Guest: guest@example.com" in page
    only_guests = staff.get(reverse("admin:sales_order_changelist") + "?guest=yes")
    assert order.number in only_guests.content.decode()


# --- claiming -------------------------------------------------------------------------------


def test_logging_in_with_the_email_sends_the_proof_link_and_the_link_joins_the_orders(
    deliver_emails, password
):
    user = UserFactory(email="Grace@Example.com")
    first = place_guest_order("grace@example.com")
    second = place_guest_order("GRACE@example.com")
    other = place_guest_order("someone@example.com")
    deliver_emails()  # the three confirmations
    browser = Client()
    response = browser.post(
        reverse("accounts:login"),
        {"username": user.username, "password": password},
        follow=True,
    )
    (email,) = deliver_emails()
    assert "we emailed you a link" in response.content.decode()
    assert email.to == [user.email]
    path = re.search(r"https?://[^/\s]+(/claim-orders/[^\s]+/)", email.body).group(1)
    # Nothing joined before the proof.
    assert Order.objects.filter(user=user).count() == 0
    response = browser.get(path, follow=True)
    assert "2 orders added to your account" in response.content.decode()
    assert set(Order.objects.filter(user=user)) == {first, second}
    other.refresh_from_db()
    assert other.user is None
    # The orders and their invoices are now in the account.
    orders = browser.get(reverse("sales:order_list")).content.decode()
    assert first.number in orders and second.number in orders


def test_a_claim_link_works_only_for_the_account_it_was_sent_to():
    owner = UserFactory(email="grace@example.com")
    intruder = UserFactory()
    place_guest_order("grace@example.com")
    token = claim_token(owner)
    with pytest.raises(InvalidClaimLink):
        guest_orders_claim(user=intruder, token=token)
    with pytest.raises(InvalidClaimLink):
        guest_orders_claim(user=owner, token=token + "x")
    # An email changed since the link was sent: the link no longer proves anything.
    owner.email = "new@example.com"
    owner.save()
    with pytest.raises(InvalidClaimLink):
        guest_orders_claim(user=owner, token=token)
    assert Order.objects.filter(user__isnull=False).count() == 0


def test_an_expired_claim_link_is_refused(settings):
    owner = UserFactory(email="grace@example.com")
    place_guest_order("grace@example.com")
    token = claim_token(owner)
    settings.GUEST_CLAIM_LINK_HOURS = -1
    with pytest.raises(InvalidClaimLink):
        guest_orders_claim(user=owner, token=token)


def test_claim_emails_are_throttled_per_account(settings, deliver_emails):
    set_rate(settings, "guest_claim", "2/hour")
    user = UserFactory(email="grace@example.com")
    place_guest_order("grace@example.com")
    browser = Client()
    browser.force_login(user)  # the login sends the first link
    again = browser.post(reverse("sales:guest_orders_claim_request"), follow=True)
    refused = browser.post(reverse("sales:guest_orders_claim_request"), follow=True)
    deliver_emails()
    assert "We emailed" in again.content.decode()
    assert "already sent you a link" in refused.content.decode()
    assert Email.objects.filter(event="orders_guest_claim").count() == 2


def test_asking_for_a_claim_link_without_guest_orders_sends_nothing(customer):
    browser = Client()
    browser.force_login(customer)
    response = browser.post(reverse("sales:guest_orders_claim_request"), follow=True)
    assert "No order placed without an account" in response.content.decode()
    assert not Email.objects.exists()


def test_admin_invoice_pages_show_a_guest_and_the_tax_breakdown():
    from decimal import Decimal

    from accounts.tests.factories import AdminFactory
    from sales.models import TaxRate

    TaxRate.objects.create(rate=Decimal("20"))
    order = place_guest_order("guest@example.com")
    invoice = order.invoices.get()
    staff = Client()
    staff.force_login(AdminFactory())
    listing = staff.get(reverse("admin:sales_invoice_changelist")).content.decode()
    assert "Guest: guest@example.com" in listing
    printed = staff.get(reverse("admin:sales_invoice_print", args=[invoice.pk])).content.decode()
    assert "guest@example.com" in printed and "Tax rate" in printed and str(invoice.tax) in printed
    overview = staff.get(reverse("admin:sales_overview"))
    assert overview.status_code == 200


def test_every_email_about_a_guest_order_goes_to_the_guest_with_the_private_link(
    deliver_emails,
):
    from accounts.tests.factories import AdminFactory
    from sales.services import order_set_status

    order = place_guest_order("grace@example.com")
    (confirmation,) = deliver_emails()
    token = LINK.search(confirmation.body).group(1)
    assert "Subtotal" in confirmation.body and "Tax" in confirmation.body
    order_set_status(order=order, status="shipped", by=AdminFactory())
    (shipped,) = deliver_emails()
    assert shipped.to == ["grace@example.com"]
    assert LINK.search(shipped.body).group(1) == token  # the same private link
    assert Client().get(reverse("sales:guest_order", args=[token])).status_code == 200
