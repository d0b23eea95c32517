from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q

from catalog.models import Product, sale_problem
from sales.limits import MAX_LINE_QUANTITY

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
        return line_unit_price(self.product.price)

    @property
    def line_total(self) -> Decimal:
        return line_total(self.product.price, self.quantity)

    @property
    def problem(self) -> str | None:
        """Why this line cannot be sold as it is (a catalog SaleProblem), or None. The
        rule itself is catalog.models.sale_problem, the same one checkout applies."""
        return self.product.sale_problem(self.quantity)

    @property
    def available(self) -> bool:
        return line_available(
            is_active=self.product.is_active, stock=self.product.stock, quantity=self.quantity
        )


# A cart line's figures from plain values: the CartLine properties above and the reads
# that build a cart from column values (sales.api.representations, the cart page) share
# these, so the rules live here once.


def line_unit_price(price: Decimal) -> Decimal:
    """A cart holds no price of its own: a line costs its product's current price."""
    return price


def line_total(price: Decimal, quantity: int) -> Decimal:
    return line_unit_price(price) * quantity


def line_available(*, is_active: bool, stock: int, quantity: int) -> bool:
    """Whether the line can be checked out as it is (the API's `available`)."""
    return sale_problem(is_active=is_active, stock=stock, quantity=quantity) is None
