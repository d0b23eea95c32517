"""The sales models staff only look at: carts, order lines and history, checkout keys,
the invoice counter. Read-only: they are written by the services (cart, checkout)."""

from django.contrib import admin
from django.db.models import Count

from petshop.core.admin_tools import ReadOnlyInline, ReadOnlyModelAdmin
from sales.models import Cart, CartLine, CheckoutKey, InvoiceSequence, OrderLine, OrderStatusChange


class CartLineInline(ReadOnlyInline):
    model = CartLine
    fields = ("product", "quantity", "added_at")
    readonly_fields = fields

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("product")


@admin.register(Cart)
class CartAdmin(ReadOnlyModelAdmin):
    list_display = ("id", "owner", "line_count", "created_at", "updated_at")
    list_filter = ("updated_at",)
    search_fields = ("user__username", "user__email", "session_key")
    list_select_related = ("user",)
    inlines = [CartLineInline]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(_line_count=Count("lines"))

    @admin.display(description="owner", ordering="user__username")
    def owner(self, obj):
        return obj.user.username if obj.user_id else "visitor (session)"

    @admin.display(description="lines", ordering="_line_count")
    def line_count(self, obj):
        return obj._line_count


@admin.register(CartLine)
class CartLineAdmin(ReadOnlyModelAdmin):
    list_display = ("id", "cart", "product", "quantity", "added_at")
    search_fields = ("product__name", "product__sku", "cart__user__username")
    list_select_related = ("cart__user", "product")


@admin.register(OrderLine)
class OrderLineAdmin(ReadOnlyModelAdmin):
    list_display = ("id", "order", "sku", "name", "unit_price", "quantity")
    search_fields = ("order__number", "sku", "name")
    list_select_related = ("order",)


@admin.register(OrderStatusChange)
class OrderStatusChangeAdmin(ReadOnlyModelAdmin):
    list_display = ("order", "from_status", "to_status", "at", "by")
    list_filter = ("to_status", "at")
    search_fields = ("order__number", "by__username")
    list_select_related = ("order", "by")
    date_hierarchy = "at"


@admin.register(CheckoutKey)
class CheckoutKeyAdmin(ReadOnlyModelAdmin):
    list_display = ("key", "user", "order", "created_at")
    search_fields = ("key", "user__username", "order__number")
    list_select_related = ("user", "order")
    list_filter = ("created_at",)


@admin.register(InvoiceSequence)
class InvoiceSequenceAdmin(ReadOnlyModelAdmin):
    list_display = ("year", "last_number")
