"""The sales models, one module per subdomain: carts, shipping and tax, orders, invoices."""

from sales.limits import MAX_CART_PRODUCTS, MAX_LINE_QUANTITY  # noqa: F401 (re-exported)
from sales.models.carts import (  # noqa: F401
    Cart,
    CartLine,
    line_available,
    line_total,
    line_unit_price,
)
from sales.models.invoices import (  # noqa: F401
    INVOICE_TRANSITIONS,
    UNPAID_INVOICE_STATUSES,
    Invoice,
    InvoiceQuerySet,
    InvoiceSequence,
    InvoiceStatus,
)
from sales.models.orders import (  # noqa: F401
    ORDER_CHAIN,
    ORDER_TRANSITIONS,
    CheckoutKey,
    Order,
    OrderLine,
    OrderQuerySet,
    OrderStatus,
    OrderStatusChange,
    latest_invoice_among,
    live_invoice_among,
)
from sales.models.shipping import (  # noqa: F401
    HALF_CENT,
    TOTAL_ADDS_UP,
    ShippingMethod,
    ShippingMethodQuerySet,
    TaxRate,
)
