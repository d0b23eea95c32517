"""A customer's orders and invoices. Every lookup is scoped to the logged-in user, so
another customer's order or invoice is a 404, never a 403 that confirms it exists."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404, redirect, render

from petshop.core.exceptions import DomainError
from petshop.core.storefront import cached_part, post_or_back_to
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


@login_required
def order_detail(request, number: str):
    order = get_object_or_404(
        Order.objects.filter(user=request.user)
        .with_details()
        .prefetch_related(Prefetch("returns", to_attr="return_list")),
        number=number,
    )
    return render(
        request,
        "sales/order_detail.html",
        {
            "order": order,
            "can_cancel": order_cancellable_by(order, by=request.user),
            "address_form": (
                ShippingAddressForm(initial={"shipping_address": order.shipping_address})
                if order_address_editable_by(order, by=request.user)
                else None
            ),
            "can_return": order.is_within_return_window,
        },
    )


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
