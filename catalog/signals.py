"""Signals the catalog sends for listeners it must not know (sales' carts)."""

from django.dispatch import Signal

# Sent with `product_ids` when products stop being sellable (deactivated or deleted).
products_withdrawn = Signal()
