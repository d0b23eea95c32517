from functools import cache

from django.db.models import Sum


def cart(request):
    """`cart_count` for the header: items in the visitor's cart. Lazy, so pages that do
    not show it (the 500/503 pages) never query; one aggregate otherwise, and none for a
    visitor without a session."""

    @cache  # templates call it where they show it: one query at most per request
    def count() -> int:
        from sales.session_cart import current_lines

        return current_lines(request).aggregate(n=Sum("quantity"))["n"] or 0

    from django.conf import settings

    # Said on every page (the footer), the checkout and every invoice.
    return {"cart_count": count, "prices_include_tax": settings.PRICES_INCLUDE_TAX}
