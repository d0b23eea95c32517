"""What staff set for checkout: shipping methods and tax rates. Plain configuration rows:
the model's constraints (one rate per category, one shop rate, no negative price) are
checked by the admin form and the database. Orders keep their own frozen figures, so
changing or deleting these never changes a placed order."""

from django.conf import settings
from django.contrib import admin

from sales.models import ShippingMethod, TaxRate


@admin.register(ShippingMethod)
class ShippingMethodAdmin(admin.ModelAdmin):
    list_display = ("name", "price", "free_above", "estimated_days", "is_active", "position")
    list_editable = ("is_active", "position")
    list_filter = ("is_active",)
    search_fields = ("name",)


@admin.register(TaxRate)
class TaxRateAdmin(admin.ModelAdmin):
    list_display = ("applies_to", "rate")
    list_select_related = ("category",)

    @admin.display(description="applies to", ordering="category__name")
    def applies_to(self, obj):
        return obj.category.name if obj.category_id else "Every other category (shop rate)"

    def changelist_view(self, request, extra_context=None):
        extra_context = {
            **(extra_context or {}),
            "subtitle": "Catalog prices "
            + ("include" if settings.PRICES_INCLUDE_TAX else "exclude")
            + " tax (setting PRICES_INCLUDE_TAX).",
        }
        return super().changelist_view(request, extra_context)
