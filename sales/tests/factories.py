"""Sales objects in a known state. Orders are made through the real checkout service, so
a factory-made order is exactly what a customer would have produced."""

from accounts.tests.factories import AdminFactory, UserFactory
from catalog.tests.factories import ProductFactory
from sales.models import Order, OrderStatus
from sales.services import order_cancel, order_place, order_set_status


def place_order(
    *,
    user=None,
    products=None,
    quantity=1,
    shipping_address="1 Dog Lane, Barkville",
    shipping_method=None,
) -> Order:
    user = user or UserFactory()
    products = products or [ProductFactory()]
    items = [{"product_id": p.pk, "quantity": quantity} for p in products]
    order, _ = order_place(
        user=user,
        shipping_address=shipping_address,
        items=items,
        shipping_method=shipping_method.pk if shipping_method else None,
    )
    return order


def order_in_status(
    status: str, *, user=None, products=None, quantity=1, delivered_at=None, shipping_method=None
) -> Order:
    """An order moved to `status` through the services, as staff would."""
    order = place_order(
        user=user, products=products, quantity=quantity, shipping_method=shipping_method
    )
    admin = AdminFactory()
    if status == OrderStatus.CANCELLED:
        return order_cancel(order=order, by=admin)
    if status != OrderStatus.PENDING:
        order = order_set_status(order=order, status=status, by=admin)
    if status == OrderStatus.DELIVERED and delivered_at is not None:
        Order.objects.filter(pk=order.pk).update(delivered_at=delivered_at)
        order.refresh_from_db()
    return order
