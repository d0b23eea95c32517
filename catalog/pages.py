"""Cached reads behind the storefront's catalog pages.

What is cached is query results (plain dicts), never HTML: pages carry CSRF tokens and
per-user bits. Keys are versioned by catalog.cache, so any catalog or stock write makes
every entry here unreachable at once — the pages are never stale.
"""

from django.core.paginator import Paginator

from catalog.cache import cached
from catalog.models import Product

PAGE_SIZE = 24
CARD_FIELDS = (
    "id",
    "name",
    "slug",
    "price",
    "brand",
    "stock",
    "image_url",
    "pet_type__slug",
    "pet_type__name",
    "category__slug",
    "category__name",
)
DETAIL_FIELDS = CARD_FIELDS + ("sku", "description", "weight_kg")


def _cards(queryset) -> list[dict]:
    return [_tidy(row) for row in queryset.values(*CARD_FIELDS)]


def _tidy(row: dict) -> dict:
    # Templates read `product.pet_type_slug`, not `product.pet_type__slug`.
    return {key.replace("__", "_"): value for key, value in row.items()}


def product_page_list(*, filterset, page: str | None, page_size: int = PAGE_SIZE) -> dict:
    """One page of the filtered catalog: {products, count, number, num_pages}."""

    def compute():
        paginator = Paginator(filterset.qs, page_size)
        current = paginator.get_page(page)
        return {
            "products": _cards(current.object_list),
            "count": paginator.count,
            "number": current.number,
            "num_pages": paginator.num_pages,
        }

    # Normalised, so junk (?page=abc, ?page=01) shares the entry of the page it shows.
    page = str(int(page)) if page and page.isdigit() and int(page) > 0 else "1"
    return cached("store:list", (filterset.cache_parts(), page, page_size), compute)


def product_featured(*, limit: int = 8) -> list[dict]:
    """The home page's few products: the newest in stock."""
    return cached(
        "store:featured",
        (limit,),
        lambda: _cards(Product.objects.active().in_stock().order_by("-created_at", "-id")[:limit]),
    )


def product_detail(*, product_id: int) -> dict | None:
    """An active product with a few more for the same pet, or None."""

    def compute():
        row = Product.objects.active().filter(pk=product_id).values(*DETAIL_FIELDS).first()
        if row is None:
            return None
        product = _tidy(row)
        related = (
            Product.objects.active()
            .in_stock()
            .filter(pet_type__slug=product["pet_type_slug"])
            .exclude(pk=product_id)
            .order_by("-created_at", "-id")[:4]
        )
        return {"product": product, "related": _cards(related)}

    return cached("store:product", (product_id,), compute)
