"""Every row lock the returns services take, named once (as Saleor's lock_objects).

Each function must run inside the caller's transaction. `of=("self",)`: a lock never
takes joined rows by accident. A return's order is locked before the return
(sales.lock_objects.order_lock), the shop's one lock order.
"""

from petshop.core.exceptions import NotFound
from returns.models import Return
from sales.lock_objects import order_lock


def return_lock(*, ret: Return) -> Return:
    """The return's order, then the return itself, under lock; the return is re-read
    (with its order). NotFound if either was withdrawn or deleted since."""
    try:
        order = order_lock(pk=ret.order_id)
        locked = Return.objects.select_for_update(of=("self",)).get(pk=ret.pk)
    except (NotFound, Return.DoesNotExist):
        raise NotFound("That return no longer exists.") from None
    locked.order = order
    return locked
