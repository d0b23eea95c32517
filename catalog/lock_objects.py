"""Every row lock the catalog services take, named once (as Saleor's lock_objects).

Each function must run inside the caller's transaction. `of=("self",)`: a lock never
takes joined rows by accident. Products are always locked in primary-key order, so two
transactions over the same products (checkouts, cancellations, returns) cannot deadlock.
"""

from collections.abc import Iterable

from catalog.models import Product


def product_lock(*, pk: int) -> Product:
    """One product row, re-read under lock (raises Product.DoesNotExist if gone)."""
    return Product.objects.select_for_update(of=("self",)).get(pk=pk)


def products_lock(*, pks: Iterable[int]) -> dict[int, Product]:
    """The products with these ids that exist, locked in primary-key order, by id."""
    return {
        p.pk: p
        for p in Product.objects.select_for_update(of=("self",))
        .filter(pk__in=sorted(set(pks)))
        .order_by("pk")
    }
