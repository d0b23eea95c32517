"""Invoices API (API.md I1–I6): each endpoint's success and each error code."""

from datetime import timedelta

import pytest
from django.utils import timezone

from accounts.tests.factories import UserFactory
from catalog.tests.factories import ProductFactory
from sales.models import Invoice, InvoiceStatus, OrderStatus
from sales.services import invoice_set_status
from sales.tests.factories import order_in_status, place_order
from sales.tests.querycount import count_queries

pytestmark = pytest.mark.django_db

INVOICES = "/api/v1/invoices/"


def url(invoice, suffix=""):
    return f"/api/v1/invoices/{invoice.pk}/{suffix}"


def invoice_of(order) -> Invoice:
    return Invoice.objects.live().get(order=order)


def make_overdue(invoice):
    Invoice.objects.filter(pk=invoice.pk).update(due_date=timezone.localdate() - timedelta(days=1))


def test_invoice_shape(customer, customer_client):
    order = place_order(user=customer)
    body = customer_client.get(url(invoice_of(order))).json()
    assert set(body) == {
        "id",
        "number",
        "order_id",
        "user_id",
        "status",
        "subtotal",
        "shipping_method",
        "shipping_cost",
        "tax",
        "total",
        "amount_refunded",
        "issued_at",
        "due_date",
        "paid_at",
        "payment_reference",
        "is_overdue",
        "notes",
    }
    assert body["order_id"] == order.pk and body["user_id"] == customer.pk
    assert body["status"] == "pending" and body["is_overdue"] is False
    assert body["total"] == f"{order.total:.2f}" and body["number"].startswith("INV-")


def test_customer_lists_own_invoices_only(customer, customer_client):
    mine = invoice_of(place_order(user=customer))
    place_order()
    assert [i["id"] for i in customer_client.get(INVOICES).json()["results"]] == [mine.pk]


def test_other_customer_gets_404_admin_sees_it(customer, other_client, admin_client_api):
    invoice = invoice_of(place_order(user=customer))
    assert other_client.get(url(invoice)).status_code == 404
    assert admin_client_api.get(url(invoice)).status_code == 200


def test_admin_filters_invoices_by_user_and_status(customer, other_customer, admin_client_api):
    mine = invoice_of(place_order(user=customer))
    theirs = invoice_of(place_order(user=other_customer))
    invoice_set_status(invoice=theirs, status=InvoiceStatus.PAID)
    assert [
        i["id"] for i in admin_client_api.get(INVOICES, {"user": customer.pk}).json()["results"]
    ] == [mine.pk]
    assert [
        i["id"] for i in admin_client_api.get(INVOICES, {"status": "paid"}).json()["results"]
    ] == [theirs.pk]


def test_overdue_filter(customer, customer_client):
    late = invoice_of(place_order(user=customer))
    on_time = invoice_of(place_order(user=customer))
    make_overdue(late)
    overdue = customer_client.get(INVOICES, {"overdue": "true"}).json()["results"]
    assert [i["id"] for i in overdue] == [late.pk] and overdue[0]["is_overdue"] is True
    assert [
        i["id"] for i in customer_client.get(INVOICES, {"overdue": "false"}).json()["results"]
    ] == [on_time.pk]


def test_bad_status_filter_is_400(customer_client):
    assert customer_client.get(INVOICES, {"status": "lost"}).status_code == 400


# --- I3 issue --------------------------------------------------------------------------


def _order_without_invoice(customer):
    order = place_order(user=customer)
    invoice = invoice_of(order)
    invoice_set_status(invoice=invoice, status=InvoiceStatus.CANCELLED)
    return order


def test_admin_issues_an_invoice_for_an_order_without_a_live_one(customer, admin_client_api):
    order = _order_without_invoice(customer)
    due = (timezone.localdate() + timedelta(days=5)).isoformat()
    response = admin_client_api.post(INVOICES, {"order_id": order.pk, "due_date": due})
    assert response.status_code == 201
    body = response.json()
    assert body["order_id"] == order.pk and body["due_date"] == due and body["status"] == "pending"


def test_issuing_defaults_the_due_date(customer, admin_client_api, settings):
    order = _order_without_invoice(customer)
    body = admin_client_api.post(INVOICES, {"order_id": order.pk}).json()
    assert (
        body["due_date"]
        == (timezone.localdate() + timedelta(days=settings.INVOICE_DUE_DAYS)).isoformat()
    )


def test_issuing_for_an_order_with_a_live_invoice_is_409_invoice_exists(customer, admin_client_api):
    order = place_order(user=customer)
    response = admin_client_api.post(INVOICES, {"order_id": order.pk})
    assert response.status_code == 409 and response.json()["code"] == "invoice_exists"


def test_issuing_for_a_cancelled_order_is_409_invalid_transition(customer, admin_client_api):
    order = order_in_status(OrderStatus.CANCELLED, user=customer)
    response = admin_client_api.post(INVOICES, {"order_id": order.pk})
    assert response.status_code == 409 and response.json()["code"] == "invalid_transition"


def test_issuing_with_a_due_date_before_today_is_400(customer, admin_client_api):
    order = _order_without_invoice(customer)
    past = (timezone.localdate() - timedelta(days=1)).isoformat()
    assert (
        admin_client_api.post(INVOICES, {"order_id": order.pk, "due_date": past}).status_code == 400
    )


def test_issuing_for_an_unknown_order_is_400(admin_client_api):
    response = admin_client_api.post(INVOICES, {"order_id": 999999})
    assert response.status_code == 400 and "order_id" in response.json()


def test_customer_cannot_issue(customer, customer_client):
    assert (
        customer_client.post(INVOICES, {"order_id": place_order(user=customer).pk}).status_code
        == 403
    )


# --- I4 update ---------------------------------------------------------------------------


def test_admin_updates_due_date_and_notes(customer, admin_client_api):
    invoice = invoice_of(place_order(user=customer))
    due = (timezone.localdate() + timedelta(days=60)).isoformat()
    body = admin_client_api.patch(url(invoice), {"due_date": due, "notes": "Net 60"}).json()
    assert body["due_date"] == due and body["notes"] == "Net 60"


def test_due_date_before_issue_is_400(customer, admin_client_api):
    invoice = invoice_of(place_order(user=customer))
    past = (timezone.localdate() - timedelta(days=3)).isoformat()
    response = admin_client_api.patch(url(invoice), {"due_date": past})
    assert response.status_code == 400


def test_invoice_patch_cannot_set_status_or_total(customer, admin_client_api):
    invoice = invoice_of(place_order(user=customer))
    admin_client_api.patch(
        url(invoice), {"status": "paid", "total": "0.00", "amount_refunded": "5.00"}
    )
    invoice.refresh_from_db()
    assert invoice.status == "pending" and invoice.total > 0 and invoice.amount_refunded == 0


def test_customer_cannot_update_an_invoice(customer, customer_client):
    invoice = invoice_of(place_order(user=customer))
    assert customer_client.patch(url(invoice), {"notes": "mine"}).status_code == 403


# --- I5 status ---------------------------------------------------------------------------


def test_paying_sets_paid_at_and_reference(customer, admin_client_api):
    invoice = invoice_of(place_order(user=customer))
    body = admin_client_api.patch(
        url(invoice, "status/"), {"status": "paid", "payment_reference": "TX-1"}
    ).json()
    assert body["status"] == "paid" and body["paid_at"] and body["payment_reference"] == "TX-1"


@pytest.mark.parametrize(
    "path,target",
    [
        (["pending"], "overdue"),
        (["pending"], "cancelled"),
        (["pending", "overdue"], "paid"),
        (["pending", "overdue"], "cancelled"),
        (["pending", "paid"], "refunded"),
    ],
)
def test_allowed_invoice_moves(customer, admin_client_api, path, target):
    invoice = invoice_of(place_order(user=customer))
    for step in path[1:]:
        invoice_set_status(invoice=invoice, status=step)
    response = admin_client_api.patch(url(invoice, "status/"), {"status": target})
    assert response.status_code == 200 and response.json()["status"] == target


@pytest.mark.parametrize(
    "path,target",
    [(["paid"], "pending"), (["cancelled"], "paid"), (["paid"], "overdue"), ([], "refunded")],
)
def test_forbidden_invoice_moves_are_409(customer, admin_client_api, path, target):
    invoice = invoice_of(place_order(user=customer))
    for step in path:
        invoice_set_status(invoice=invoice, status=step)
    response = admin_client_api.patch(url(invoice, "status/"), {"status": target})
    assert response.status_code == 409 and response.json()["code"] == "invalid_transition"


def test_unknown_invoice_status_is_400(customer, admin_client_api):
    invoice = invoice_of(place_order(user=customer))
    assert admin_client_api.patch(url(invoice, "status/"), {"status": "lost"}).status_code == 400


def test_refunding_sets_amount_refunded(customer, admin_client_api):
    invoice = invoice_of(place_order(user=customer))
    invoice_set_status(invoice=invoice, status=InvoiceStatus.PAID)
    body = admin_client_api.patch(url(invoice, "status/"), {"status": "refunded"}).json()
    assert body["amount_refunded"] == body["total"]


# --- I6 delete ---------------------------------------------------------------------------


def test_admin_deletes_a_cancelled_invoice(customer, admin_client_api):
    invoice = invoice_of(place_order(user=customer))
    invoice_set_status(invoice=invoice, status=InvoiceStatus.CANCELLED)
    assert admin_client_api.delete(url(invoice)).status_code == 204
    assert not Invoice.objects.filter(pk=invoice.pk).exists()


def test_deleting_a_live_invoice_is_409(customer, admin_client_api):
    invoice = invoice_of(place_order(user=customer))
    response = admin_client_api.delete(url(invoice))
    assert response.status_code == 409 and response.json()["code"] == "invalid_transition"


# --- query counts ------------------------------------------------------------------------


def test_invoice_list_queries_do_not_grow_with_page_size(
    customer, customer_client, admin_client_api
):
    for _ in range(8):
        place_order(user=customer, products=[ProductFactory()])
    place_order(user=UserFactory())
    for client in (customer_client, admin_client_api):
        small = count_queries(client, INVOICES, page_size=5)
        assert small == count_queries(client, INVOICES, page_size=50) <= 6


def test_invoice_detail_query_count(customer, customer_client, django_assert_max_num_queries):
    invoice = invoice_of(place_order(user=customer))
    with django_assert_max_num_queries(4):
        assert customer_client.get(url(invoice)).status_code == 200
