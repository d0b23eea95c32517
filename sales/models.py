from datetime import date, timedelta
from decimal import ROUND_DOWN, Decimal

from django.conf import settings
from django.db import models
from django.db.models import F, Q, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from catalog.models import Category, Product
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


# --- Shipping and tax -----------------------------------------------------------------

# total = subtotal + shipping_cost + tax, for orders and invoices. Written as "within half
# a cent": every amount has two decimals, so on PostgreSQL (exact numerics) this is
# equality, and SQLite, which adds decimals as floats (0.05 + 0.01 ≠ 0.06 there), does
# not refuse a correct order.
_SUM = F("subtotal") + F("shipping_cost") + F("tax")
HALF_CENT = Value(Decimal("0.005"))
TOTAL_ADDS_UP = Q(total__gt=_SUM - HALF_CENT) & Q(total__lt=_SUM + HALF_CENT)


class ShippingMethodQuerySet(models.QuerySet):
    def active(self):
        return self.filter(is_active=True)


class ShippingMethod(models.Model):
    """How a parcel travels, and what it costs. Staff define them in the admin; with
    none active, shipping is free and checkout asks for no choice."""

    name = models.CharField(max_length=100, unique=True)
    price = models.DecimalField(max_digits=10, decimal_places=2)
    free_above = models.DecimalField(
        max_digits=10,
        decimal_places=2,
        null=True,
        blank=True,
        help_text="Free when the order's subtotal is at or above this amount; empty: never free.",
    )
    estimated_days = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="Working days to deliver, as told to shoppers."
    )
    is_active = models.BooleanField(default=True)
    position = models.PositiveSmallIntegerField(default=0, help_text="Order in lists.")

    objects = ShippingMethodQuerySet.as_manager()

    class Meta:
        ordering = ["position", "price", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(price__gte=0), name="shipping_method_price_not_negative"
            ),
            models.CheckConstraint(
                condition=Q(free_above__isnull=True) | Q(free_above__gte=0),
                name="shipping_method_free_above_not_negative",
            ),
        ]

    def __str__(self):
        return self.name

    def price_for(self, subtotal: Decimal) -> Decimal:
        """The cost for an order of `subtotal`: free from `free_above` on (the boundary
        itself is free), else the price."""
        if self.free_above is not None and subtotal >= self.free_above:
            return Decimal("0.00")
        return self.price


class TaxRate(models.Model):
    """A tax rate in percent: one for a category, or (category left empty) the shop's
    rate for every category without its own. No row at all: no tax."""

    category = models.OneToOneField(
        Category,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="tax_rate",
        help_text="Empty: the shop rate, for every category without a rate of its own.",
    )
    rate = models.DecimalField(
        max_digits=5, decimal_places=2, help_text="Percent, e.g. 20.00 for 20 %."
    )

    class Meta:
        ordering = ["category__name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(rate__gte=0) & Q(rate__lte=100), name="tax_rate_percent_range"
            ),
            # One shop rate (the NULL category counts as one value here) and one rate per
            # category: a functional index, as NULLs are distinct to a plain unique one.
            models.UniqueConstraint(
                Coalesce("category", Value(0)), name="tax_rate_one_per_category"
            ),
        ]

    def __str__(self):
        return f"{self.category or 'Shop rate'}: {self.rate} %"


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
    # Empty for a guest's order (placed with an email and no account) until that person
    # proves the email from an account and claims it (sales.services.guest_orders).
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="orders",
    )
    guest_email = models.EmailField(blank=True)
    # sha256 of the private link's token (the token itself is only ever in the guest's
    # email): a leaked database does not open anyone's order page.
    access_token_hash = models.CharField(max_length=64, blank=True, editable=False)
    status = models.CharField(
        max_length=20, choices=OrderStatus.choices, default=OrderStatus.PENDING
    )
    # Money, computed by checkout only (sales.pricing): total = subtotal + shipping + tax.
    subtotal = models.DecimalField(max_digits=12, decimal_places=2)
    shipping_method = models.CharField(max_length=100, blank=True, help_text="Name, frozen.")
    shipping_cost = models.DecimalField(max_digits=10, decimal_places=2, default=Decimal("0.00"))
    tax = models.DecimalField(max_digits=12, decimal_places=2, default=Decimal("0.00"))
    total = models.DecimalField(max_digits=12, decimal_places=2)
    # PRICES_INCLUDE_TAX when the order was placed: whether its unit prices hold the tax.
    prices_include_tax = models.BooleanField(default=False)
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
            models.CheckConstraint(
                condition=Q(subtotal__gte=0) & Q(shipping_cost__gte=0) & Q(tax__gte=0),
                name="order_amounts_not_negative",
            ),
            models.CheckConstraint(condition=TOTAL_ADDS_UP, name="order_total_adds_up"),
            models.CheckConstraint(
                condition=Q(user__isnull=False) | ~Q(guest_email=""),
                name="order_has_a_customer",
            ),
            models.UniqueConstraint(
                fields=["access_token_hash"],
                condition=~Q(access_token_hash=""),
                name="order_access_token_unique",
            ),
        ]

    def __str__(self):
        return self.number

    @property
    def shipping_method_or_none(self) -> str | None:
        return self.shipping_method or None

    @property
    def is_guest(self) -> bool:
        return self.user_id is None

    @property
    def recipient_name(self) -> str:
        """The first line of the shipping address: who the parcel (and a guest's bill) is for."""
        return self.shipping_address.strip().splitlines()[0] if self.shipping_address else ""

    @property
    def customer_email(self) -> str:
        return self.user.email if self.user_id else self.guest_email

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
    # The tax rate (percent) that applied, and the line's tax, rounded per line (sales.pricing).
    tax_rate = models.DecimalField(max_digits=5, decimal_places=2, default=Decimal("0.00"))
    tax = models.DecimalField(max_digits=10, decimal_places=2, default=Decimal("0.00"))

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["order", "product"], name="order_line_one_per_product"),
            models.CheckConstraint(
                condition=Q(tax__gte=0) & Q(tax_rate__gte=0), name="order_line_tax_not_negative"
            ),
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

    def tax_share(self, units: int) -> Decimal:
        """The tax paid on the first `units` of this line: all of it for the whole line,
        else the proportional share rounded down. Refunds take differences of it
        (returns.services), so however a line comes back in parts, the tax given back
        adds up to exactly what the line paid once all of it is back, never more."""
        if units >= self.quantity:
            return self.tax
        return (self.tax * units / self.quantity).quantize(Decimal("0.01"), rounding=ROUND_DOWN)


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

    # Empty for a guest checkout: then the key (random, from the form) is unique on its own.
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, null=True, related_name="+"
    )
    key = models.CharField(max_length=255)
    fingerprint = models.CharField(max_length=64)
    # SET_NULL, not CASCADE: the key outlives its order, so a retry that arrives after
    # the order was deleted finds the key and is refused instead of ordering again.
    order = models.ForeignKey(Order, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "key"], name="checkout_key_unique_per_user"),
            models.UniqueConstraint(
                fields=["key"], condition=Q(user__isnull=True), name="checkout_key_unique_guest"
            ),
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
