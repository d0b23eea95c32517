"""Staff keep the catalog here. Every write goes through catalog.services, so the rules
hold (stock ≥ 0, withdrawn products leave carts) and the catalog cache is invalidated."""

from django.conf import settings
from django.contrib import admin, messages
from django.db.models import Count

from audit.admin import AuditRecordInline
from catalog.models import Category, PetType, Product
from catalog.services import (
    category_create,
    category_delete,
    category_update,
    pet_type_delete,
    pet_type_save,
    product_create,
    product_delete,
    product_update,
    stock_set,
)
from petshop.core.admin_tools import ServiceModelAdmin


class _ServiceDecidesDeletion:
    """Let the delete page reach delete_model even when related rows protect the object
    (or are read-only in the admin, like cart lines): the delete service decides what
    happens (refuses with a message, or deactivates instead)."""

    def get_deleted_objects(self, objs, request):
        deleted, counts, _perms_needed, _protected = super().get_deleted_objects(objs, request)
        return deleted, counts, set(), []


class LowStockFilter(admin.SimpleListFilter):
    title = "stock level"
    parameter_name = "low_stock"

    def lookups(self, request, model_admin):
        return [
            ("yes", f"Low (≤ {settings.LOW_STOCK_THRESHOLD})"),
            ("no", f"Above {settings.LOW_STOCK_THRESHOLD}"),
        ]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.low_stock()
        if self.value() == "no":
            return queryset.exclude(pk__in=Product.objects.low_stock().values("pk"))
        return queryset


@admin.register(Product)
class ProductAdmin(_ServiceDecidesDeletion, ServiceModelAdmin):
    list_display = (
        "name",
        "sku",
        "category",
        "pet_type",
        "price",
        "stock",
        "is_active",
        "updated_at",
    )
    list_display_links = ("name",)
    list_editable = ("price", "stock")
    inlines = [AuditRecordInline]  # stock and price changes: who, when, before → after
    list_filter = ("category", "pet_type", "is_active", LowStockFilter)
    list_select_related = ("category", "pet_type")
    search_fields = ("name", "sku")
    ordering = ("name", "id")
    list_per_page = 50
    readonly_fields = ("slug", "created_at", "updated_at", "created_by", "margin")
    fieldsets = (
        (None, {"fields": ("sku", "name", "slug", "description", "category", "pet_type", "brand")}),
        ("Selling", {"fields": ("price", "stock", "is_active", "weight_kg", "image_url")}),
        ("Staff only", {"fields": ("internal_cost", "supplier_info", "margin")}),
        ("Record", {"fields": ("created_at", "updated_at", "created_by")}),
    )

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("category", "pet_type", "created_by")

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        if obj is None:
            # As in the API: left empty, product_create generates a unique sku.
            form.base_fields["sku"].required = False
            form.base_fields["sku"].help_text = "Leave empty to generate one."
        return form

    def get_changelist_form(self, request, **kwargs):
        form = super().get_changelist_form(request, **kwargs)

        class StockAsShownForm(form):
            """The stock figure counts as changed only if staff changed what the page
            showed: a checkout that took stock since the page loaded is not undone by
            saving the row for its price."""

            def __init__(self, *args, **kwargs):
                super().__init__(*args, **kwargs)
                self.fields["stock"].show_hidden_initial = True

        return StockAsShownForm

    @admin.display(description="margin")
    def margin(self, obj):
        return obj.margin if obj.pk else None

    def save_with_services(self, request, obj, form, change):
        if not change:
            return product_create(created_by=request.user, **form.cleaned_data)
        # Only what the form changed: list editing must not rewrite other fields.
        data = {name: form.cleaned_data[name] for name in form.changed_data}
        stock = data.pop("stock", None)
        if data:
            product_update(product=obj, by=request.user, **data)
        if stock is not None:
            stock_set(product=obj, stock=stock, by=request.user)
        return None

    def delete_with_services(self, request, obj):
        if product_delete(product=obj):
            return None
        return f"{obj} appears in orders, so it was deactivated instead of deleted."

    def delete_queryset(self, request, queryset):
        products = list(queryset.order_by("pk"))
        kept = [str(p) for p in products if self.delete_one(request, p) is not None]
        deleted = len(products) - len(kept)
        if deleted:
            messages.success(request, f"{deleted} product{'' if deleted == 1 else 's'} deleted.")
        if kept:
            messages.warning(
                request,
                f"{len(kept)} product(s) appear in orders and were deactivated instead of "
                f"deleted: {', '.join(kept)}.",
            )


class _ReferenceDataAdmin(_ServiceDecidesDeletion, ServiceModelAdmin):
    """Categories and pet types: listed with how many products use them; saved and
    deleted through their services (`delete_service`), one in use refused with a message."""

    list_display = ("name", "slug", "product_count")
    search_fields = ("name", "slug")
    prepopulated_fields = {"slug": ("name",)}

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(_product_count=Count("products"))

    @admin.display(description="products", ordering="_product_count")
    def product_count(self, obj):
        return obj._product_count

    def delete_with_services(self, request, obj):
        self.delete_service(obj)


@admin.register(Category)
class CategoryAdmin(_ReferenceDataAdmin):
    def save_with_services(self, request, obj, form, change):
        data = {name: form.cleaned_data[name] for name in ("name", "slug", "description")}
        if not change:
            return category_create(**data)
        category_update(category=obj, **data)
        return None

    @staticmethod
    def delete_service(category):
        category_delete(category=category)


@admin.register(PetType)
class PetTypeAdmin(_ReferenceDataAdmin):
    def save_with_services(self, request, obj, form, change):
        pet_type_save(pet_type=obj)

    @staticmethod
    def delete_service(pet_type):
        pet_type_delete(pet_type=pet_type)
