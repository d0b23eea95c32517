from catalog.exceptions import InsufficientStock, ProductUnavailable  # noqa: F401 (re-exported)
from petshop.core.exceptions import DomainError, InvalidInput, InvalidTransition, NotFound  # noqa: F401
from sales.limits import MAX_CART_PRODUCTS


class CartEmpty(InvalidInput):
    code = "cart_empty"
    default_detail = "The cart is empty."


class CartLimitExceeded(InvalidInput):
    code = "cart_limit"
    default_detail = f"A cart holds at most {MAX_CART_PRODUCTS} different products."


class NotInCart(NotFound):
    code = "not_in_cart"
    default_detail = "That product is not in the cart."


class IdempotencyKeyReused(DomainError):
    code = "idempotency_key_reused"
    default_detail = "This Idempotency-Key was already used with a different request."


class InvoiceExists(DomainError):
    code = "invoice_exists"
    default_detail = "The order already has a live invoice."


class InvoiceKept(DomainError):
    code = "invoice_kept"
    default_detail = "An invoice that was ever paid or credited is a financial record and is kept."


class InvoiceCredited(DomainError):
    code = "invoice_credited"
    default_detail = (
        "A processed return credited this order's last invoice in full: its goods came "
        "back. Issue a new invoice only on purpose, with reissue=true."
    )


class IdempotencyKeyOrderDeleted(DomainError):
    code = "idempotency_key_order_deleted"
    default_detail = (
        "This Idempotency-Key already placed an order, which has since been deleted. "
        "Nothing was ordered again; use a new key to place a new order."
    )
