from decimal import Decimal

from django.db import models
from django.db.models import Q

from petshop.core.exceptions import InvalidTransition
from sales.models import MAX_LINE_QUANTITY, Order, OrderLine

MAX_RETURN_ITEMS = 50


class ReturnStatus(models.TextChoices):
    REQUESTED = "requested", "Requested"
    APPROVED = "approved", "Approved"
    PROCESSED = "processed", "Processed"
    REJECTED = "rejected", "Rejected"


# The return state machine, in one table.
RETURN_TRANSITIONS: dict[str, set[str]] = {
    ReturnStatus.REQUESTED: {ReturnStatus.APPROVED, ReturnStatus.REJECTED},
    ReturnStatus.APPROVED: {ReturnStatus.PROCESSED},
    ReturnStatus.PROCESSED: set(),
    ReturnStatus.REJECTED: set(),
}


class ReturnQuerySet(models.QuerySet):
    def for_user(self, user):
        return self if user.is_shop_admin else self.filter(order__user=user)

    def with_details(self):
        return self.select_related("order").prefetch_related(
            models.Prefetch(
                "lines", queryset=ReturnLine.objects.select_related("order_line__order")
            )
        )

    def claiming(self):
        """Returns that hold on to their quantities (all but rejected ones)."""
        return self.exclude(status=ReturnStatus.REJECTED)


class Return(models.Model):
    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="returns")
    status = models.CharField(
        max_length=20, choices=ReturnStatus.choices, default=ReturnStatus.REQUESTED
    )
    admin_notes = models.TextField(blank=True)
    # Staff's decision: this return also refunds the order's shipping (at most one
    # return of an order does; returns.services checks it).
    refund_shipping = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    processed_at = models.DateTimeField(null=True, blank=True)

    objects = ReturnQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["status", "-created_at"], name="return_status_created")]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=ReturnStatus.values), name="return_status_valid"
            )
        ]

    def __str__(self):
        return f"Return #{self.pk} of {self.order}"

    @property
    def user_id(self) -> int:
        return self.order.user_id

    @property
    def shipping_refund(self) -> Decimal:
        return self.order.shipping_cost if self.refund_shipping else Decimal("0.00")

    @property
    def refund_total(self) -> Decimal:
        """The returned units' price and tax paid, plus shipping when staff said so.
        The invoice credit is capped at what the invoice billed (sales.invoice_credit)."""
        lines = sum((line.refund_amount for line in self.lines.all()), start=Decimal("0.00"))
        return lines + self.shipping_refund

    def can_transition_to(self, status: str) -> bool:
        return status in RETURN_TRANSITIONS.get(self.status, set())

    def transition_to(self, status: str) -> None:
        """The only place a return's status changes."""
        if not self.can_transition_to(status):
            raise InvalidTransition(
                f"A return cannot go from {self.status} to {status}.",
                from_status=self.status,
                to_status=status,
            )
        self.status = status
        self.save(update_fields=["status", "updated_at"])


class ReturnLine(models.Model):
    """A quantity of one order line sent back. Name and price paid come from the order
    line (frozen at checkout), so the refund can never follow the current price."""

    return_request = models.ForeignKey(Return, on_delete=models.CASCADE, related_name="lines")
    order_line = models.ForeignKey(OrderLine, on_delete=models.CASCADE, related_name="return_lines")
    quantity = models.PositiveIntegerField()
    reason = models.CharField(max_length=500)
    # The tax given back for these units, fixed when the return is processed (see
    # returns.services.return_set_status); empty before.
    tax_refunded = models.DecimalField(
        max_digits=10, decimal_places=2, null=True, blank=True, editable=False
    )

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(
                fields=["return_request", "order_line"], name="return_line_one_per_product"
            ),
            models.CheckConstraint(
                condition=Q(quantity__gte=1) & Q(quantity__lte=MAX_LINE_QUANTITY),
                name="return_line_quantity_range",
            ),
        ]

    def __str__(self):
        return f"{self.quantity} × order line #{self.order_line_id}"

    @property
    def product_id(self) -> int:
        return self.order_line.product_id

    @property
    def name(self) -> str:
        return self.order_line.name

    @property
    def unit_price(self) -> Decimal:
        return self.order_line.unit_price

    @property
    def refund_tax(self) -> Decimal:
        """The tax paid on these units: as fixed at processing, or before that the
        line's share for this quantity (rounded down; processing may add the last cent
        once the whole line is back). Needs `order_line` loaded."""
        if self.tax_refunded is not None:
            return self.tax_refunded
        return self.order_line.tax_share(self.quantity)

    @property
    def refund_amount(self) -> Decimal:
        """The price paid for these units, with the tax paid on them (already inside the
        price when the order's prices included tax). Needs `order_line__order` loaded."""
        goods = self.unit_price * self.quantity
        return goods if self.order_line.order.prices_include_tax else goods + self.refund_tax
