"""The staff sales overview at /admin/overview/: orders and gross sales per day over the
last 30 days, with the refunds on them and the net (server-rendered SVG bars), orders by status, low stock, overdue invoices.

The figures come from sales.selectors (database aggregates, a fixed number of queries);
this module only lays them out. The URL is the shop's admin site's
(petshop.admin_site.ShopAdminSite.get_urls), behind the same admin login and staff check
as every page."""

from dataclasses import dataclass

from django.contrib import admin
from django.template.response import TemplateResponse

from sales.selectors import low_stock_products, orders_by_status, overdue_invoices, sales_by_day

CHART_WIDTH, CHART_HEIGHT, AXIS = 720, 180, 64


@dataclass(frozen=True)
class Bar:
    x: float
    y: float
    width: float
    height: float
    title: str
    label: str


def bar_chart(values: list, labels: list[str], titles: list[str]) -> dict:
    """Geometry of a bar chart in a CHART_WIDTH x CHART_HEIGHT plot area (plus a left
    axis): one bar per value, scaled to the largest."""
    top = max(values, default=0) or 1
    slot = (CHART_WIDTH - AXIS) / max(len(values), 1)
    bars = []
    for i, (value, label, title) in enumerate(zip(values, labels, titles, strict=True)):
        height = round(float(value) / float(top) * CHART_HEIGHT, 1)
        bars.append(
            Bar(
                x=round(AXIS + i * slot + slot * 0.15, 1),
                y=round(CHART_HEIGHT - height + 10, 1),
                width=round(slot * 0.7, 1),
                height=height,
                title=title,
                label=label,
            )
        )
    return {
        "bars": bars,
        "max": top,
        "width": CHART_WIDTH,
        "height": CHART_HEIGHT + 40,
        "baseline": CHART_HEIGHT + 10,
        "axis": AXIS,
    }


def sales_overview(request):
    series = sales_by_day(days=30)
    # Label every fifth day under the bars so they stay readable.
    labels = [d.day.strftime("%d %b") if i % 5 == 0 else "" for i, d in enumerate(series)]
    low_count, low_products = low_stock_products()
    context = {
        **admin.site.each_context(request),
        "title": "Sales overview",
        "series": series,
        "orders_total": sum(d.orders for d in series),
        "revenue_total": sum(d.revenue for d in series),
        "refunds_total": sum(d.refunds for d in series),
        "net_total": sum(d.net for d in series),
        "orders_chart": bar_chart(
            [d.orders for d in series],
            labels,
            [f"{d.day:%a %d %b}: {d.orders} orders" for d in series],
        ),
        "revenue_chart": bar_chart(
            [d.revenue for d in series],
            labels,
            [
                f"{d.day:%a %d %b}: {d.revenue} gross, {d.refunds} refunded, {d.net} net"
                for d in series
            ],
        ),
        "by_status": orders_by_status(),
        "low_stock_count": low_count,
        "low_stock_products": low_products,
        "overdue": overdue_invoices(),
    }
    return TemplateResponse(request, "admin/sales/overview.html", context)
