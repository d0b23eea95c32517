"""Schemas of the returns API (API.md: Returns). Shapes only; the rules (delivered,
window, quantities, products of the order) are returns.services'."""

from rest_framework import serializers

from returns.models import MAX_RETURN_ITEMS, Return, ReturnLine, ReturnStatus
from sales.api.serializers import MAX_ID


class ReturnItemSerializer(serializers.ModelSerializer):
    product_id = serializers.IntegerField(read_only=True)
    name = serializers.CharField(read_only=True)
    unit_price = serializers.DecimalField(
        max_digits=10, decimal_places=2, read_only=True, help_text="The price paid for the product."
    )
    refund_amount = serializers.DecimalField(
        max_digits=12,
        decimal_places=2,
        read_only=True,
        help_text="The price paid for these units, with the tax paid on them.",
    )
    refund_tax = serializers.DecimalField(
        max_digits=12,
        decimal_places=2,
        read_only=True,
        help_text="Of refund_amount, the tax (the line's tax share, rounded down for part "
        "of a line).",
    )

    class Meta:
        model = ReturnLine
        fields = [
            "product_id",
            "name",
            "quantity",
            "reason",
            "unit_price",
            "refund_amount",
            "refund_tax",
        ]
        read_only_fields = fields


class ReturnSerializer(serializers.ModelSerializer):
    order_id = serializers.IntegerField(read_only=True)
    user_id = serializers.IntegerField(read_only=True)
    items = ReturnItemSerializer(source="lines", many=True, read_only=True)
    refund_total = serializers.DecimalField(
        max_digits=12,
        decimal_places=2,
        read_only=True,
        help_text="The items' refund_amount, plus shipping_refund.",
    )
    shipping_refund = serializers.DecimalField(
        max_digits=10,
        decimal_places=2,
        read_only=True,
        help_text="The order's shipping cost when staff refund it with this return, else 0.",
    )

    class Meta:
        model = Return
        fields = [
            "id",
            "order_id",
            "user_id",
            "status",
            "items",
            "refund_shipping",
            "shipping_refund",
            "refund_total",
            "admin_notes",
            "created_at",
            "updated_at",
            "processed_at",
        ]
        read_only_fields = fields


# Only a bound against absurd input: "more than was ordered" (an order line holds at
# most MAX_LINE_QUANTITY) is the service's 409 return_quantity_exceeded, as API.md says,
# not a 400 here.
MAX_RETURN_QUANTITY_INPUT = 2**31 - 1


class ReturnItemInputSerializer(serializers.Serializer):
    product_id = serializers.IntegerField(min_value=1, max_value=MAX_ID)
    quantity = serializers.IntegerField(min_value=1, max_value=MAX_RETURN_QUANTITY_INPUT)
    reason = serializers.CharField(min_length=1, max_length=500)


def _items(**kwargs):
    return ReturnItemInputSerializer(
        many=True, allow_empty=False, max_length=MAX_RETURN_ITEMS, **kwargs
    )


class ReturnCreateSerializer(serializers.Serializer):
    order_id = serializers.IntegerField(min_value=1, max_value=MAX_ID)
    items = _items()


REFUND_SHIPPING_HELP = (
    "Staff: also refund the order's shipping with this return (one return per order; "
    "another already does → 409 shipping_already_refunded)."
)


class ReturnUpdateSerializer(serializers.Serializer):
    items = _items(required=False)
    admin_notes = serializers.CharField(required=False, allow_blank=True, max_length=5000)
    refund_shipping = serializers.BooleanField(required=False, help_text=REFUND_SHIPPING_HELP)


class ReturnStatusSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=ReturnStatus.choices)
    admin_notes = serializers.CharField(required=False, allow_blank=True, max_length=5000)
    refund_shipping = serializers.BooleanField(required=False, help_text=REFUND_SHIPPING_HELP)
