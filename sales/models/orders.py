from datetime import timedelta
from decimal import ROUND_DOWN, Decimal
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from catalog.models import Product
from petshop.core.exceptions import InvalidTransition
from sales.limits import MAX_LINE_QUANTITY
from sales.models.shipping import TOTAL_ADDS_UP

if TYPE_CHECKING:
    from sales.models.invoices import Invoice

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
        return live_invoice_among(self.invoices.all())

    @property
    def latest_invoice(self) -> "Invoice | None":
        """The live invoice, or else the newest voided one (a cancelled order's), so the
        customer can still read what was billed and cancelled."""
        return latest_invoice_among(self.invoices.all())


def live_invoice_among(invoices) -> "Invoice | None":
    """The one live (not cancelled) invoice among an order's `invoices`, or None."""
    from sales.models.invoices import InvoiceStatus  # invoices import this module

    live = [i for i in invoices if i.status != InvoiceStatus.CANCELLED]
    return live[0] if live else None


def latest_invoice_among(invoices) -> "Invoice | None":
    """Order.latest_invoice over an order's `invoices` however they were read (the API's
    lists read a whole page's invoices in one query): the live one, else the newest."""
    newest = sorted(invoices, key=lambda i: (i.issued_at, i.pk), reverse=True)
    return live_invoice_among(invoices) or (newest[0] if newest else None)


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
