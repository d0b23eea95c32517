"""Cart services against API.md, section Cart (limits, replace, merge at login)."""

from datetime import timedelta

import pytest
from django.utils import timezone

from catalog.services import product_delete, product_update
from catalog.tests.factories import ProductFactory
from sales.exceptions import CartLimitExceeded, InsufficientStock, InvalidInput, NotInCart
from sales.models import MAX_CART_PRODUCTS, MAX_LINE_QUANTITY, Cart, CartLine
from sales.services import (
    cart_add,
    cart_clear,
    cart_for_session,
    cart_for_user,
    cart_merge,
    cart_remove,
    cart_replace,
    cart_set_quantity,
    carts_cleanup,
)
from sales.tests.factories import place_order

pytestmark = pytest.mark.django_db


@pytest.fixture
def cart(customer):
    return cart_for_user(user=customer)


def quantities(cart) -> dict[int, int]:
    return dict(cart.lines.values_list("product_id", "quantity"))


# --- getting a cart ---------------------------------------------------------------------


def test_cart_for_user_is_one_per_user(customer):
    assert cart_for_user(user=customer).pk == cart_for_user(user=customer).pk
    assert Cart.objects.filter(user=customer).count() == 1


def test_cart_for_user_without_create_returns_none_when_none(customer):
    assert cart_for_user(user=customer, create=False) is None


def test_cart_for_session_is_keyed_by_session():
    cart = cart_for_session(session_key="abc")
    assert cart_for_session(session_key="abc").pk == cart.pk
    assert cart_for_session(session_key="other", create=False) is None
    assert cart.user is None


# --- add ----------------------------------------------------------------------------------


def test_add_creates_a_line(cart, product):
    line = cart_add(cart=cart, product_id=product.pk, quantity=3)
    assert (line.product_id, line.quantity) == (product.pk, 3)


def test_add_adds_to_a_line_already_there(cart, product):
    cart_add(cart=cart, product_id=product.pk, quantity=2)
    cart_add(cart=cart, product_id=product.pk, quantity=3)
    assert quantities(cart) == {product.pk: 5}


@pytest.mark.parametrize("quantity", [0, -1, MAX_LINE_QUANTITY + 1])
def test_add_refuses_a_quantity_out_of_range(cart, quantity):
    product = ProductFactory(stock=100)
    with pytest.raises(InvalidInput) as exc:
        cart_add(cart=cart, product_id=product.pk, quantity=quantity)
    assert exc.value.extra["field"] == "quantity"
    assert not cart.lines.exists()


def test_add_accepts_the_bounds(cart):
    product, other = ProductFactory(stock=100), ProductFactory(stock=100)
    cart_add(cart=cart, product_id=product.pk, quantity=1)
    cart_add(cart=cart, product_id=other.pk, quantity=MAX_LINE_QUANTITY)
    assert quantities(cart) == {product.pk: 1, other.pk: MAX_LINE_QUANTITY}


def test_add_refuses_a_sum_above_the_line_limit(cart):
    product = ProductFactory(stock=100)
    cart_add(cart=cart, product_id=product.pk, quantity=40)
    with pytest.raises(InvalidInput):
        cart_add(cart=cart, product_id=product.pk, quantity=11)
    assert quantities(cart) == {product.pk: 40}


def test_add_refuses_an_inactive_product(cart):
    product = ProductFactory(is_active=False)
    with pytest.raises(InvalidInput) as exc:
        cart_add(cart=cart, product_id=product.pk)
    assert exc.value.status_code == 400
    assert exc.value.extra["product_ids"] == [product.pk]


def test_add_refuses_an_unknown_product(cart):
    with pytest.raises(InvalidInput):
        cart_add(cart=cart, product_id=999_999)


def test_add_above_stock_is_insufficient_stock(cart):
    product = ProductFactory(stock=3)
    cart_add(cart=cart, product_id=product.pk, quantity=2)
    with pytest.raises(InsufficientStock) as exc:
        cart_add(cart=cart, product_id=product.pk, quantity=2)
    assert exc.value.status_code == 409
    assert exc.value.extra["items"] == [{"product_id": product.pk, "requested": 4, "available": 3}]
    assert quantities(cart) == {product.pk: 2}


def test_add_refuses_product_number_101(cart):
    products = ProductFactory.create_batch(MAX_CART_PRODUCTS + 1)
    CartLine.objects.bulk_create(
        [CartLine(cart=cart, product=p, quantity=1) for p in products[:MAX_CART_PRODUCTS]]
    )
    with pytest.raises(CartLimitExceeded):
        cart_add(cart=cart, product_id=products[-1].pk)
    # A product already in the full cart can still grow.
    cart_add(cart=cart, product_id=products[0].pk)
    assert cart.lines.count() == MAX_CART_PRODUCTS


def test_add_touches_the_cart(cart, product):
    Cart.objects.filter(pk=cart.pk).update(updated_at=timezone.now() - timedelta(days=3))
    cart_add(cart=cart, product_id=product.pk)
    cart.refresh_from_db()
    assert cart.updated_at > timezone.now() - timedelta(minutes=1)


# --- set quantity, remove, clear --------------------------------------------------------


def test_set_quantity_changes_the_line(cart, product):
    cart_add(cart=cart, product_id=product.pk, quantity=2)
    cart_set_quantity(cart=cart, product_id=product.pk, quantity=7)
    assert quantities(cart) == {product.pk: 7}


def test_set_quantity_zero_removes_the_line(cart, product):
    cart_add(cart=cart, product_id=product.pk, quantity=2)
    assert cart_set_quantity(cart=cart, product_id=product.pk, quantity=0) is None
    assert quantities(cart) == {}


def test_set_quantity_of_a_product_not_in_cart_is_not_in_cart(cart, product):
    with pytest.raises(NotInCart) as exc:
        cart_set_quantity(cart=cart, product_id=product.pk, quantity=1)
    assert exc.value.status_code == 404


@pytest.mark.parametrize("quantity", [-1, MAX_LINE_QUANTITY + 1])
def test_set_quantity_refuses_out_of_range(cart, quantity):
    product = ProductFactory(stock=100)
    cart_add(cart=cart, product_id=product.pk, quantity=2)
    with pytest.raises(InvalidInput):
        cart_set_quantity(cart=cart, product_id=product.pk, quantity=quantity)
    assert quantities(cart) == {product.pk: 2}


def test_set_quantity_above_stock_is_insufficient_stock(cart):
    product = ProductFactory(stock=4)
    cart_add(cart=cart, product_id=product.pk, quantity=2)
    with pytest.raises(InsufficientStock) as exc:
        cart_set_quantity(cart=cart, product_id=product.pk, quantity=5)
    assert exc.value.extra["items"] == [{"product_id": product.pk, "requested": 5, "available": 4}]
    assert quantities(cart) == {product.pk: 2}


def test_set_quantity_of_a_product_that_became_inactive_is_refused(cart, product):
    cart_add(cart=cart, product_id=product.pk, quantity=2)
    type(product).objects.filter(pk=product.pk).update(is_active=False)  # behind the services' back
    with pytest.raises(InvalidInput):
        cart_set_quantity(cart=cart, product_id=product.pk, quantity=3)


def test_remove_deletes_the_line(cart, product):
    cart_add(cart=cart, product_id=product.pk)
    cart_remove(cart=cart, product_id=product.pk)
    assert quantities(cart) == {}


def test_remove_of_a_product_not_in_cart_is_not_in_cart(cart, product):
    with pytest.raises(NotInCart):
        cart_remove(cart=cart, product_id=product.pk)


def test_clear_empties_only_this_cart(cart, other_customer, product):
    other = cart_for_user(user=other_customer)
    cart_add(cart=cart, product_id=product.pk)
    cart_add(cart=other, product_id=product.pk)
    cart_clear(cart=cart)
    assert quantities(cart) == {}
    assert quantities(other) == {product.pk: 1}


# --- replace (PUT) ------------------------------------------------------------------------


def test_replace_swaps_the_whole_cart(cart):
    old, a, b = ProductFactory(), ProductFactory(), ProductFactory()
    cart_add(cart=cart, product_id=old.pk)
    cart_replace(
        cart=cart, items=[{"product_id": a.pk, "quantity": 2}, {"product_id": b.pk, "quantity": 3}]
    )
    assert quantities(cart) == {a.pk: 2, b.pk: 3}


def test_replace_with_nothing_empties_the_cart(cart, product):
    cart_add(cart=cart, product_id=product.pk)
    cart_replace(cart=cart, items=[])
    assert quantities(cart) == {}


@pytest.mark.parametrize(
    "bad_item, error",
    [
        (lambda p, q: {"product_id": q.pk, "quantity": 0}, InvalidInput),
        (lambda p, q: {"product_id": q.pk, "quantity": MAX_LINE_QUANTITY + 1}, InvalidInput),
        (lambda p, q: {"product_id": 999_999, "quantity": 1}, InvalidInput),
        (
            lambda p, q: {"product_id": ProductFactory(is_active=False).pk, "quantity": 1},
            InvalidInput,
        ),
        (lambda p, q: {"product_id": q.pk, "quantity": q.stock + 1}, InsufficientStock),
        (lambda p, q: {"product_id": p.pk, "quantity": 1}, InvalidInput),  # duplicate of the first
    ],
    ids=["zero", "above-50", "unknown", "inactive", "above-stock", "duplicate"],
)
def test_replace_is_all_or_nothing(cart, bad_item, error):
    kept, p, q = ProductFactory(), ProductFactory(), ProductFactory(stock=5)
    cart_add(cart=cart, product_id=kept.pk, quantity=4)
    with pytest.raises(error):
        cart_replace(cart=cart, items=[{"product_id": p.pk, "quantity": 1}, bad_item(p, q)])
    assert quantities(cart) == {kept.pk: 4}


def test_replace_reports_every_short_line(cart):
    a, b, c = ProductFactory(stock=1), ProductFactory(stock=2), ProductFactory(stock=9)
    with pytest.raises(InsufficientStock) as exc:
        cart_replace(
            cart=cart,
            items=[
                {"product_id": a.pk, "quantity": 3},
                {"product_id": b.pk, "quantity": 4},
                {"product_id": c.pk, "quantity": 1},
            ],
        )
    assert exc.value.extra["items"] == [
        {"product_id": a.pk, "requested": 3, "available": 1},
        {"product_id": b.pk, "requested": 4, "available": 2},
    ]


def test_replace_refuses_more_than_100_products(cart):
    products = ProductFactory.create_batch(MAX_CART_PRODUCTS + 1)
    with pytest.raises(CartLimitExceeded):
        cart_replace(cart=cart, items=[{"product_id": p.pk, "quantity": 1} for p in products])
    cart_replace(cart=cart, items=[{"product_id": p.pk, "quantity": 1} for p in products[:-1]])
    assert cart.lines.count() == MAX_CART_PRODUCTS


# --- merge at login -----------------------------------------------------------------------


@pytest.fixture
def visitor_cart():
    return cart_for_session(session_key="visitor-session")


def test_merge_moves_lines_and_deletes_the_source(cart, visitor_cart, product):
    cart_add(cart=visitor_cart, product_id=product.pk, quantity=2)
    messages = cart_merge(source=visitor_cart, target=cart)
    assert messages == []
    assert quantities(cart) == {product.pk: 2}
    assert not Cart.objects.filter(pk=visitor_cart.pk).exists()


def test_merge_adds_quantities_up(cart, visitor_cart):
    product = ProductFactory(stock=20)
    cart_add(cart=cart, product_id=product.pk, quantity=3)
    cart_add(cart=visitor_cart, product_id=product.pk, quantity=4)
    assert cart_merge(source=visitor_cart, target=cart) == []
    assert quantities(cart) == {product.pk: 7}


def test_merge_caps_at_the_line_limit_with_a_message(cart, visitor_cart):
    product = ProductFactory(stock=500, name="Big Bone")
    cart_add(cart=cart, product_id=product.pk, quantity=30)
    cart_add(cart=visitor_cart, product_id=product.pk, quantity=30)
    messages = cart_merge(source=visitor_cart, target=cart)
    assert quantities(cart) == {product.pk: MAX_LINE_QUANTITY}
    assert messages == [f"Big Bone: quantity capped at {MAX_LINE_QUANTITY}."]


def test_merge_caps_at_stock_with_a_message(cart, visitor_cart):
    product = ProductFactory(stock=6, name="Cat Tower")
    cart_add(cart=cart, product_id=product.pk, quantity=4)
    cart_add(cart=visitor_cart, product_id=product.pk, quantity=4)
    messages = cart_merge(source=visitor_cart, target=cart)
    assert quantities(cart) == {product.pk: 6}
    assert messages == ["Cat Tower: quantity capped at 6."]


def test_merge_drops_an_inactive_product_with_a_message(cart, visitor_cart):
    product = ProductFactory(name="Old Leash")
    cart_add(cart=visitor_cart, product_id=product.pk)
    type(product).objects.filter(pk=product.pk).update(is_active=False)
    messages = cart_merge(source=visitor_cart, target=cart)
    assert quantities(cart) == {}
    assert messages == ["Old Leash is no longer available and was left out."]


def test_merge_drops_an_out_of_stock_product_with_a_message(cart, visitor_cart):
    product = ProductFactory(stock=2, name="Fish Flakes")
    cart_add(cart=visitor_cart, product_id=product.pk, quantity=2)
    type(product).objects.filter(pk=product.pk).update(stock=0)
    messages = cart_merge(source=visitor_cart, target=cart)
    assert quantities(cart) == {}
    assert messages == ["Fish Flakes is out of stock and was left out."]


def test_merge_drops_new_products_beyond_100_with_a_message(cart, visitor_cart):
    products = ProductFactory.create_batch(MAX_CART_PRODUCTS)
    CartLine.objects.bulk_create([CartLine(cart=cart, product=p, quantity=1) for p in products])
    extra = ProductFactory(name="One Too Many")
    cart_add(cart=visitor_cart, product_id=extra.pk)
    cart_add(cart=visitor_cart, product_id=products[0].pk)
    messages = cart_merge(source=visitor_cart, target=cart)
    assert cart.lines.count() == MAX_CART_PRODUCTS
    assert quantities(cart)[products[0].pk] == 2
    assert messages == [
        f"One Too Many was left out: a cart holds at most {MAX_CART_PRODUCTS} products."
    ]


def test_merge_of_a_cart_into_itself_changes_nothing(cart, product):
    cart_add(cart=cart, product_id=product.pk, quantity=2)
    assert cart_merge(source=cart, target=cart) == []
    assert quantities(cart) == {product.pk: 2}


# --- products leaving, cleanup ------------------------------------------------------------


def test_deactivating_a_product_keeps_it_in_every_cart_as_unavailable(
    cart, other_customer, product
):
    other = cart_for_user(user=other_customer)
    cart_add(cart=cart, product_id=product.pk)
    cart_add(cart=other, product_id=product.pk)
    product_update(product=product, is_active=False)
    lines = CartLine.objects.select_related("product").filter(product=product)
    assert lines.count() == 2 and not any(line.available for line in lines)


def test_deleting_an_ordered_product_removes_it_from_carts(cart, product):
    place_order(products=[product])
    cart_add(cart=cart, product_id=product.pk)
    assert product_delete(product=product) is False
    assert not CartLine.objects.filter(product=product).exists()


def test_cleanup_deletes_only_carts_idle_for_n_days(cart, visitor_cart, product):
    Cart.objects.filter(pk=visitor_cart.pk).update(updated_at=timezone.now() - timedelta(days=31))
    assert carts_cleanup(days=30) == 1
    assert carts_cleanup(days=30) == 0
    assert list(Cart.objects.values_list("pk", flat=True)) == [cart.pk]


def test_merge_of_a_visitor_cart_already_merged_changes_nothing(cart, visitor_cart, product):
    cart_add(cart=visitor_cart, product_id=product.pk, quantity=2)
    stale = Cart.objects.get(pk=visitor_cart.pk)
    cart_merge(source=visitor_cart, target=cart)
    assert cart_merge(source=stale, target=cart) == []
    assert quantities(cart) == {product.pk: 2}
