"""The sales admin: orders, invoices, carts, shipping and tax, and the sales overview,
a module each."""

from sales.admin import carts, invoices, orders, overview, pricing  # noqa: F401
