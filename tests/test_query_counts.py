"""No N+1 anywhere, from one table: every API list and detail and every storefront
catalog and account page is requested over a small shop, then again after the shop has
grown (more products, orders with more lines, invoices, returns, carts, users), and
must run exactly as many queries both times.

The apps' own tests pin exact counts per endpoint; this sweep is the safety net that
nothing was left out. The cache is off here (dummy backend) so the database path is
what is counted.
"""

from collections.abc import Callable
from dataclasses import dataclass, field

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient
from rest_framework_simplejwt.tokens import RefreshToken

from accounts.tests.factories import AdminFactory, UserFactory
from catalog.tests.factories import ProductFactory
from returns.services import return_request
from sales.models import OrderStatus
from sales.services import cart_add, cart_for_user, order_place, order_set_status

pytestmark = pytest.mark.django_db

ADDRESS = "1 Query Lane, Countville 1234"


@pytest.fixture(autouse=True)
def _no_cache(settings):
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}


@dataclass
class Shop:
    """A shop that grows: each grow(n) adds n of everything a list or page can show."""

    customer: object = None
    admin: object = None
    products: list = field(default_factory=list)
    orders: list = field(default_factory=list)
    returns: list = field(default_factory=list)
    big_order: object = None
    big_return: object = None

    def __post_init__(self):
        self.customer = UserFactory()
        self.admin = AdminFactory()

    def _new_products(self, n):
        made = [ProductFactory(stock=100) for _ in range(n)]
        self.products += made
        return made

    def _delivered(self, products):
        order, _ = order_place(
            user=self.customer,
            shipping_address=ADDRESS,
            items=[{"product_id": p.pk, "quantity": 2} for p in products],
        )
        return order_set_status(order=order, status=OrderStatus.DELIVERED, by=self.admin)

    def _return(self, order):
        return return_request(
            order=order,
            items=[
                {"product_id": line.product_id, "quantity": 1, "reason": "Too big"}
                for line in order.lines.all()
            ],
        )

    def grow(self, n: int) -> None:
        for _ in range(n):
            order = self._delivered(self._new_products(2))
            self.orders.append(order)
            self.returns.append(self._return(order))
            # Other customers, each with a cart of two lines (the admin's cart list).
            other = UserFactory()
            cart = cart_for_user(user=other)
            for product in self._new_products(2):
                cart_add(cart=cart, product_id=product.pk, quantity=1)
        # One order (and its return) with ever more lines, for the detail pages.
        self.big_order = self._delivered(self._new_products(2 + 2 * n))
        self.big_return = self._return(self.big_order)
        cart = cart_for_user(user=self.customer)
        for product in self._new_products(n):
            cart_add(cart=cart, product_id=product.pk, quantity=1)


@dataclass
class Face:
    name: str
    who: str  # "anonymous", "customer" or "admin"
    url: Callable[[Shop], str]
    grows: bool = True  # the response must get bigger as the shop grows

    @property
    def api(self) -> bool:
        return self.name.startswith("API")


def _product(shop):
    return shop.products[-1]


FACES = [
    # --- API lists (page_size large enough to hold every row) ---
    Face("API products", "anonymous", lambda s: "/api/v1/products/?page_size=100"),
    Face("API products (admin)", "admin", lambda s: "/api/v1/products/?page_size=100"),
    Face(
        "API products searched",
        "anonymous",
        lambda s: "/api/v1/products/?page_size=100&search=product",
    ),
    Face(
        "API product facets",
        "anonymous",
        lambda s: "/api/v1/products/facets/?search=product&brand=Acme&pet_type=dog",
        grows=False,  # counts grow, the body's size need not
    ),
    Face(
        "API product suggestions",
        "anonymous",
        lambda s: "/api/v1/products/suggest/?q=prod",
        grows=False,  # at most 8
    ),
    Face("API categories", "anonymous", lambda s: "/api/v1/categories/?page_size=100", grows=False),
    Face("API pet types", "anonymous", lambda s: "/api/v1/pet-types/?page_size=100", grows=False),
    Face("API users", "admin", lambda s: "/api/v1/users/?page_size=100"),
    Face("API carts", "admin", lambda s: "/api/v1/carts/?page_size=100"),
    Face("API orders", "customer", lambda s: "/api/v1/orders/?page_size=100"),
    Face("API orders (admin)", "admin", lambda s: "/api/v1/orders/?page_size=100"),
    Face("API invoices", "customer", lambda s: "/api/v1/invoices/?page_size=100"),
    Face("API invoices (admin)", "admin", lambda s: "/api/v1/invoices/?page_size=100"),
    Face("API returns", "customer", lambda s: "/api/v1/returns/?page_size=100"),
    Face("API returns (admin)", "admin", lambda s: "/api/v1/returns/?page_size=100"),
    # --- API details ---
    Face("API product", "anonymous", lambda s: f"/api/v1/products/{_product(s).pk}/", grows=False),
    Face("API my cart", "customer", lambda s: "/api/v1/cart/"),
    Face("API cart (admin)", "admin", lambda s: f"/api/v1/carts/{s.customer.cart.pk}/"),
    Face("API order", "customer", lambda s: f"/api/v1/orders/{s.big_order.pk}/"),
    Face("API order (admin)", "admin", lambda s: f"/api/v1/orders/{s.big_order.pk}/"),
    Face(
        "API invoice",
        "customer",
        lambda s: f"/api/v1/invoices/{s.big_order.live_invoice.pk}/",
        grows=False,
    ),
    Face("API return", "customer", lambda s: f"/api/v1/returns/{s.big_return.pk}/"),
    Face("API me", "customer", lambda s: "/api/v1/auth/me/", grows=False),
    # --- Storefront catalog ---
    Face("store home", "anonymous", lambda s: "/", grows=False),
    Face("store catalog", "anonymous", lambda s: "/products/"),
    Face("store catalog searched", "anonymous", lambda s: "/products/?search=product"),
    Face(
        "store catalog, nothing found",
        "anonymous",
        lambda s: "/products/?search=zzzqqq",
        grows=False,
    ),
    Face(
        "store product",
        "anonymous",
        lambda s: f"/products/{_product(s).pk}/{_product(s).slug}/",
        grows=False,
    ),
    # --- Storefront account ---
    Face("store cart", "customer", lambda s: "/cart/"),
    Face("store checkout", "customer", lambda s: "/checkout/"),
    Face("store orders", "customer", lambda s: "/orders/"),
    Face("store order", "customer", lambda s: f"/orders/{s.big_order.number}/"),
    Face("store invoices", "customer", lambda s: "/invoices/"),
    Face("store invoice", "customer", lambda s: f"/invoices/{s.big_order.live_invoice.number}/"),
    Face("store returns", "customer", lambda s: "/returns/"),
    Face("store return", "customer", lambda s: f"/returns/{s.big_return.pk}/"),
    Face("store return form", "customer", lambda s: f"/orders/{s.big_order.number}/return/"),
    Face("store profile", "customer", lambda s: "/account/profile/", grows=False),
]


def _client(face: Face, shop: Shop):
    user = {"anonymous": None, "customer": shop.customer, "admin": shop.admin}[face.who]
    if face.api:
        client = APIClient()
        if user is not None:
            client.credentials(
                HTTP_AUTHORIZATION=f"Bearer {RefreshToken.for_user(user).access_token}"
            )
        return client
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def _measure(face: Face, shop: Shop) -> tuple[int, int]:
    """(queries, size of what was shown: rows of an API list, else bytes)."""
    client = _client(face, shop)
    url = face.url(shop)
    client.get(url)  # first request of a session may set things up (cart, session)
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200, f"{url}: {response.status_code}"
    body = response.json() if face.api else None
    if isinstance(body, dict) and "results" in body:
        size = len(body["results"])
    else:
        size = len(response.content)
    return len(ctx.captured_queries), size


@pytest.mark.parametrize("face", FACES, ids=[f.name for f in FACES])
def test_query_count_does_not_grow_with_the_shop(face):
    shop = Shop()
    shop.grow(2)
    small_queries, small_size = _measure(face, shop)
    shop.grow(8)
    big_queries, big_size = _measure(face, shop)
    if face.grows:
        assert big_size > small_size, "the response did not grow: this row proves nothing"
    assert big_queries == small_queries, (
        f"{face.name}: {small_queries} queries for the small shop, {big_queries} for the big one"
    )
