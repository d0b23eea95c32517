from datetime import date, timedelta
from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from petshop.core.exceptions import InvalidTransition
from sales.models.orders import Order
from sales.models.shipping import TOTAL_ADDS_UP

# --- Invoices -------------------------------------------------------------------------


class InvoiceStatus(models.TextChoices):
    PENDING = "pending", "Pending"
    PAID = "paid", "Paid"
    OVERDUE = "overdue", "Overdue"
    CANCELLED = "cancelled", "Cancelled"
    REFUNDED = "refunded", "Refunded"


# The invoice state machine, in one table. overdue → pending: the due date moved to today
# or later (I4); Invoice.transition_to refuses it while the due date is still past.
INVOICE_TRANSITIONS: dict[str, set[str]] = {
    InvoiceStatus.PENDING: {InvoiceStatus.PAID, InvoiceStatus.OVERDUE, InvoiceStatus.CANCELLED},
    InvoiceStatus.OVERDUE: {InvoiceStatus.PAID, InvoiceStatus.CANCELLED, InvoiceStatus.PENDING},
    InvoiceStatus.PAID: {InvoiceStatus.REFUNDED},
    InvoiceStatus.CANCELLED: set(),
    InvoiceStatus.REFUNDED: set(),
}
UNPAID_INVOICE_STATUSES = (InvoiceStatus.PENDING, InvoiceStatus.OVERDUE)


class InvoiceQuerySet(models.QuerySet):
    def live(self):
        return self.exclude(status=InvoiceStatus.CANCELLED)

    def for_user(self, user):
        return self if user.is_shop_admin else self.filter(order__user=user)

    def overdue(self, today: date | None = None):
        today = today or timezone.localdate()
        return self.filter(status__in=UNPAID_INVOICE_STATUSES, due_date__lt=today)

    def financial_records(self):
        """Invoices the accounts keep for good: ever paid (now paid or refunded) or
        carrying a credit from a processed return. See Invoice.is_financial_record."""
        return self.filter(
            Q(paid_at__isnull=False)
            | Q(status__in=[InvoiceStatus.PAID, InvoiceStatus.REFUNDED])
            | Q(amount_refunded__gt=0)
        )


class InvoiceSequence(models.Model):
    """One row per year; handing out a number locks the row, so no two invoices can
    get the same one, and numbers have no gaps."""

    year = models.PositiveIntegerField(primary_key=True)
    last_number = models.PositiveIntegerField(default=0)

    def __str__(self):
        return f"{self.year}: {self.last_number}"


class Invoice(models.Model):
    number = models.CharField(max_length=20, unique=True)
    order = models.ForeignKey(Order, on_delete=models.PROTECT, related_name="invoices")
    status = models.CharField(
        max_length=20, choices=InvoiceStatus.choices, default=InvoiceStatus.PENDING
    )
    # Copied from the order when issued: the breakdown the customer is billed.
    subtotal = models.DecimalField(max_digits=12, decimal_places=2)
    shipping_cost = models.DecimalField(max_digits=10, decimal_places=2, default=Decimal("0.00"))
    tax = models.DecimalField(max_digits=12, decimal_places=2, default=Decimal("0.00"))
    total = models.DecimalField(max_digits=12, decimal_places=2)
    amount_refunded = models.DecimalField(max_digits=12, decimal_places=2, default=Decimal("0.00"))
    issued_at = models.DateTimeField(default=timezone.now)
    due_date = models.DateField()
    paid_at = models.DateTimeField(null=True, blank=True)
    payment_reference = models.CharField(max_length=100, blank=True)
    notes = models.TextField(blank=True)

    objects = InvoiceQuerySet.as_manager()

    class Meta:
        ordering = ["-issued_at", "-id"]
        indexes = [
            models.Index(fields=["status", "due_date"], name="invoice_status_due"),
            models.Index(fields=["-issued_at", "-id"], name="invoice_issued"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["order"],
                condition=~Q(status="cancelled"),
                name="invoice_one_live_per_order",
            ),
            models.CheckConstraint(
                condition=Q(amount_refunded__gte=0) & Q(amount_refunded__lte=models.F("total")),
                name="invoice_refund_within_total",
            ),
            models.CheckConstraint(condition=TOTAL_ADDS_UP, name="invoice_total_adds_up"),
            models.CheckConstraint(
                condition=Q(status__in=InvoiceStatus.values), name="invoice_status_valid"
            ),
        ]

    def __str__(self):
        return self.number

    @property
    def user_id(self) -> int | None:
        return self.order.user_id

    @property
    def is_overdue(self) -> bool:
        return self.status in UNPAID_INVOICE_STATUSES and self.due_date < timezone.localdate()

    @property
    def is_financial_record(self) -> bool:
        """Ever paid, or credited by a return: neither it nor its order may be deleted.
        (The same test as InvoiceQuerySet.financial_records.)"""
        return (
            self.paid_at is not None
            or self.status in (InvoiceStatus.PAID, InvoiceStatus.REFUNDED)
            or self.amount_refunded > 0
        )

    def can_transition_to(self, status: str) -> bool:
        return status in INVOICE_TRANSITIONS.get(self.status, set())

    def transition_to(self, status: str) -> None:
        """The only place an invoice's status changes."""
        if not self.can_transition_to(status):
            raise InvalidTransition(
                f"An invoice cannot go from {self.status} to {status}.",
                from_status=self.status,
                to_status=status,
            )
        if status == InvoiceStatus.PENDING and self.due_date < timezone.localdate():
            raise InvalidTransition(
                "An overdue invoice becomes pending again only once its due date is today "
                "or later.",
                from_status=self.status,
                to_status=status,
            )
        self.status = status
        if status == InvoiceStatus.PAID:
            self.paid_at = timezone.now()
        elif status == InvoiceStatus.REFUNDED:
            # Refunded means refunded in full, whichever door it came through.
            self.amount_refunded = self.total
        self.save()

    @staticmethod
    def default_due_date(issued: date | None = None) -> date:
        return (issued or timezone.localdate()) + timedelta(days=settings.INVOICE_DUE_DAYS)
