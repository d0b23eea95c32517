"""The staff sales overview (/admin/overview/): its figures on known data, and a fixed,
small number of queries whatever the number of orders."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from catalog.tests.factories import ProductFactory
from sales.models import Invoice, Order
from sales.selectors import low_stock_products, orders_by_status, overdue_invoices, sales_by_day
from sales.services import invoice_set_status, order_cancel
from sales.tests.factories import place_order

pytestmark = pytest.mark.django_db

OVERVIEW = reverse("admin:sales_overview")


def placed(days_ago: int, total_units: int, price="10.00", cancelled=False) -> Order:
    order = place_order(
        products=[ProductFactory(price=Decimal(price), stock=100)], quantity=total_units
    )
    if cancelled:
        order_cancel(order=order, by=None)
    Order.objects.filter(pk=order.pk).update(created_at=timezone.now() - timedelta(days=days_ago))
    return order


@pytest.fixture
def known_shop(settings):
    settings.LOW_STOCK_THRESHOLD = 5
    placed(0, 1)  # today: 10.00
    placed(0, 2)  # today: 20.00
    placed(3, 1, price="5.00")  # 3 days ago: 5.00
    placed(3, 1, price="7.00", cancelled=True)  # counted as an order, not as revenue
    placed(40, 1)  # outside the 30 days
    late = placed(45, 1, price="3.00")
    Invoice.objects.filter(order=late).update(due_date=timezone.localdate() - timedelta(days=15))
    paid_late = placed(45, 1)
    invoice_set_status(invoice=paid_late.invoices.get(), status="paid", payment_reference="P")
    Invoice.objects.filter(order=paid_late).update(
        due_date=timezone.localdate() - timedelta(days=15)
    )
    ProductFactory(name="Almost gone", stock=2)
    ProductFactory(name="Retired", stock=0, is_active=False)


def test_sales_by_day_counts_orders_and_revenue_per_day(known_shop):
    series = sales_by_day(days=30)

    assert len(series) == 30
    assert series[-1].day == timezone.localdate()
    assert (series[-1].orders, series[-1].revenue) == (2, Decimal("30.00"))
    assert (series[-4].orders, series[-4].revenue) == (2, Decimal("5.00"))
    assert sum(d.orders for d in series) == 4
    assert sum(d.revenue for d in series) == Decimal("35.00")


def test_orders_by_status_lists_every_status(known_shop):
    counts = {status: n for status, _label, n in orders_by_status()}

    assert counts == {
        "pending": 6,
        "confirmed": 0,
        "processing": 0,
        "shipped": 0,
        "delivered": 0,
        "cancelled": 1,
    }


def test_low_stock_lists_active_products_at_or_below_the_threshold(known_shop):
    count, products = low_stock_products()

    assert count == 1
    assert [p.name for p in products] == ["Almost gone"]


def test_overdue_invoices_are_the_unpaid_ones_past_due(known_shop):
    overdue = overdue_invoices()

    assert (overdue.count, overdue.amount) == (1, Decimal("3.00"))
    assert [i.total for i in overdue.invoices] == [Decimal("3.00")]


def test_overview_page_shows_the_figures_and_two_charts(known_shop, admin_client):
    response = admin_client.get(OVERVIEW)

    body = response.content.decode()
    assert response.status_code == 200
    assert '<strong id="orders-30d">4</strong>' in body
    assert '<strong id="revenue-30d">35.00</strong>' in body
    assert '<strong id="low-stock-count">1</strong>' in body
    assert '<strong id="overdue-count">1</strong>' in body
    assert '<td data-status="pending">6</td>' in body
    assert "Almost gone" in body
    assert body.count('<svg class="chart"') == 2 and body.count("<rect") == 60
    assert body.count("<title>") == 60 + 1  # a tooltip per bar, plus the page title


def test_admin_index_links_to_the_overview(admin_client):
    assert OVERVIEW in admin_client.get(reverse("admin:index")).content.decode()


def test_overview_runs_the_same_few_queries_with_more_orders(
    admin_client, django_assert_max_num_queries
):
    placed(1, 1)
    with django_assert_max_num_queries(12) as few:
        admin_client.get(OVERVIEW)
    for days_ago in range(10):
        placed(days_ago, 1)
    ProductFactory.create_batch(3, stock=1)
    with django_assert_max_num_queries(len(few.captured_queries)):
        admin_client.get(OVERVIEW)


def test_overview_is_not_for_customers(client, customer):
    client.force_login(customer)

    response = client.get(OVERVIEW)

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))
