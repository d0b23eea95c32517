"""Checkout (order_place) against API.md, Orders → Checkout (O2) and idempotency."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from accounts.tests.factories import UserFactory
from catalog.models import Product
from catalog.tests.factories import ProductFactory
from sales.exceptions import (
    CartEmpty,
    CartLimitExceeded,
    IdempotencyKeyReused,
    InsufficientStock,
    InvalidInput,
    ProductUnavailable,
)
from sales.models import (
    MAX_CART_PRODUCTS,
    CheckoutKey,
    Invoice,
    InvoiceStatus,
    Order,
    OrderStatus,
)
from sales.services import cart_add, cart_for_user, checkout_keys_cleanup, order_place

pytestmark = pytest.mark.django_db

ADDRESS = "1 Dog Lane, Barkville"


def stock(product) -> int:
    return Product.objects.values_list("stock", flat=True).get(pk=product.pk)


@pytest.fixture
def cart(customer):
    return cart_for_user(user=customer)


@pytest.fixture
def food():
    return ProductFactory(price=Decimal("12.50"), stock=10)


@pytest.fixture
def toy():
    return ProductFactory(price=Decimal("3.99"), stock=5)


# --- from the cart --------------------------------------------------------------------------


def test_checkout_from_cart_makes_an_order_of_its_lines(customer, cart, food, toy):
    cart_add(cart=cart, product_id=food.pk, quantity=2)
    cart_add(cart=cart, product_id=toy.pk, quantity=3)
    order, created = order_place(user=customer, shipping_address=ADDRESS)
    assert created is True
    assert order.user == customer
    assert order.status == OrderStatus.PENDING
    assert order.shipping_address == ADDRESS
    lines = {
        line.product_id: (line.quantity, line.unit_price, line.name, line.sku)
        for line in order.lines.all()
    }
    assert lines == {
        food.pk: (2, Decimal("12.50"), food.name, food.sku),
        toy.pk: (3, Decimal("3.99"), toy.name, toy.sku),
    }


def test_checkout_decrements_stock_of_every_line(customer, cart, food, toy):
    cart_add(cart=cart, product_id=food.pk, quantity=2)
    cart_add(cart=cart, product_id=toy.pk, quantity=5)
    order_place(user=customer, shipping_address=ADDRESS)
    assert (stock(food), stock(toy)) == (8, 0)


def test_checkout_computes_the_total_on_the_server(customer, cart, food, toy):
    cart_add(cart=cart, product_id=food.pk, quantity=2)
    cart_add(cart=cart, product_id=toy.pk, quantity=3)
    order, _ = order_place(user=customer, shipping_address=ADDRESS)
    assert order.total == Decimal("36.97")  # 2 × 12.50 + 3 × 3.99
    order.refresh_from_db()
    assert order.total == Decimal("36.97")


def test_checkout_empties_the_cart(customer, cart, food):
    cart_add(cart=cart, product_id=food.pk)
    order_place(user=customer, shipping_address=ADDRESS)
    assert not cart.lines.exists()


def test_checkout_records_the_first_status_in_history(customer, cart, food):
    cart_add(cart=cart, product_id=food.pk)
    order, _ = order_place(user=customer, shipping_address=ADDRESS)
    assert list(order.history.values_list("from_status", "to_status", "by")) == [
        ("", OrderStatus.PENDING, customer.pk)
    ]


def test_checkout_issues_an_invoice_due_after_invoice_due_days(customer, cart, food, settings):
    settings.INVOICE_DUE_DAYS = 14
    cart_add(cart=cart, product_id=food.pk, quantity=2)
    order, _ = order_place(user=customer, shipping_address=ADDRESS)
    invoice = Invoice.objects.get(order=order)
    assert invoice.status == InvoiceStatus.PENDING
    assert invoice.total == order.total == Decimal("25.00")
    assert invoice.due_date == timezone.localdate(invoice.issued_at) + timedelta(days=14)
    assert invoice.number.startswith(f"INV-{timezone.localdate().year}-")


def test_checkout_with_an_empty_cart_is_cart_empty(customer, cart):
    with pytest.raises(CartEmpty) as exc:
        order_place(user=customer, shipping_address=ADDRESS)
    assert (exc.value.status_code, exc.value.code) == (400, "cart_empty")
    assert not Order.objects.exists()


def test_checkout_without_any_cart_is_cart_empty(customer):
    with pytest.raises(CartEmpty):
        order_place(user=customer, shipping_address=ADDRESS)


def test_checkout_reports_every_short_line_and_changes_nothing(customer, cart, food, toy):
    plenty = ProductFactory(stock=50)
    cart_add(cart=cart, product_id=food.pk, quantity=10)
    cart_add(cart=cart, product_id=toy.pk, quantity=5)
    cart_add(cart=cart, product_id=plenty.pk, quantity=1)
    # Others bought in the meantime.
    Product.objects.filter(pk=food.pk).update(stock=4)
    Product.objects.filter(pk=toy.pk).update(stock=1)
    with pytest.raises(InsufficientStock) as exc:
        order_place(user=customer, shipping_address=ADDRESS)
    assert exc.value.code == "insufficient_stock"
    assert sorted(exc.value.extra["items"], key=lambda i: i["product_id"]) == sorted(
        [
            {"product_id": food.pk, "requested": 10, "available": 4},
            {"product_id": toy.pk, "requested": 5, "available": 1},
        ],
        key=lambda i: i["product_id"],
    )
    assert (stock(food), stock(toy), stock(plenty)) == (4, 1, 50)
    assert cart.lines.count() == 3
    assert not Order.objects.exists() and not Invoice.objects.exists()


def test_checkout_of_an_inactive_product_is_product_unavailable(customer, cart, food, toy):
    cart_add(cart=cart, product_id=food.pk)
    cart_add(cart=cart, product_id=toy.pk)
    Product.objects.filter(pk=toy.pk).update(is_active=False)  # deactivated behind the cart's back
    with pytest.raises(ProductUnavailable) as exc:
        order_place(user=customer, shipping_address=ADDRESS)
    assert exc.value.code == "product_unavailable"
    assert exc.value.extra["product_ids"] == [toy.pk]
    assert stock(food) == 10
    assert not Order.objects.exists()


def test_prices_are_frozen_on_the_order(customer, cart, food):
    cart_add(cart=cart, product_id=food.pk, quantity=2)
    order, _ = order_place(user=customer, shipping_address=ADDRESS)
    Product.objects.filter(pk=food.pk).update(price=Decimal("99.00"))
    order = Order.objects.get(pk=order.pk)
    assert order.lines.get().unit_price == Decimal("12.50")
    assert order.total == Decimal("25.00")
    assert Invoice.objects.get(order=order).total == Decimal("25.00")


@pytest.mark.parametrize("address", ["", "    ", "abcd", "x" * 501])
def test_checkout_refuses_a_bad_shipping_address(customer, food, address):
    with pytest.raises(InvalidInput) as exc:
        order_place(
            user=customer, shipping_address=address, items=[{"product_id": food.pk, "quantity": 1}]
        )
    assert exc.value.extra["field"] == "shipping_address"
    assert stock(food) == 10


# --- buy now --------------------------------------------------------------------------------


def test_buy_now_orders_the_given_lines_and_leaves_the_cart_alone(customer, cart, food, toy):
    cart_add(cart=cart, product_id=toy.pk, quantity=2)
    order, created = order_place(
        user=customer, shipping_address=ADDRESS, items=[{"product_id": food.pk, "quantity": 3}]
    )
    assert created
    assert list(order.lines.values_list("product_id", "quantity")) == [(food.pk, 3)]
    assert order.total == Decimal("37.50")
    assert list(cart.lines.values_list("product_id", "quantity")) == [(toy.pk, 2)]
    assert (stock(food), stock(toy)) == (7, 5)


def test_buy_now_with_no_items_is_cart_empty(customer):
    with pytest.raises(CartEmpty):
        order_place(user=customer, shipping_address=ADDRESS, items=[])


@pytest.mark.parametrize(
    "items",
    [
        lambda p: [{"product_id": p.pk, "quantity": 0}],
        lambda p: [{"product_id": p.pk, "quantity": 51}],
        lambda p: [{"product_id": p.pk, "quantity": 1}, {"product_id": p.pk, "quantity": 2}],
        lambda p: [{"product_id": 999_999, "quantity": 1}],
    ],
    ids=["zero", "above-50", "duplicate", "unknown"],
)
def test_buy_now_applies_the_cart_rules(customer, food, items):
    with pytest.raises(InvalidInput) as exc:
        order_place(user=customer, shipping_address=ADDRESS, items=items(food))
    assert exc.value.status_code == 400
    assert stock(food) == 10
    assert not Order.objects.exists()


def test_buy_now_refuses_more_than_100_products(customer):
    items = [{"product_id": i, "quantity": 1} for i in range(1, MAX_CART_PRODUCTS + 2)]
    with pytest.raises(CartLimitExceeded):
        order_place(user=customer, shipping_address=ADDRESS, items=items)


def test_buy_now_of_an_inactive_product_is_product_unavailable(customer):
    product = ProductFactory(is_active=False)
    with pytest.raises(ProductUnavailable):
        order_place(
            user=customer,
            shipping_address=ADDRESS,
            items=[{"product_id": product.pk, "quantity": 1}],
        )


def test_buy_now_short_line_changes_nothing(customer, cart, food, toy):
    cart_add(cart=cart, product_id=food.pk)
    with pytest.raises(InsufficientStock) as exc:
        order_place(
            user=customer,
            shipping_address=ADDRESS,
            items=[{"product_id": food.pk, "quantity": 2}, {"product_id": toy.pk, "quantity": 6}],
        )
    assert exc.value.extra["items"] == [{"product_id": toy.pk, "requested": 6, "available": 5}]
    assert (stock(food), stock(toy)) == (10, 5)
    assert cart.lines.count() == 1


def test_order_numbers_are_unique(customer, food):
    numbers = {
        order_place(
            user=customer, shipping_address=ADDRESS, items=[{"product_id": food.pk, "quantity": 1}]
        ).order.number
        for _ in range(5)
    }
    assert len(numbers) == 5


# --- idempotency ----------------------------------------------------------------------------


def place(user, product, quantity=1, key="key-1", address=ADDRESS):
    return order_place(
        user=user,
        shipping_address=address,
        items=[{"product_id": product.pk, "quantity": quantity}],
        idempotency_key=key,
    )


def test_same_key_returns_the_first_order_and_changes_nothing(customer, food):
    first, created = place(customer, food, 2)
    again, created_again = place(customer, food, 2)
    assert (created, created_again) == (True, False)
    assert again.pk == first.pk
    assert stock(food) == 8
    assert Order.objects.count() == 1 and Invoice.objects.count() == 1


def test_same_key_replays_a_cart_checkout_even_though_the_cart_is_now_empty(customer, cart, food):
    cart_add(cart=cart, product_id=food.pk, quantity=2)
    first, _ = order_place(user=customer, shipping_address=ADDRESS, idempotency_key="k")
    again, created = order_place(user=customer, shipping_address=ADDRESS, idempotency_key="k")
    assert (again.pk, created) == (first.pk, False)
    assert stock(food) == 8


@pytest.mark.parametrize(
    "change", [{"quantity": 3}, {"address": "2 Cat Street, Meowtown"}], ids=["items", "address"]
)
def test_same_key_with_another_body_is_idempotency_key_reused(customer, food, change):
    place(customer, food, 2)
    with pytest.raises(IdempotencyKeyReused) as exc:
        place(customer, food, **{"quantity": 2, **change})
    assert (exc.value.status_code, exc.value.code) == (409, "idempotency_key_reused")
    assert stock(food) == 8
    assert Order.objects.count() == 1


def test_cart_checkout_and_buy_now_under_one_key_differ(customer, cart, food):
    cart_add(cart=cart, product_id=food.pk, quantity=1)
    order_place(user=customer, shipping_address=ADDRESS, idempotency_key="k")
    with pytest.raises(IdempotencyKeyReused):
        place(customer, food, 1, key="k")


def test_items_in_another_order_are_the_same_body(customer, food, toy):
    items = [{"product_id": food.pk, "quantity": 1}, {"product_id": toy.pk, "quantity": 2}]
    first, _ = order_place(
        user=customer, shipping_address=ADDRESS, items=items, idempotency_key="k"
    )
    again, created = order_place(
        user=customer, shipping_address=ADDRESS, items=list(reversed(items)), idempotency_key="k"
    )
    assert (again.pk, created) == (first.pk, False)


def test_a_key_older_than_idempotency_key_hours_makes_a_new_order(customer, food, settings):
    settings.IDEMPOTENCY_KEY_HOURS = 2
    first, _ = place(customer, food)
    CheckoutKey.objects.update(created_at=timezone.now() - timedelta(hours=2, minutes=1))
    second, created = place(customer, food)
    assert created and second.pk != first.pk
    assert stock(food) == 8
    # And the new key now replays the second order.
    assert place(customer, food).order.pk == second.pk


def test_a_key_younger_than_idempotency_key_hours_still_replays(customer, food, settings):
    settings.IDEMPOTENCY_KEY_HOURS = 2
    first, _ = place(customer, food)
    CheckoutKey.objects.update(created_at=timezone.now() - timedelta(hours=1, minutes=59))
    assert tuple(place(customer, food)) == (first, False)


def test_keys_are_per_user(customer, food):
    other = UserFactory()
    mine, _ = place(customer, food)
    theirs, created = place(other, food)
    assert created and theirs.pk != mine.pk
    assert theirs.user == other
    assert stock(food) == 8


def test_a_failed_checkout_does_not_burn_its_key(customer, food):
    with pytest.raises(InsufficientStock):
        place(customer, food, 11)
    assert not CheckoutKey.objects.exists()
    Product.objects.filter(pk=food.pk).update(stock=20)
    order, created = place(customer, food, 11)
    assert created and stock(food) == 9


def test_without_a_key_each_checkout_is_a_new_order(customer, food):
    order_place(
        user=customer, shipping_address=ADDRESS, items=[{"product_id": food.pk, "quantity": 1}]
    )
    order_place(
        user=customer, shipping_address=ADDRESS, items=[{"product_id": food.pk, "quantity": 1}]
    )
    assert Order.objects.count() == 2


def test_an_overlong_key_is_invalid_input(customer, food):
    with pytest.raises(InvalidInput) as exc:
        place(customer, food, key="k" * 256)
    assert exc.value.extra["field"] == "idempotency_key"
    assert stock(food) == 10


def test_keys_cleanup_deletes_only_expired_keys_and_is_safe_twice(customer, food, settings):
    settings.IDEMPOTENCY_KEY_HOURS = 24
    old, _ = place(customer, food, key="old")
    place(customer, food, key="fresh")
    CheckoutKey.objects.filter(key="old").update(created_at=timezone.now() - timedelta(hours=25))
    assert checkout_keys_cleanup() == 1
    assert checkout_keys_cleanup() == 0
    assert list(CheckoutKey.objects.values_list("key", flat=True)) == ["fresh"]
    assert Order.objects.filter(pk=old.pk).exists()  # the order stays, only its key goes
