"""Input and output schemas of the catalog API (API.md, Catalog).

Every write is a catalog.services call made by the view; these serializers only
validate and render. Limits mirror the model columns, so hostile input (1e30, -1,
10**12) is a 400 here and never a database overflow.
"""

from decimal import Decimal

from rest_framework import serializers

from catalog.models import Category, PetType, Product
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


class ProductSerializer(serializers.ModelSerializer):
    """The product everyone sees. `category` and `pet_type` are slugs, in and out."""

    category = _SlugField(Category)
    pet_type = _SlugField(PetType)
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
