"""The daily operations commands: mark_overdue_invoices, cleanup_carts, cleanup_checkout_keys."""

from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from accounts.tests.factories import UserFactory
from sales.models import Cart, Invoice, InvoiceStatus
from sales.services import invoice_set_status
from sales.tests.factories import place_order

pytestmark = pytest.mark.django_db


def run(*args) -> str:
    out = StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def _past_due(invoice: Invoice) -> Invoice:
    Invoice.objects.filter(pk=invoice.pk).update(
        issued_at=timezone.now() - timedelta(days=40),
        due_date=timezone.localdate() - timedelta(days=1),
    )
    invoice.refresh_from_db()
    return invoice


def test_mark_overdue_marks_unpaid_invoices_past_due():
    late = _past_due(place_order().live_invoice)
    on_time = place_order().live_invoice
    assert run("mark_overdue_invoices").strip() == "1 invoice marked overdue."
    late.refresh_from_db()
    on_time.refresh_from_db()
    assert (late.status, on_time.status) == (InvoiceStatus.OVERDUE, InvoiceStatus.PENDING)


def test_mark_overdue_leaves_paid_invoices_alone():
    paid = invoice_set_status(invoice=place_order().live_invoice, status="paid")
    _past_due(paid)
    assert run("mark_overdue_invoices").strip() == "0 invoices marked overdue."
    paid.refresh_from_db()
    assert paid.status == InvoiceStatus.PAID


def test_mark_overdue_twice_changes_nothing_the_second_time():
    _past_due(place_order().live_invoice)
    _past_due(place_order().live_invoice)
    assert run("mark_overdue_invoices").strip() == "2 invoices marked overdue."
    assert run("mark_overdue_invoices").strip() == "0 invoices marked overdue."
    assert Invoice.objects.filter(status=InvoiceStatus.OVERDUE).count() == 2


def _aged(cart: Cart, days: int) -> Cart:
    Cart.objects.filter(pk=cart.pk).update(updated_at=timezone.now() - timedelta(days=days))
    return cart


def test_cleanup_carts_deletes_only_carts_older_than_days():
    old_user_cart = _aged(Cart.objects.create(user=UserFactory()), 10)
    old_visitor_cart = _aged(Cart.objects.create(session_key="visitor"), 8)
    fresh = _aged(Cart.objects.create(user=UserFactory()), 2)
    assert run("cleanup_carts", "--days", "7").strip() == "2 carts untouched for 7 days deleted."
    assert list(Cart.objects.values_list("pk", flat=True)) == [fresh.pk]
    assert not Cart.objects.filter(pk__in=[old_user_cart.pk, old_visitor_cart.pk]).exists()


def test_cleanup_carts_twice_deletes_nothing_the_second_time():
    _aged(Cart.objects.create(user=UserFactory()), 40)
    assert run("cleanup_carts", "--days", "30").strip() == "1 cart untouched for 30 days deleted."
    assert run("cleanup_carts", "--days", "30").strip() == "0 carts untouched for 30 days deleted."


def test_cleanup_carts_refuses_days_below_one():
    with pytest.raises(CommandError, match="at least 1"):
        run("cleanup_carts", "--days", "0")


def test_cleanup_checkout_keys_forgets_only_expired_keys_and_is_safe_twice(customer, product):
    from sales.models import CheckoutKey, Order
    from sales.services import order_place

    items = [{"product_id": product.pk, "quantity": 1}]
    old, _ = order_place(
        user=customer, shipping_address="1 Dog Lane", items=items, idempotency_key="old"
    )
    order_place(user=customer, shipping_address="1 Dog Lane", items=items, idempotency_key="new")
    CheckoutKey.objects.filter(key="old").update(created_at=timezone.now() - timedelta(hours=25))

    assert run("cleanup_checkout_keys").strip() == "1 idempotency key older than 24 hours deleted."
    assert list(CheckoutKey.objects.values_list("key", flat=True)) == ["new"]
    assert run("cleanup_checkout_keys").strip() == "0 idempotency keys older than 24 hours deleted."
    assert Order.objects.filter(pk=old.pk).exists()  # the order itself stays
