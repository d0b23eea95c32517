from returns.models import Return
from returns.services import return_request
from sales.models import OrderStatus
from sales.tests.factories import order_in_status


def request_return(*, order=None, user=None, quantity=1, reason="Wrong size") -> Return:
    order = order or order_in_status(OrderStatus.DELIVERED, user=user, quantity=max(quantity, 1))
    line = order.lines.first()
    return return_request(
        order=order, items=[{"product_id": line.product_id, "quantity": quantity, "reason": reason}]
    )
