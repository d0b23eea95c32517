"""`manage.py seed_demo`: a living demo shop, the same after a second run."""

from datetime import date
from io import StringIO

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.management import CommandError, call_command

from accounts.models import User
from accounts.tests.factories import UserFactory
from catalog.models import Category, PetType, Product
from catalog.tests.factories import ProductFactory
from petshop.demo import data
from petshop.models import DemoUser
from returns.models import Return, ReturnLine
from sales.models import (
    Cart,
    Invoice,
    InvoiceStatus,
    Order,
    OrderLine,
    OrderStatus,
    OrderStatusChange,
)
from sales.tests.factories import place_order

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def development_settings(settings):
    """seed_demo is a development tool: it refuses to run with DEBUG off (see below)."""
    settings.DEBUG = True


def seed(*args) -> str:
    out = StringIO()
    call_command("seed_demo", *args, stdout=out)
    return out.getvalue()


def counts() -> dict[str, int]:
    models = (User, Product, Order, OrderLine, OrderStatusChange, Invoice, Return, ReturnLine, Cart)
    return {model.__name__: model.objects.count() for model in models}


def test_seed_builds_orders_in_every_status():
    seed()
    assert set(Order.objects.values_list("status", flat=True)) == set(OrderStatus.values)


def test_seed_builds_invoices_in_every_status_with_one_overdue():
    seed()
    statuses = list(Invoice.objects.values_list("status", flat=True))
    assert set(statuses) == set(InvoiceStatus.values)
    assert statuses.count(InvoiceStatus.OVERDUE) == 1
    assert all(order.live_invoice or order.status == "cancelled" for order in Order.objects.all())


def test_seed_builds_a_processed_and_a_requested_return():
    seed()
    assert set(Return.objects.values_list("status", flat=True)) == {"processed", "requested"}


def test_seed_fills_every_pet_type_and_category():
    seed()
    assert not PetType.objects.filter(products__isnull=True).exists()
    assert not Category.objects.filter(products__isnull=True).exists()
    assert Product.objects.count() >= 40


def test_seed_has_sold_out_and_low_stock_products():
    seed()
    assert Product.objects.filter(stock=0).exists()
    assert Product.objects.filter(stock__gt=0).low_stock().exists()


def test_second_run_duplicates_nothing():
    seed()
    before = counts()
    output = seed()
    assert counts() == before
    assert "0 users, 0 products, 0 orders, 0 returns created" in output


def test_demo_logins_are_printed_and_work():
    output = seed()
    for username, _email, _first, _last, password, is_admin in data.USERS:
        assert f"{username} " in output and password in output
        user = User.objects.get(username=username)
        assert user.check_password(password)
        assert user.is_staff == is_admin and user.is_customer


def test_demo_passwords_pass_the_password_validators():
    for username, email, first, last, password, _ in data.USERS:
        validate_password(
            password, User(username=username, email=email, first_name=first, last_name=last)
        )


def test_second_run_restores_a_changed_demo_password():
    seed()
    user = User.objects.get(username="alice")
    user.set_password("something-else-entirely")
    user.save()
    seed()
    user.refresh_from_db()
    assert user.check_password("alice-demo-pass")


def test_products_option_adds_that_many_products_each_run():
    seed()
    before = Product.objects.count()
    output = seed("--products", "2500")  # more than one batch
    assert Product.objects.count() == before + 2500
    assert "2,500/2,500 products" in output
    seed("--products", "3")
    assert Product.objects.filter(sku__startswith="GEN-").count() == 2503


def test_generated_products_are_valid():
    seed("--products", "50")
    for product in Product.objects.filter(sku__startswith="GEN-")[:50]:
        product.full_clean()


def test_demo_orders_went_through_checkout_stock_and_returns():
    seed()
    stock = {row[0]: row[6] for row in data.PRODUCTS}  # (sku, ..., stock, ...)
    current = dict(Product.objects.values_list("sku", "stock"))
    assert current["DEMO-DOG-001"] == stock["DEMO-DOG-001"] - 1  # delivered order took one
    assert current["DEMO-BRD-001"] == stock["DEMO-BRD-001"]  # cancelled order put them back
    assert current["DEMO-DOG-002"] == stock["DEMO-DOG-002"] - 4 + 2  # processed return restocked 2


def test_delivered_demo_orders_have_their_whole_history():
    seed()
    for order in Order.objects.filter(status=OrderStatus.DELIVERED):
        assert [c.to_status for c in order.history.all()] == [
            "pending",
            "confirmed",
            "processing",
            "shipped",
            "delivered",
        ]
        assert order.delivered_at is not None


def test_seed_that_cannot_place_its_orders_says_why_and_writes_nothing():
    ProductFactory(sku="DEMO-CAT-001", stock=0)  # a demo order needs one of these
    with pytest.raises(CommandError, match="could not be built: Not enough stock"):
        seed()
    assert not Order.objects.exists()
    assert not User.objects.exists()


# --- it cannot take over a real shop -----------------------------------------------------


def test_seed_refuses_to_run_in_production_without_force(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="refuses to run with DJANGO_DEBUG=false"):
        seed()
    assert not User.objects.exists()
    assert not Order.objects.exists()


def test_seed_with_force_runs_in_production(settings):
    settings.DEBUG = False
    seed("--force")
    assert Order.objects.exists()
    assert DemoUser.objects.count() == len(data.USERS)


def test_seed_never_touches_a_real_user_holding_a_demo_name(settings):
    settings.DEBUG = False
    real_admin = UserFactory(
        username="admin", email="boss@realshop.example", password="Real-Pass-123!"
    )
    real_alice = UserFactory(
        username="alice", email="alice@realshop.example", password="Alice-Real-9!"
    )
    before = {
        u.pk: (u.password, u.is_staff, u.is_customer, u.email) for u in (real_admin, real_alice)
    }

    output = seed("--force")

    for user in (real_admin, real_alice):
        user.refresh_from_db()
        assert (user.password, user.is_staff, user.is_customer, user.email) == before[user.pk]
    assert real_admin.check_password("Real-Pass-123!") and not real_admin.is_staff
    assert not Order.objects.filter(user__in=[real_admin, real_alice]).exists()
    assert not Order.objects.exists()  # the demo orders need every demo user
    assert "admin: a user the demo did not create" in output
    assert "admin-demo-pass" not in output
    # bob and carol were free, so the demo made them (and only them).
    assert set(DemoUser.objects.values_list("user__username", flat=True)) == {"bob", "carol"}


def test_seed_leaves_alone_a_real_user_holding_a_demo_email():
    real = UserFactory(username="ally", email="ALICE@petshop.example", password="Ally-Real-77!")
    seed()
    real.refresh_from_db()
    assert real.check_password("Ally-Real-77!")
    assert not User.objects.filter(username="alice").exists()
    assert not DemoUser.objects.filter(user=real).exists()


def test_seed_leaves_real_invoices_to_the_daily_job():
    real_order = place_order()
    invoice = real_order.live_invoice
    Invoice.objects.filter(pk=invoice.pk).update(due_date=date(2000, 1, 1))
    output = seed()
    invoice.refresh_from_db()
    assert invoice.status == InvoiceStatus.PENDING
    assert "1 invoice marked overdue" in output  # the demo's own late invoice


def test_the_demo_shop_shows_shipping_methods_and_tax_at_checkout_and_on_invoices(client):
    from django.urls import reverse

    from sales.models import ShippingMethod, TaxRate
    from sales.services import cart_add, cart_for_user

    seed()
    assert list(ShippingMethod.objects.active().values_list("name", flat=True)) == [
        "Standard",
        "Express",
    ]
    assert TaxRate.objects.filter(category__isnull=True).exists()
    order = Order.objects.filter(user__username="alice").first()
    assert order.tax > 0 and order.shipping_method == "Standard"
    assert order.total == order.subtotal + order.shipping_cost + order.tax
    alice = User.objects.get(username="alice")
    client.force_login(alice)
    invoice = client.get(reverse("sales:invoice", args=[order.live_invoice.number]))
    page = invoice.content.decode()
    assert f"${order.tax}" in page and "Tax rate" in page and "Standard" in page
    product = Product.objects.filter(is_active=True, stock__gt=0).first()
    cart_add(cart=cart_for_user(user=alice), product_id=product.pk, quantity=1)
    checkout = client.get(reverse("sales:checkout")).content.decode()
    assert "Express" in checkout and "Standard" in checkout and 'data-testid="tax"' in checkout
    assert "Alice Archer" in checkout  # her saved address is offered
    # Seeding again changes none of it.
    seed()
    assert ShippingMethod.objects.count() == 2
