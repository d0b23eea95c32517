"""Invoices against API.md, Invoices (I3–I6), is_overdue and mark_overdue_invoices."""

import itertools
import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from accounts.tests.factories import AdminFactory
from catalog.tests.factories import ProductFactory
from sales.exceptions import InsufficientStock, InvalidInput, InvalidTransition, InvoiceExists
from sales.models import INVOICE_TRANSITIONS, Invoice, InvoiceSequence, InvoiceStatus, Order
from sales.services import (
    invoice_credit,
    invoice_delete,
    invoice_issue,
    invoice_set_status,
    invoice_update,
    invoices_mark_overdue,
    order_cancel,
)
from sales.services.invoices import _next_invoice_number
from sales.tests.factories import place_order

pytestmark = pytest.mark.django_db

IS = InvoiceStatus
# API.md I5, written out independently of sales.models.
ALLOWED = {
    (IS.PENDING, IS.PAID),
    (IS.OVERDUE, IS.PAID),
    (IS.PENDING, IS.OVERDUE),
    (IS.PENDING, IS.CANCELLED),
    (IS.OVERDUE, IS.CANCELLED),
    (IS.OVERDUE, IS.PENDING),  # only with a due date not past (in_status keeps it ahead)
    (IS.PAID, IS.REFUNDED),
}
ALL_PAIRS = list(itertools.product(IS.values, IS.values))


def invoice_of(order: Order) -> Invoice:
    return Invoice.objects.live().get(order=order)


def in_status(status: str, **kwargs) -> Invoice:
    invoice = invoice_of(place_order(**kwargs))
    Invoice.objects.filter(pk=invoice.pk).update(status=status)
    invoice.refresh_from_db()
    return invoice


# --- numbers ---------------------------------------------------------------------------------


def test_numbers_are_sequential_in_the_year_format():
    year = timezone.localdate().year
    numbers = [invoice_of(place_order()).number for _ in range(3)]
    assert all(re.fullmatch(rf"INV-{year}-\d{{6}}", n) for n in numbers)
    first = int(numbers[0][-6:])
    assert numbers == [f"INV-{year}-{first + i:06d}" for i in range(3)]


def test_each_year_counts_from_one():
    assert _next_invoice_number(2031) == "INV-2031-000001"
    assert _next_invoice_number(2031) == "INV-2031-000002"
    assert _next_invoice_number(2032) == "INV-2032-000001"
    assert InvoiceSequence.objects.get(year=2031).last_number == 2


def test_a_failed_checkout_does_not_use_up_a_number():
    year = timezone.localdate().year
    before = invoice_of(place_order()).number
    product = ProductFactory(stock=0)
    with pytest.raises(InsufficientStock):
        place_order(products=[product])
    after = invoice_of(place_order()).number
    assert int(after[-6:]) == int(before[-6:]) + 1
    assert after.startswith(f"INV-{year}-")


# --- issuing ---------------------------------------------------------------------------------


def test_an_order_has_one_live_invoice():
    order = place_order()
    with pytest.raises(InvoiceExists) as exc:
        invoice_issue(order=order)
    assert (exc.value.status_code, exc.value.code) == (409, "invoice_exists")
    assert Invoice.objects.filter(order=order).count() == 1


@pytest.mark.parametrize("status", [IS.PAID, IS.OVERDUE, IS.REFUNDED])
def test_any_live_invoice_blocks_a_new_one(status):
    invoice = in_status(status)
    with pytest.raises(InvoiceExists):
        invoice_issue(order=invoice.order)


def test_after_cancelling_the_invoice_a_new_one_can_be_issued():
    order = place_order()
    old = invoice_of(order)
    invoice_set_status(invoice=old, status=IS.CANCELLED)
    new = invoice_issue(order=order)
    assert new.pk != old.pk and new.number != old.number
    assert new.status == IS.PENDING and new.total == order.total
    assert invoice_of(order) == new


def test_a_cancelled_order_cannot_be_invoiced():
    order = place_order()
    order_cancel(order=order, by=AdminFactory())
    with pytest.raises(InvalidTransition):
        invoice_issue(order=order)


def test_a_stale_order_object_cannot_be_invoiced_after_cancelling():
    order = place_order()
    stale = Order.objects.get(pk=order.pk)
    order_cancel(order=order, by=AdminFactory())
    with pytest.raises(InvalidTransition):
        invoice_issue(order=stale)


def test_issue_takes_a_due_date():
    order = place_order()
    invoice_set_status(invoice=invoice_of(order), status=IS.CANCELLED)
    due = timezone.localdate() + timedelta(days=3)
    assert invoice_issue(order=order, due_date=due).due_date == due


def test_issue_default_due_date_follows_invoice_due_days(settings):
    order = place_order()
    invoice_set_status(invoice=invoice_of(order), status=IS.CANCELLED)
    settings.INVOICE_DUE_DAYS = 45
    assert invoice_issue(order=order).due_date == timezone.localdate() + timedelta(days=45)


def test_issue_refuses_a_due_date_before_the_issue_date():
    order = place_order()
    invoice_set_status(invoice=invoice_of(order), status=IS.CANCELLED)
    with pytest.raises(InvalidInput) as exc:
        invoice_issue(order=order, due_date=timezone.localdate() - timedelta(days=1))
    assert exc.value.extra["field"] == "due_date"
    assert not Invoice.objects.live().filter(order=order).exists()


# --- editing -------------------------------------------------------------------------------


def test_update_changes_due_date_and_notes():
    invoice = invoice_of(place_order())
    due = timezone.localdate(invoice.issued_at)  # the issue date itself is allowed
    invoice_update(invoice=invoice, due_date=due, notes="Paid by cheque")
    invoice.refresh_from_db()
    assert (invoice.due_date, invoice.notes) == (due, "Paid by cheque")


def test_update_refuses_a_due_date_before_the_issue_date():
    invoice = invoice_of(place_order())
    old_due = invoice.due_date
    with pytest.raises(InvalidInput):
        invoice_update(
            invoice=invoice, due_date=timezone.localdate(invoice.issued_at) - timedelta(days=1)
        )
    invoice.refresh_from_db()
    assert invoice.due_date == old_due


def test_update_of_notes_alone_keeps_the_due_date():
    invoice = invoice_of(place_order())
    due = invoice.due_date
    invoice_update(invoice=invoice, notes="n")
    invoice.refresh_from_db()
    assert (invoice.due_date, invoice.notes) == (due, "n")


# --- status --------------------------------------------------------------------------------


def test_the_table_is_exactly_the_api_contract():
    assert {(a, b) for a, targets in INVOICE_TRANSITIONS.items() for b in targets} == ALLOWED


@pytest.mark.parametrize(
    "from_status, to_status", ALL_PAIRS, ids=[f"{a}->{b}" for a, b in ALL_PAIRS]
)
def test_set_status_allows_exactly_the_api_moves(from_status, to_status):
    invoice = in_status(from_status)
    if (from_status, to_status) in ALLOWED:
        invoice_set_status(invoice=invoice, status=to_status)
        invoice.refresh_from_db()
        assert invoice.status == to_status
    else:
        with pytest.raises(InvalidTransition) as exc:
            invoice_set_status(invoice=invoice, status=to_status)
        assert exc.value.code == "invalid_transition"
        invoice.refresh_from_db()
        assert invoice.status == from_status


def test_set_status_refuses_an_unknown_status():
    with pytest.raises(InvalidInput):
        invoice_set_status(invoice=invoice_of(place_order()), status="lost")


@pytest.mark.parametrize("from_status", [IS.PENDING, IS.OVERDUE])
def test_paid_sets_paid_at_and_the_reference(from_status):
    invoice = in_status(from_status)
    assert invoice.paid_at is None
    invoice_set_status(invoice=invoice, status=IS.PAID, payment_reference="BANK-42")
    invoice.refresh_from_db()
    assert invoice.paid_at is not None and timezone.now() - invoice.paid_at < timedelta(minutes=1)
    assert invoice.payment_reference == "BANK-42"


def test_refunded_refunds_the_whole_total():
    invoice = in_status(IS.PAID)
    invoice_set_status(invoice=invoice, status=IS.REFUNDED)
    invoice.refresh_from_db()
    assert invoice.amount_refunded == invoice.total


def test_only_a_cancelled_invoice_can_be_deleted():
    for status in (IS.PENDING, IS.PAID, IS.OVERDUE, IS.REFUNDED):
        invoice = in_status(status)
        with pytest.raises(InvalidTransition):
            invoice_delete(invoice=invoice)
        assert Invoice.objects.filter(pk=invoice.pk).exists()
    invoice = in_status(IS.CANCELLED)
    invoice_delete(invoice=invoice)
    assert not Invoice.objects.filter(pk=invoice.pk).exists()


# --- overdue -------------------------------------------------------------------------------


def due(invoice: Invoice, days_from_today: int) -> Invoice:
    Invoice.objects.filter(pk=invoice.pk).update(
        due_date=timezone.localdate() + timedelta(days=days_from_today)
    )
    invoice.refresh_from_db()
    return invoice


@pytest.mark.parametrize(
    "status, days, expected",
    [
        (IS.PENDING, -1, True),
        (IS.OVERDUE, -1, True),
        (IS.PENDING, 0, False),
        (IS.PENDING, 5, False),
        (IS.PAID, -1, False),
        (IS.CANCELLED, -1, False),
        (IS.REFUNDED, -1, False),
    ],
)
def test_is_overdue(status, days, expected):
    invoice = due(in_status(status), days)
    assert invoice.is_overdue is expected
    assert Invoice.objects.overdue().filter(pk=invoice.pk).exists() is expected


def test_mark_overdue_moves_only_pending_invoices_past_due():
    late = due(in_status(IS.PENDING), -1)
    today = due(in_status(IS.PENDING), 0)
    paid_late = due(in_status(IS.PAID), -10)
    cancelled_late = due(in_status(IS.CANCELLED), -10)
    assert invoices_mark_overdue() == 1
    statuses = dict(Invoice.objects.values_list("pk", "status"))
    assert statuses == {
        late.pk: IS.OVERDUE,
        today.pk: IS.PENDING,
        paid_late.pk: IS.PAID,
        cancelled_late.pk: IS.CANCELLED,
    }


def test_mark_overdue_is_safe_to_run_twice():
    due(in_status(IS.PENDING), -1)
    assert invoices_mark_overdue() == 1
    assert invoices_mark_overdue() == 0
    assert Invoice.objects.get().status == IS.OVERDUE


def test_mark_overdue_takes_a_day():
    invoice = due(in_status(IS.PENDING), 3)
    assert invoices_mark_overdue(today=timezone.localdate() + timedelta(days=3)) == 0
    assert invoices_mark_overdue(today=timezone.localdate() + timedelta(days=4)) == 1
    invoice.refresh_from_db()
    assert invoice.status == IS.OVERDUE


def test_an_overdue_invoice_can_still_be_paid():
    invoice = due(in_status(IS.PENDING), -1)
    invoices_mark_overdue()
    invoice_set_status(invoice=invoice, status=IS.PAID)
    invoice.refresh_from_db()
    assert invoice.status == IS.PAID and not invoice.is_overdue


# --- credits from processed returns --------------------------------------------------------


def order_of(total_units: int = 4, price: str = "10.00") -> Order:
    return place_order(
        products=[ProductFactory(price=Decimal(price), stock=50)], quantity=total_units
    )


@pytest.mark.parametrize("status", [IS.PENDING, IS.PAID, IS.OVERDUE])
def test_a_partial_credit_keeps_the_status(status):
    order = order_of()
    Invoice.objects.filter(order=order).update(status=status)
    invoice = invoice_credit(order=order, amount=Decimal("10.00"))
    assert (invoice.status, invoice.amount_refunded) == (status, Decimal("10.00"))


def test_credits_add_up_and_a_paid_invoice_fully_credited_is_refunded():
    order = order_of()
    invoice_set_status(invoice=invoice_of(order), status=IS.PAID)
    invoice_credit(order=order, amount=Decimal("30.00"))
    invoice = invoice_credit(order=order, amount=Decimal("10.00"))
    invoice.refresh_from_db()
    assert (invoice.status, invoice.amount_refunded) == (IS.REFUNDED, Decimal("40.00"))


@pytest.mark.parametrize("status", [IS.PENDING, IS.OVERDUE])
def test_an_unpaid_invoice_fully_credited_is_cancelled(status):
    order = order_of()
    Invoice.objects.filter(order=order).update(status=status)
    invoice = invoice_credit(order=order, amount=Decimal("40.00"))
    invoice.refresh_from_db()
    assert (invoice.status, invoice.amount_refunded) == (IS.CANCELLED, Decimal("40.00"))


def test_a_credit_never_exceeds_the_total():
    order = order_of()
    invoice = invoice_credit(order=order, amount=Decimal("999.00"))
    assert invoice.amount_refunded == invoice.total


def test_a_credit_on_an_already_refunded_invoice_changes_nothing():
    order = order_of()
    invoice_set_status(invoice=invoice_of(order), status=IS.PAID)
    invoice_set_status(invoice=invoice_of(order), status=IS.REFUNDED)
    invoice = invoice_credit(order=order, amount=Decimal("10.00"))
    assert (invoice.status, invoice.amount_refunded) == (IS.REFUNDED, invoice.total)


def test_a_credit_when_the_invoice_was_cancelled_is_a_no_op():
    # An unpaid invoice staff voided: nothing was paid, so nothing is owed back.
    order = order_of()
    invoice_set_status(invoice=invoice_of(order), status=IS.CANCELLED)
    assert invoice_credit(order=order, amount=Decimal("10.00")) is None
    invoice = Invoice.objects.get(order=order)
    assert (invoice.status, invoice.amount_refunded) == (IS.CANCELLED, Decimal("0.00"))


def test_an_invoice_deleted_meanwhile_is_not_found():
    from petshop.core.exceptions import NotFound

    invoice = in_status(IS.CANCELLED)
    stale = Invoice.objects.get(pk=invoice.pk)
    invoice_delete(invoice=invoice)
    with pytest.raises(NotFound):
        invoice_update(invoice=stale, notes="late")
