"""The storefront: another customer's orders, invoices and returns are never visible
or changeable (404, not 403: their existence is not revealed), every form carries a
CSRF token and a POST without one is refused, and no page needs inline code that the
content security policy would block."""

import re
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

import pytest
from django.test import Client
from django.urls import reverse
from rest_framework_simplejwt.tokens import AccessToken

from catalog.tests.factories import ProductFactory
from returns.services import return_request
from sales.models import OrderStatus
from sales.services import cart_add, cart_for_user
from sales.tests.factories import order_in_status


@pytest.fixture
def shop(customer):
    """A customer with something behind every page: a pending order (cancellable), a
    delivered one with a return, their invoices, a cart line."""
    products = [ProductFactory(stock=50), ProductFactory(stock=50)]
    pending = order_in_status(OrderStatus.PENDING, user=customer, products=products[:1])
    delivered = order_in_status(OrderStatus.DELIVERED, user=customer, products=products, quantity=2)
    ret = return_request(
        order=delivered,
        items=[{"product_id": products[0].pk, "quantity": 1, "reason": "Too small"}],
    )
    cart_add(cart=cart_for_user(user=customer), product_id=products[1].pk, quantity=1)
    return {"pending": pending, "delivered": delivered, "return": ret, "products": products}


def owner_pages(shop) -> list[str]:
    pending, delivered, ret = shop["pending"], shop["delivered"], shop["return"]
    return [
        reverse("sales:order", args=[pending.number]),
        reverse("sales:order", args=[delivered.number]),
        reverse("sales:order_placed", args=[pending.number]),
        reverse("sales:invoice", args=[pending.live_invoice.number]),
        reverse("sales:invoice", args=[delivered.live_invoice.number]),
        reverse("returns:create", args=[delivered.number]),
        reverse("returns:detail", args=[ret.pk]),
    ]


# --- another customer -------------------------------------------------------------------


@pytest.mark.django_db
def test_owner_sees_their_own_pages(client, customer, shop):
    client.force_login(customer)

    for path in owner_pages(shop):
        assert client.get(path).status_code == 200, path


@pytest.mark.django_db
def test_another_customer_gets_404_on_every_owned_page(client, shop, other_customer):
    client.force_login(other_customer)

    for path in owner_pages(shop):
        assert client.get(path).status_code == 404, path


@pytest.mark.django_db
def test_another_customer_cannot_cancel_or_return_an_order(client, shop, other_customer):
    pending, delivered = shop["pending"], shop["delivered"]
    client.force_login(other_customer)

    cancel = client.post(reverse("sales:order_cancel", args=[pending.number]))
    ret = client.post(
        reverse("returns:create", args=[delivered.number]),
        {"product": shop["products"][1].pk, "quantity": 1, "reason": "mine now"},
    )

    assert cancel.status_code == 404 and ret.status_code == 404
    pending.refresh_from_db()
    assert pending.status == OrderStatus.PENDING
    assert delivered.returns.count() == 1


@pytest.mark.django_db
def test_another_customers_lists_do_not_show_foreign_objects(client, shop, other_customer):
    client.force_login(other_customer)
    numbers = [
        shop["pending"].number,
        shop["delivered"].number,
        shop["pending"].live_invoice.number,
    ]

    for name in ("sales:order_list", "sales:invoice_list", "returns:list"):
        page = client.get(reverse(name)).content.decode()
        assert not [n for n in numbers if n in page], name


@pytest.mark.django_db
def test_owner_pages_need_a_login(client, shop):
    for path in owner_pages(shop):
        response = client.get(path)
        assert response.status_code == 302 and "/account/login/" in response["Location"], path


@pytest.mark.django_db
def test_another_customer_gets_404_on_every_api_detail(shop, other_customer, customer):
    """The API's own permission matrix lives with the API tests; this is the cross-check
    over the same objects the pages above use."""
    from rest_framework.test import APIClient

    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {AccessToken.for_user(other_customer)}")
    pending, delivered, ret = shop["pending"], shop["delivered"], shop["return"]
    probes = [
        ("get", f"/api/v1/orders/{pending.pk}/", None),
        ("patch", f"/api/v1/orders/{pending.pk}/", {"shipping_address": "1 Thief Lane, Elsewhere"}),
        ("post", f"/api/v1/orders/{pending.pk}/cancel/", None),
        ("get", f"/api/v1/invoices/{pending.live_invoice.pk}/", None),
        ("get", f"/api/v1/returns/{ret.pk}/", None),
        ("delete", f"/api/v1/returns/{ret.pk}/", None),
        ("get", f"/api/v1/users/{customer.pk}/", None),
        ("get", f"/api/v1/users/{customer.pk}/roles/", None),
    ]
    for method, path, body in probes:
        response = getattr(client, method)(path, body, format="json")
        assert response.status_code in (403, 404), (method, path, response.status_code)
        if "/users/" not in path:
            assert response.status_code == 404, (method, path)  # existence not revealed
    post = client.post(
        "/api/v1/returns/",
        {
            "order_id": delivered.pk,
            "items": [{"product_id": shop["products"][1].pk, "quantity": 1, "reason": "x"}],
        },
        format="json",
    )
    assert post.status_code in (400, 404)
    pending.refresh_from_db()
    assert (
        pending.status == OrderStatus.PENDING
        and pending.shipping_address != "1 Thief Lane, Elsewhere"
    )
    assert delivered.returns.count() == 1


# --- CSRF and inline code, on every page a crawl reaches -------------------------------------


class PageParser(HTMLParser):
    def __init__(self):
        super().__init__()
        self.forms: list[dict] = []
        self.links: list[str] = []
        self.inline_scripts = 0
        self.inline_styles: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self.forms.append(
                {
                    "method": (attrs.get("method") or "get").lower(),
                    "action": attrs.get("action") or "",
                    "inputs": set(),
                }
            )
        elif tag == "input" and self.forms:
            self.forms[-1]["inputs"].add(attrs.get("name"))
        elif tag == "a" and attrs.get("href"):
            self.links.append(attrs["href"])
        elif tag == "script" and not attrs.get("src"):
            self._in_script = True
        elif tag == "style":
            self.inline_styles.append("<style>")
        if attrs.get("style"):
            self.inline_styles.append(f"<{tag} style=...>")
        if any(name.startswith("on") for name in attrs):
            self.inline_scripts += 1

    def handle_data(self, data):
        if self._in_script and data.strip():
            self.inline_scripts += 1

    def handle_endtag(self, tag):
        if tag == "script":
            self._in_script = False


SKIP = re.compile(r"^/(admin|api|static|healthz)|/logout/")


def crawl(client: Client, start: list[str], limit: int = 80) -> dict[str, PageParser]:
    """Breadth-first over the shop's own links (query strings dropped: filters and pages
    render the same forms)."""
    seen: dict[str, PageParser] = {}
    queue = list(start)
    while queue and len(seen) < limit:
        path = urlsplit(queue.pop(0)).path
        if path in seen or SKIP.search(path):
            continue
        response = client.get(path)
        if response.status_code != 200 or not response["Content-Type"].startswith("text/html"):
            seen[path] = None
            continue
        parser = PageParser()
        parser.feed(response.content.decode())
        seen[path] = parser
        for href in parser.links:
            target = urlsplit(urljoin(path, href))
            if not target.netloc:
                queue.append(target.path)
    return {path: parser for path, parser in seen.items() if parser is not None}


@pytest.fixture
def crawled(customer, shop):
    anonymous = crawl(Client(), ["/", reverse("accounts:login"), reverse("accounts:register")])
    logged_in = Client()
    logged_in.force_login(customer)
    starts = [
        "/",
        reverse("sales:cart"),
        reverse("sales:checkout"),
        reverse("accounts:profile"),
        reverse("accounts:password_change"),
        *owner_pages(shop),
    ]
    return {"anonymous": anonymous, "customer": crawl(logged_in, starts)}


def post_forms(crawled):
    for who, pages in crawled.items():
        for path, page in pages.items():
            for form in page.forms:
                if form["method"] == "post":
                    yield who, path, form


@pytest.mark.django_db
def test_every_storefront_post_form_carries_a_csrf_token(crawled, shop):
    forms = list(post_forms(crawled))
    actions = {urljoin(path, form["action"]) for _, path, form in forms}

    # The crawl really reached the shop's forms (the test fails if it finds none).
    expected = [
        reverse(name)
        for name in ("accounts:login", "accounts:register", "sales:cart_add", "sales:checkout")
    ]
    expected.append(reverse("sales:order_cancel", args=[shop["pending"].number]))
    assert [action for action in expected if action not in actions] == []
    missing = [
        (who, path, form["action"])
        for who, path, form in forms
        if "csrfmiddlewaretoken" not in form["inputs"]
    ]
    assert missing == []


@pytest.mark.django_db
def test_every_storefront_post_without_a_csrf_token_is_refused(crawled, customer):
    strict = {
        "anonymous": Client(enforce_csrf_checks=True),
        "customer": Client(enforce_csrf_checks=True),
    }
    strict["customer"].force_login(customer)
    targets = {(who, urljoin(path, form["action"])) for who, path, form in post_forms(crawled)}

    assert len(targets) >= 5
    for who, action in sorted(targets):
        response = strict[who].post(action, {"quantity": 1})
        assert response.status_code == 403, (who, action, response.status_code)


@pytest.mark.django_db
def test_no_storefront_page_needs_inline_code_the_csp_blocks(crawled):
    offenders = {
        f"{who} {path}": (page.inline_scripts, page.inline_styles[:3])
        for who, pages in crawled.items()
        for path, page in pages.items()
        if page.inline_scripts or page.inline_styles
    }

    assert offenders == {}
