"""Row locks never take joined rows: every FOR UPDATE the services send names its own
table (`select_for_update(of=("self",))`, the lock_objects modules). PostgreSQL only:
SQLite has no row locks."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.tests.factories import AdminFactory
from catalog.tests.factories import ProductFactory
from returns.services import return_set_status
from returns.tests.factories import request_return
from sales.services import cart_add, cart_for_user, cart_set_quantity, order_cancel
from sales.tests.factories import place_order

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks: PostgreSQL"),
]


def _lock_queries(action) -> list[str]:
    with CaptureQueriesContext(connection) as ctx:
        action()
    return [q["sql"] for q in ctx.captured_queries if "FOR UPDATE" in q["sql"]]


def test_every_lock_a_cart_order_or_return_change_takes_is_of_its_own_rows(customer):
    admin = AdminFactory()
    product = ProductFactory(stock=20)
    cart = cart_for_user(user=customer)
    cart_add(cart=cart, product_id=product.pk, quantity=1)
    ret = request_return()
    order = place_order(user=customer)
    locks = [
        *_lock_queries(lambda: cart_set_quantity(cart=cart, product_id=product.pk, quantity=2)),
        *_lock_queries(lambda: return_set_status(return_request=ret, status="approved")),
        *_lock_queries(lambda: order_cancel(order=order, by=admin)),
    ]
    assert len(locks) >= 4
    assert all("FOR UPDATE OF" in sql for sql in locks), locks
