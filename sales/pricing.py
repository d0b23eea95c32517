"""What an order costs: lines, tax and shipping, computed in one place.

Checkout freezes these figures into the order; the cart and checkout pages and S1 show
the same figures before. Pure calculation (plus one query for the tax rates).

The rounding rule (stated on the invoice too): tax is computed **per line**, on the
line amount (unit price × quantity), and rounded half up to the cent (ROUND_HALF_UP,
as an accountant rounds); the order's tax is the sum of its lines' rounded tax.
- Prices exclude tax (PRICES_INCLUDE_TAX false, the default): line tax =
  round(line amount × rate / 100); subtotal = the sum of line amounts.
- Prices include tax: line tax = round(line amount × rate / (100 + rate)) (the part of
  the price that is tax); subtotal = the sum of line amounts minus their tax.
Either way total = subtotal + shipping_cost + tax. Shipping carries no tax.
Refunds give back the tax paid on the returned units (OrderLine.refund_for).
"""

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.db.models import Q

from sales.models import ShippingMethod, TaxRate

CENT = Decimal("0.01")
ZERO = Decimal("0.00")
HUNDRED = Decimal("100")


def to_cents(amount: Decimal) -> Decimal:
    return amount.quantize(CENT, rounding=ROUND_HALF_UP)


def line_tax(amount: Decimal, rate: Decimal, *, prices_include_tax: bool) -> Decimal:
    """The tax of one line of `amount` at `rate` percent, rounded half up to the cent."""
    if not rate:
        return ZERO
    if prices_include_tax:
        return to_cents(amount * rate / (HUNDRED + rate))
    return to_cents(amount * rate / HUNDRED)


def tax_rates(category_ids: Iterable[int]) -> dict[int, Decimal]:
    """The rate (percent) of each category: its own, else the shop rate, else 0."""
    ids = set(category_ids)
    # One query for the categories' own rates and the shop rate (category NULL).
    rates = dict(
        TaxRate.objects.filter(Q(category_id__in=ids) | Q(category__isnull=True))
        .order_by()
        .values_list("category_id", "rate")
    )
    shop = rates.get(None, ZERO)
    return {cid: rates.get(cid, shop) for cid in ids}


def cart_goods(lines: Iterable) -> Decimal:
    """The goods amount of cart lines (products loaded) at current prices: what a
    shipping method's `free_above` is compared with."""
    return sum((line.product.price * line.quantity for line in lines), start=ZERO)


@dataclass(frozen=True)
class PricedLine:
    product_id: int
    unit_price: Decimal
    quantity: int
    amount: Decimal  # unit price × quantity, as shown
    tax_rate: Decimal
    tax: Decimal


@dataclass(frozen=True)
class Quote:
    lines: tuple[PricedLine, ...]
    goods: Decimal  # the sum of line amounts, as shown (what free_above compares to)
    subtotal: Decimal
    shipping_method: ShippingMethod | None
    shipping_cost: Decimal
    tax: Decimal
    total: Decimal


def quote(*, lines: Iterable[tuple], shipping_method: ShippingMethod | None = None) -> Quote:
    """Price `lines` ((product, quantity) pairs; products with their category id) and
    shipping. Rates are read once for all lines."""
    lines = list(lines)
    include = settings.PRICES_INCLUDE_TAX
    rates = tax_rates(product.category_id for product, _ in lines)
    priced = []
    for product, quantity in lines:
        amount = product.price * quantity
        rate = rates[product.category_id]
        priced.append(
            PricedLine(
                product_id=product.pk,
                unit_price=product.price,
                quantity=quantity,
                amount=amount,
                tax_rate=rate,
                tax=line_tax(amount, rate, prices_include_tax=include),
            )
        )
    goods = sum((line.amount for line in priced), start=ZERO)
    tax = sum((line.tax for line in priced), start=ZERO)
    subtotal = goods - tax if include else goods
    shipping_cost = shipping_method.price_for(goods) if shipping_method else ZERO
    return Quote(
        lines=tuple(priced),
        goods=goods,
        subtotal=subtotal,
        shipping_method=shipping_method,
        shipping_cost=shipping_cost,
        tax=tax,
        total=subtotal + shipping_cost + tax,
    )
