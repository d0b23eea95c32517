from functools import cache

from django.db.models import Sum


def cart(request):
    """`cart_count` for the header: items in the visitor's cart. Lazy, so pages that do
    not show it (the 500/503 pages) never query; one aggregate otherwise, and none for a
    visitor without a session."""

    @cache  # templates call it where they show it: one query at most per request
    def count() -> int:
        from sales.models import CartLine

        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            lines = CartLine.objects.filter(cart__user=user)
        elif getattr(request, "session", None) is not None and request.session.session_key:
            lines = CartLine.objects.filter(cart__session_key=request.session.session_key)
        else:
            return 0
        return lines.aggregate(n=Sum("quantity"))["n"] or 0

    from django.conf import settings

    # Said on every page (the footer), the checkout and every invoice.
    return {"cart_count": count, "prices_include_tax": settings.PRICES_INCLUDE_TAX}
