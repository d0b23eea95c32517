"""The cart's limits (API.md, Cart rules), stated once: the models' constraints, the
services, the serializers, the forms and the error messages import them."""

from catalog.limits import MAX_LINE_QUANTITY  # noqa: F401 (re-exported: a cart rule)

# The most different products in one cart.
MAX_CART_PRODUCTS = 100
