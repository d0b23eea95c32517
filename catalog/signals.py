"""Signals the catalog sends for listeners it must not know (sales' carts)."""

from django.dispatch import Signal

# Sent with `product_ids` when products stop being sellable, and `deleted`: True when
# staff deleted them (C5: they leave every cart), False when they were only deactivated
# (they stay in carts, shown as no longer available, so nothing vanishes unexplained).
products_withdrawn = Signal()
