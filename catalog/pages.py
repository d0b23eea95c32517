"""Cached reads behind the storefront's catalog pages.

What is cached here is query results (plain dicts); the HTML rendered from them is cached
by catalog/fragments.py, without the per-visitor bits. Keys are versioned by
catalog.cache, so any catalog or stock write makes every entry here unreachable at
once — the pages are never stale.
"""

from functools import lru_cache

from django.core.paginator import Paginator
from django.db.models import Q
from django.urls import get_script_prefix, get_urlconf, reverse

from catalog.cache import cached
from catalog.models import Product, ProductImage
from catalog.photos import CARD_COLUMNS, photo_card_data
from petshop.core.storefront import positive_int

PAGE_SIZE = 24


def product_url(pk: int, slug: str) -> str:
    """A product page's address, reversed once per product and URL prefix: the cart
    links each of its lines, and reverse() cost as much as the rest of a line's HTML."""
    return _product_url(pk, slug, get_script_prefix(), get_urlconf())


@lru_cache(maxsize=4096)
def _product_url(pk: int, slug: str, script_prefix: str, urlconf: str | None) -> str:
    return reverse("catalog:product", kwargs={"pk": pk, "slug": slug})


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
    """Card rows, each with its main photo (or None), in two queries for the page."""
    cards = [_tidy(row) for row in queryset.values(*CARD_FIELDS)]
    main = _photos(main_of=[card["id"] for card in cards])
    for card in cards:
        card["photo"] = (main.get(card["id"]) or [None])[0]
    return cards


def _photos(*, main_of: list[int], all_of: int | None = None) -> dict[int, list[dict]]:
    """Photos by product in position order, in one query for the whole page: the main
    photo (position 0) of each product in `main_of`, and every photo of `all_of`. (What
    prefetch_related does for model instances, for rows read with values().)"""
    if not main_of and all_of is None:
        return {}
    wanted = Q(product_id__in=main_of, position=0)
    if all_of is not None:
        wanted |= Q(product_id=all_of)
    rows = (
        ProductImage.objects.filter(wanted)
        .order_by("product_id", "position", "id")
        .values("product_id", *CARD_COLUMNS)
    )
    by_product: dict[int, list[dict]] = {}
    for row in rows:
        by_product.setdefault(row.pop("product_id"), []).append(photo_card_data(**row))
    return by_product


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
    page = str(positive_int(page) or 1)
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
        related = [
            _tidy(row)
            for row in Product.objects.active()
            .in_stock()
            .filter(pet_type__slug=product["pet_type_slug"])
            .exclude(pk=product_id)
            .order_by("-created_at", "-id")[:4]
            .values(*CARD_FIELDS)
        ]
        photos = _photos(main_of=[card["id"] for card in related], all_of=product_id)
        product["photos"] = photos.get(product_id, [])
        for card in related:
            card["photo"] = (photos.get(card["id"]) or [None])[0]
        return {"product": product, "related": related}

    return cached("store:product", (product_id,), compute)
