"""Invoices: issuing with sequential numbers, status changes, credits from refunds."""

from datetime import date
from decimal import Decimal

from django.db import connection, transaction
from django.utils import timezone

from audit.services import Change, audit_record, audit_records
from petshop.core.exceptions import InvalidInput
from petshop.core.user_cache import invalidate_user
from sales import emails
from sales.exceptions import InvalidTransition, InvoiceCredited, InvoiceExists, InvoiceKept
from sales.lock_objects import invoice_lock, live_invoice_lock, order_lock
from sales.models import (
    INVOICE_TRANSITIONS,
    Invoice,
    InvoiceSequence,
    InvoiceStatus,
    Order,
    OrderStatus,
)

# An invoice's money state: what the audit trail shows before and after each change.
MONEY_FIELDS = ("status", "amount_refunded", "paid_at", "payment_reference", "due_date")
OVERDUE_BATCH = 1000  # rows per UPDATE and audit INSERT (SQLite caps a query's parameters)
# The audit trail's name for each status an invoice moves to.
STATUS_ACTIONS = {
    InvoiceStatus.PAID: "invoice.paid",  # a payment recorded
    InvoiceStatus.REFUNDED: "invoice.refunded",
    InvoiceStatus.CANCELLED: "invoice.voided",
    InvoiceStatus.OVERDUE: "invoice.overdue",
    InvoiceStatus.PENDING: "invoice.pending",
}


def _money_state(invoice: Invoice) -> dict:
    return {name: getattr(invoice, name) for name in MONEY_FIELDS}


def _audit(invoice: Invoice, before: dict, *, action: str, by, note: str = "") -> None:
    """Record what changed in `invoice`'s money state since `before`, if anything did."""
    after = _money_state(invoice)
    changed = [name for name in MONEY_FIELDS if before[name] != after[name]]
    if changed:
        audit_record(
            target=invoice,
            action=action,
            by=by,
            before={name: before[name] for name in changed},
            after={name: after[name] for name in changed},
            note=note,
        )


def _next_invoice_number(year: int) -> str:
    """Sequential per year. The counter row is locked by the UPDATE until the
    transaction ends, so concurrent checkouts get distinct, gapless numbers. One
    statement (UPDATE ... RETURNING): every checkout queues on this row lock until it
    commits, so each round trip made while holding it costs every buyer."""
    table = connection.ops.quote_name(InvoiceSequence._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} SET last_number = last_number + 1 WHERE year = %s RETURNING last_number",
            [year],
        )
        row = cursor.fetchone()
    if row is None:  # the year's first invoice
        InvoiceSequence.objects.get_or_create(year=year)
        return _next_invoice_number(year)
    return f"INV-{year}-{row[0]:06d}"


@transaction.atomic
def invoice_issue(
    *, order: Order, due_date: date | None = None, reissue: bool = False, by=None
) -> Invoice:
    """A new invoice for an order with no live one. If the order's last invoice was
    cancelled by a processed return's credit (its goods came back), billing them again
    needs staff to say so: `reissue=True`, else 409 invoice_credited."""
    # Lock (and re-read) the order first, so two staff issuing at once cannot both pass
    # the checks below, and a cancellation that just committed is seen.
    order = order_lock(pk=order.pk)
    if order.status == OrderStatus.CANCELLED:
        raise InvalidTransition("A cancelled order cannot be invoiced.", from_status=order.status)
    if Invoice.objects.live().filter(order=order).exists():
        raise InvoiceExists()
    if not reissue and (
        Invoice.objects.filter(order=order, status=InvoiceStatus.CANCELLED, amount_refunded__gt=0)
        .order_by()
        .exists()
    ):
        raise InvoiceCredited()
    invoice = invoice_create(order=order, due_date=due_date)
    audit_record(
        target=invoice,
        action="invoice.reissued" if reissue else "invoice.issued",
        by=by,
        after={"status": invoice.status, "total": invoice.total, "due_date": invoice.due_date},
        note=f"order {order.number}",
    )
    return invoice


def invoice_create(*, order: Order, due_date: date | None = None) -> Invoice:
    """Number and save the invoice of `order`, in the caller's transaction, without
    invoice_issue's lock and checks: for checkout, whose order was created in that same
    transaction, so nobody else can see, cancel or invoice it yet."""
    issued_at = timezone.now()
    issued_on = timezone.localdate(issued_at)
    due_date = due_date or Invoice.default_due_date(issued_on)
    if due_date < issued_on:
        raise InvalidInput("The due date cannot be before the issue date.", field="due_date")
    return Invoice.objects.create(
        number=_next_invoice_number(issued_on.year),
        order=order,
        subtotal=order.subtotal,
        shipping_cost=order.shipping_cost,
        tax=order.tax,
        total=order.total,
        issued_at=issued_at,
        due_date=due_date,
    )


@transaction.atomic
def invoice_update(*, invoice: Invoice, by=None, **fields) -> Invoice:
    """Due date and notes (I4). An overdue invoice whose due date moves to today or later
    is pending again (the table's overdue → pending move)."""
    invoice = invoice_lock(pk=invoice.pk)
    locked_due = invoice.due_date
    if "due_date" in fields:
        if fields["due_date"] < timezone.localdate(invoice.issued_at):
            raise InvalidInput("The due date cannot be before the issue date.", field="due_date")
        invoice.due_date = fields["due_date"]
    if "notes" in fields:
        invoice.notes = fields["notes"]
    invoice.save(update_fields=["due_date", "notes"])
    if invoice.status == InvoiceStatus.OVERDUE and invoice.due_date >= timezone.localdate():
        before = _money_state(invoice)
        invoice.transition_to(InvoiceStatus.PENDING)
        before["due_date"] = locked_due
        _audit(invoice, before, action="invoice.pending", by=by, note="due date moved")
    return invoice


@transaction.atomic
def invoice_set_status(
    *, invoice: Invoice, status: str, payment_reference: str = "", by=None
) -> Invoice:
    """A status move of the table (paying, voiding, refunding...), recorded in the audit
    trail with `by`."""
    invoice = invoice_lock(pk=invoice.pk)
    if status not in InvoiceStatus.values:
        raise InvalidInput(f"Unknown status {status!r}.", field="status")
    before = _money_state(invoice)
    if payment_reference:
        invoice.payment_reference = payment_reference
    invoice.transition_to(status)  # saves, with paid_at / amount_refunded as the move implies
    _audit(invoice, before, action=STATUS_ACTIONS[status], by=by)
    if status == InvoiceStatus.PAID:
        emails.send_invoice_paid(invoice)
    return invoice


@transaction.atomic
def invoice_delete(*, invoice: Invoice) -> None:
    invoice = invoice_lock(pk=invoice.pk)
    if invoice.status != InvoiceStatus.CANCELLED:
        raise InvalidTransition(
            "Only a cancelled invoice can be deleted.", from_status=invoice.status
        )
    if invoice.is_financial_record:
        # A cancelled invoice carrying a return's credit: the record of that credit (and
        # what keeps the order from being billed again by accident, see invoice_issue).
        raise InvoiceKept("This invoice carries a return's credit and is kept for the accounts.")
    invoice.delete()


def invoice_void_for_cancelled_order(*, order: Order, by=None) -> Invoice | None:
    """A cancelled order's live invoice: cancelled if unpaid, refunded in full if paid.
    Returns it (None if the order had none)."""
    invoice = live_invoice_lock(order=order)
    if invoice is None:
        return None
    before = _money_state(invoice)
    if invoice.status == InvoiceStatus.PAID:
        invoice.transition_to(InvoiceStatus.REFUNDED)
    elif invoice.can_transition_to(InvoiceStatus.CANCELLED):
        invoice.transition_to(InvoiceStatus.CANCELLED)
    _audit(
        invoice,
        before,
        action=STATUS_ACTIONS[invoice.status],
        by=by,
        note=f"order {order.number} cancelled",
    )
    return invoice


@transaction.atomic
def invoice_credit(*, order: Order, amount: Decimal, by=None, note: str = "") -> Invoice | None:
    """A processed return's refund, credited against the order's live invoice. Once the
    whole total is credited the invoice is `refunded` if it was paid, `cancelled` if not.
    Recorded in the audit trail with `by` and `note` (which return)."""
    invoice = live_invoice_lock(order=order)
    if invoice is None:
        return None
    before = _money_state(invoice)
    invoice.amount_refunded = min(invoice.total, invoice.amount_refunded + amount)
    invoice.save(update_fields=["amount_refunded"])
    if invoice.amount_refunded >= invoice.total:
        if invoice.status == InvoiceStatus.PAID:
            invoice.transition_to(InvoiceStatus.REFUNDED)
        elif invoice.can_transition_to(InvoiceStatus.CANCELLED):
            invoice.transition_to(InvoiceStatus.CANCELLED)
    _audit(invoice, before, action="invoice.credited", by=by, note=note)
    return invoice


@transaction.atomic
def invoices_mark_overdue(*, today: date | None = None) -> int:
    """The daily job: pending invoices past their due date become overdue, each move in
    the audit trail (by the shop itself). Safe to run twice (the second run finds
    nothing). Returns how many changed."""
    today = today or timezone.localdate()
    # A bulk form of Invoice.transition_to: only statuses the table lets become overdue.
    movable = [s for s, targets in INVOICE_TRANSITIONS.items() if InvoiceStatus.OVERDUE in targets]
    # Locked in primary-key order, so a payment recorded meanwhile is not overwritten and
    # the reminders go exactly to the invoices this run marks.
    late = list(
        Invoice.objects.select_for_update()
        .filter(status__in=movable, due_date__lt=today)
        .order_by("pk")
        .values_list("pk", "status")
    )
    for start in range(0, len(late), OVERDUE_BATCH):
        batch = late[start : start + OVERDUE_BATCH]
        ids = [pk for pk, _ in batch]
        Invoice.objects.filter(pk__in=ids).update(status=InvoiceStatus.OVERDUE)
        audit_records(
            changes=[
                Change((Invoice, pk), "invoice.overdue", {"status": was}, {"status": "overdue"})
                for pk, was in batch
            ],
            note="daily job: past its due date",
        )
        owners = set()
        for invoice in Invoice.objects.filter(pk__in=ids).select_related("order__user"):
            emails.send_invoice_overdue(invoice)
            owners.add(invoice.order.user_id)
        invalidate_user(owners)  # an update() sends no signal (sales.receivers)
    return len(late)
