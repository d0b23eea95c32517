"""The cart page and its forms (add, change a quantity, remove). Anonymous visitors shop
with a session cart; the cart services check every rule."""

from django.contrib import messages
from django.middleware.csrf import get_token
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.html import escape, format_html
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_POST

from catalog.forms import AddToCartForm
from catalog.models import SaleProblem
from catalog.pages import product_detail as product_page_data
from catalog.pages import product_url
from petshop.core.exceptions import DomainError
from petshop.core.storefront import positive_int
from sales.exceptions import InsufficientStock, InvalidInput
from sales.forms import CartLineForm, CartRemoveForm
from sales.services import cart_add, cart_remove, cart_set_quantity
from sales.session_cart import current_cart, current_cart_lines


def line_problem(line) -> str:
    """Why a cart line cannot be checked out as it is (shown before paying), in words;
    whether it can is CartLine.problem's call."""
    problem = line.problem
    if problem == SaleProblem.UNAVAILABLE:
        return "No longer available: we stopped selling it. Please remove it."
    if problem == SaleProblem.OUT_OF_STOCK:
        return "Out of stock: please remove it."
    if problem == SaleProblem.SHORT:
        return f"Only {line.product.stock} left in stock: please lower the quantity."
    return ""


def cart_summary(lines: list) -> dict:
    """The cart page's and checkout's figures of `lines` (session_cart.current_cart_lines)."""
    rows = [{"line": line, "problem": line_problem(line)} for line in lines]
    return {
        "rows": rows,
        "total": sum((line.line_total for line in lines), start=0),
        "item_count": sum(line.quantity for line in lines),
        "has_problems": any(row["problem"] for row in rows),
        "withdrawn": [
            row["line"].product.name for row in rows if not row["line"].product.is_active
        ],
    }


@require_GET
def cart_detail(request):
    return _render_cart(request)


# The quantity field's input attributes but its value, as CartLineForm states them.
_QUANTITY = CartLineForm.base_fields["quantity"]
QUANTITY_ATTRS = format_html(
    'inputmode="numeric" min="{}" max="{}" required', _QUANTITY.min_value, _QUANTITY.max_value
)


def _render_cart(request, *, bound_form=None, status=200):
    """The cart page. Each line's quantity field is plain HTML in the template, with
    the names, attributes and ids CartLineForm would render (the form still parses
    every update): rendering a bound form per line through Django's widget templates
    was most of the page's cost. A refused update (`bound_form`) keeps what was typed
    in its line, with the error."""
    summary = cart_summary(current_cart_lines(request))
    refused_id = bound_form.data.get("product_id") if bound_form is not None else None
    for row in summary["rows"]:
        line, product = row["line"], row["line"].product
        # Ready to print, each escaped once (escape() marks it safe): the template prints
        # some up to six times a line. Money as the API writes it, two places.
        row["id"] = escape(product.id)
        row["name"] = escape(product.name)
        row["url"] = escape(product_url(product.id, product.slug))
        row["price"], row["total"] = f"{line.unit_price:.2f}", f"{line.line_total:.2f}"
        row["quantity"], row["errors"] = escape(line.quantity), ()
        if row["id"] == refused_id:
            row["quantity"] = escape(bound_form.data.get("quantity", ""))
            row["errors"] = bound_form.errors.get("quantity", [])
    context = {
        **summary,
        # The header's count is this page's own item count: no second query for it.
        "cart_count": summary["item_count"],
        "update_url": escape(reverse("sales:cart_update")),
        "remove_url": escape(reverse("sales:cart_remove")),
        "quantity_attrs": QUANTITY_ATTRS,
        "quantity_help": _QUANTITY.help_text,
        # What {% csrf_token %} prints, made once for the two forms of every line.
        "csrf_input": format_html(
            '<input type="hidden" name="csrfmiddlewaretoken" value="{}">', get_token(request)
        ),
    }
    return render(request, "sales/cart.html", context, status=status)


@require_POST
def cart_add_view(request):
    form = AddToCartForm(request.POST)
    product_id = positive_int(form.data.get("product_id"))
    data = product_page_data(product_id=product_id) if product_id else None
    if data is None:
        messages.error(request, "That product is not available.")
        return redirect("catalog:product_list")
    if form.is_valid():
        cart = current_cart(request, create=True)
        quantity = form.cleaned_data["quantity"]
        try:
            cart_add(cart=cart, product_id=data["product"]["id"], quantity=quantity)
        except DomainError as exc:
            form.add_error("quantity", _explain_add_refusal(exc, cart, data["product"]["id"]))
        else:
            messages.success(request, f"Added {quantity} × {data['product']['name']} to your cart.")
            product = data["product"]
            return redirect(_safe_next(request) or product_url(product["id"], product["slug"]))
    # Refused: the product page again, with the typed quantity and why, next to the field.
    messages.error(request, " ".join(form.errors.get("quantity", ["Please check the quantity."])))
    return render(request, "catalog/product_detail.html", {**data, "form": form}, status=400)


def _explain_add_refusal(exc: DomainError, cart, product_id: int) -> str:
    detail = exc.detail
    held = cart.lines.filter(product_id=product_id).values_list("quantity", flat=True).first()
    # Stock and the per-line limit count what the cart already holds: say so.
    if held and isinstance(exc, (InsufficientStock, InvalidInput)):
        detail += f" You already have {held} in your cart."
    return detail


@require_POST
def cart_update_view(request):
    form = CartLineForm(request.POST, auto_id=f"id_line{request.POST.get('product_id', '')}_%s")
    if form.is_valid():
        cart = current_cart(request)
        try:
            if cart is None:
                raise DomainError("Your cart is empty.")
            line = cart_set_quantity(
                cart=cart,
                product_id=form.cleaned_data["product_id"],
                quantity=form.cleaned_data["quantity"],
            )
        except DomainError as exc:
            form.add_error("quantity", exc.detail)
        else:
            messages.success(request, "Cart updated." if line else "Removed from your cart.")
            return redirect("sales:cart")
    messages.error(request, " ".join(form.errors.get("quantity", ["Please check the quantity."])))
    return _render_cart(request, bound_form=form, status=400)


@require_POST
def cart_remove_view(request):
    form = CartRemoveForm(request.POST)
    cart = current_cart(request)
    if form.is_valid() and cart is not None:
        try:
            cart_remove(cart=cart, product_id=form.cleaned_data["product_id"])
        except DomainError as exc:
            messages.error(request, exc.detail)
        else:
            messages.success(request, "Removed from your cart.")
    else:
        messages.error(request, "That product is not in your cart.")
    return redirect("sales:cart")


def _safe_next(request) -> str:
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return ""
