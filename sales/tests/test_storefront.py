"""The storefront's cart, checkout, orders and invoices through Django's test client."""

import re

import pytest
from django.test import Client
from django.urls import reverse

from catalog.services import stock_set
from catalog.tests.factories import ProductFactory
from sales.models import Cart, InvoiceStatus, Order, OrderStatus
from sales.services import cart_add, cart_for_user, invoice_set_status
from sales.tests.factories import order_in_status, place_order

pytestmark = pytest.mark.django_db

CART = reverse("sales:cart")
ADD = reverse("sales:cart_add")
CHECKOUT = reverse("sales:checkout")
ADDRESS = {
    "full_name": "Ada Lovelace",
    "street": "1 Dog Lane",
    "postal_code": "1000",
    "city": "Barkville",
    "country": "Petland",
}


@pytest.fixture
def shopper(client, customer):
    client.force_login(customer)
    return client


def messages_of(response) -> list[str]:
    return [str(m) for m in response.context["messages"]]


CONFIRM = {"confirm": "yes"}


def checkout_data(client, **overrides) -> dict:
    key = client.get(CHECKOUT).context["form"].initial["idempotency_key"]
    return {**ADDRESS, "idempotency_key": key, **overrides}


# --- Cart ----------------------------------------------------------------------------


def test_visitor_can_fill_a_session_cart_without_an_account(client):
    product = ProductFactory(name="Chew toy", price="4.50")
    response = client.post(ADD, {"product_id": product.pk, "quantity": 2})
    assert response.status_code == 302
    cart = Cart.objects.get(session_key=client.session.session_key)
    assert cart.user is None and cart.lines.get().quantity == 2
    page = client.get(CART)
    assert "Chew toy" in page.content.decode() and page.context["total"] == 9


def test_header_counts_the_items_in_the_cart(client, product):
    assert "cart-count" not in client.get(CART).content.decode()
    client.post(ADD, {"product_id": product.pk, "quantity": 3})
    html = client.get(reverse("catalog:home")).content.decode()
    assert re.search(r'class="cart-count">3<span class="visually-hidden"> items</span>', html)


def test_the_cart_page_counts_its_items_in_the_header_without_asking_again(shopper, customer):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    cart = cart_for_user(user=customer)
    for product in ProductFactory.create_batch(2):
        cart_add(cart=cart, product_id=product.pk, quantity=2)
    with CaptureQueriesContext(connection) as queries:
        html = shopper.get(CART).content.decode()
    assert re.search(r'class="cart-count">4<span class="visually-hidden"> items</span>', html)
    line_reads = [q["sql"] for q in queries if '"sales_cartline"' in q["sql"]]
    assert len(line_reads) == 1, line_reads  # the page's lines; the header reuses them


def test_add_adds_to_the_line_already_in_the_cart(shopper, customer, product):
    shopper.post(ADD, {"product_id": product.pk, "quantity": 2})
    shopper.post(ADD, {"product_id": product.pk, "quantity": 3})
    assert cart_for_user(user=customer).lines.get().quantity == 5


def test_over_stock_add_is_refused_with_a_reason_and_the_typed_quantity_kept(shopper, customer):
    product = ProductFactory(name="Rare treat", stock=3)
    response = shopper.post(ADD, {"product_id": product.pk, "quantity": 7}, follow=True)
    assert response.status_code == 400
    html = response.content.decode()
    assert "Only 3 of Rare treat in stock." in html
    assert 'value="7"' in html  # what the customer typed is still in the field
    assert not cart_for_user(user=customer).lines.exists()


def test_over_stock_add_counts_what_the_cart_already_holds(shopper, customer):
    product = ProductFactory(name="Rare treat", stock=3)
    shopper.post(ADD, {"product_id": product.pk, "quantity": 2})
    response = shopper.post(ADD, {"product_id": product.pk, "quantity": 2})
    assert "You already have 2 in your cart." in " ".join(messages_of(response))
    assert cart_for_user(user=customer).lines.get().quantity == 2


def test_over_limit_add_explains_the_limit(shopper, product):
    response = shopper.post(ADD, {"product_id": product.pk, "quantity": 51})
    assert response.status_code == 400
    assert "50" in response.context["form"].errors["quantity"][0]


def test_adding_an_inactive_product_is_refused(shopper, customer):
    product = ProductFactory(is_active=False)
    response = shopper.post(ADD, {"product_id": product.pk, "quantity": 1}, follow=True)
    assert "not available" in " ".join(messages_of(response))
    assert not Cart.objects.filter(user=customer, lines__isnull=False).exists()


def test_cart_quantity_change_and_removal(shopper, customer):
    keep, drop = ProductFactory(name="Keep"), ProductFactory(name="Drop")
    cart = cart_for_user(user=customer)
    cart_add(cart=cart, product_id=keep.pk, quantity=1)
    cart_add(cart=cart, product_id=drop.pk, quantity=1)
    shopper.post(reverse("sales:cart_update"), {"product_id": keep.pk, "quantity": 4})
    shopper.post(reverse("sales:cart_remove"), {"product_id": drop.pk})
    assert list(cart.lines.values_list("product__name", "quantity")) == [("Keep", 4)]
    shopper.post(reverse("sales:cart_update"), {"product_id": keep.pk, "quantity": 0})
    assert not cart.lines.exists()


def test_cart_quantity_over_stock_is_refused_next_to_the_line(shopper, customer):
    product = ProductFactory(stock=5)
    cart_add(cart=cart_for_user(user=customer), product_id=product.pk, quantity=1)
    response = shopper.post(reverse("sales:cart_update"), {"product_id": product.pk, "quantity": 9})
    assert response.status_code == 400
    form = quantity_form_of(response.content.decode(), product.pk)
    error = f'<div id="id_line{product.pk}_quantity_error"><p class="error">Only 5'
    assert error in form  # next to the field, which points at it
    field = re.search(r'<input type="number"[^>]*>', form).group()
    assert 'value="9"' in field and 'aria-invalid="true"' in field
    assert f'aria-describedby="quantity-help id_line{product.pk}_quantity_error"' in field


def quantity_form_of(html: str, product_id: int) -> str:
    """The cart page's quantity form of the line of `product_id`."""
    forms = re.findall(r'<form[^>]*class="qty-form".*?</form>', html, re.S)
    return next(f for f in forms if f'name="product_id" value="{product_id}"' in f)


def attributes(tag: str) -> dict:
    return dict(re.findall(r'([\w-]+)(?:="([^"]*)")?', tag.strip("<>"))[1:])


def test_cart_quantity_fields_are_what_the_line_form_renders_and_post_through_it(shopper, customer):
    """The cart page writes each line's fields as plain HTML (a form per line cost most
    of the page): they must stay what CartLineForm renders, and post through it."""
    from sales.forms import CartLineForm

    products = ProductFactory.create_batch(2, stock=10)
    cart = cart_for_user(user=customer)
    for product in products:
        cart_add(cart=cart, product_id=product.pk, quantity=2)
    html = shopper.get(CART).content.decode()
    assert 'id="quantity-help">0 removes the line.<' in html  # what aria-describedby names
    for product in products:
        form = CartLineForm(
            initial={"product_id": product.pk, "quantity": 2}, auto_id=f"id_line{product.pk}_%s"
        )
        page_form = quantity_form_of(html, product.pk)
        for name in ("product_id", "quantity"):
            page_field = re.search(rf'<input [^>]*name="{name}"[^>]*>', page_form).group()
            expected = attributes(str(form[name]))
            if name == "quantity":  # Django names a help text the page does not show
                expected["aria-describedby"] = "quantity-help"
            assert attributes(page_field) == expected, name
        assert f'<label class="visually-hidden" for="id_line{product.pk}_quantity">' in page_form
    fields = dict(re.findall(r'name="(product_id|quantity)" value="([^"]*)"', page_form))
    shopper.post(reverse("sales:cart_update"), {**fields, "quantity": "5"})
    assert cart.lines.get(product=products[-1]).quantity == 5


def test_the_cart_page_escapes_product_names_and_a_typed_quantity(shopper, customer):
    """The page escapes each line's values once, in the view, for all their uses."""
    product = ProductFactory(name='<b id="x">Bold</b> & co', stock=5)
    cart_add(cart=cart_for_user(user=customer), product_id=product.pk, quantity=1)
    typed = '"><script>alert(1)</script>'
    response = shopper.post(
        reverse("sales:cart_update"), {"product_id": product.pk, "quantity": typed}
    )
    html = response.content.decode()
    assert "<script>alert" not in html and '<b id="x">' not in html
    name = "&lt;b id=&quot;x&quot;&gt;Bold&lt;/b&gt; &amp; co"
    assert f">{name}</a>" in html and f"Quantity of {name}</label>" in html
    assert f'<span class="visually-hidden"> {name}</span>' in html  # the remove button
    assert 'value="&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;"' in html


@pytest.mark.parametrize("count", [1, 20])
def test_the_cart_page_runs_two_queries_whatever_its_lines(
    shopper, customer, count, django_assert_num_queries
):
    """The user, and the lines with their products (the header reuses them); the
    session comes from the cache."""
    cart = cart_for_user(user=customer)
    for product in ProductFactory.create_batch(count):
        cart_add(cart=cart, product_id=product.pk, quantity=1)
    shopper.get(CART)  # the shop's menu is read once, then cached with the catalog
    with django_assert_num_queries(2):
        html = shopper.get(CART).content.decode()
    assert html.count('class="qty-form"') == count


def test_cart_shows_stock_problems_before_paying(shopper, customer):
    short, gone = ProductFactory(name="Short", stock=5), ProductFactory(name="Gone")
    cart = cart_for_user(user=customer)
    cart_add(cart=cart, product_id=short.pk, quantity=4)
    cart_add(cart=cart, product_id=gone.pk, quantity=1)
    stock_set(product=short, stock=2)
    stock_set(product=gone, stock=0)
    response = shopper.get(CART)
    html = response.content.decode()
    assert "Only 2 left in stock" in html and "Out of stock: please remove it." in html
    assert response.context["has_problems"]
    assert f'href="{CHECKOUT}"' not in html


# --- Checkout ------------------------------------------------------------------------


def test_a_visitor_checks_out_with_an_email_or_logs_in_and_comes_back(client, product):
    client.post(reverse("sales:cart_add"), {"product_id": product.pk, "quantity": 1})
    page = client.get(CHECKOUT)
    assert page.status_code == 200
    html = page.content.decode()
    assert 'name="email"' in html  # guest checkout: no account needed
    assert f"{reverse('accounts:login')}?next={CHECKOUT}" in html


def test_checkout_places_the_order_and_confirms_its_number(shopper, customer):
    product = ProductFactory(stock=5, price="3.00")
    cart_add(cart=cart_for_user(user=customer), product_id=product.pk, quantity=2)
    response = shopper.post(CHECKOUT, checkout_data(shopper), follow=True)
    order = Order.objects.get(user=customer)
    assert response.redirect_chain[-1][0] == reverse("sales:order_placed", args=[order.number])
    assert order.number in response.content.decode()
    assert order.total == 6 and "Barkville" in order.shipping_address
    assert not cart_for_user(user=customer).lines.exists()
    product.refresh_from_db()
    assert product.stock == 3


def test_a_double_submitted_checkout_places_one_order(shopper, customer, product):
    cart_add(cart=cart_for_user(user=customer), product_id=product.pk, quantity=1)
    data = checkout_data(shopper)
    first = shopper.post(CHECKOUT, data)
    second = shopper.post(CHECKOUT, data)
    assert Order.objects.filter(user=customer).count() == 1
    assert first["Location"] == second["Location"]


def test_checkout_form_errors_keep_what_was_typed(shopper, customer, product):
    cart_add(cart=cart_for_user(user=customer), product_id=product.pk, quantity=1)
    response = shopper.post(CHECKOUT, checkout_data(shopper, city=""))
    assert response.status_code == 400
    assert "This field is required." in response.context["form"].errors["city"]
    assert 'value="1 Dog Lane"' in response.content.decode()
    assert not Order.objects.exists()


def test_checkout_short_of_stock_changes_nothing_and_says_which_line(shopper, customer):
    product = ProductFactory(name="Scarce", stock=5)
    cart_add(cart=cart_for_user(user=customer), product_id=product.pk, quantity=4)
    data = checkout_data(shopper)
    stock_set(product=product, stock=1)
    response = shopper.post(CHECKOUT, data)
    assert response.status_code == 409
    assert "Not enough stock" in " ".join(messages_of(response))
    assert "Only 1 left in stock" in response.content.decode()
    assert not Order.objects.exists()


def test_checkout_with_an_empty_cart_goes_back_to_the_cart(shopper):
    assert shopper.get(CHECKOUT)["Location"] == CART


# --- Orders and invoices -------------------------------------------------------------


def test_order_history_lists_only_my_orders(shopper, customer, other_customer):
    mine, theirs = place_order(user=customer), place_order(user=other_customer)
    html = shopper.get(reverse("sales:order_list")).content.decode()
    assert mine.number in html and theirs.number not in html


def test_order_page_shows_lines_history_and_invoice(shopper, customer):
    order = order_in_status(OrderStatus.SHIPPED, user=customer)
    html = shopper.get(reverse("sales:order", args=[order.number])).content.decode()
    assert order.lines.get().name in html
    for status in ("Pending", "Shipped"):
        assert status in html
    assert order.live_invoice.number in html
    assert "Cancel this order" not in html  # shipped: too late


@pytest.mark.parametrize("name", ["sales:order", "sales:order_placed"])
def test_another_customers_order_is_not_found(shopper, other_customer, name):
    order = place_order(user=other_customer)
    assert shopper.get(reverse(name, args=[order.number])).status_code == 404


def test_customer_cancels_a_pending_order_and_stock_comes_back(shopper, customer):
    product = ProductFactory(stock=5)
    order = place_order(user=customer, products=[product], quantity=2)
    response = shopper.post(
        reverse("sales:order_cancel", args=[order.number]), CONFIRM, follow=True
    )
    assert "is cancelled" in " ".join(messages_of(response))
    order.refresh_from_db()
    product.refresh_from_db()
    assert order.status == OrderStatus.CANCELLED and product.stock == 5


def test_a_cancelled_order_still_links_its_voided_invoice(shopper, customer):
    order = place_order(user=customer)
    invoice = order.live_invoice
    shopper.post(reverse("sales:order_cancel", args=[order.number]), CONFIRM)

    html = shopper.get(reverse("sales:order", args=[order.number])).content.decode()

    assert reverse("sales:invoice", args=[invoice.number]) in html


def test_cancelling_a_shipped_order_is_refused_with_the_reason(shopper, customer):
    order = order_in_status(OrderStatus.SHIPPED, user=customer)
    response = shopper.post(
        reverse("sales:order_cancel", args=[order.number]), CONFIRM, follow=True
    )
    assert "can no longer be cancelled" in " ".join(messages_of(response))
    order.refresh_from_db()
    assert order.status == OrderStatus.SHIPPED


def test_a_cancel_posted_after_the_session_ended_asks_again_after_login(client, customer, password):
    # Logged out (session expired), the cancel form's POST goes to the login page with
    # next=<cancel url>; after logging in that URL is fetched with GET: the question
    # again (never a blank 405, never a cancel nobody confirmed).
    order = place_order(user=customer)
    cancel = reverse("sales:order_cancel", args=[order.number])
    to_login = client.post(cancel, CONFIRM)
    assert to_login["Location"] == f"{reverse('accounts:login')}?next={cancel}"
    response = client.post(
        reverse("accounts:login"),
        {"username": customer.username, "password": password, "next": cancel},
        follow=True,
    )
    assert response.status_code == 200
    assert response.redirect_chain[-1][0] == cancel
    assert f"Cancel order {order.number}?" in response.content.decode()
    order.refresh_from_db()
    assert order.status == OrderStatus.PENDING
    # The address form's POST target still leads back to the order on a GET.
    address = reverse("sales:order_address", args=[order.number])
    assert client.get(address)["Location"] == reverse("sales:order", args=[order.number])


def test_cancel_asks_for_confirmation_first_and_no_changes_nothing(shopper, customer):
    order = place_order(user=customer)
    page = shopper.get(reverse("sales:order", args=[order.number])).content.decode()
    cancel = reverse("sales:order_cancel", args=[order.number])
    assert f'href="{cancel}"' in page  # a link to the question, not a button that cancels

    question = shopper.get(cancel)
    assert question.status_code == 200
    html = question.content.decode()
    assert "Yes, cancel the order" in html and "No, keep the order" in html
    assert 'name="confirm" value="yes"' in html
    assert "onclick" not in html and "<script>" not in html  # no JavaScript needed

    unconfirmed = shopper.post(cancel)  # e.g. an old form without the confirmation
    assert (
        unconfirmed.status_code == 200 and "Yes, cancel the order" in unconfirmed.content.decode()
    )
    order.refresh_from_db()
    assert order.status == OrderStatus.PENDING


def test_the_cancel_question_is_not_offered_for_a_shipped_order(shopper, customer):
    order = order_in_status(OrderStatus.SHIPPED, user=customer)
    response = shopper.get(reverse("sales:order_cancel", args=[order.number]), follow=True)
    assert "can no longer be cancelled" in " ".join(messages_of(response))
    assert "Yes, cancel the order" not in response.content.decode()


def test_another_customers_cancel_question_is_not_found(shopper, other_customer):
    order = place_order(user=other_customer)
    assert shopper.get(reverse("sales:order_cancel", args=[order.number])).status_code == 404


def test_cancelling_another_customers_order_is_not_found(shopper, other_customer):
    order = place_order(user=other_customer)
    assert shopper.post(reverse("sales:order_cancel", args=[order.number])).status_code == 404
    order.refresh_from_db()
    assert order.status == OrderStatus.PENDING


def test_invoices_list_and_printable_invoice(shopper, customer, other_customer):
    invoice = place_order(user=customer).live_invoice
    theirs = place_order(user=other_customer).live_invoice
    listing = shopper.get(reverse("sales:invoice_list")).content.decode()
    assert invoice.number in listing and theirs.number not in listing
    page = shopper.get(reverse("sales:invoice", args=[invoice.number]))
    html = page.content.decode()
    assert f"Invoice {invoice.number}" in html and "Billed to" in html
    assert shopper.get(reverse("sales:invoice", args=[theirs.number])).status_code == 404


def test_confirmation_links_the_invoice_and_claims_no_email(shopper, customer):
    order = place_order(user=customer)
    html = shopper.get(reverse("sales:order_placed", args=[order.number])).content.decode()
    invoice = order.live_invoice
    assert f'href="{reverse("sales:invoice", args=[invoice.number])}"' in html
    assert "sent" not in html  # the shop sends no email


def test_only_an_unpaid_invoice_asks_for_payment(shopper, customer):
    invoice = place_order(user=customer).live_invoice
    url = reverse("sales:invoice", args=[invoice.number])
    assert "Please pay by bank transfer" in shopper.get(url).content.decode()
    invoice_set_status(invoice=invoice, status=InvoiceStatus.PAID, payment_reference="BANK-1")
    paid = shopper.get(url).content.decode()
    assert "Please pay" not in paid and "Payment reference: BANK-1" in paid
    cancelled = place_order(user=customer).live_invoice
    invoice_set_status(invoice=cancelled, status=InvoiceStatus.CANCELLED)
    html = shopper.get(reverse("sales:invoice", args=[cancelled.number])).content.decode()
    assert "Please pay" not in html and "nothing is owed" in html


def test_the_stylesheet_prints_invoices_without_navigation():
    from django.contrib.staticfiles import finders

    css = open(finders.find("css/shop.css")).read()
    print_rules = css[css.index("@media print") :]
    assert (
        ".site-header" in print_rules and ".btn" in print_rules and "display: none" in print_rules
    )


def test_posts_without_a_csrf_token_are_refused(customer, product):
    client = Client(enforce_csrf_checks=True)
    client.force_login(customer)
    assert client.post(ADD, {"product_id": product.pk, "quantity": 1}).status_code == 403
    order = place_order(user=customer)
    assert client.post(reverse("sales:order_cancel", args=[order.number])).status_code == 403
    assert not Cart.objects.filter(user=customer, lines__isnull=False).exists()


def test_posts_with_the_csrf_token_from_the_page_are_accepted(customer, product):
    client = Client(enforce_csrf_checks=True)
    client.force_login(customer)
    page = client.get(reverse("catalog:product", args=[product.pk, product.slug])).content.decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    response = client.post(
        ADD, {"product_id": product.pk, "quantity": 1, "csrfmiddlewaretoken": token}
    )
    assert response.status_code == 302


@pytest.mark.parametrize("count", [5, 40])
def test_order_page_runs_a_bounded_number_of_queries(
    shopper, customer, django_assert_max_num_queries, count
):
    order = place_order(user=customer, products=ProductFactory.create_batch(count))
    with django_assert_max_num_queries(10):
        assert shopper.get(reverse("sales:order", args=[order.number])).status_code == 200


@pytest.mark.parametrize("count", [1, 20])
def test_a_warm_order_page_runs_three_queries_whatever_its_lines(
    shopper, customer, count, django_assert_num_queries
):
    """The user, the order row, the header's cart count (the session comes from the
    cache): its lines, history, returns and invoice come from the per-user cache once
    the page was seen."""
    order = place_order(user=customer, products=ProductFactory.create_batch(count))
    url = reverse("sales:order", args=[order.number])
    cold = shopper.get(url).content.decode()
    with django_assert_num_queries(3):
        warm = shopper.get(url).content.decode()
    token = r'(name="csrfmiddlewaretoken" value=")[^"]+'
    assert re.sub(token, "", warm) == re.sub(token, "", cold)
    assert warm.count('data-label="Qty"') == count


def test_the_order_page_address_field_is_what_the_address_form_renders(shopper, customer):
    """The order page writes its address field as plain HTML; it must stay what
    ShippingAddressForm renders (the address view parses the post with it)."""
    from sales.forms import ShippingAddressForm

    order = place_order(user=customer)
    html = shopper.get(reverse("sales:order", args=[order.number])).content.decode()
    expected = str(
        ShippingAddressForm(initial={"shipping_address": order.shipping_address})[
            "shipping_address"
        ]
    )
    assert re.search(r"<textarea.*?</textarea>", html, re.S).group() == expected


@pytest.mark.parametrize("count", [5, 40])
def test_cart_and_invoice_pages_run_a_bounded_number_of_queries(
    shopper, customer, django_assert_max_num_queries, count
):
    products = ProductFactory.create_batch(count)
    order = place_order(user=customer, products=products)
    cart = cart_for_user(user=customer)
    for product in products:
        cart_add(cart=cart, product_id=product.pk, quantity=1)
    with django_assert_max_num_queries(8):
        assert shopper.get(CART).status_code == 200
    with django_assert_max_num_queries(8):
        assert (
            shopper.get(reverse("sales:invoice", args=[order.live_invoice.number])).status_code
            == 200
        )


def test_every_storefront_page_has_one_h1_landmarks_and_no_inline_code(shopper, customer):
    from returns.tests.factories import request_return

    product = ProductFactory()
    cart_add(cart=cart_for_user(user=customer), product_id=product.pk, quantity=1)
    order = order_in_status(OrderStatus.DELIVERED, user=customer)
    ret = request_return(order=order)
    urls = [
        reverse("catalog:home"),
        reverse("catalog:product_list"),
        reverse("catalog:product", args=[product.pk, product.slug]),
        CART,
        CHECKOUT,
        reverse("sales:order_list"),
        reverse("sales:order", args=[order.number]),
        reverse("sales:order_placed", args=[order.number]),
        reverse("sales:invoice_list"),
        reverse("sales:invoice", args=[order.live_invoice.number]),
        reverse("returns:create", args=[order.number]),
        reverse("returns:list"),
        reverse("returns:detail", args=[ret.pk]),
        reverse("accounts:profile"),
        reverse("accounts:password_change"),
        "/no-such-page/",
    ]
    for url in urls:
        response = shopper.get(url)
        html = response.content.decode()
        assert response.status_code in (200, 404), url
        assert len(re.findall(r"<h1[\s>]", html)) == 1, url
        for landmark in ("<header", "<nav", "<main", "<footer", 'aria-live="polite"'):
            assert landmark in html, (url, landmark)
        assert " style=" not in html and "<style" not in html, url
        assert not re.search(r"<script(?![^>]*\bsrc=)", html), url
        assert "Content-Security-Policy" in response.headers, url


def test_customer_changes_the_address_of_a_pending_order(shopper, customer):
    order = place_order(user=customer)
    page = shopper.get(reverse("sales:order", args=[order.number])).content.decode()
    assert reverse("sales:order_address", args=[order.number]) in page
    response = shopper.post(
        reverse("sales:order_address", args=[order.number]),
        {"shipping_address": "2 Cat Court\nMeowtown"},
        follow=True,
    )
    assert "The shipping address is changed." in messages_of(response)
    order.refresh_from_db()
    assert order.shipping_address == "2 Cat Court\nMeowtown"


def test_address_of_a_confirmed_order_can_no_longer_change(shopper, customer):
    order = order_in_status(OrderStatus.CONFIRMED, user=customer)
    page = shopper.get(reverse("sales:order", args=[order.number])).content.decode()
    assert reverse("sales:order_address", args=[order.number]) not in page
    response = shopper.post(
        reverse("sales:order_address", args=[order.number]),
        {"shipping_address": "2 Cat Court"},
        follow=True,
    )
    assert "can no longer change" in " ".join(messages_of(response))
    order.refresh_from_db()
    assert order.shipping_address != "2 Cat Court"


def test_another_customers_address_cannot_be_changed(shopper, other_customer):
    order = place_order(user=other_customer)
    response = shopper.post(
        reverse("sales:order_address", args=[order.number]), {"shipping_address": "Mine now 1"}
    )
    assert response.status_code == 404


def test_adding_a_product_id_that_is_no_plain_number_is_refused_not_a_500(shopper):
    # "²" is a digit to str.isdigit() but no number to int().
    response = shopper.post(ADD, {"product_id": "²", "quantity": 1})
    assert response.status_code in (302, 400)
    assert not Cart.objects.filter(lines__isnull=False).exists()
