"""Limits the catalog's pages share with the cart (API.md, Cart rules). Plain values, so
any module may import them (sales builds its cart rules and constraints on them)."""

# The most units of one product in one line of a cart or an order.
MAX_LINE_QUANTITY = 50
