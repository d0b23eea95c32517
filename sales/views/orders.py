"""A customer's orders and invoices. Every lookup is scoped to the logged-in user, so
another customer's order or invoice is a 404, never a 403 that confirms it exists."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe

from petshop.core.exceptions import DomainError
from petshop.core.storefront import cached_part, post_or_back_to, templates_version
from petshop.core.user_cache import cached_for_user
from sales.forms import ShippingAddressForm
from sales.models import Invoice, Order
from sales.services import (
    order_address_editable_by,
    order_cancel,
    order_cancellable_by,
    order_update_address,
)

LIST_PAGE_SIZE = 20


@login_required
def order_list(request):
    def rows() -> dict:
        orders = Order.objects.filter(user=request.user).order_by("-created_at", "-id")
        return {"page": Paginator(orders, LIST_PAGE_SIZE).get_page(request.GET.get("page"))}

    rows_html = cached_part(request, "site orders", "sales/includes/order_rows.html", rows)
    return render(request, "sales/order_list.html", {"rows": rows_html})


# The address field's limits, as ShippingAddressForm states them (it parses the post).
_ADDRESS = {
    "min": ShippingAddressForm.base_fields["shipping_address"].min_length,
    "max": ShippingAddressForm.base_fields["shipping_address"].max_length,
}


@login_required
def order_detail(request, number: str):
    order = get_object_or_404(Order.objects.filter(user=request.user), number=number)
    return render(
        request,
        "sales/order_detail.html",
        {
            "order": order,
            "parts": _order_parts(request, order),
            "can_cancel": order_cancellable_by(order, by=request.user),
            # The address field is plain HTML in the template (rendering a form's widget
            # through its templates cost more than the rest of the side column); the
            # address view parses the post with ShippingAddressForm.
            "address_field": _ADDRESS
            if order_address_editable_by(order, by=request.user)
            else None,
            "can_return": order.is_within_return_window,
        },
    )


def _order_parts(request, order: Order) -> dict:
    """The order page's lines with their totals, its status history and returns, and
    its invoice's number: the customer's own data and nothing per request, so they come
    from the never-stale per-user cache (petshop.core.user_cache; every order, invoice
    and return write moves the owner's version), rendered once rather than per view."""

    def compute() -> dict:
        detailed = Order.objects.prefetch_related(
            "lines", "history", "invoices", Prefetch("returns", to_attr="return_list")
        ).get(pk=order.pk)
        invoice = detailed.latest_invoice
        context = {"order": detailed}
        return {
            "lines": render_to_string("sales/includes/order_lines.html", context),
            "history": render_to_string("sales/includes/order_history.html", context),
            "invoice_number": invoice.number if invoice else None,
        }

    parts = cached_for_user(request.user.pk, (templates_version(), "site order", order.pk), compute)
    return {**parts, "lines": mark_safe(parts["lines"]), "history": mark_safe(parts["history"])}


@login_required
def order_cancel_view(request, number: str):
    """Cancelling asks first, without JavaScript: the order page links here (GET), this
    page says what cancelling does, and only its own form (`confirm=yes`) cancels. A
    POST without it (an old form, a login redirect) shows the question too."""
    order = get_object_or_404(
        Order.objects.filter(user=request.user).prefetch_related("lines"), number=number
    )
    if request.method == "POST" and request.POST.get("confirm") == "yes":
        try:
            order_cancel(order=order, by=request.user)
        except DomainError as exc:
            messages.error(request, exc.detail)
        else:
            messages.success(request, f"Order {order.number} is cancelled.")
        return redirect("sales:order", number=order.number)
    if not order_cancellable_by(order, by=request.user):
        messages.error(request, f"Order {order.number} can no longer be cancelled.")
        return redirect("sales:order", number=order.number)
    return render(request, "sales/order_cancel_confirm.html", {"order": order})


@login_required
@post_or_back_to("sales:order")
def order_address_view(request, number: str):
    order = get_object_or_404(Order.objects.filter(user=request.user), number=number)
    form = ShippingAddressForm(request.POST)
    if form.is_valid():
        try:
            order_update_address(
                order=order, shipping_address=form.cleaned_data["shipping_address"], by=request.user
            )
        except DomainError as exc:
            messages.error(request, exc.detail)
        else:
            messages.success(request, "The shipping address is changed.")
    else:
        messages.error(request, " ".join(form.errors["shipping_address"]))
    return redirect("sales:order", number=order.number)


@login_required
def invoice_list(request):
    # Each row shows the invoice's stored status ("overdue" is set by the daily
    # mark_overdue_invoices, which moves the owners' versions), nothing from the date.
    def rows() -> dict:
        invoices = (
            Invoice.objects.filter(order__user=request.user)
            .select_related("order")
            .order_by("-issued_at", "-id")
        )
        return {"page": Paginator(invoices, LIST_PAGE_SIZE).get_page(request.GET.get("page"))}

    rows_html = cached_part(request, "site invoices", "sales/includes/invoice_rows.html", rows)
    return render(request, "sales/invoice_list.html", {"rows": rows_html})


@login_required
def invoice_detail(request, number: str):
    invoice = get_object_or_404(
        Invoice.objects.filter(order__user=request.user)
        .select_related("order", "order__user")
        .prefetch_related("order__lines"),
        number=number,
    )
    return render(
        request, "sales/invoice_detail.html", {"invoice": invoice, "order": invoice.order}
    )
