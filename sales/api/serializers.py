"""Schemas of the sales API (API.md: Cart, Orders, Invoices), input and output.

Input serializers check shapes only (types, ranges, lengths); the rules (stock, state
machines, who may do what when) are the services' and come back as domain errors.
"""

from decimal import Decimal

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from sales.models import (
    MAX_LINE_QUANTITY,
    Cart,
    CartLine,
    Invoice,
    InvoiceStatus,
    Order,
    OrderLine,
    OrderStatus,
    OrderStatusChange,
    ShippingMethod,
)

# Ids are 64-bit; anything larger is refused as input rather than sent to the database.
MAX_ID = 2**63 - 1
MONEY = {"max_digits": 12, "decimal_places": 2, "read_only": True}


# --- Cart -----------------------------------------------------------------------------


class CartItemSerializer(serializers.ModelSerializer):
    product_id = serializers.IntegerField(read_only=True)
    name = serializers.CharField(source="product.name", read_only=True)
    sku = serializers.CharField(source="product.sku", read_only=True)
    unit_price = serializers.DecimalField(**MONEY)
    line_total = serializers.DecimalField(**MONEY)
    available = serializers.BooleanField(
        read_only=True, help_text="The product is active and its stock covers the quantity."
    )

    class Meta:
        model = CartLine
        fields = ["product_id", "name", "sku", "unit_price", "quantity", "line_total", "available"]


class CartSerializer(serializers.ModelSerializer):
    items = CartItemSerializer(source="lines", many=True, read_only=True)
    item_count = serializers.SerializerMethodField(help_text="The sum of the quantities.")
    total = serializers.SerializerMethodField(help_text="At the products' current prices.")

    class Meta:
        model = Cart
        fields = ["id", "items", "item_count", "total", "updated_at"]

    def get_item_count(self, cart: Cart) -> int:
        return sum(line.quantity for line in cart.lines.all())

    @extend_schema_field(serializers.DecimalField(max_digits=12, decimal_places=2))
    def get_total(self, cart: Cart) -> str:
        total = sum((line.line_total for line in cart.lines.all()), start=Decimal("0.00"))
        return f"{total:.2f}"


class AdminCartSerializer(CartSerializer):
    user_id = serializers.IntegerField(read_only=True)

    class Meta(CartSerializer.Meta):
        fields = ["id", "user_id", "items", "item_count", "total", "updated_at"]


class CartLineInputSerializer(serializers.Serializer):
    product_id = serializers.IntegerField(min_value=1, max_value=MAX_ID)
    quantity = serializers.IntegerField(min_value=1, max_value=MAX_LINE_QUANTITY, default=1)


class LineInputSerializer(CartLineInputSerializer):
    """A line of a whole-cart replacement or a "buy now" checkout: quantity required."""

    quantity = serializers.IntegerField(min_value=1, max_value=MAX_LINE_QUANTITY)


class CartReplaceSerializer(serializers.Serializer):
    items = LineInputSerializer(many=True, allow_empty=True)


class CartQuantitySerializer(serializers.Serializer):
    quantity = serializers.IntegerField(
        min_value=0, max_value=MAX_LINE_QUANTITY, help_text="0 removes the line."
    )


# --- Orders ---------------------------------------------------------------------------


class OrderItemSerializer(serializers.ModelSerializer):
    product_id = serializers.IntegerField(read_only=True)
    unit_price = serializers.DecimalField(
        max_digits=10,
        decimal_places=2,
        read_only=True,
        help_text="The price paid, frozen at checkout.",
    )
    line_total = serializers.DecimalField(**MONEY)
    tax_rate = serializers.DecimalField(
        max_digits=5, decimal_places=2, read_only=True, help_text="Percent, frozen at checkout."
    )
    tax = serializers.DecimalField(
        max_digits=10,
        decimal_places=2,
        read_only=True,
        help_text="This line's tax, rounded half up to the cent.",
    )

    class Meta:
        model = OrderLine
        fields = [
            "product_id",
            "name",
            "sku",
            "unit_price",
            "quantity",
            "line_total",
            "tax_rate",
            "tax",
        ]


class OrderHistorySerializer(serializers.ModelSerializer):
    # Declared: a read-only model field loses allow_blank, and the schema then forbade
    # the "" that the first entry (the order's creation) carries.
    from_status = serializers.ChoiceField(
        choices=OrderStatus.choices,
        allow_blank=True,
        read_only=True,
        help_text="Empty for the first entry, the order's creation.",
    )
    by = serializers.CharField(
        source="by.username",
        read_only=True,
        allow_null=True,
        default=None,
        help_text="The username of who made the change (null if that user was deleted).",
    )

    class Meta:
        model = OrderStatusChange
        fields = ["from_status", "to_status", "at", "by"]
        read_only_fields = fields


class OrderSerializer(serializers.ModelSerializer):
    user_id = serializers.IntegerField(
        read_only=True, allow_null=True, help_text="null for a guest's order (no account)."
    )
    subtotal = serializers.DecimalField(**MONEY)
    shipping_method = serializers.CharField(
        read_only=True,
        allow_null=True,
        source="shipping_method_or_none",
        help_text="The shipping method's name, frozen at checkout; null when none.",
    )
    shipping_cost = serializers.DecimalField(**MONEY)
    tax = serializers.DecimalField(**MONEY)
    total = serializers.DecimalField(**MONEY, help_text="subtotal + shipping_cost + tax.")
    items = OrderItemSerializer(source="lines", many=True, read_only=True)
    invoice_id = serializers.SerializerMethodField(
        help_text="The order's live invoice; for a cancelled order, the invoice it voided "
        "(so a client can still read what was billed)."
    )
    history = OrderHistorySerializer(many=True, read_only=True)

    class Meta:
        model = Order
        fields = [
            "id",
            "number",
            "user_id",
            "status",
            "items",
            "subtotal",
            "shipping_method",
            "shipping_cost",
            "tax",
            "total",
            "shipping_address",
            "invoice_id",
            "created_at",
            "updated_at",
            "delivered_at",
            "history",
        ]
        read_only_fields = fields

    def get_invoice_id(self, order: Order) -> int | None:
        invoice = order.latest_invoice
        return invoice.pk if invoice else None


class CheckoutSerializer(serializers.Serializer):
    shipping_address = serializers.CharField(
        min_length=5,
        max_length=500,
        required=False,
        help_text="Required unless `address_id` is given.",
    )
    address_id = serializers.IntegerField(
        min_value=1,
        max_value=MAX_ID,
        required=False,
        help_text="A saved address of the caller (U11), copied into the order; another "
        "user's or unknown → 404.",
    )
    shipping_method = serializers.IntegerField(
        min_value=1,
        max_value=MAX_ID,
        required=False,
        help_text="An active shipping method's id (S1); required when the shop has any.",
    )
    items = LineInputSerializer(
        many=True,
        required=False,
        help_text='"Buy now" lines; leave out to check out the cart (which is then emptied).',
    )

    def validate(self, attrs):
        if "shipping_address" in attrs and "address_id" in attrs:
            raise serializers.ValidationError(
                {"address_id": ["Give either address_id or shipping_address, not both."]}
            )
        if "shipping_address" not in attrs and "address_id" not in attrs:
            raise serializers.ValidationError(
                {"shipping_address": ["A shipping address or an address_id is required."]}
            )
        return attrs


class OrderAddressSerializer(serializers.Serializer):
    shipping_address = serializers.CharField(min_length=5, max_length=500)


class OrderStatusSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=OrderStatus.choices)


class ShippingMethodSerializer(serializers.ModelSerializer):
    price_for_cart = serializers.SerializerMethodField(
        help_text="What it would cost for the caller's cart now; null when anonymous."
    )

    class Meta:
        model = ShippingMethod
        fields = ["id", "name", "price", "free_above", "estimated_days", "price_for_cart"]
        read_only_fields = fields

    @extend_schema_field(serializers.DecimalField(max_digits=10, decimal_places=2, allow_null=True))
    def get_price_for_cart(self, method: ShippingMethod) -> str | None:
        goods = self.context.get("cart_goods")
        return None if goods is None else f"{method.price_for(goods):.2f}"


# --- Invoices -------------------------------------------------------------------------


class InvoiceSerializer(serializers.ModelSerializer):
    order_id = serializers.IntegerField(read_only=True)
    user_id = serializers.IntegerField(
        read_only=True, allow_null=True, help_text="null for a guest's order (no account)."
    )
    is_overdue = serializers.BooleanField(read_only=True)
    subtotal = serializers.DecimalField(**MONEY)
    shipping_method = serializers.CharField(
        read_only=True,
        allow_null=True,
        source="order.shipping_method_or_none",
        help_text="The order's shipping method's name; null when none.",
    )
    shipping_cost = serializers.DecimalField(**MONEY)
    tax = serializers.DecimalField(**MONEY)
    total = serializers.DecimalField(**MONEY, help_text="subtotal + shipping_cost + tax.")

    class Meta:
        model = Invoice
        fields = [
            "id",
            "number",
            "order_id",
            "user_id",
            "status",
            "subtotal",
            "shipping_method",
            "shipping_cost",
            "tax",
            "total",
            "amount_refunded",
            "issued_at",
            "due_date",
            "paid_at",
            "payment_reference",
            "is_overdue",
            "notes",
        ]
        read_only_fields = fields


class InvoiceCreateSerializer(serializers.Serializer):
    order_id = serializers.PrimaryKeyRelatedField(
        queryset=Order.objects.all(),
        pk_field=serializers.IntegerField(min_value=1, max_value=MAX_ID),
    )
    due_date = serializers.DateField(
        required=False, help_text="Default: issue date + INVOICE_DUE_DAYS."
    )
    reissue = serializers.BooleanField(
        required=False,
        default=False,
        help_text="Staff confirm billing again an order whose last invoice a processed "
        "return credited in full (otherwise 409 `invoice_credited`).",
    )


class InvoiceUpdateSerializer(serializers.Serializer):
    due_date = serializers.DateField(required=False)
    notes = serializers.CharField(required=False, allow_blank=True, max_length=5000)


class InvoiceStatusSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=InvoiceStatus.choices)
    payment_reference = serializers.CharField(required=False, allow_blank=True, max_length=100)
