"""Races, run for real: threads, each with its own PostgreSQL connection, released together
by a barrier (the approach of django-oscar's test_stockrecord_locking.py).

Each test commits for real (transaction=True), so the threads see each other's work, and
serialized_rollback puts the reference data (categories, pet types) back for the next.
"""

import threading
from collections import Counter

import pytest
from django.db import connection, transaction

from accounts.tests.factories import AdminFactory, UserFactory
from catalog.models import Product
from catalog.tests.factories import ProductFactory
from returns.exceptions import ReturnQuantityExceeded
from returns.models import Return
from returns.services import return_request
from sales.exceptions import InsufficientStock, InvalidTransition
from sales.models import CheckoutKey, Invoice, InvoiceSequence, Order, OrderStatus
from sales.services import order_cancel, order_place, order_set_status
from sales.services.invoices import _next_invoice_number
from sales.tests.factories import order_in_status

pytestmark = [
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="Needs PostgreSQL: SQLite locks the whole database per write, so these races "
        "cannot happen there and nothing would be proven.",
    ),
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

ADDRESS = "1 Dog Lane, Barkville"


def race(n: int, action) -> list[tuple[str, object]]:
    """Run `action(i)` in `n` threads released at once. Returns [("ok", result) |
    ("error", exception)] in thread order. Each thread closes its own connection."""
    barrier = threading.Barrier(n, timeout=30)
    results: list = [None] * n

    def worker(i):
        try:
            barrier.wait()
            results[i] = ("ok", action(i))
        except Exception as exc:  # noqa: BLE001 - collected and asserted on by the test
            results[i] = ("error", exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(n)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not any(t.is_alive() for t in threads), "a thread hung (deadlock?)"
    return results


def oks(results):
    return [value for kind, value in results if kind == "ok"]


def errors(results):
    return [value for kind, value in results if kind == "error"]


def stock(product) -> int:
    return Product.objects.values_list("stock", flat=True).get(pk=product.pk)


def test_buyers_racing_for_stock_get_exactly_the_stock():
    buyers, in_stock = 12, 5
    product = ProductFactory(stock=in_stock)
    users = UserFactory.create_batch(buyers)

    results = race(
        buyers,
        lambda i: order_place(
            user=users[i],
            shipping_address=ADDRESS,
            items=[{"product_id": product.pk, "quantity": 1}],
        ),
    )

    assert len(oks(results)) == in_stock
    assert all(isinstance(e, InsufficientStock) for e in errors(results)), errors(results)
    assert len(errors(results)) == buyers - in_stock
    assert stock(product) == 0
    assert Order.objects.count() == in_stock
    assert Invoice.objects.count() == in_stock


def test_buyers_of_several_products_in_opposite_orders_do_not_deadlock():
    a, b = ProductFactory(stock=6), ProductFactory(stock=6)
    users = UserFactory.create_batch(8)

    def buy(i):
        items = [{"product_id": a.pk, "quantity": 1}, {"product_id": b.pk, "quantity": 1}]
        return order_place(
            user=users[i], shipping_address=ADDRESS, items=items if i % 2 else items[::-1]
        )

    results = race(8, buy)

    assert len(oks(results)) == 6
    assert all(isinstance(e, InsufficientStock) for e in errors(results)), errors(results)
    assert (stock(a), stock(b)) == (0, 0)


@pytest.mark.parametrize("attempt", range(4))
def test_a_cancel_racing_a_ship_has_exactly_one_winner(attempt):
    product = ProductFactory(stock=10)
    order = order_in_status(OrderStatus.PROCESSING, products=[product], quantity=4)
    admin = AdminFactory()
    moves = [
        lambda: order_cancel(order=order, by=admin),
        lambda: order_set_status(order=order, status=OrderStatus.SHIPPED, by=admin),
    ]
    if attempt % 2:
        moves.reverse()

    results = race(2, lambda i: moves[i]())

    assert len(oks(results)) == 1
    assert len(errors(results)) == 1 and isinstance(errors(results)[0], InvalidTransition)
    order.refresh_from_db()
    after_processing = list(
        order.history.filter(from_status=OrderStatus.PROCESSING).values_list("to_status", flat=True)
    )
    assert after_processing == [order.status]
    assert order.status in (OrderStatus.CANCELLED, OrderStatus.SHIPPED)
    # Stock agrees with the winner: put back only if the cancel won.
    assert stock(product) == (10 if order.status == OrderStatus.CANCELLED else 6)


def test_concurrent_checkouts_get_distinct_gapless_invoice_numbers():
    buyers = 10
    products = ProductFactory.create_batch(buyers, stock=5)
    users = UserFactory.create_batch(buyers)

    results = race(
        buyers,
        lambda i: order_place(
            user=users[i],
            shipping_address=ADDRESS,
            items=[{"product_id": products[i].pk, "quantity": 1}],
        ),
    )

    assert not errors(results), errors(results)
    numbers = sorted(Invoice.objects.values_list("number", flat=True))
    assert len(set(numbers)) == buyers
    serials = [int(n.rsplit("-", 1)[1]) for n in numbers]
    assert serials == list(range(serials[0], serials[0] + buyers))


def test_the_first_invoices_of_a_new_year_at_once_get_distinct_numbers():
    # Nobody has numbered an invoice in 2099 yet: every thread finds no counter row and
    # tries to create it; the losers must end up counting on the winner's row.
    year, n = 2099, 8
    assert not InvoiceSequence.objects.filter(year=year).exists()

    def number(i):
        with transaction.atomic():
            return _next_invoice_number(year)

    results = race(n, number)

    assert not errors(results), errors(results)
    assert sorted(oks(results)) == [f"INV-{year}-{k:06d}" for k in range(1, n + 1)]
    assert InvoiceSequence.objects.get(year=year).last_number == n


def test_concurrent_replays_of_one_idempotency_key_make_one_order():
    callers = 8
    product = ProductFactory(stock=10)
    user = UserFactory()

    results = race(
        callers,
        lambda i: order_place(
            user=user,
            shipping_address=ADDRESS,
            items=[{"product_id": product.pk, "quantity": 2}],
            idempotency_key="retry-me",
        ),
    )

    assert not errors(results), errors(results)
    orders = {order.pk for order, _ in oks(results)}
    assert len(orders) == 1
    assert Counter(created for _, created in oks(results)) == {True: 1, False: callers - 1}
    assert Order.objects.count() == 1
    assert stock(product) == 8
    assert CheckoutKey.objects.count() == 1


def test_concurrent_cart_checkouts_with_one_key_make_one_order():
    from sales.services import cart_add, cart_for_user

    product = ProductFactory(stock=10)
    user = UserFactory()
    cart_add(cart=cart_for_user(user=user), product_id=product.pk, quantity=3)

    results = race(
        6, lambda i: order_place(user=user, shipping_address=ADDRESS, idempotency_key="cart-key")
    )

    assert not errors(results), errors(results)
    assert len({order.pk for order, _ in oks(results)}) == 1
    assert stock(product) == 7


def test_two_returns_racing_for_the_last_returnable_unit_have_one_winner():
    order = order_in_status(OrderStatus.DELIVERED, quantity=2)
    line = order.lines.get()
    return_request(
        order=order, items=[{"product_id": line.product_id, "quantity": 1, "reason": "First"}]
    )

    results = race(
        2,
        lambda i: return_request(
            order=order,
            items=[{"product_id": line.product_id, "quantity": 1, "reason": f"Race {i}"}],
        ),
    )

    assert len(oks(results)) == 1
    assert len(errors(results)) == 1 and isinstance(errors(results)[0], ReturnQuantityExceeded)
    assert Return.objects.filter(order=order).count() == 2


def test_a_checkout_racing_a_cart_add_loses_nothing():
    from sales.models import Cart
    from sales.services import cart_add, cart_for_user

    a, b = ProductFactory(stock=10), ProductFactory(stock=10)
    user = UserFactory()
    cart = cart_for_user(user=user)
    cart_add(cart=cart, product_id=a.pk, quantity=1)

    def act(i):
        if i == 0:
            return order_place(user=user, shipping_address=ADDRESS)
        return cart_add(cart=cart, product_id=b.pk, quantity=1)

    results = race(2, act)

    assert not errors(results), errors(results)
    ordered = set(Order.objects.get().lines.values_list("product_id", flat=True))
    in_cart = set(Cart.objects.get(pk=cart.pk).lines.values_list("product_id", flat=True))
    # b was either ordered (the add came first) or is still in the cart: never lost.
    assert b.pk in ordered ^ in_cart
    assert a.pk in ordered and a.pk not in in_cart


@pytest.mark.parametrize("attempt", range(3))
@pytest.mark.parametrize("action", ["role_remove", "set_roles", "deactivate"])
def test_the_last_two_admins_stepping_down_at_once_leave_one(action, attempt):
    # Not a sales race, but the same machinery: a deadlock here would be a 503, not a 409.
    from accounts.exceptions import LastAdmin
    from accounts.models import Role, User
    from accounts.services import user_deactivate, user_role_remove, user_set_roles

    admins = [AdminFactory(), AdminFactory()]
    step_down = {
        "role_remove": lambda user: user_role_remove(user=user, role=Role.ADMIN),
        "set_roles": lambda user: user_set_roles(user=user, roles={Role.CUSTOMER}),
        "deactivate": lambda user: user_deactivate(user=user),
    }[action]

    results = race(2, lambda i: step_down(admins[i]))

    assert len(oks(results)) == 1
    assert len(errors(results)) == 1 and isinstance(errors(results)[0], LastAdmin), errors(results)
    assert User.objects.filter(is_staff=True, is_active=True).count() == 1


def test_two_registrations_of_one_email_at_once_give_one_user_and_one_400():
    from accounts.models import User
    from accounts.services import user_register
    from petshop.core.exceptions import InvalidInput

    results = race(
        2,
        lambda i: user_register(
            username=f"twin{i}",
            email="TWIN@example.com" if i else "twin@example.com",
            password="a-long-unusual-passphrase-9",
        ),
    )

    assert len(oks(results)) == 1
    assert len(errors(results)) == 1 and isinstance(errors(results)[0], InvalidInput), errors(
        results
    )
    assert errors(results)[0].extra["field"] == "email"
    assert User.objects.filter(email__iexact="twin@example.com").count() == 1


def test_cancels_and_checkouts_of_the_same_products_at_once_keep_stock_exact():
    a, b = ProductFactory(stock=40), ProductFactory(stock=40)
    admin = AdminFactory()
    users = UserFactory.create_batch(6)
    items = [{"product_id": a.pk, "quantity": 2}, {"product_id": b.pk, "quantity": 3}]
    to_cancel = [order_place(user=u, shipping_address=ADDRESS, items=items).order for u in users]
    assert (stock(a), stock(b)) == (28, 22)

    def act(i):
        if i % 2:
            return order_cancel(order=to_cancel[i // 2], by=admin)
        return order_place(user=users[i // 2], shipping_address=ADDRESS, items=items[::-1])

    results = race(12, act)

    assert not errors(results), errors(results)
    # 6 cancelled (back to 40/40), then 6 new orders of 2 + 3.
    assert (stock(a), stock(b)) == (40 - 12, 40 - 18)


def test_adds_racing_for_the_last_cart_slot_leave_100_products():
    from sales.exceptions import CartLimitExceeded
    from sales.models import MAX_CART_PRODUCTS, CartLine
    from sales.services import cart_add, cart_for_user

    cart = cart_for_user(user=UserFactory())
    held = ProductFactory.create_batch(MAX_CART_PRODUCTS - 1)
    CartLine.objects.bulk_create([CartLine(cart=cart, product=p, quantity=1) for p in held])
    newcomers = ProductFactory.create_batch(4)

    results = race(4, lambda i: cart_add(cart=cart, product_id=newcomers[i].pk))

    assert len(oks(results)) == 1
    assert all(isinstance(e, CartLimitExceeded) for e in errors(results)), errors(results)
    assert CartLine.objects.filter(cart=cart).count() == MAX_CART_PRODUCTS


def test_two_logins_merging_one_visitor_cart_at_once_add_it_once():
    from sales.models import Cart
    from sales.services import cart_add, cart_for_session, cart_for_user, cart_merge

    product = ProductFactory(stock=20)
    visitor = cart_for_session(session_key="shared-session")
    cart_add(cart=visitor, product_id=product.pk, quantity=3)
    target = cart_for_user(user=UserFactory())

    results = race(2, lambda i: cart_merge(source=visitor, target=target))

    assert not errors(results), errors(results)
    assert list(target.lines.values_list("product_id", "quantity")) == [(product.pk, 3)]
    assert not Cart.objects.filter(pk=visitor.pk).exists()
