"""Invoices in the admin: read-only records; payments, voids and edits of the due date
and notes go through sales.services (invoice_set_status / invoice_update)."""

from django import forms
from django.contrib import admin
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html

from audit.admin import AuditRecordInline
from petshop.core.admin_tools import ServiceModelAdmin, run_for_each
from sales.models import Invoice, InvoiceStatus
from sales.services import invoice_delete, invoice_set_status, invoice_update


class OverdueFilter(admin.SimpleListFilter):
    title = "overdue"
    parameter_name = "overdue"

    def lookups(self, request, model_admin):
        return [("yes", "Overdue (unpaid past the due date)"), ("no", "Not overdue")]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.overdue()
        if self.value() == "no":
            return queryset.exclude(pk__in=Invoice.objects.overdue().values("pk"))
        return queryset


class PaymentReferencesForm(forms.Form):
    """One payment reference per selected invoice (the intermediate page of the
    "record payment" action)."""

    def __init__(self, *args, invoices, **kwargs):
        super().__init__(*args, **kwargs)
        for invoice in invoices:
            self.fields[f"reference_{invoice.pk}"] = forms.CharField(
                max_length=100,
                label=f"{invoice.number} — {invoice.total} ({invoice.get_status_display()})",
                help_text="Bank transfer or card payment reference.",
            )

    def reference_for(self, invoice) -> str:
        return self.cleaned_data.get(f"reference_{invoice.pk}", "")


@admin.register(Invoice)
class InvoiceAdmin(ServiceModelAdmin):
    inlines = [AuditRecordInline]  # payments, voids, refunds, credits: who, when, before → after
    list_display = (
        "number",
        "order_number",
        "customer",
        "status",
        "total",
        "amount_refunded",
        "issued_at",
        "due_date",
        "overdue",
        "paid_at",
        "print_link",
    )
    list_filter = ("status", OverdueFilter, "issued_at")
    date_hierarchy = "issued_at"
    search_fields = (
        "number",
        "order__number",
        "order__user__username",
        "order__user__email",
        "payment_reference",
    )
    list_select_related = ("order__user",)
    list_per_page = 50
    fields = (
        "number",
        "order",
        "status",
        "total",
        "amount_refunded",
        "issued_at",
        "due_date",
        "paid_at",
        "payment_reference",
        "notes",
        "print_link",
    )
    readonly_fields = (
        "number",
        "order",
        "status",
        "total",
        "amount_refunded",
        "issued_at",
        "paid_at",
        "payment_reference",
        "print_link",
    )
    actions = ["record_payment", "void"]
    change_actions = (("record_payment", "Record payment"), ("void", "Void"))

    @admin.display(description="order", ordering="order__number")
    def order_number(self, obj):
        url = reverse("admin:sales_order_change", args=[obj.order_id])
        return format_html('<a href="{}">{}</a>', url, obj.order.number)

    @admin.display(description="customer", ordering="order__user__username")
    def customer(self, obj):
        order = obj.order
        return order.user.username if order.user_id else f"Guest: {order.guest_email}"

    @admin.display(description="overdue", boolean=True)
    def overdue(self, obj):
        return obj.is_overdue

    @admin.display(description="printable")
    def print_link(self, obj):
        if not obj.pk:
            return "-"
        url = reverse("admin:sales_invoice_print", args=[obj.pk])
        return format_html('<a href="{}" target="_blank">Print</a>', url)

    def change_action_applies(self, name, obj):
        target = {"record_payment": InvoiceStatus.PAID, "void": InvoiceStatus.CANCELLED}[name]
        return obj.can_transition_to(target)

    def has_add_permission(self, request):
        return False  # issued at checkout

    def has_delete_permission(self, request, obj=None):
        # Only a cancelled invoice that is no financial record may go (the service says
        # so too).
        return super().has_delete_permission(request, obj) and (
            obj is None or (obj.status == InvoiceStatus.CANCELLED and not obj.is_financial_record)
        )

    def save_with_services(self, request, obj, form, change):
        editable = {"due_date", "notes"}
        changed = {name: form.cleaned_data[name] for name in form.changed_data if name in editable}
        if changed:
            invoice_update(invoice=obj, by=request.user, **changed)

    def delete_with_services(self, request, obj):
        invoice_delete(invoice=obj)

    # --- actions ---

    @admin.action(description="Record payment of selected invoices (asks for the references)")
    def record_payment(self, request, queryset):
        invoices = list(queryset.select_related("order").order_by("pk"))
        if "apply" in request.POST:
            form = PaymentReferencesForm(request.POST, invoices=invoices)
            if form.is_valid():
                run_for_each(
                    request,
                    invoices,
                    lambda invoice: invoice_set_status(
                        invoice=invoice,
                        status=InvoiceStatus.PAID,
                        payment_reference=form.reference_for(invoice),
                        by=request.user,
                    ),
                    done="marked paid",
                    noun=("invoice", "invoices"),
                )
                return None  # back to the list, with the outcome as messages
        else:
            form = PaymentReferencesForm(invoices=invoices)
        return TemplateResponse(
            request,
            "admin/sales/invoice/record_payment.html",
            {
                **self.admin_site.each_context(request),
                "title": "Record payment",
                "opts": self.opts,
                "form": form,
                "invoices": invoices,
                "action": "record_payment",
                "action_checkbox_name": ACTION_CHECKBOX_NAME,
            },
        )

    @admin.action(description="Void selected invoices (→ cancelled)")
    def void(self, request, queryset):
        run_for_each(
            request,
            queryset.order_by("pk"),
            lambda invoice: invoice_set_status(
                invoice=invoice, status=InvoiceStatus.CANCELLED, by=request.user
            ),
            done="voided",
            noun=("invoice", "invoices"),
        )

    # --- the printable invoice ---

    def get_urls(self):
        return [
            path(
                "<int:object_id>/print/",
                self.admin_site.admin_view(self.print_view),
                name="sales_invoice_print",
            ),
            *super().get_urls(),
        ]

    def print_view(self, request, object_id):
        if not self.has_view_permission(request):
            raise PermissionDenied
        invoice = get_object_or_404(
            Invoice.objects.select_related("order__user").prefetch_related("order__lines"),
            pk=object_id,
        )
        return TemplateResponse(
            request,
            "admin/sales/invoice/print.html",
            {"invoice": invoice, "order": invoice.order, "lines": invoice.order.lines.all()},
        )
