"""Checkout: shipping address and a review of the cart on one page, then the order is
placed by sales.services.order_place, and a confirmation page shows its number."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render

from catalog.exceptions import InsufficientStock, ProductUnavailable
from petshop.core.exceptions import DomainError
from sales.exceptions import CartEmpty, IdempotencyKeyOrderDeleted, IdempotencyKeyReused
from sales.forms import CheckoutForm
from sales.models import Order
from sales.services import order_place
from sales.session_cart import current_cart
from sales.views.cart import cart_summary


@login_required
def checkout(request):
    if request.method != "POST":
        summary = cart_summary(current_cart(request))
        if not summary["rows"]:
            messages.info(request, "Your cart is empty: add something first.")
            return redirect("sales:cart")
        return _render(request, CheckoutForm(initial=_address_initial(request.user)), summary)

    form = CheckoutForm(request.POST)
    if not form.is_valid():
        return _render(request, form, cart_summary(current_cart(request)), status=400)
    # Straight to the service even if the cart looks empty: a second submit of the same
    # form (its cart already emptied by the first) must find the first order again.
    try:
        order, created = order_place(
            user=request.user,
            shipping_address=form.shipping_address(),
            idempotency_key=form.cleaned_data["idempotency_key"],
        )
    except CartEmpty as exc:
        messages.info(request, exc.detail)
        return redirect("sales:cart")
    except (InsufficientStock, ProductUnavailable) as exc:
        messages.error(
            request, f"{exc.detail} Nothing was charged; please check the lines marked below."
        )
        return _render(request, form, cart_summary(current_cart(request)), status=409)
    except (IdempotencyKeyReused, IdempotencyKeyOrderDeleted):
        # This form already placed an order (with another address, or one deleted since):
        # offer a fresh form rather than ordering twice from one.
        messages.error(
            request, "This checkout form was already used. Please review and submit again."
        )
        address = {k: v for k, v in form.cleaned_data.items() if k != "idempotency_key"}
        return _render(
            request, CheckoutForm(initial=address), cart_summary(current_cart(request)), status=409
        )
    except DomainError as exc:
        form.add_error(None, exc.detail)
        return _render(request, form, cart_summary(current_cart(request)), status=exc.status_code)
    if created:
        messages.success(request, "Thank you, your order is placed.")
    return redirect("sales:order_placed", number=order.number)


def _render(request, form, summary, status=200):
    return render(request, "sales/checkout.html", {"form": form, **summary}, status=status)


def _address_initial(user) -> dict:
    name = user.get_full_name()
    return {"full_name": name} if name else {}


@login_required
def order_placed(request, number: str):
    order = get_object_or_404(Order.objects.filter(user=request.user), number=number)
    return render(request, "sales/order_placed.html", {"order": order})
