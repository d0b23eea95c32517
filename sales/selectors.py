"""Named sales reads: the figures of the staff sales overview.

Every figure is aggregated by the database (one query each), so the overview costs the
same few queries with 100 orders or 100,000.
"""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.db.models import Count, DecimalField, OuterRef, Q, Subquery, Sum, Value
from django.db.models.functions import Coalesce, TruncDate
from django.utils import timezone

from catalog.models import Product
from sales.models import Invoice, Order, OrderStatus


@dataclass(frozen=True)
class DaySales:
    day: date
    orders: int
    revenue: Decimal  # gross sales: the totals of that day's orders not cancelled
    refunds: Decimal = Decimal("0.00")  # credited back on those orders since (returns...)

    @property
    def net(self) -> Decimal:
        return self.revenue - self.refunds


def _refunded_per_order():
    """What the order's invoices have credited back (returns processed, refunds), one
    figure per order, as a subquery: summing over a join would count an order once per
    invoice."""
    money = DecimalField(max_digits=12, decimal_places=2)
    credited = (
        Invoice.objects.filter(order=OuterRef("pk"))
        .order_by()
        .values("order")
        .annotate(amount=Sum("amount_refunded"))
        .values("amount")
    )
    return Coalesce(
        Subquery(credited, output_field=money), Value(Decimal("0.00")), output_field=money
    )


def _start_of(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def sales_by_day(*, days: int = 30, today: date | None = None) -> list[DaySales]:
    """Orders placed, gross sales and refunds per day over the last `days` days (today
    included), every day present, oldest first. Gross sales (`revenue`) count the totals
    of orders not cancelled; `refunds` what has been credited back on those same orders
    since (processed returns, refunds), shown against the day the order was placed, so
    `net` is what that day's sales are worth now; the order count includes every order
    placed that day. A cancelled order counts in neither figure: it never was a sale."""
    today = today or timezone.localdate()
    first_day = today - timedelta(days=days - 1)
    window = {
        "created_at__gte": _start_of(first_day),
        "created_at__lt": _start_of(today + timedelta(days=1)),
    }
    rows = (
        Order.objects.filter(**window)
        .annotate(
            day=TruncDate("created_at", tzinfo=timezone.get_current_timezone()),
            refunded=_refunded_per_order(),
        )
        .values("day")
        .annotate(
            orders=Count("id"),
            revenue=Sum("total", filter=~Q(status=OrderStatus.CANCELLED)),
            refunds=Sum("refunded", filter=~Q(status=OrderStatus.CANCELLED)),
        )
        .order_by("day")
    )
    by_day = {row["day"]: row for row in rows}
    series = []
    for offset in range(days):  # at most `days` rows: filling the gaps, not a loop over orders
        day = first_day + timedelta(days=offset)
        row = by_day.get(day, {})
        series.append(
            DaySales(
                day=day,
                orders=row.get("orders", 0),
                revenue=row.get("revenue") or Decimal("0.00"),
                refunds=row.get("refunds") or Decimal("0.00"),
            )
        )
    return series


def orders_by_status() -> list[tuple[str, str, int]]:
    """(status, label, count) for every status, in the order of the chain."""
    counts = dict(Order.objects.order_by().values_list("status").annotate(n=Count("id")))
    return [(value, label, counts.get(value, 0)) for value, label in OrderStatus.choices]


def low_stock_products(*, limit: int = 20) -> tuple[int, list[Product]]:
    """Active products at or below LOW_STOCK_THRESHOLD: how many, and the `limit` lowest."""
    low = Product.objects.active().low_stock()
    return low.count(), list(low.with_related().order_by("stock", "name", "id")[:limit])


@dataclass(frozen=True)
class OverdueSummary:
    count: int
    amount: Decimal
    invoices: list[Invoice]


def overdue_invoices(*, limit: int = 20, today: date | None = None) -> OverdueSummary:
    """Unpaid invoices past their due date (whether or not the daily job has marked them
    yet): how many, how much is owed, and the `limit` oldest."""
    overdue = Invoice.objects.overdue(today)
    totals = overdue.aggregate(count=Count("id"), amount=Sum("total"))
    oldest = list(overdue.select_related("order__user").order_by("due_date", "id")[:limit])
    return OverdueSummary(
        count=totals["count"], amount=totals["amount"] or Decimal("0.00"), invoices=oldest
    )
