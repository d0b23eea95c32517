"""Every write of the sales pipeline: carts, checkout, orders, invoices.

Import from here: ``from sales.services import order_place, order_cancel, ...``.
"""

from sales.services.cart import (  # noqa: F401
    cart_add,
    cart_clear,
    cart_for_session,
    cart_for_user,
    cart_merge,
    cart_remove,
    cart_replace,
    cart_set_quantity,
    carts_cleanup,
)
from sales.services.checkout import PlacedOrder, checkout_keys_cleanup, order_place  # noqa: F401
from sales.services.invoices import (  # noqa: F401
    invoice_credit,
    invoice_delete,
    invoice_issue,
    invoice_set_status,
    invoice_update,
    invoices_mark_overdue,
)
from sales.services.orders import (  # noqa: F401
    order_address_editable_by,
    order_cancel,
    order_cancellable_by,
    order_delete,
    order_set_status,
    order_update_address,
)
