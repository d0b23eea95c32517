"""A customer's returns: ask for one on a delivered order, follow their status.
Lookups are scoped to the logged-in user (another customer's → 404)."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render

from petshop.core.exceptions import DomainError
from petshop.core.storefront import cached_part, post_or_back_to
from returns.forms import ReturnRequestForm
from returns.models import Return
from returns.selectors import returnable_quantities
from returns.services import return_delete, return_request
from sales.models import Order, OrderStatus


@login_required
def return_create(request, number: str):
    order = get_object_or_404(
        Order.objects.filter(user=request.user).prefetch_related("lines"), number=number
    )
    if request.method != "POST" and not order.is_within_return_window:
        # The form is offered only while the return window is open (the order page shows
        # its button by the same property); otherwise say why, on the order.
        messages.info(request, _closed_reason(order))
        return redirect("sales:order", number=order.number)
    lines = list(order.lines.all())
    form = ReturnRequestForm(
        request.POST or None, order_lines=lines, returnable=returnable_quantities(order=order)
    )
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                ret = return_request(order=order, items=form.items())
            except DomainError as exc:
                form.add_error(None, exc.detail)
                status = exc.status_code
            else:
                messages.success(request, f"Your return request #{ret.pk} is received.")
                return redirect("returns:detail", pk=ret.pk)
        else:
            status = 400
    context = {"order": order, "form": form, "window_open": order.is_within_return_window}
    return render(request, "returns/return_form.html", context, status=status)


def _closed_reason(order) -> str:
    if order.status != OrderStatus.DELIVERED:
        return f"Order {order.number} can be returned once it is delivered."
    return (
        f"The return window for order {order.number} has closed "
        f"({settings.RETURN_WINDOW_DAYS} days after delivery)."
    )


@login_required
def return_list(request):
    def rows() -> dict:
        returns = (
            Return.objects.filter(order__user=request.user)
            .with_details()
            .order_by("-created_at", "-id")
        )
        return {"page": Paginator(returns, 20).get_page(request.GET.get("page"))}

    rows_html = cached_part(request, "site returns", "returns/includes/return_rows.html", rows)
    return render(request, "returns/return_list.html", {"rows": rows_html})


@login_required
def return_detail(request, pk: int):
    ret = get_object_or_404(Return.objects.filter(order__user=request.user).with_details(), pk=pk)
    return render(request, "returns/return_detail.html", {"ret": ret})


@login_required
@post_or_back_to("returns:detail")
def return_withdraw(request, pk: int):
    ret = get_object_or_404(
        Return.objects.filter(order__user=request.user).select_related("order"), pk=pk
    )
    try:
        return_delete(return_request=ret, by=request.user)
    except DomainError as exc:
        messages.error(request, exc.detail)
        return redirect("returns:detail", pk=ret.pk)
    messages.success(request, f"Return #{pk} is withdrawn.")
    return redirect("sales:order", number=ret.order.number)
