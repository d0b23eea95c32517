"""Input and output schemas of the catalog API (API.md, Catalog).

Every write is a catalog.services call made by the view; these serializers only
validate and render. Limits mirror the model columns, so hostile input (1e30, -1,
10**12) is a 400 here and never a database overflow.
"""

from decimal import Decimal

from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework import serializers

from catalog import imaging
from catalog.models import Category, PetType, Product, ProductImage
from catalog.photos import photo_view
from catalog.services import PRODUCT_FIELDS

MAX_STOCK = 2_147_483_647  # an IntegerField on every database we run on


class PetTypeSerializer(serializers.ModelSerializer):
    class Meta:
        model = PetType
        fields = ["id", "name", "slug"]


class CategorySerializer(serializers.ModelSerializer):
    """C6–C9. `slug` is optional on create (made from the name); name and slug are unique."""

    class Meta:
        model = Category
        fields = ["id", "name", "slug", "description"]
        # Unique in any case: checked by the model's validation in the service (a 400
        # on the field), not by exact-case validators restated here.
        extra_kwargs = {
            "name": {"validators": []},
            "slug": {"required": False, "validators": []},
        }


class _SlugField(serializers.SlugRelatedField):
    def __init__(self, model, **kwargs):
        super().__init__(slug_field="slug", queryset=model.objects.all(), **kwargs)

    def to_internal_value(self, data):
        # Only a string can be a slug. Anything else, or a NUL byte (which PostgreSQL
        # refuses in text with a DataError, a 500), cannot name a row: checked before
        # the lookup, as "does not exist".
        if not isinstance(data, str) or "\x00" in data:
            self.fail("does_not_exist", slug_name=self.slug_field, value=str(data)[:50])
        return super().to_internal_value(data)


class ThumbnailsSerializer(serializers.Serializer):
    small = serializers.URLField()
    medium = serializers.URLField()
    large = serializers.URLField()


class ProductImageSerializer(serializers.Serializer):
    """A product photo (API.md v1.1). URLs are absolute; until its WebP renditions are
    made (moments after an upload) every thumbnail is the original's URL."""

    id = serializers.IntegerField()
    url = serializers.URLField()
    width = serializers.IntegerField()
    height = serializers.IntegerField()
    alt = serializers.CharField(allow_blank=True)
    position = serializers.IntegerField()
    thumbnails = ThumbnailsSerializer()

    def to_representation(self, instance: ProductImage) -> dict:
        view = photo_view(instance)
        request = self.context.get("request")
        absolute = request.build_absolute_uri if request is not None else (lambda url: url)
        return {
            "id": view.id,
            "url": absolute(view.url),
            "width": view.width,
            "height": view.height,
            "alt": view.alt,
            "position": view.position,
            "thumbnails": {
                size: absolute(view.thumbnails[size]["url"]) for size in imaging.RENDITIONS
            },
        }


class ProductImageCreateSerializer(serializers.Serializer):
    """C12 input (multipart). The file is judged by decoding it (catalog.imaging)."""

    file = serializers.FileField(
        help_text="A JPEG, PNG or WebP image (judged by its content), at most IMAGE_MAX_BYTES "
        "and IMAGE_MAX_PIXELS."
    )
    alt = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    position = serializers.IntegerField(
        min_value=0, max_value=MAX_STOCK, required=False, help_text="Default: last."
    )

    def validate_file(self, file):
        try:
            return imaging.image_prepare(file)
        except DjangoValidationError as error:
            raise serializers.ValidationError(error.messages) from error


class ProductImageUpdateSerializer(serializers.Serializer):
    """C13 input: relabel and/or move; the other photos shift."""

    alt = serializers.CharField(max_length=200, required=False, allow_blank=True)
    position = serializers.IntegerField(min_value=0, max_value=MAX_STOCK, required=False)


class ProductSerializer(serializers.ModelSerializer):
    """The product everyone sees. `category` and `pet_type` are slugs, in and out."""

    category = _SlugField(Category)
    pet_type = _SlugField(PetType)
    # In position order (the queryset prefetches them ordered): the first is the main photo.
    images = ProductImageSerializer(many=True, read_only=True)
    in_stock = serializers.BooleanField(read_only=True)
    # Blank when there is no image: a plain string in the schema, not format "uri".
    image_url = serializers.CharField(read_only=True)

    class Meta:
        model = Product
        fields = [
            "id",
            "sku",
            "name",
            "slug",
            "description",
            "price",
            "category",
            "pet_type",
            "brand",
            "weight_kg",
            "image_url",
            "images",
            "stock",
            "in_stock",
            "is_active",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields


ADMIN_FIELDS = ["internal_cost", "supplier_info", "margin", "low_stock", "created_by"]


class AdminProductSerializer(ProductSerializer):
    """What an admin sees: the public fields plus cost, supplier and stock signals."""

    margin = serializers.DecimalField(
        max_digits=11, decimal_places=2, read_only=True, allow_null=True
    )
    low_stock = serializers.BooleanField(read_only=True)
    # The id straight from created_by_id: no query per row.
    created_by = serializers.PrimaryKeyRelatedField(read_only=True, allow_null=True)

    class Meta(ProductSerializer.Meta):
        fields = ProductSerializer.Meta.fields + ADMIN_FIELDS
        read_only_fields = fields


class ProductWriteSerializer(serializers.ModelSerializer):
    """C3/C4 input (admins). `sku` is generated when left out; `slug`, `created_by`,
    timestamps and ids are never writable."""

    sku = serializers.RegexField(
        r"^[A-Za-z0-9][A-Za-z0-9._-]*\Z",
        max_length=64,
        required=False,
        error_messages={"invalid": "Letters, digits, '.', '_' and '-' only."},
        # Unique in any case: the model's validation in the service says so on `sku`.
    )
    category = _SlugField(Category)
    pet_type = _SlugField(PetType)
    price = serializers.DecimalField(max_digits=10, decimal_places=2, min_value=Decimal("0"))
    stock = serializers.IntegerField(min_value=0, max_value=MAX_STOCK)
    weight_kg = serializers.DecimalField(
        max_digits=8, decimal_places=3, min_value=Decimal("0"), required=False, allow_null=True
    )
    internal_cost = serializers.DecimalField(
        max_digits=10, decimal_places=2, min_value=Decimal("0"), required=False, allow_null=True
    )

    class Meta:
        model = Product
        fields = list(PRODUCT_FIELDS)  # exactly what the services accept


# --- Search (API.md C15, C16): response shapes, for the schema -----------------------


class FacetChoiceSerializer(serializers.Serializer):
    slug = serializers.CharField()
    name = serializers.CharField()
    count = serializers.IntegerField()


class BrandFacetSerializer(serializers.Serializer):
    name = serializers.CharField()
    count = serializers.IntegerField()


class PriceFacetSerializer(serializers.Serializer):
    min = serializers.DecimalField(max_digits=12, decimal_places=2, coerce_to_string=True)
    max = serializers.DecimalField(
        max_digits=12, decimal_places=2, coerce_to_string=True, allow_null=True
    )
    count = serializers.IntegerField()


class StockFacetSerializer(serializers.Serializer):
    true = serializers.IntegerField(required=False, help_text="In stock; left out when 0.")
    false = serializers.IntegerField(required=False, help_text="Out of stock; left out when 0.")


class FacetsSerializer(serializers.Serializer):
    count = serializers.IntegerField(help_text="Products matching every filter.")
    pet_type = FacetChoiceSerializer(many=True)
    category = FacetChoiceSerializer(many=True)
    brand = BrandFacetSerializer(many=True)
    price = PriceFacetSerializer(
        many=True, help_text="Bands: min inclusive, max exclusive (null: no upper bound)."
    )
    in_stock = StockFacetSerializer()


class SuggestionSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    slug = serializers.CharField()
