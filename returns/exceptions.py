from petshop.core.exceptions import DomainError, InvalidInput, InvalidTransition  # noqa: F401


class OrderNotDelivered(DomainError):
    code = "order_not_delivered"
    default_detail = "Only a delivered order can be returned."


class ReturnWindowClosed(DomainError):
    code = "return_window_closed"
    default_detail = "The return window for this order has closed."


class ReturnQuantityExceeded(DomainError):
    code = "return_quantity_exceeded"
    default_detail = "More than what is still returnable was asked for."


class ShippingAlreadyRefunded(DomainError):
    code = "shipping_already_refunded"
    default_detail = "Another return of this order already refunds its shipping."
