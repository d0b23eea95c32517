from datetime import date, timedelta
from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from catalog.models import Product
from petshop.core.exceptions import InvalidTransition
from sales.limits import MAX_CART_PRODUCTS, MAX_LINE_QUANTITY  # noqa: F401 (re-exported)

# --- Cart -----------------------------------------------------------------------------


class Cart(models.Model):
    """One cart per user; an anonymous visitor's cart is keyed by the session."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="cart",
    )
    session_key = models.CharField(max_length=40, null=True, blank=True, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True, db_index=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=(Q(user__isnull=False) & Q(session_key__isnull=True))
                | (Q(user__isnull=True) & Q(session_key__isnull=False)),
                name="cart_has_one_owner",
            )
        ]

    def __str__(self):
        return f"Cart of {self.user or 'visitor'}"


class CartLine(models.Model):
    cart = models.ForeignKey(Cart, on_delete=models.CASCADE, related_name="lines")
    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="+")
    quantity = models.PositiveIntegerField()
    added_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["added_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["cart", "product"], name="cart_line_one_per_product"),
            models.CheckConstraint(
                condition=Q(quantity__gte=1) & Q(quantity__lte=MAX_LINE_QUANTITY),
                name="cart_line_quantity_range",
            ),
        ]

    def __str__(self):
        return f"{self.quantity} × product #{self.product_id}"

    @property
    def unit_price(self) -> Decimal:
        return self.product.price

    @property
    def line_total(self) -> Decimal:
        return self.product.price * self.quantity

    @property
    def available(self) -> bool:
        return self.product.is_active and self.product.stock >= self.quantity


# --- Orders ---------------------------------------------------------------------------


class OrderStatus(models.TextChoices):
    PENDING = "pending", "Pending"
    CONFIRMED = "confirmed", "Confirmed"
    PROCESSING = "processing", "Processing"
    SHIPPED = "shipped", "Shipped"
    DELIVERED = "delivered", "Delivered"
    CANCELLED = "cancelled", "Cancelled"


ORDER_CHAIN = [
    OrderStatus.PENDING,
    OrderStatus.CONFIRMED,
    OrderStatus.PROCESSING,
    OrderStatus.SHIPPED,
    OrderStatus.DELIVERED,
]

# The order state machine: every allowed move, in one table. Forward along the chain
# (skipping ahead allowed); cancelling before shipping. Who may make a move is the
# services' business (sales.services.orders).
ORDER_TRANSITIONS: dict[str, set[str]] = {
    status: set(ORDER_CHAIN[i + 1 :]) for i, status in enumerate(ORDER_CHAIN)
}
for _status in (OrderStatus.PENDING, OrderStatus.CONFIRMED, OrderStatus.PROCESSING):
    ORDER_TRANSITIONS[_status].add(OrderStatus.CANCELLED)
ORDER_TRANSITIONS[OrderStatus.CANCELLED] = set()


class OrderQuerySet(models.QuerySet):
    def for_user(self, user):
        return self if user.is_shop_admin else self.filter(user=user)

    def with_details(self):
        return self.select_related("user").prefetch_related("lines", "history__by", "invoices")


class Order(models.Model):
    number = models.CharField(max_length=20, unique=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="orders"
    )
    status = models.CharField(
        max_length=20, choices=OrderStatus.choices, default=OrderStatus.PENDING
    )
    total = models.DecimalField(max_digits=12, decimal_places=2)
    shipping_address = models.TextField(max_length=500)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    delivered_at = models.DateTimeField(null=True, blank=True)

    objects = OrderQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["user", "-created_at"], name="order_user_created"),
            models.Index(fields=["status", "-created_at"], name="order_status_created"),
            models.Index(fields=["-created_at", "-id"], name="order_created"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(total__gte=0), name="order_total_not_negative"),
            models.CheckConstraint(
                condition=Q(status__in=OrderStatus.values), name="order_status_valid"
            ),
        ]

    def __str__(self):
        return self.number

    def can_transition_to(self, status: str) -> bool:
        return status in ORDER_TRANSITIONS.get(self.status, set())

    def transition_to(self, status: str, *, by=None) -> "OrderStatusChange":
        """The only place an order's status changes. Records the move in the history."""
        if not self.can_transition_to(status):
            raise InvalidTransition(
                f"An order cannot go from {self.status} to {status}.",
                from_status=self.status,
                to_status=status,
            )
        change = OrderStatusChange(order=self, from_status=self.status, to_status=status, by=by)
        self.status = status
        if status == OrderStatus.DELIVERED:
            self.delivered_at = timezone.now()
        self.save(update_fields=["status", "delivered_at", "updated_at"])
        change.save()
        return change

    @property
    def is_within_return_window(self) -> bool:
        """Delivered, and at most RETURN_WINDOW_DAYS ago. The one statement of the
        window: returns.services enforces it, the order page shows its button by it."""
        if self.status != OrderStatus.DELIVERED or self.delivered_at is None:
            return False
        return timezone.now() - self.delivered_at <= timedelta(days=settings.RETURN_WINDOW_DAYS)

    @property
    def live_invoice(self) -> "Invoice | None":
        # Uses the prefetched live invoices when with_details() loaded them.
        live = [i for i in self.invoices.all() if i.status != InvoiceStatus.CANCELLED]
        return live[0] if live else None

    @property
    def latest_invoice(self) -> "Invoice | None":
        """The live invoice, or else the newest voided one (a cancelled order's), so the
        customer can still read what was billed and cancelled."""
        invoices = sorted(self.invoices.all(), key=lambda i: (i.issued_at, i.pk), reverse=True)
        return self.live_invoice or (invoices[0] if invoices else None)


class OrderLine(models.Model):
    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="lines")
    product = models.ForeignKey(Product, on_delete=models.PROTECT, related_name="order_lines")
    name = models.CharField(max_length=200)
    sku = models.CharField(max_length=64)
    unit_price = models.DecimalField(max_digits=10, decimal_places=2)
    quantity = models.PositiveIntegerField()

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["order", "product"], name="order_line_one_per_product"),
            models.CheckConstraint(
                condition=Q(quantity__gte=1) & Q(quantity__lte=MAX_LINE_QUANTITY),
                name="order_line_quantity_range",
            ),
            models.CheckConstraint(
                condition=Q(unit_price__gte=0), name="order_line_price_not_negative"
            ),
        ]

    def __str__(self):
        return f"{self.quantity} × {self.name}"

    @property
    def line_total(self) -> Decimal:
        return self.unit_price * self.quantity


class OrderStatusChange(models.Model):
    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="history")
    from_status = models.CharField(max_length=20, choices=OrderStatus.choices, blank=True)
    to_status = models.CharField(max_length=20, choices=OrderStatus.choices)
    at = models.DateTimeField(default=timezone.now)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["at", "id"]

    def __str__(self):
        return f"{self.from_status or 'new'} → {self.to_status}"


class CheckoutKey(models.Model):
    """An `Idempotency-Key` a user sent with a checkout, kept for IDEMPOTENCY_KEY_HOURS.
    The unique constraint makes concurrent replays wait for the first and then find it."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=255)
    fingerprint = models.CharField(max_length=64)
    # SET_NULL, not CASCADE: the key outlives its order, so a retry that arrives after
    # the order was deleted finds the key and is refused instead of ordering again.
    order = models.ForeignKey(Order, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "key"], name="checkout_key_unique_per_user")
        ]

    def __str__(self):
        return self.key


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
            models.CheckConstraint(
                condition=Q(status__in=InvoiceStatus.values), name="invoice_status_valid"
            ),
        ]

    def __str__(self):
        return self.number

    @property
    def user_id(self) -> int:
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
