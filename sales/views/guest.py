"""Guest orders on the storefront: the private link (follow the order, print its
invoice) and claiming guest orders into an account once the email is proven.

A private link opens exactly the order whose token it carries (looked up by the token's
hash), nothing else: no other order, no account page. Lookups are throttled per client
address, on top of the token being unguessable (256 random bits)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render

from petshop.core.exceptions import DomainError
from petshop.core.storefront import post_or_back_to
from petshop.core.throttling import client_address, rate_limit_hit
from sales.models import Order
from sales.services import guest_order_by_token, guest_orders_claim, guest_orders_send_claim_link


def _order_or_404(request, token: str) -> Order:
    wait = rate_limit_hit(scope="order_link", bucket="address", ident=client_address(request))
    if wait:
        raise Http404("Too many attempts: try again later.")
    order = guest_order_by_token(token)
    if order is None:
        raise Http404("No order has this link.")
    return Order.objects.with_details().get(pk=order.pk)


def guest_order(request, token: str):
    order = _order_or_404(request, token)
    return render(request, "sales/guest_order.html", {"order": order, "token": token})


def guest_invoice(request, token: str):
    order = _order_or_404(request, token)
    invoice = order.latest_invoice
    if invoice is None:
        raise Http404("This order has no invoice.")
    return render(
        request,
        "sales/invoice_detail.html",
        {
            "invoice": invoice,
            "order": order,
            "back_url": redirect("sales:guest_order", token=token).url,
        },
    )


@login_required
@post_or_back_to("sales:order_list")
def guest_orders_claim_request(request):
    """'Send me the link': proves the account's email before its guest orders join."""
    count = guest_orders_send_claim_link(user=request.user)
    if count > 0:
        messages.info(request, f"We emailed {request.user.email} a link to add your orders.")
    elif count < 0:
        messages.error(request, "We already sent you a link recently: please check your email.")
    else:
        messages.info(request, "No order placed without an account uses your email address.")
    return redirect("sales:order_list")


@login_required
def guest_orders_claim_view(request, token: str):
    """The link from the email: the logged-in account must be the one it was sent to."""
    try:
        count = guest_orders_claim(user=request.user, token=token)
    except DomainError as exc:
        messages.error(request, exc.detail)
    else:
        if count:
            messages.success(
                request, f"{count} order{'s' if count != 1 else ''} added to your account."
            )
        else:
            messages.info(request, "Those orders are already in your account.")
    return redirect("sales:order_list")
