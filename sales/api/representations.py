"""The sales API's read documents (orders, invoices, carts) built as plain dicts.

What OrderSerializer, InvoiceSerializer and CartSerializer render, byte for byte (a test
compares the two for a rich fixture), without their per-field machinery: the nested
ModelSerializers cost about 0.5 ms per order in CPU (issue 14). The serializers stay the
schema (drf-spectacular documents them) and the reference the test holds these to.

An order's lines, history and invoices are read for a whole page at once, one query
each, so a page costs the same queries for 1 order or 100. The rules stay with the
models (`line_total`, `latest_invoice_among`, `is_overdue`, `available`); the formatting
helpers below follow DRF's fields (DecimalField, DateTimeField) exactly.
"""

from collections import defaultdict
from decimal import Decimal

from django.db.models import Prefetch
from django.utils import timezone

from petshop.core.api.formats import decimal_text, moment
from sales.models import (
    Cart,
    CartLine,
    Invoice,
    Order,
    OrderLine,
    OrderStatusChange,
    latest_invoice_among,
    line_available,
    line_total,
    line_unit_price,
)

CENT = Decimal("0.01")


def money(value: Decimal) -> str:
    # As DRF's DecimalField(decimal_places=2).
    return decimal_text(value, CENT)


# --- Orders ---------------------------------------------------------------------------


def _by_order(rows, key=lambda row: row.order_id) -> dict[int, list]:
    grouped = defaultdict(list)
    for row in rows:
        grouped[key(row)].append(row)
    return grouped


def order_documents(orders: list[Order]) -> list[dict]:
    """The API's Order documents for `orders` (model instances), in their order: three
    queries (lines, history, invoices) whatever their number."""
    if not orders:
        return []
    ids = [order.pk for order in orders]
    lines = _by_order(OrderLine.objects.filter(order_id__in=ids))
    history = _by_order(
        OrderStatusChange.objects.filter(order_id__in=ids).values(
            "order_id", "from_status", "to_status", "at", "by__username"
        ),
        key=lambda row: row["order_id"],
    )
    invoices = _by_order(
        Invoice.objects.filter(order_id__in=ids).only("id", "order_id", "status", "issued_at")
    )
    return [
        _order_document(
            order,
            lines.get(order.pk, []),
            history.get(order.pk, []),
            latest_invoice_among(invoices.get(order.pk, [])),
        )
        for order in orders
    ]


def placed_order_document(placed) -> dict:
    """The Order document of a new order (sales.services.PlacedOrder), from the rows
    checkout wrote: no query."""
    history = [
        {
            "from_status": change.from_status,
            "to_status": change.to_status,
            "at": change.at,
            "by__username": change.by.username if change.by_id else None,
        }
        for change in placed.history
    ]
    invoice = latest_invoice_among(list(placed.invoices))
    return _order_document(placed.order, placed.lines, history, invoice)


def _order_document(order: Order, lines, history: list[dict], invoice: Invoice | None) -> dict:
    zone = timezone.get_current_timezone()
    return {
        "id": order.pk,
        "number": order.number,
        "user_id": order.user_id,
        "status": order.status,
        "items": [
            {
                "product_id": line.product_id,
                "name": line.name,
                "sku": line.sku,
                "unit_price": money(line.unit_price),
                "quantity": line.quantity,
                "line_total": money(line.line_total),
                "tax_rate": money(line.tax_rate),
                "tax": money(line.tax),
            }
            for line in lines
        ],
        "subtotal": money(order.subtotal),
        "shipping_method": order.shipping_method_or_none,
        "shipping_cost": money(order.shipping_cost),
        "tax": money(order.tax),
        "total": money(order.total),
        "shipping_address": order.shipping_address,
        "invoice_id": invoice.pk if invoice else None,
        "created_at": moment(order.created_at, zone),
        "updated_at": moment(order.updated_at, zone),
        "delivered_at": moment(order.delivered_at, zone),
        "history": [
            {
                "from_status": change["from_status"],
                "to_status": change["to_status"],
                "at": moment(change["at"], zone),
                "by": change["by__username"],
            }
            for change in history
        ],
    }


def order_document(order: Order) -> dict:
    return order_documents([order])[0]


# --- Invoices -------------------------------------------------------------------------


def invoice_documents(invoices: list[Invoice]) -> list[dict]:
    """The API's Invoice documents; each invoice needs its `order` loaded (select_related)."""
    zone = timezone.get_current_timezone()
    return [
        {
            "id": invoice.pk,
            "number": invoice.number,
            "order_id": invoice.order_id,
            "user_id": invoice.user_id,
            "status": invoice.status,
            "subtotal": money(invoice.subtotal),
            "shipping_method": invoice.order.shipping_method_or_none,
            "shipping_cost": money(invoice.shipping_cost),
            "tax": money(invoice.tax),
            "total": money(invoice.total),
            "amount_refunded": money(invoice.amount_refunded),
            "issued_at": moment(invoice.issued_at, zone),
            "due_date": invoice.due_date.isoformat(),
            "paid_at": moment(invoice.paid_at, zone),
            "payment_reference": invoice.payment_reference,
            "is_overdue": invoice.is_overdue,
            "notes": invoice.notes,
        }
        for invoice in invoices
    ]


def invoice_document(invoice: Invoice) -> dict:
    return invoice_documents([invoice])[0]


# --- Carts ----------------------------------------------------------------------------

# What a cart document shows of its lines and their products (the sale rule reads
# is_active and stock): the other columns' conversions were a third of a cart read.
CART_LINE_COLUMNS = ("cart_id", "product_id", "quantity")
CART_PRODUCT_COLUMNS = ("name", "sku", "price", "stock", "is_active")


def carts_with_lines():
    """Carts with what their documents show (cart_document): lines and products in one
    more query."""
    lines = CartLine.objects.select_related("product").only(
        *CART_LINE_COLUMNS, *(f"product__{column}" for column in CART_PRODUCT_COLUMNS)
    )
    return Cart.objects.prefetch_related(Prefetch("lines", queryset=lines))


# A cart line as its document reads it, in this order: what own_cart_rows selects and
# _cart_item takes.
CART_ROW = (
    "product_id",
    "product__name",
    "product__sku",
    "product__price",
    "quantity",
    "product__is_active",
    "product__stock",
)


def own_cart_rows(user) -> list[tuple]:
    """The user's cart lines as plain rows, (cart id, cart updated_at, *CART_ROW), in the
    lines' order: a non-empty cart's whole document in one query (none: the cart is
    empty or not made yet). Plain values, no model instances: building 20 lines with
    their cart and product was most of a cart read's CPU (issue 14)."""
    return list(
        CartLine.objects.filter(cart__user=user).values_list(
            "cart_id", "cart__updated_at", *CART_ROW
        )
    )


def own_cart_document(rows: list[tuple]) -> dict:
    """The API's Cart document of own_cart_rows(user) (not empty)."""
    cart_id, updated_at = rows[0][:2]
    return _cart_document(cart_id, updated_at, [row[2:] for row in rows])


def cart_document(cart: Cart, *, with_user=False) -> dict:
    """The API's Cart document (AdminCart's with `with_user`) of a cart with its lines
    and their products prefetched (carts_with_lines)."""
    rows = [
        (
            line.product_id,
            line.product.name,
            line.product.sku,
            line.product.price,
            line.quantity,
            line.product.is_active,
            line.product.stock,
        )
        for line in cart.lines.all()
    ]
    head = {"user_id": cart.user_id} if with_user else {}
    return _cart_document(cart.pk, cart.updated_at, rows, head=head)


def _cart_document(cart_id: int, updated_at, rows: list[tuple], head=None) -> dict:
    # The line rules (unit price, line total, available) are sales.models.carts', the
    # ones CartLine's properties apply.
    document = {"id": cart_id, **(head or {})}
    items = [_cart_item(*row) for row in rows]
    document["items"] = [item for item, _ in items]
    document["item_count"] = sum(item["quantity"] for item in document["items"])
    total = sum((total for _, total in items), start=Decimal("0.00"))
    document["total"] = f"{total:.2f}"
    document["updated_at"] = moment(updated_at, timezone.get_current_timezone())
    return document


def _cart_item(product_id, name, sku, price, quantity, is_active, stock) -> tuple[dict, Decimal]:
    total = line_total(price, quantity)
    item = {
        "product_id": product_id,
        "name": name,
        "sku": sku,
        "unit_price": money(line_unit_price(price)),
        "quantity": quantity,
        "line_total": money(total),
        "available": line_available(is_active=is_active, stock=stock, quantity=quantity),
    }
    return item, total
