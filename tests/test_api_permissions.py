"""The permission matrix of the whole API, generated from one table (tests/api_contract.py):
every endpoint of API.md × {anonymous, the owning customer, another customer, an admin}
→ the status API.md promises (401, 403, 404 for other customers' objects, success)."""

import json
from functools import cached_property

import pytest
from rest_framework.test import APIClient
from rest_framework_simplejwt.tokens import RefreshToken

from accounts.tests.factories import PASSWORD, AdminFactory, UserFactory
from catalog.tests.factories import CategoryFactory, ProductFactory
from returns.tests.factories import request_return
from sales.models import InvoiceStatus, OrderStatus
from sales.services import cart_add, cart_for_user, invoice_set_status
from sales.tests.factories import order_in_status, place_order
from tests.api_contract import ENDPOINTS

ROLES = ["anonymous", "owner", "other", "admin"]


class World:
    """The objects a path or body may name, built on first use and owned by `owner`."""

    password = PASSWORD
    role = "customer"

    def __init__(self):
        self.owner = UserFactory()
        self.other = UserFactory()
        self.admin = AdminFactory()

    def refresh_for(self, user) -> str:
        return str(RefreshToken.for_user(user))

    @cached_property
    def user(self):
        return self.owner

    @cached_property
    def product(self):
        return ProductFactory(stock=20)

    @cached_property
    def category(self):
        return CategoryFactory()

    @cached_property
    def cart_product(self):
        product = ProductFactory()
        cart_add(cart=cart_for_user(user=self.owner), product_id=product.pk)
        return product

    @cached_property
    def cart(self):
        _ = self.cart_product  # the cart holds it
        return cart_for_user(user=self.owner)

    @cached_property
    def order(self):
        return place_order(user=self.owner)

    @cached_property
    def cancelled_order(self):
        return order_in_status(OrderStatus.CANCELLED, user=self.owner)

    @cached_property
    def invoice(self):
        return self.order.invoices.get()

    @cached_property
    def cancelled_invoice(self):
        invoice = place_order(user=self.owner).invoices.get()
        return invoice_set_status(invoice=invoice, status=InvoiceStatus.CANCELLED)

    @cached_property
    def uninvoiced_order(self):
        order = place_order(user=self.owner)
        invoice_set_status(invoice=order.invoices.get(), status=InvoiceStatus.CANCELLED)
        return order

    @cached_property
    def delivered_order(self):
        return order_in_status(
            OrderStatus.DELIVERED, user=self.owner, products=[self.delivered_product], quantity=2
        )

    @cached_property
    def delivered_product(self):
        return ProductFactory()

    @cached_property
    def return_(self):
        return request_return(order=order_in_status(OrderStatus.DELIVERED, user=self.owner))

    def __getitem__(self, name):
        # str.format_map: "{return}" is a keyword in Python, so it maps to return_.
        value = getattr(self, "return_" if name == "return" else name)
        return value if isinstance(value, str) else value.pk

    def caller(self, role):
        return None if role == "anonymous" else getattr(self, role)


def _client(user) -> APIClient:
    client = APIClient()
    if user is not None:
        client.credentials(HTTP_AUTHORIZATION=f"Bearer {RefreshToken.for_user(user).access_token}")
    return client


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("endpoint", ENDPOINTS, ids=[e.id for e in ENDPOINTS])
def test_permission_matrix(endpoint, role):
    world = World()
    caller = world.caller(role)
    path = endpoint.path.format_map(world)
    body = endpoint.body(world, caller) if endpoint.body else None
    payload = {} if body is None else {"data": json.dumps(body), "content_type": "application/json"}
    response = _client(caller).generic(endpoint.method, path, **payload)
    expected = getattr(endpoint, role)
    assert response.status_code == expected, (
        f"{endpoint.id} as {role}: {response.status_code} (expected {expected}) {response.content[:300]!r}"
    )
    if response.status_code >= 400:  # errors are always JSON (API.md, Conventions)
        assert response["Content-Type"].startswith("application/json"), endpoint.id


def test_the_table_covers_every_api_row():
    # API.md: A1–A7, U1–U8, C1–C11, K1–K8, O1–O7, I1–I6, R1–R6 and the three meta rows.
    expected = (
        [f"A{i}" for i in range(1, 8)]
        + [f"U{i}" for i in range(1, 9)]
        + [f"C{i}" for i in range(1, 12)]
        + [f"K{i}" for i in range(1, 9)]
        + [f"O{i}" for i in range(1, 8)]
        + [f"I{i}" for i in range(1, 7)]
        + [f"R{i}" for i in range(1, 7)]
        + ["M1", "M2", "M3"]
    )
    assert sorted({e.ref for e in ENDPOINTS}) == sorted(expected)


@pytest.mark.django_db
def test_a_deactivated_user_loses_access_at_once():
    world = World()
    client = _client(world.owner)
    assert client.get(f"/api/v1/orders/{world.order.pk}/").status_code == 200
    type(world.owner).objects.filter(pk=world.owner.pk).update(is_active=False)
    assert client.get(f"/api/v1/orders/{world.order.pk}/").status_code == 401


@pytest.mark.django_db
def test_an_admin_whose_role_is_removed_loses_admin_access_at_once():
    world = World()
    client = _client(world.admin)
    assert client.get("/api/v1/carts/").status_code == 200
    type(world.admin).objects.filter(pk=world.admin.pk).update(
        is_staff=False, is_superuser=False, is_customer=True
    )
    assert client.get("/api/v1/carts/").status_code == 403
    assert client.get(f"/api/v1/orders/{world.order.pk}/").status_code == 404
