"""Cached reads behind the storefront's catalog pages.

What is cached is query results (plain dicts), never HTML: pages carry CSRF tokens and
per-user bits. Keys are versioned by catalog.cache, so any catalog or stock write makes
every entry here unreachable at once — the pages are never stale.
"""

from django.core.paginator import Paginator

from catalog.cache import cached
from catalog.models import Product, ProductImage
from catalog.photos import photo_card_data

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
    cards = [_tidy(row) for row in queryset.values(*CARD_FIELDS)]
    main = _main_photos([card["id"] for card in cards])
    for card in cards:
        card["photo"] = main.get(card["id"])
    return cards


def _photos_by_product(product_ids: list[int]) -> dict[int, list[dict]]:
    """The photos of these products in position order, in one query for them all (as
    prefetch_related would, for rows read with values())."""
    by_product: dict[int, list[dict]] = {}
    if product_ids:
        images = ProductImage.objects.filter(product_id__in=product_ids).order_by(
            "product_id", "position", "id"
        )
        for image in images:
            by_product.setdefault(image.product_id, []).append(photo_card_data(image))
    return by_product


def _main_photos(product_ids: list[int]) -> dict[int, dict]:
    """Each product's main photo (position 0), in one query for the whole page."""
    if not product_ids:
        return {}
    images = ProductImage.objects.filter(product_id__in=product_ids, position=0)
    return {image.product_id: photo_card_data(image) for image in images}


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
        product["photos"] = _photos_by_product([product_id]).get(product_id, [])
        related = (
            Product.objects.active()
            .in_stock()
            .filter(pet_type__slug=product["pet_type_slug"])
            .exclude(pk=product_id)
            .order_by("-created_at", "-id")[:4]
        )
        return {"product": product, "related": _cards(related)}

    return cached("store:product", (product_id,), compute)
