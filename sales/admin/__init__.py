"""The sales admin: orders, invoices, carts and the sales overview, a module each."""

from sales.admin import carts, invoices, orders, overview  # noqa: F401
