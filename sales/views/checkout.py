"""Checkout: shipping address (saved or new), shipping method and a review of the cart
with its subtotal, shipping, tax and total on one page, then the order is placed by
sales.services.order_place, and a confirmation page shows its number. A visitor checks
out with an email address instead of an account (guest checkout, throttled)."""

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.shortcuts import get_object_or_404, redirect, render

from accounts.addresses import address_create
from accounts.models import Address
from catalog.exceptions import InsufficientStock, ProductUnavailable
from petshop.core.exceptions import DomainError
from petshop.core.throttling import client_address, rate_limit_hit
from sales.exceptions import CartEmpty, IdempotencyKeyOrderDeleted, IdempotencyKeyReused
from sales.forms import CheckoutForm
from sales.models import Order, ShippingMethod
from sales.pricing import cart_goods, quote
from sales.services import order_place
from sales.session_cart import current_cart_lines
from sales.views.cart import cart_summary

GUEST_ORDERS_SESSION_KEY = "guest_order_numbers"


def checkout(request):
    user = request.user if request.user.is_authenticated else None
    if request.method != "POST":
        summary = cart_summary(current_cart_lines(request))
        if not summary["rows"]:
            messages.info(request, "Your cart is empty: add something first.")
            return redirect("sales:cart")
        form = _form(user, summary, initial=_address_initial(user))
        return _render(request, form, summary)

    summary = cart_summary(current_cart_lines(request))
    form = _form(user, summary, data=request.POST)
    if not form.is_valid():
        return _render(request, form, summary, status=400)
    if user is None:
        wait = rate_limit_hit(
            scope="guest_checkout", bucket="address", ident=client_address(request)
        )
        if wait:
            messages.error(
                request,
                f"Too many orders from your address: please try again in {wait // 60 + 1} "
                "minutes, or log in.",
            )
            return _render(request, form, summary, status=429)
    # Straight to the service even if the cart looks empty: a second submit of the same
    # form (its cart already emptied by the first) must find the first order again.
    try:
        order, created = order_place(
            user=user,
            guest_email=form.cleaned_data.get("email", ""),
            cart_session_key=request.session.session_key if user is None else None,
            shipping_address=form.shipping_address(),
            address_id=form.address_id(),
            shipping_method=form.shipping_method_id(),
            idempotency_key=form.cleaned_data["idempotency_key"],
        )
    except CartEmpty as exc:
        messages.info(request, exc.detail)
        return redirect("sales:cart")
    except (InsufficientStock, ProductUnavailable) as exc:
        messages.error(
            request, f"{exc.detail} Nothing was charged; please check the lines marked below."
        )
        return _render(request, form, cart_summary(current_cart_lines(request)), status=409)
    except (IdempotencyKeyReused, IdempotencyKeyOrderDeleted):
        # This form already placed an order (with another address, or one deleted since):
        # offer a fresh form rather than ordering twice from one.
        messages.error(
            request, "This checkout form was already used. Please review and submit again."
        )
        address = {k: v for k, v in form.cleaned_data.items() if k != "idempotency_key"}
        summary = cart_summary(current_cart_lines(request))
        return _render(request, _form(user, summary, initial=address), summary, status=409)
    except DomainError as exc:
        form.add_error(None, exc.detail)
        return _render(
            request, form, cart_summary(current_cart_lines(request)), status=exc.status_code
        )
    if created:
        messages.success(request, "Thank you, your order is placed.")
        if user is not None and form.cleaned_data.get("save_address") and form.uses_new_address:
            try:
                address_create(user=user, **form.new_address_fields())
            except DomainError as exc:
                messages.warning(request, f"The address was not saved: {exc.detail}")
    if user is None:
        # This browser may show the confirmation of the orders it placed, nothing more.
        numbers = request.session.get(GUEST_ORDERS_SESSION_KEY, [])
        request.session[GUEST_ORDERS_SESSION_KEY] = [*numbers, order.number][-10:]
    return redirect("sales:order_placed", number=order.number)


def _form(user, summary, **kwargs) -> CheckoutForm:
    addresses = list(Address.objects.filter(user=user)) if user is not None else []
    methods = ShippingMethod.objects.active()
    form = CheckoutForm(user=user, addresses=addresses, shipping_methods=methods, **kwargs)
    if "shipping_method" in form.fields:
        # Each method's label says what it costs for this cart.
        form.fields["shipping_method"].goods = cart_goods(row["line"] for row in summary["rows"])
    return form


def _render(request, form, summary, status=200):
    method = None
    if "shipping_method" in form.fields:
        chosen = form.data.get("shipping_method") if form.is_bound else None
        methods = list(form.fields["shipping_method"].queryset)
        method = next((m for m in methods if str(m.pk) == chosen), methods[0])
    price = quote(
        lines=[(row["line"].product, row["line"].quantity) for row in summary["rows"]],
        shipping_method=method,
    )
    return render(
        request,
        "sales/checkout.html",
        {"form": form, "quote": price, "shipping_choice": method, **summary},
        status=status,
    )


def _address_initial(user) -> dict:
    if user is None:
        return {}
    name = user.get_full_name()
    return {"full_name": name} if name else {}


def order_placed(request, number: str):
    if request.user.is_authenticated:
        orders = Order.objects.filter(user=request.user)
    elif number in request.session.get(GUEST_ORDERS_SESSION_KEY, []):
        # A visitor sees only the confirmation of an order this browser placed.
        orders = Order.objects.filter(user__isnull=True)
    else:  # any other number, real or not, gets the same answer: log in first
        return redirect_to_login(request.get_full_path())
    order = get_object_or_404(orders, number=number)
    return render(request, "sales/order_placed.html", {"order": order})
