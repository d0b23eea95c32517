"""No stale own reads, proven (issue 14): a customer's orders, invoices and returns are
cached per user (petshop.core.user_cache), and every face that writes them (the API, the
storefront, the admin's actions, the services and commands) is followed by reads through
the API (lists and details) and the storefront, each showing the new state.

Every read is made once *before* the write, so the old bytes sit in the cache and a
missing invalidation would serve them. Writes run inside
``django_capture_on_commit_callbacks(execute=True)``: the versions move on commit, as in
production.
"""

import re
from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.services import user_update
from accounts.tests.factories import AdminFactory
from catalog.tests.factories import ProductFactory
from returns.models import Return
from returns.services import return_request
from sales.models import Invoice, Order, OrderStatus
from sales.services import guest_orders_claim, order_place, order_set_status
from sales.services.guest_orders import claim_token

pytestmark = pytest.mark.django_db

ADDRESS = "1 Fresh Street, Newtown 1234"


def placed(user, **kwargs) -> Order:
    items = [{"product_id": ProductFactory(stock=10).pk, "quantity": 2}]
    return order_place(user=user, shipping_address=ADDRESS, items=items, **kwargs).order


def delivered(user) -> Order:
    return order_set_status(order=placed(user), status=OrderStatus.DELIVERED, by=AdminFactory())


def seen(api, store, order: Order) -> dict:
    """What each read shows of the order: its status, address, invoice status, returns
    (their statuses) and the history's last actor."""
    listed = next(o for o in api.get("/api/v1/orders/").json()["results"] if o["id"] == order.pk)
    detail = api.get(f"/api/v1/orders/{order.pk}/").json()
    invoices = [
        i for i in api.get("/api/v1/invoices/").json()["results"] if i["order_id"] == order.pk
    ]
    returns = [
        r for r in api.get("/api/v1/returns/").json()["results"] if r["order_id"] == order.pk
    ]
    response = store.get(reverse("sales:order", args=[order.number]))
    page, body = response.context["order"], response.content.decode()
    # The order page's history and returns come from the per-user cache too
    # (sales.views.orders._order_parts): they must agree with the API's reads.
    history = re.findall(r'<li><span class="status status-(\w+)">', body)
    page_returns = re.findall(r'Return #\d+</a> <span class="status status-(\w+)">', body)
    assert sorted(page_returns) == sorted(r["status"] for r in returns), body
    return {
        "status": {listed["status"], detail["status"], page.status, history[-1]},
        "address": {listed["shipping_address"], detail["shipping_address"]},
        "invoice": sorted((i["status"], i["is_overdue"]) for i in invoices),
        "invoice detail": [
            api.get(f"/api/v1/invoices/{i['id']}/").json()["status"]
            for i in sorted(invoices, key=lambda i: i["id"])
        ],
        "returns": sorted(r["status"] for r in returns),
        "by": {listed["history"][-1]["by"], detail["history"][-1]["by"]},
    }


@pytest.fixture
def faces(customer, customer_client):
    store = Client()
    store.force_login(customer)
    return lambda order: seen(customer_client, store, order)


# --- The cache really is on (so the tests below can fail) ------------------------------


def test_a_write_that_moves_no_version_is_served_stale(customer, faces):
    """The control: a raw UPDATE moves no version, so the cached API reads still show
    the old status. If this failed, the cache would be off and the tests below would
    prove nothing."""
    order = placed(customer)
    assert faces(order)["status"] == {"pending"}
    Order.objects.filter(pk=order.pk).update(status=OrderStatus.CONFIRMED)
    assert faces(order)["status"] == {"pending", "confirmed"}  # API stale, storefront not


# --- API -------------------------------------------------------------------------------


def test_api_checkout_and_cancel_are_seen(
    customer, customer_client, faces, django_capture_on_commit_callbacks
):
    first = placed(customer)
    faces(first)
    with django_capture_on_commit_callbacks(execute=True):
        response = customer_client.post(
            "/api/v1/orders/",
            {
                "shipping_address": ADDRESS,
                "items": [{"product_id": ProductFactory().pk, "quantity": 1, "reason": "x"}],
            },
            format="json",
        )
    assert response.status_code == 201
    assert faces(Order.objects.get(pk=response.json()["id"]))["status"] == {"pending"}
    with django_capture_on_commit_callbacks(execute=True):
        assert customer_client.post(f"/api/v1/orders/{first.pk}/cancel/").status_code == 200
    after = faces(first)
    assert after["status"] == {"cancelled"}
    assert after["invoice"] == [("cancelled", False)] and after["invoice detail"] == ["cancelled"]


def test_api_staff_moves_are_seen(
    customer, admin_client_api, faces, django_capture_on_commit_callbacks
):
    order = placed(customer)
    invoice = order.invoices.get()
    faces(order)
    with django_capture_on_commit_callbacks(execute=True):
        admin_client_api.patch(
            f"/api/v1/orders/{order.pk}/status/", {"status": "shipped"}, format="json"
        )
        admin_client_api.patch(
            f"/api/v1/invoices/{invoice.pk}/status/", {"status": "paid"}, format="json"
        )
    after = faces(order)
    assert after["status"] == {"shipped"}
    assert after["invoice"] == [("paid", False)] and after["invoice detail"] == ["paid"]


def test_api_return_request_and_processing_are_seen(
    customer, customer_client, admin_client_api, faces, django_capture_on_commit_callbacks
):
    order = delivered(customer)
    faces(order)
    item = {"product_id": order.lines.get().product_id, "quantity": 1, "reason": "Too big"}
    with django_capture_on_commit_callbacks(execute=True):
        response = customer_client.post(
            "/api/v1/returns/", {"order_id": order.pk, "items": [item]}, format="json"
        )
    assert response.status_code == 201, response.content
    assert faces(order)["returns"] == ["requested"]
    with django_capture_on_commit_callbacks(execute=True):
        url = f"/api/v1/returns/{response.json()['id']}/status/"
        admin_client_api.patch(url, {"status": "approved"}, format="json")
    assert faces(order)["returns"] == ["approved"]


# --- Storefront ------------------------------------------------------------------------


def test_storefront_address_change_cancel_and_return_are_seen(
    customer, faces, django_capture_on_commit_callbacks
):
    store = Client()
    store.force_login(customer)
    order = placed(customer)
    faces(order)
    with django_capture_on_commit_callbacks(execute=True):
        store.post(
            reverse("sales:order_address", args=[order.number]),
            {"shipping_address": "9 New Road, Elsewhere"},
        )
    assert faces(order)["address"] == {"9 New Road, Elsewhere"}
    with django_capture_on_commit_callbacks(execute=True):
        store.post(reverse("sales:order_cancel", args=[order.number]), {"confirm": "yes"})
    assert faces(order)["status"] == {"cancelled"}
    with django_capture_on_commit_callbacks(execute=True):  # a new order in cached lists
        kept = delivered(customer)
        ret = return_request(
            order=kept,
            items=[{"product_id": kept.lines.get().product_id, "quantity": 1, "reason": "x"}],
        )
    assert faces(kept)["returns"] == ["requested"]
    with django_capture_on_commit_callbacks(execute=True):
        store.post(reverse("returns:withdraw", args=[ret.pk]))
    assert faces(kept)["returns"] == []


# --- Admin -----------------------------------------------------------------------------


def act(client, model: str, action: str, objects):
    url = reverse(f"admin:{model}_changelist")
    return client.post(
        url, {"action": action, "_selected_action": [o.pk for o in objects]}, follow=True
    )


def test_admin_actions_are_seen(customer, admin_user, faces, django_capture_on_commit_callbacks):
    staff = Client()
    staff.force_login(admin_user)
    order = placed(customer)
    other = delivered(customer)
    ret = return_request(
        order=other,
        items=[{"product_id": other.lines.get().product_id, "quantity": 1, "reason": "x"}],
    )
    faces(order), faces(other)
    with django_capture_on_commit_callbacks(execute=True):
        act(staff, "sales_order", "mark_shipped", [order])
        act(staff, "sales_invoice", "void", [other.invoices.get()])
        act(staff, "returns_return", "approve", [ret])
    assert faces(order)["status"] == {"shipped"}
    assert faces(order)["by"] == {admin_user.username}
    assert faces(other)["invoice"] == [("cancelled", False)]
    assert faces(other)["returns"] == ["approved"]


# --- Services, commands, other people, time --------------------------------------------


def test_overdue_marking_guest_claim_and_a_renamed_admin_are_seen(
    customer, admin_user, faces, django_capture_on_commit_callbacks
):
    order = order_set_status(order=placed(customer), status=OrderStatus.CONFIRMED, by=admin_user)
    Invoice.objects.filter(order=order).update(due_date=timezone.localdate() - timedelta(2))
    faces(order)
    with django_capture_on_commit_callbacks(execute=True):
        call_command("mark_overdue_invoices", stdout=StringIO())
    assert faces(order)["invoice"] == [("overdue", True)]
    with django_capture_on_commit_callbacks(execute=True):
        user_update(user=admin_user, username="renamed-admin")
    assert faces(order)["by"] == {"renamed-admin"}
    guest = order_place(
        guest_email=customer.email,
        shipping_address=ADDRESS,
        items=[{"product_id": ProductFactory().pk, "quantity": 1, "reason": "x"}],
    ).order
    faces(order)  # the lists are cached without the guest order
    with django_capture_on_commit_callbacks(execute=True):
        guest_orders_claim(user=customer, token=claim_token(customer))
    assert faces(guest)["status"] == {"pending"}


def test_an_invoice_turns_overdue_at_midnight_without_a_write(customer, faces, monkeypatch):
    order = placed(customer)
    due = Invoice.objects.get(order=order).due_date
    assert faces(order)["invoice"] == [("pending", False)]
    monkeypatch.setattr(timezone, "localdate", lambda *args, **kwargs: due + timedelta(1))
    assert faces(order)["invoice"] == [("pending", True)]


def test_a_deleted_return_leaves_every_read(
    customer, admin_client_api, faces, django_capture_on_commit_callbacks
):
    order = delivered(customer)
    ret = return_request(
        order=order,
        items=[{"product_id": order.lines.get().product_id, "quantity": 1, "reason": "x"}],
    )
    assert faces(order)["returns"] == ["requested"]
    with django_capture_on_commit_callbacks(execute=True):
        assert admin_client_api.delete(f"/api/v1/returns/{ret.pk}/").status_code == 204
    assert not Return.objects.exists()
    assert faces(order)["returns"] == []
