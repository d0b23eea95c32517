"""The public product (API.md C1, C2) built as a plain dict.

What ProductSerializer renders, byte for byte (catalog/tests/test_product_representation.py
compares the two), without DRF's per-field machinery: about 0.2 ms of CPU per product,
most of a search page's cost (issue 13). ProductSerializer stays the schema
(drf-spectacular documents it) and the reference the test holds this to; admins keep
AdminProductSerializer.

The products come as the viewset's queryset gives them (category and pet type joined,
photos prefetched in position order): no query here. A photo is rendered by
ProductImageSerializer's own to_representation (one place for its URLs); the
formatting helpers (petshop.core.api.formats) follow DRF's DecimalField and DateTimeField exactly.
"""

from decimal import Context, Decimal

from django.utils import timezone

from catalog.api.serializers import ProductImageSerializer
from catalog.models import Product
from petshop.core.api.formats import decimal_text, moment

CENT = Decimal("0.01")
GRAM = Decimal("0.001")
# DRF's DecimalField quantizes within the field's max_digits (Product.price: 10,
# Product.weight_kg: 8), rounding half even as the default context does.
PRICE_CONTEXT = Context(prec=10)
WEIGHT_CONTEXT = Context(prec=8)


def product_documents(products, *, request=None) -> list[dict]:
    """The API's public Product documents for `products` (model instances with category,
    pet type and images loaded), in their order. `request` makes photo URLs absolute."""
    photo = ProductImageSerializer(context={"request": request}).to_representation
    zone = timezone.get_current_timezone()
    return [
        {
            "id": product.pk,
            "sku": product.sku,
            "name": product.name,
            "slug": product.slug,
            "description": product.description,
            "price": decimal_text(product.price, CENT, PRICE_CONTEXT),
            "category": product.category.slug,
            "pet_type": product.pet_type.slug,
            "brand": product.brand,
            "weight_kg": (
                None
                if product.weight_kg is None
                else decimal_text(product.weight_kg, GRAM, WEIGHT_CONTEXT)
            ),
            "image_url": product.image_url,
            "images": [photo(image) for image in product.images.all()],
            "stock": product.stock,
            "in_stock": product.in_stock,
            "is_active": product.is_active,
            "created_at": moment(product.created_at, zone),
            "updated_at": moment(product.updated_at, zone),
        }
        for product in products
    ]


def product_document(product: Product, *, request=None) -> dict:
    return product_documents([product], request=request)[0]
