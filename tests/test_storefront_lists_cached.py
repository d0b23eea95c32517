"""A customer's storefront lists (orders, invoices, returns) serve their rows and
pagination from the per-user cache (petshop.core.storefront.cached_part, issue 14): the
same bytes as the page computed, never stale after a write through any face, and a warm
page's queries do not grow with the rows.

Each freshness test reads the lists once *before* the write, so the old rows sit in the
cache and a missing invalidation would serve them. Writes run inside
``django_capture_on_commit_callbacks(execute=True)``: versions move on commit.
"""

import re
from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.tests.factories import AdminFactory
from catalog.tests.factories import ProductFactory
from returns.services import return_request
from sales.models import Invoice, Order, OrderStatus
from sales.services import order_place, order_set_status

pytestmark = pytest.mark.django_db

LISTS = ("sales:order_list", "sales:invoice_list", "returns:list")
ADDRESS = "1 List Street, Newtown 1234"
# The user and the header's cart count (the session comes from the cache): a warm list
# page runs no query of its own, whatever it lists.
WARM_LIST_QUERIES = 2


def an_order(user) -> Order:
    return order_place(
        user=user,
        shipping_address=ADDRESS,
        items=[{"product_id": ProductFactory(stock=10).pk, "quantity": 1}],
    ).order


def delivered_with_return(user, admin) -> Order:
    order = order_place(
        user=user,
        shipping_address=ADDRESS,
        items=[{"product_id": ProductFactory(stock=10).pk, "quantity": 2}],
    ).order
    order = order_set_status(order=order, status=OrderStatus.DELIVERED, by=admin)
    return_request(
        order=order,
        items=[{"product_id": order.lines.get().product_id, "quantity": 1, "reason": "x"}],
    )
    return order


@pytest.fixture
def store(customer):
    client = Client()
    client.force_login(customer)
    return client


def html(response) -> str:
    """The page, its CSRF tokens (masked anew for every response) blanked out."""
    assert response.status_code == 200
    return re.sub(r'(name="csrfmiddlewaretoken" value=")[^"]+', r"\1", response.content.decode())


def row_of(page: str, number: str) -> str:
    """The table row that links to `number` (an order's or an invoice's)."""
    return next(row for row in page.split("<tr>") if f">{number}</a>" in row)


def lists(store) -> dict:
    return {name: html(store.get(reverse(name))) for name in LISTS}


@pytest.mark.parametrize("count", [1, 21])
def test_each_list_page_warm_is_the_page_cold(customer, store, count):
    admin = AdminFactory()
    for _ in range(count):
        delivered_with_return(customer, admin)
    pages = ("", "?page=2", "?page=2&x=1") if count > 20 else ("",)
    for name in LISTS:
        cold = {query: html(store.get(reverse(name) + query)) for query in pages}
        warm = {query: html(store.get(reverse(name) + query)) for query in pages}
        assert warm == cold, name
        assert ("Page 1 of 2" in cold[""]) == (count > 20)
        if count > 20:  # each query string its own entry: the second page, its links
            assert "Page 2 of 2" in cold["?page=2"]
            assert "?page=1&amp;x=1" in cold["?page=2&x=1"]


@pytest.mark.parametrize("count", [1, 20])
def test_a_warm_list_page_runs_the_same_queries_for_1_and_20_rows(
    customer, store, count, django_assert_num_queries
):
    admin = AdminFactory()
    for _ in range(count):
        delivered_with_return(customer, admin)
    for name in LISTS:
        store.get(reverse(name))
        with django_assert_num_queries(WARM_LIST_QUERIES):
            page = html(store.get(reverse(name)))
        assert page.count('<th scope="row"') == count


def test_a_storefront_cancel_is_seen_in_the_order_and_invoice_lists(
    customer, store, django_capture_on_commit_callbacks
):
    order = an_order(customer)
    invoice = order.invoices.get()
    before = lists(store)
    assert "Pending" in row_of(before["sales:order_list"], order.number)
    with django_capture_on_commit_callbacks(execute=True):
        store.post(reverse("sales:order_cancel", args=[order.number]), {"confirm": "yes"})
    after = lists(store)
    assert "Cancelled" in row_of(after["sales:order_list"], order.number)
    assert "Cancelled" in row_of(after["sales:invoice_list"], invoice.number)


def test_an_invoice_paid_through_the_api_is_seen_in_the_invoice_list(
    customer, store, admin_client_api, django_capture_on_commit_callbacks
):
    order = an_order(customer)
    invoice = order.invoices.get()
    assert "Pending" in row_of(lists(store)["sales:invoice_list"], invoice.number)
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client_api.patch(
            f"/api/v1/invoices/{invoice.pk}/status/", {"status": "paid"}, format="json"
        )
    assert response.status_code == 200, response.content
    assert "Paid" in row_of(lists(store)["sales:invoice_list"], invoice.number)


def test_a_return_approved_in_the_admin_is_seen_in_the_return_list(
    customer, admin_user, store, django_capture_on_commit_callbacks
):
    order = delivered_with_return(customer, admin_user)
    ret = order.returns.get()
    assert "Requested" in row_of(lists(store)["returns:list"], order.number)
    staff = Client()
    staff.force_login(admin_user)
    with django_capture_on_commit_callbacks(execute=True):
        staff.post(
            reverse("admin:returns_return_changelist"),
            {"action": "approve", "_selected_action": [ret.pk]},
        )
    ret.refresh_from_db()
    assert ret.status == "approved"
    assert "Approved" in row_of(lists(store)["returns:list"], order.number)


def test_the_overdue_command_is_seen_in_the_invoice_list(
    customer, admin_user, store, django_capture_on_commit_callbacks
):
    order = an_order(customer)
    order = order_set_status(order=order, status=OrderStatus.CONFIRMED, by=admin_user)
    invoice = order.invoices.get()
    Invoice.objects.filter(pk=invoice.pk).update(due_date=timezone.localdate() - timedelta(2))
    assert "Pending" in row_of(lists(store)["sales:invoice_list"], invoice.number)
    with django_capture_on_commit_callbacks(execute=True):
        call_command("mark_overdue_invoices", stdout=StringIO())
    assert "Overdue" in row_of(lists(store)["sales:invoice_list"], invoice.number)


def test_another_customers_rows_never_show(customer, other_customer, store):
    admin = AdminFactory()
    mine = delivered_with_return(customer, admin)
    theirs = delivered_with_return(other_customer, admin)
    other = Client()
    other.force_login(other_customer)
    for name in LISTS:
        assert mine.number in html(store.get(reverse(name)))
        page = html(other.get(reverse(name)))
        assert theirs.number in page and mine.number not in page


def test_a_deploy_that_changes_a_template_is_not_served_rows_the_old_one_rendered(
    customer, store, monkeypatch
):
    order = an_order(customer)
    pages = [reverse(name) for name in LISTS] + [reverse("sales:order", args=[order.number])]
    for url in pages:
        assert "NEW TEMPLATE" not in html(store.get(url))
    # A deploy: the templates' digest changes, and so does what the cached parts render.
    from django.template.loader import render_to_string

    def new_template(*args, **kwargs):
        return render_to_string(*args, **kwargs) + "<!-- NEW TEMPLATE -->"

    for module in ("petshop.core.storefront", "sales.views.orders"):
        monkeypatch.setattr(f"{module}.templates_version", lambda: "after-deploy")
        monkeypatch.setattr(f"{module}.render_to_string", new_template)
    for url in pages:
        assert "NEW TEMPLATE" in html(store.get(url)), url
