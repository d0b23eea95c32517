"""Orders in the admin: read-only records moved along the state machine by actions that
call sales.services (order_set_status / order_cancel), never by editing a field."""

from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html

from petshop.core.admin_tools import ReadOnlyInline, ServiceModelAdmin, run_for_each
from sales.models import Invoice, Order, OrderLine, OrderStatus, OrderStatusChange
from sales.services import order_cancel, order_set_status, order_update_address


class OrderLineInline(ReadOnlyInline):
    model = OrderLine
    fields = ("sku", "name", "product", "unit_price", "quantity", "line_total", "tax_rate", "tax")
    readonly_fields = fields

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("product")

    @admin.display(description="line total")
    def line_total(self, obj):
        return obj.line_total


class OrderStatusChangeInline(ReadOnlyInline):
    model = OrderStatusChange
    verbose_name = "status change"
    verbose_name_plural = "status history"
    fields = ("at", "from_status", "to_status", "by")
    readonly_fields = fields

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("by")


class InvoiceInline(ReadOnlyInline):
    model = Invoice
    fields = ("invoice_link", "status", "total", "amount_refunded", "due_date", "paid_at")
    readonly_fields = fields

    @admin.display(description="invoice")
    def invoice_link(self, obj):
        url = reverse("admin:sales_invoice_change", args=[obj.pk])
        return format_html('<a href="{}">{}</a>', url, obj.number)


def _status_action(status: str, verb: str):
    def action(modeladmin, request, queryset):
        run_for_each(
            request,
            queryset.order_by("pk"),
            lambda order: order_set_status(order=order, status=status, by=request.user),
            done=f"moved to {status}",
            noun=("order", "orders"),
        )

    action.__name__ = f"mark_{status}"
    return admin.action(description=f"{verb} selected orders (→ {status})")(action)


class GuestFilter(admin.SimpleListFilter):
    title = "customer"
    parameter_name = "guest"

    def lookups(self, request, model_admin):
        return (("yes", "Guests (no account)"), ("no", "Registered customers"))

    def queryset(self, request, queryset):
        if self.value() in ("yes", "no"):
            return queryset.filter(user__isnull=self.value() == "yes")
        return queryset


@admin.register(Order)
class OrderAdmin(ServiceModelAdmin):
    list_display = ("number", "customer", "status", "total", "created_at", "delivered_at")
    list_filter = ("status", GuestFilter, "created_at")
    date_hierarchy = "created_at"
    search_fields = ("number", "user__username", "user__email", "guest_email")
    list_select_related = ("user",)
    list_per_page = 50
    inlines = [OrderLineInline, OrderStatusChangeInline, InvoiceInline]
    fields = (
        "number",
        "user",
        "guest_email",
        "status",
        "subtotal",
        "shipping_method",
        "shipping_cost",
        "tax",
        "total",
        "shipping_address",
        "created_at",
        "updated_at",
        "delivered_at",
    )
    readonly_fields = (
        "number",
        "user",
        "guest_email",
        "status",
        "subtotal",
        "shipping_method",
        "shipping_cost",
        "tax",
        "total",
        "created_at",
        "updated_at",
        "delivered_at",
    )
    actions = [
        _status_action(OrderStatus.CONFIRMED, "Confirm"),
        _status_action(OrderStatus.PROCESSING, "Process"),
        _status_action(OrderStatus.SHIPPED, "Ship"),
        _status_action(OrderStatus.DELIVERED, "Deliver"),
        "cancel",
    ]
    change_actions = (
        ("mark_confirmed", "Confirm"),
        ("mark_processing", "Process"),
        ("mark_shipped", "Ship"),
        ("mark_delivered", "Deliver"),
        ("cancel", "Cancel order"),
    )

    @admin.display(description="customer", ordering="user__username")
    def customer(self, obj):
        if obj.is_guest:
            return f"Guest: {obj.guest_email}"
        return obj.user.username

    def change_action_applies(self, name, obj):
        target = OrderStatus.CANCELLED if name == "cancel" else name.removeprefix("mark_")
        return obj.can_transition_to(target)

    @admin.action(description="Cancel selected orders (stock back, invoice voided or refunded)")
    def cancel(self, request, queryset):
        run_for_each(
            request,
            queryset.order_by("pk"),
            lambda order: order_cancel(order=order, by=request.user),
            done="cancelled",
            noun=("order", "orders"),
        )

    def has_add_permission(self, request):
        return False  # orders come from checkout

    def has_delete_permission(self, request, obj=None):
        return False  # order history stays whole; the API deletes cancelled orders

    def save_with_services(self, request, obj, form, change):
        # Only the shipping address is editable, and only while the service allows it.
        if "shipping_address" in form.changed_data:
            order_update_address(
                order=obj, shipping_address=form.cleaned_data["shipping_address"], by=request.user
            )
