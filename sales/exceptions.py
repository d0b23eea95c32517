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
