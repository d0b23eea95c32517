"""Sales' part of a person's data (see accounts/personal_data.py): the cart, orders
with their shipping addresses, invoices, checkout keys."""

from django.db.models import Prefetch

from petshop.core.user_cache import invalidate_user
from sales.models import Cart, CartLine, CheckoutKey, Invoice, Order, OrderStatus

OPEN_ORDER_STATUSES = (
    OrderStatus.PENDING,
    OrderStatus.CONFIRMED,
    OrderStatus.PROCESSING,
    OrderStatus.SHIPPED,
)
ERASED_ADDRESS = "(erased at the customer's request)"


def export(user) -> dict:
    from sales.api.serializers import CartSerializer, InvoiceSerializer, OrderSerializer

    orders = Order.objects.filter(user=user).with_details().order_by("created_at", "id")
    invoices = Invoice.objects.filter(order__user=user).select_related("order")
    cart = (
        Cart.objects.filter(user=user)
        .prefetch_related(Prefetch("lines", queryset=CartLine.objects.select_related("product")))
        .first()
    )
    return {
        "orders": OrderSerializer(orders, many=True).data,
        "invoices": InvoiceSerializer(invoices.order_by("issued_at", "id"), many=True).data,
        "cart": CartSerializer(cart).data if cart else None,
    }


def open_items(user) -> list[str]:
    numbers = (
        Order.objects.filter(user=user, status__in=OPEN_ORDER_STATUSES)
        .order_by("created_at", "id")
        .values_list("number", "status")
    )
    return [f"order {number} is {status}" for number, status in numbers]


def erase(user) -> None:
    # Every order is finished by now (open_items refused otherwise): the address a parcel
    # went to is no longer needed. Orders, lines and invoices stay for the accounts.
    # A claimed guest order also forgets the email it was placed with.
    Order.objects.filter(user=user).exclude(status__in=OPEN_ORDER_STATUSES).update(
        shipping_address=ERASED_ADDRESS, guest_email=""
    )
    invalidate_user(user.pk)  # an update() sends no signal (sales.receivers)
    Cart.objects.filter(user=user).delete()
    CheckoutKey.objects.filter(user=user).delete()
