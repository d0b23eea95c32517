"""The storefront's sales pages, a module per concern: cart, checkout, orders, invoices."""
