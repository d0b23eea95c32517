"""Returns in the admin: approve, reject (with a note) and process (restock and refund)
through returns.services.return_set_status; the outcome of each is shown."""

from django import forms
from django.contrib import admin
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.db.models import DecimalField, ExpressionWrapper, F, Sum
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.html import format_html

from audit.admin import AuditRecordInline
from petshop.core.admin_tools import (
    ReadOnlyInline,
    ReadOnlyModelAdmin,
    ServiceModelAdmin,
    run_for_each,
)
from returns.models import Return, ReturnLine, ReturnStatus
from returns.services import return_set_status, return_update


class ReturnLineInline(ReadOnlyInline):
    model = ReturnLine
    fields = ("sku", "name", "unit_price", "quantity", "refund_amount", "reason")
    readonly_fields = fields

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("order_line__order")

    @admin.display(description="sku")
    def sku(self, obj):
        return obj.order_line.sku

    @admin.display(description="item")
    def name(self, obj):
        return obj.name

    @admin.display(description="price paid")
    def unit_price(self, obj):
        return obj.unit_price

    @admin.display(description="refund")
    def refund_amount(self, obj):
        return obj.refund_amount


class RejectForm(forms.Form):
    admin_notes = forms.CharField(
        label="Note to the customer (why the return is rejected)",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
    )


@admin.register(Return)
class ReturnAdmin(ServiceModelAdmin):
    list_display = (
        "id",
        "order_link",
        "customer",
        "status",
        "refund",
        "created_at",
        "processed_at",
    )
    list_filter = ("status", "created_at")
    search_fields = ("=id", "order__number", "order__user__username", "order__user__email")
    list_select_related = ("order__user",)
    date_hierarchy = "created_at"
    inlines = [ReturnLineInline, AuditRecordInline]
    fields = (
        "order",
        "status",
        "refund",
        "refund_shipping",
        "refund_total",
        "admin_notes",
        "created_at",
        "updated_at",
        "processed_at",
    )
    readonly_fields = (
        "order",
        "status",
        "refund",
        "refund_total",
        "created_at",
        "updated_at",
        "processed_at",
    )
    actions = ["approve", "reject", "process"]
    change_actions = (
        ("approve", "Approve"),
        ("reject", "Reject…"),
        ("process", "Process (restock and refund)"),
    )

    def get_queryset(self, request):
        # The refund total summed by the database, not line by line per row.
        refund = ExpressionWrapper(
            F("lines__quantity") * F("lines__order_line__unit_price"),
            output_field=DecimalField(max_digits=12, decimal_places=2),
        )
        return (
            super()
            .get_queryset(request)
            .select_related("order__user")
            .annotate(_refund=Sum(refund))
        )

    @admin.display(description="order", ordering="order__number")
    def order_link(self, obj):
        url = reverse("admin:sales_order_change", args=[obj.order_id])
        return format_html('<a href="{}">{}</a>', url, obj.order.number)

    @admin.display(description="customer", ordering="order__user__username")
    def customer(self, obj):
        order = obj.order
        return order.user.username if order.user_id else f"Guest: {order.guest_email}"

    @admin.display(description="items at price paid", ordering="_refund")
    def refund(self, obj):
        return obj._refund

    @admin.display(description="refund total (with tax, and shipping if refunded)")
    def refund_total(self, obj):
        return obj.refund_total

    def change_action_applies(self, name, obj):
        target = {
            "approve": ReturnStatus.APPROVED,
            "reject": ReturnStatus.REJECTED,
            "process": ReturnStatus.PROCESSED,
        }[name]
        return obj.can_transition_to(target)

    def has_add_permission(self, request):
        return False  # customers request returns (storefront / API)

    def has_delete_permission(self, request, obj=None):
        return False  # the record of a return stays

    def save_with_services(self, request, obj, form, change):
        changed = {
            name: form.cleaned_data[name]
            for name in ("admin_notes", "refund_shipping")
            if name in form.changed_data
        }
        if changed:
            return_update(return_request=obj, **changed)

    def _move(self, request, queryset, status: str, done: str, admin_notes=None, describe=None):
        run_for_each(
            request,
            queryset.select_related("order").order_by("pk"),
            lambda ret: return_set_status(
                return_request=ret, status=status, admin_notes=admin_notes, by=request.user
            ),
            done=done,
            noun=("return", "returns"),
            describe=describe,
        )

    @admin.action(description="Approve selected returns")
    def approve(self, request, queryset):
        self._move(request, queryset, ReturnStatus.APPROVED, "approved")

    @admin.action(description="Process selected returns (restock and refund)")
    def process(self, request, queryset):
        def outcome(ret, processed):
            lines = list(processed.lines.select_related("order_line__order"))
            items = sum(line.quantity for line in lines)
            refund = processed.refund_total
            return f"#{ret.pk} refunded {refund} on order {ret.order.number}, {items} item(s) restocked"

        self._move(request, queryset, ReturnStatus.PROCESSED, "processed", describe=outcome)

    @admin.action(description="Reject selected returns (asks for a note)")
    def reject(self, request, queryset):
        if "apply" in request.POST:
            form = RejectForm(request.POST)
            if form.is_valid():
                self._move(
                    request,
                    queryset,
                    ReturnStatus.REJECTED,
                    "rejected",
                    form.cleaned_data["admin_notes"],
                )
                return None
        else:
            form = RejectForm()
        return TemplateResponse(
            request,
            "admin/returns/return/reject.html",
            {
                **self.admin_site.each_context(request),
                "title": "Reject returns",
                "opts": self.opts,
                "form": form,
                "returns": list(queryset.select_related("order__user").order_by("pk")),
                "action": "reject",
                "action_checkbox_name": ACTION_CHECKBOX_NAME,
            },
        )


@admin.register(ReturnLine)
class ReturnLineAdmin(ReadOnlyModelAdmin):
    list_display = ("id", "return_request", "item", "quantity", "reason")
    search_fields = ("order_line__name", "order_line__sku", "return_request__order__number")
    list_select_related = ("return_request__order", "order_line")

    @admin.display(description="item")
    def item(self, obj):
        return obj.order_line.name
