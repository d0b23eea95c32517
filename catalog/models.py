from decimal import Decimal

from django.conf import settings
from django.contrib.postgres.search import SearchVectorField
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower

from petshop.core.uniqueness import UniqueInAnyCase


class SaleProblem(models.TextChoices):
    """Why a quantity of a product cannot be sold now (Product.sale_problem)."""

    UNAVAILABLE = "unavailable", "No longer available"
    OUT_OF_STOCK = "out_of_stock", "Out of stock"
    SHORT = "short", "Not enough in stock"


def sale_problem(*, is_active: bool, stock: int, quantity: int) -> str | None:
    """The one statement of "can `quantity` of a product be sold now": None if it can,
    else a SaleProblem. Product.sale_problem asks it of a model; the reads that build
    pages and documents from plain column values (no model instances) ask it directly.
    Cart lines (CartLine.available, the cart page, the API's `available`) and checkout
    (stock_reserve, on the locked row) all come here."""
    if not is_active:
        return SaleProblem.UNAVAILABLE
    if stock <= 0:
        return SaleProblem.OUT_OF_STOCK
    if stock < quantity:
        return SaleProblem.SHORT
    return None


class PetType(UniqueInAnyCase, models.Model):
    name = models.CharField(max_length=50, unique=True)
    slug = models.SlugField(max_length=50, unique=True)

    UNIQUE_IN_ANY_CASE = ("name", "slug")

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(Lower("name"), name="pettype_name_unique_ci"),
            models.UniqueConstraint(Lower("slug"), name="pettype_slug_unique_ci"),
        ]

    def __str__(self):
        return self.name


class Category(UniqueInAnyCase, models.Model):
    name = models.CharField(max_length=100, unique=True)
    slug = models.SlugField(max_length=100, unique=True)
    description = models.TextField(blank=True)

    UNIQUE_IN_ANY_CASE = ("name", "slug")

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "categories"
        constraints = [
            models.UniqueConstraint(Lower("name"), name="category_name_unique_ci"),
            models.UniqueConstraint(Lower("slug"), name="category_slug_unique_ci"),
        ]

    def __str__(self):
        return self.name


class ProductQuerySet(models.QuerySet):
    def active(self):
        return self.filter(is_active=True)

    def in_stock(self):
        return self.filter(stock__gt=0)

    def low_stock(self):
        return self.filter(stock__lte=settings.LOW_STOCK_THRESHOLD)

    def with_related(self):
        return self.select_related("category", "pet_type")

    def with_images(self):
        """Each product's photos in position order, in one more query for the lot."""
        return self.prefetch_related(
            models.Prefetch("images", queryset=ProductImage.objects.order_by("position", "id"))
        )


class Product(UniqueInAnyCase, models.Model):
    sku = models.CharField(max_length=64, unique=True)
    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=220)
    description = models.TextField(blank=True)
    price = models.DecimalField(
        max_digits=10, decimal_places=2, validators=[MinValueValidator(Decimal("0"))]
    )
    category = models.ForeignKey(Category, on_delete=models.PROTECT, related_name="products")
    pet_type = models.ForeignKey(PetType, on_delete=models.PROTECT, related_name="products")
    brand = models.CharField(max_length=100, blank=True)
    weight_kg = models.DecimalField(
        max_digits=8,
        decimal_places=3,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0"))],
    )
    image_url = models.URLField(max_length=500, blank=True)
    # Written only by catalog.services (stock_*) and the sales/returns services.
    stock = models.IntegerField(default=0, validators=[MinValueValidator(0)])
    is_active = models.BooleanField(default=True)
    internal_cost = models.DecimalField(
        max_digits=10,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0"))],
    )
    supplier_info = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    # Kept by the database on PostgreSQL (a trigger over name, brand, sku, description and
    # the category's and pet type's names, see migration "search_vector"), whatever
    # writes the row; never set from Python. Unused (NULL) on SQLite.
    search_vector = SearchVectorField(null=True, blank=True, editable=False)

    UNIQUE_IN_ANY_CASE = ("sku",)
    objects = ProductQuerySet.as_manager()

    class Meta:
        ordering = ["name", "id"]
        constraints = [
            models.UniqueConstraint(Lower("sku"), name="product_sku_unique_ci"),
            models.CheckConstraint(condition=Q(stock__gte=0), name="product_stock_not_negative"),
            models.CheckConstraint(condition=Q(price__gte=0), name="product_price_not_negative"),
            models.CheckConstraint(
                condition=Q(internal_cost__isnull=True) | Q(internal_cost__gte=0),
                name="product_cost_not_negative",
            ),
        ]
        indexes = [
            # Every list filter and ordering of API.md C1, led by is_active as lists are.
            models.Index(fields=["is_active", "name", "id"], name="product_active_name"),
            models.Index(fields=["is_active", "price", "id"], name="product_active_price"),
            models.Index(fields=["is_active", "created_at", "id"], name="product_active_created"),
            models.Index(fields=["category", "is_active", "name"], name="product_category_name"),
            models.Index(fields=["pet_type", "is_active", "name"], name="product_pet_type_name"),
            models.Index(fields=["stock"], name="product_stock"),
        ]

    def __str__(self):
        return f"{self.name} ({self.sku})"

    @property
    def in_stock(self) -> bool:
        return self.stock > 0

    def sale_problem(self, quantity: int) -> str | None:
        """Whether `quantity` of this product can be sold now (the module's sale_problem)."""
        return sale_problem(is_active=self.is_active, stock=self.stock, quantity=quantity)

    @property
    def low_stock(self) -> bool:
        return self.stock <= settings.LOW_STOCK_THRESHOLD

    @property
    def margin(self) -> Decimal | None:
        if self.internal_cost is None:
            return None
        return self.price - self.internal_cost


class ProductImageQuerySet(models.QuerySet):
    def stored_names(self) -> set[str]:
        """Every storage name these photos use (originals and renditions)."""
        names = set()
        for original, renditions in self.values_list("original", "renditions"):
            names.add(original)
            names.update(r["name"] for r in (renditions or {}).values())
        return names


class ProductImage(models.Model):
    """A photo of a product. The first by `position` is the product's main photo.

    Files live in the default storage under random names: `original` (the upload,
    re-encoded without its metadata) and `renditions`, {size: {name, width, height}}
    for the WebP sizes of catalog.imaging.RENDITIONS, filled in by the background
    worker once the upload has committed (empty until then: pages fall back to the
    original). Written only by catalog.photos."""

    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="images")
    position = models.PositiveIntegerField(default=0)
    alt = models.CharField(max_length=200, blank=True)
    original = models.CharField(max_length=255, unique=True)
    width = models.PositiveIntegerField()
    height = models.PositiveIntegerField()
    renditions = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ProductImageQuerySet.as_manager()

    class Meta:
        ordering = ["product", "position", "id"]
        constraints = [
            # Positions are 0, 1, 2... per product (catalog.photos renumbers them).
            models.UniqueConstraint(
                fields=["product", "position"], name="product_image_position_unique"
            ),
            models.CheckConstraint(
                condition=Q(width__gt=0) & Q(height__gt=0), name="product_image_has_size"
            ),
        ]

    def __str__(self):
        return f"Photo {self.position + 1} of product {self.product_id}"


class FacetCell(models.Model):
    """How many products share one (pet type, category, brand, price band, in stock,
    active) combination: the facet counts of an unsearched catalog (catalog.search),
    read from a few thousand cells instead of counting 100,000 rows.

    Kept by the database on PostgreSQL (an AFTER trigger on catalog_product, see
    migration "facet_cells"), whatever writes the product, touching a cell only when a
    product moves between cells (a sale that leaves stock above zero does not). Empty
    and unused on SQLite, where facets are always counted from the rows."""

    pet_type_id = models.BigIntegerField()
    category_id = models.BigIntegerField()
    brand = models.CharField(max_length=100, blank=True)
    band = models.SmallIntegerField()
    in_stock = models.BooleanField()
    is_active = models.BooleanField()
    count = models.IntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["is_active", "pet_type_id", "category_id", "brand", "band", "in_stock"],
                name="facet_cell_key",
            ),
            models.CheckConstraint(condition=Q(count__gte=0), name="facet_cell_count_not_negative"),
        ]

    def __str__(self):
        return f"{self.pet_type_id}/{self.category_id}/{self.brand}/{self.band}: {self.count}"


class SearchWord(models.Model):
    """A word of the products' names and brands, and how many products hold it: the
    vocabulary that corrects a search's typos (catalog.search; PostgreSQL's documented
    pg_trgm "did you mean" pattern), a few thousand rows searched instead of every
    product. Kept by the database on PostgreSQL (statement triggers on catalog_product,
    see migration "search_words"); empty and unused on SQLite."""

    word = models.CharField(max_length=200, unique=True)
    products = models.IntegerField(default=0)

    def __str__(self):
        return f"{self.word}: {self.products}"
