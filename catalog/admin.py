"""Staff keep the catalog here. Every write goes through catalog.services, so the rules
hold (stock ≥ 0, withdrawn products leave carts) and the catalog cache is invalidated."""

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.db.models import Count
from django.utils.html import format_html

from audit.admin import AuditRecordInline
from catalog import imaging
from catalog.models import Category, FacetCell, PetType, Product, ProductImage, SearchWord
from catalog.photos import (
    photo_view,
    product_image_add,
    product_image_delete,
    product_image_update,
)
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
from petshop.core.admin_tools import ReadOnlyModelAdmin, ServiceModelAdmin


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


def photo_preview(image) -> str:
    """A small preview linking to the original (the small rendition once made)."""
    if not image or not image.pk:
        return "-"
    view = photo_view(image)
    small = view.thumbnails["small"]
    return format_html(
        '<a href="{}"><img src="{}" alt="" width="{}" height="{}" style="{}"></a>',
        view.url,
        small["url"],
        small["width"],
        small["height"],
        "max-height:80px;width:auto;object-fit:contain",
    )


class _StoredFile(forms.Widget):
    """The file cell of a stored photo: nothing to upload there (a table cell of its
    own, so the row's columns stay under their headings)."""

    def render(self, name, value, attrs=None, renderer=None):
        return format_html('<span class="help">{}</span>', "stored")


class ProductImageForm(forms.ModelForm):
    """A photo row of the product page: a new row takes a file (checked here, by
    decoding it, so a refusal is an error on the field and nothing is stored); an
    existing one shows its preview and may be relabelled, moved or removed."""

    file = forms.FileField(
        required=False,
        help_text="JPEG, PNG or WebP.",
        widget=forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png,image/webp"}),
    )

    class Meta:
        model = ProductImage
        fields = ("alt", "position")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["position"].required = False
        self.prepared = None
        if self.instance.pk:  # a stored photo is replaced by removing it and adding another
            self.fields["file"].disabled = True
            self.fields["file"].widget = _StoredFile()
            self.fields["file"].help_text = ""
        else:
            self.fields["position"].initial = None  # left empty: the new photo goes last

    def clean_file(self):
        upload = self.cleaned_data.get("file")
        if upload:
            self.prepared = imaging.image_prepare(upload)  # ValidationError: on the field
        return upload

    def clean(self):
        cleaned = super().clean()
        if not self.instance.pk and self.has_changed() and not self.prepared:
            if "file" not in self.errors:
                self.add_error("file", "Choose a photo to upload.")
        return cleaned

    def clean_position(self):
        position = self.cleaned_data.get("position")
        self.wanted_position = position  # None: a new photo goes last, a kept one stays
        return position if position is not None else (self.instance.position or 0)

    def validate_unique(self):
        # Positions are renumbered by catalog.photos (0, 1, 2...): two rows asking for the
        # same place is an order to settle, not an error.
        pass


class ProductImageFormSet(forms.BaseInlineFormSet):
    def validate_unique(self):
        pass  # as ProductImageForm.validate_unique


class ProductImageInline(admin.TabularInline):
    model = ProductImage
    form = ProductImageForm
    formset = ProductImageFormSet
    fields = ("preview", "file", "alt", "position")
    readonly_fields = ("preview",)
    extra = 1
    verbose_name = "photo"
    verbose_name_plural = (
        "photos (the first is the main one; renditions are made in the background)"
    )
    ordering = ("position", "id")

    @admin.display(description="photo")
    def preview(self, obj):
        return photo_preview(obj)


class RenditionsReadyFilter(admin.SimpleListFilter):
    title = "renditions"
    parameter_name = "renditions"

    def lookups(self, request, model_admin):
        return [("ready", "Made"), ("pending", "Waiting for the worker")]

    def queryset(self, request, queryset):
        if self.value() == "pending":
            return queryset.filter(renditions={})
        if self.value() == "ready":
            return queryset.exclude(renditions={})
        return queryset


@admin.register(ProductImage)
class ProductImageAdmin(ReadOnlyModelAdmin):
    """Every photo at a glance (e.g. which still wait for their renditions). Photos are
    added, changed and removed on their product's page, through catalog.photos."""

    list_display = ("preview", "product", "position", "alt", "size", "ready", "created_at")
    list_display_links = None
    list_filter = (RenditionsReadyFilter,)
    list_select_related = ("product",)
    search_fields = ("product__name", "product__sku", "alt")
    ordering = ("product__name", "product_id", "position")
    list_per_page = 50

    @admin.display(description="photo")
    def preview(self, obj):
        return photo_preview(obj)

    @admin.display(description="original size")
    def size(self, obj):
        return f"{obj.width}×{obj.height}"

    @admin.display(description="renditions", boolean=True)
    def ready(self, obj):
        return bool(obj.renditions)


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
    # Photos; and stock and price changes: who, when, before → after.
    inlines = [ProductImageInline, AuditRecordInline]
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

    def save_formset(self, request, form, formset, change):
        if formset.model is not ProductImage:
            return super().save_formset(request, form, formset, change)
        # The rows were checked by the formset (each new file decoded there), so the
        # services have nothing left to refuse; they write and move the cache version.
        formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []
        self._save_photos(form.instance, formset)
        return None

    @staticmethod
    def _save_photos(product, formset) -> None:
        """The photo rows through catalog.photos: removals first, then moves and
        relabels (in the order of their new positions), then new photos."""
        deleted = [f for f in formset.deleted_forms if f.instance.pk]
        for f in deleted:
            product_image_delete(image=f.instance)
            formset.deleted_objects.append(f.instance)
        moved = [
            f
            for f in formset.initial_forms
            if f not in deleted and f.has_changed() and f.instance.pk
        ]
        moved.sort(key=lambda f: (f.wanted_position is None, f.wanted_position or 0))
        for f in moved:
            image = product_image_update(
                image=f.instance, alt=f.cleaned_data.get("alt", ""), position=f.wanted_position
            )
            formset.changed_objects.append((image, f.changed_data))
        for f in formset.extra_forms:
            if f.prepared is not None and f not in formset.deleted_forms:
                image = product_image_add(
                    product=product,
                    prepared=f.prepared,
                    alt=f.cleaned_data.get("alt") or "",
                    position=f.wanted_position,
                )
                formset.new_objects.append(image)

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


@admin.register(FacetCell)
class FacetCellAdmin(ReadOnlyModelAdmin):
    """Read-only: the facet cube is the database's own (a trigger on products keeps it,
    see catalog.facets); staff may look, to check a count, never edit."""

    list_display = ("pet_type_id", "category_id", "brand", "band", "in_stock", "is_active", "count")
    list_filter = ("is_active", "in_stock", "band")
    search_fields = ("brand",)


@admin.register(SearchWord)
class SearchWordAdmin(ReadOnlyModelAdmin):
    """Read-only: the search vocabulary is the database's own (triggers on products keep
    it, see catalog.search); staff may look up which spellings a typo can reach."""

    list_display = ("word", "products")
    search_fields = ("word",)
    ordering = ("word",)
