from decimal import Decimal

from django.db import models
from django.db.models import F, Q, Value
from django.db.models.functions import Coalesce

from catalog.models import Category

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
