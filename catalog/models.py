from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower

from petshop.core.uniqueness import UniqueInAnyCase


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

    @property
    def low_stock(self) -> bool:
        return self.stock <= settings.LOW_STOCK_THRESHOLD

    @property
    def margin(self) -> Decimal | None:
        if self.internal_cost is None:
            return None
        return self.price - self.internal_cost
