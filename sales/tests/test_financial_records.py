"""Money records the shop keeps (issue 15): a paid order is never deleted (O7
invoice_kept), an Idempotency-Key outlives its order, goods a return brought back are
not billed twice without staff saying so (I3 reissue), an overdue invoice whose due
date moves forward is pending again (I4), and the overview shows gross, refunds, net."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from catalog.tests.factories import ProductFactory
from sales.exceptions import InvoiceCredited, InvoiceKept
from sales.models import CheckoutKey, Invoice, InvoiceStatus, Order, OrderStatus
from sales.selectors import sales_by_day
from sales.services import (
    cart_add,
    cart_for_user,
    invoice_credit,
    invoice_delete,
    invoice_issue,
    invoice_set_status,
    invoice_update,
    invoices_mark_overdue,
    order_cancel,
    order_delete,
    order_place,
)
from sales.tests.factories import order_in_status, place_order

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate


def paid_then_cancelled(admin_user) -> Order:
    order = place_order()
    invoice_set_status(invoice=order.live_invoice, status="paid", payment_reference="BANK-1")
    return order_cancel(order=order, by=admin_user)


# --- O7: a cancelled order whose invoice was ever paid is kept --------------------------


def test_a_cancelled_order_whose_invoice_was_paid_is_not_deleted(admin_user):
    order = paid_then_cancelled(admin_user)
    assert order.invoices.get().status == InvoiceStatus.REFUNDED

    with pytest.raises(InvoiceKept):
        order_delete(order=order)

    assert Order.objects.filter(pk=order.pk).exists()
    assert Invoice.objects.filter(order=order).count() == 1


def test_api_refuses_to_delete_a_paid_cancelled_order_with_invoice_kept(
    admin_user, admin_client_api
):
    order = paid_then_cancelled(admin_user)

    response = admin_client_api.delete(f"/api/v1/orders/{order.pk}/")

    assert response.status_code == 409
    assert response.json()["code"] == "invoice_kept"
    assert Order.objects.filter(pk=order.pk).exists()


def test_a_cancelled_order_never_paid_can_still_be_deleted(admin_user, admin_client_api):
    order = order_in_status(OrderStatus.CANCELLED)

    response = admin_client_api.delete(f"/api/v1/orders/{order.pk}/")

    assert response.status_code == 204
    assert not Order.objects.filter(pk=order.pk).exists()


# --- an Idempotency-Key outlives its order -------------------------------------------------


def test_a_retry_after_the_order_was_deleted_orders_nothing(customer, customer_client, admin_user):
    product = ProductFactory(stock=10)
    body = {"shipping_address": "1 Dog Lane", "items": [{"product_id": product.pk, "quantity": 1}]}
    first = customer_client.post("/api/v1/orders/", body, format="json", HTTP_IDEMPOTENCY_KEY="k-1")
    assert first.status_code == 201
    order = Order.objects.get(pk=first.json()["id"])
    order_delete(order=order_cancel(order=order, by=admin_user))

    retry = customer_client.post("/api/v1/orders/", body, format="json", HTTP_IDEMPOTENCY_KEY="k-1")

    assert retry.status_code == 409
    assert retry.json()["code"] == "idempotency_key_order_deleted"
    assert not Order.objects.filter(user=customer).exists()
    product.refresh_from_db()
    assert product.stock == 10
    assert CheckoutKey.objects.get(user=customer, key="k-1").order is None


def test_a_new_key_after_the_deleted_order_orders_again(customer, admin_user):
    product = ProductFactory(stock=10)
    items = [{"product_id": product.pk, "quantity": 1}]
    order, _ = order_place(
        user=customer, shipping_address="1 Dog Lane", items=items, idempotency_key="a"
    )
    order_delete(order=order_cancel(order=order, by=admin_user))

    again, created = order_place(
        user=customer, shipping_address="1 Dog Lane", items=items, idempotency_key="b"
    )

    assert created and again.pk != order.pk


def test_a_resubmitted_storefront_checkout_after_deletion_orders_nothing(
    client, customer, admin_user
):
    client.force_login(customer)
    product = ProductFactory(stock=10)
    cart_add(cart=cart_for_user(user=customer), product_id=product.pk, quantity=1)
    checkout = reverse("sales:checkout")
    key = client.get(checkout).context["form"].initial["idempotency_key"]
    data = {
        "full_name": "Ada Lovelace",
        "street": "1 Dog Lane",
        "postal_code": "1000",
        "city": "Barkville",
        "country": "Petland",
        "idempotency_key": key,
    }
    client.post(checkout, data)
    order = Order.objects.get(user=customer)
    order_delete(order=order_cancel(order=order, by=admin_user))
    cart_add(cart=cart_for_user(user=customer), product_id=product.pk, quantity=1)

    response = client.post(checkout, data)

    assert response.status_code == 409
    assert "already used" in response.content.decode()
    assert not Order.objects.filter(user=customer).exists()
    assert response.context["form"].initial["idempotency_key"] != key  # a fresh form


# --- I3: a return's credit is not silently billed again ---------------------------------------


def credited_in_full(order: Order) -> Invoice:
    """What processing a return of every line does to an unpaid invoice (returns app)."""
    return invoice_credit(order=order, amount=order.total)


def test_an_invoice_cancelled_by_a_returns_credit_needs_reissue_to_bill_again():
    order = order_in_status(OrderStatus.DELIVERED)
    assert credited_in_full(order).status == InvoiceStatus.CANCELLED

    with pytest.raises(InvoiceCredited):
        invoice_issue(order=order)
    assert not Invoice.objects.live().filter(order=order).exists()

    invoice = invoice_issue(order=order, reissue=True)
    assert invoice.status == InvoiceStatus.PENDING and invoice.total == order.total


def test_an_invoice_voided_by_staff_can_be_issued_again_without_reissue():
    order = order_in_status(OrderStatus.CONFIRMED)
    invoice_set_status(invoice=order.live_invoice, status="cancelled")

    assert invoice_issue(order=order).status == InvoiceStatus.PENDING


def test_api_issue_after_a_credit_asks_for_reissue(admin_client_api):
    order = order_in_status(OrderStatus.DELIVERED)
    credited_in_full(order)

    refused = admin_client_api.post("/api/v1/invoices/", {"order_id": order.pk}, format="json")
    issued = admin_client_api.post(
        "/api/v1/invoices/", {"order_id": order.pk, "reissue": True}, format="json"
    )

    assert refused.status_code == 409 and refused.json()["code"] == "invoice_credited"
    assert issued.status_code == 201 and issued.json()["status"] == "pending"


def test_a_credited_invoice_is_kept_for_the_accounts(admin_client_api):
    order = order_in_status(OrderStatus.DELIVERED)
    invoice = credited_in_full(order)

    with pytest.raises(InvoiceKept):
        invoice_delete(invoice=invoice)
    response = admin_client_api.delete(f"/api/v1/invoices/{invoice.pk}/")

    assert response.status_code == 409 and response.json()["code"] == "invoice_kept"
    assert Invoice.objects.filter(pk=invoice.pk).exists()


def test_admin_offers_no_delete_for_a_credited_invoice(admin_client):
    invoice = credited_in_full(order_in_status(OrderStatus.DELIVERED))
    url = reverse("admin:sales_invoice_delete", args=[invoice.pk])

    assert admin_client.post(url, {"post": "yes"}).status_code == 403
    assert Invoice.objects.filter(pk=invoice.pk).exists()


# --- I4: overdue → pending when the due date moves forward -----------------------------------


def overdue_invoice() -> Invoice:
    order = place_order()
    Invoice.objects.filter(order=order).update(
        issued_at=timezone.now() - timedelta(days=40), due_date=TODAY() - timedelta(days=10)
    )
    invoice = order.invoices.get()
    return invoice_set_status(invoice=invoice, status="overdue")


@pytest.mark.parametrize("days", [0, 5])
def test_moving_an_overdue_due_date_to_today_or_later_makes_it_pending(days):
    invoice = invoice_update(invoice=overdue_invoice(), due_date=TODAY() + timedelta(days=days))

    invoice.refresh_from_db()
    assert invoice.status == InvoiceStatus.PENDING
    assert invoice.due_date == TODAY() + timedelta(days=days)


def test_moving_an_overdue_due_date_still_into_the_past_keeps_it_overdue():
    invoice = invoice_update(invoice=overdue_invoice(), due_date=TODAY() - timedelta(days=1))

    invoice.refresh_from_db()
    assert invoice.status == InvoiceStatus.OVERDUE


def test_api_i4_due_date_moved_forward_answers_pending(admin_client_api):
    invoice = overdue_invoice()

    response = admin_client_api.patch(
        f"/api/v1/invoices/{invoice.pk}/",
        {"due_date": (TODAY() + timedelta(days=3)).isoformat()},
        format="json",
    )

    assert response.status_code == 200
    assert response.json()["status"] == "pending" and response.json()["is_overdue"] is False


def test_overdue_to_pending_by_status_needs_a_due_date_not_past(admin_client_api):
    invoice = overdue_invoice()
    url = f"/api/v1/invoices/{invoice.pk}/status/"

    refused = admin_client_api.patch(url, {"status": "pending"}, format="json")
    invoice.refresh_from_db()
    assert refused.status_code == 409 and refused.json()["code"] == "invalid_transition"
    assert invoice.status == InvoiceStatus.OVERDUE

    Invoice.objects.filter(pk=invoice.pk).update(due_date=TODAY())
    assert admin_client_api.patch(url, {"status": "pending"}, format="json").status_code == 200


def test_the_daily_job_moves_it_back_to_overdue_once_the_new_date_passes():
    invoice = invoice_update(invoice=overdue_invoice(), due_date=TODAY())

    assert invoices_mark_overdue(today=TODAY() + timedelta(days=1)) == 1
    invoice.refresh_from_db()
    assert invoice.status == InvoiceStatus.OVERDUE


# --- the overview: gross, refunds, net ---------------------------------------------------------


@pytest.fixture
def sales_with_refunds(admin_user):
    product = ProductFactory(price=Decimal("10.00"), stock=100)
    kept = place_order(products=[product], quantity=3)  # 30.00
    returned = order_in_status(OrderStatus.DELIVERED, products=[product], quantity=2)  # 20.00
    invoice_set_status(invoice=returned.live_invoice, status="paid", payment_reference="P")
    invoice_credit(order=returned, amount=Decimal("10.00"))  # one of two came back
    cancelled = paid_then_cancelled(admin_user)  # neither gross nor a refund: never a sale
    return kept, returned, cancelled


def test_sales_by_day_shows_gross_refunds_and_net(sales_with_refunds):
    today = sales_by_day(days=1)[0]

    assert today.revenue == Decimal("50.00")
    assert today.refunds == Decimal("10.00")
    assert today.net == Decimal("40.00")


def test_refunds_are_counted_once_per_order_whatever_its_invoices():
    order = order_in_status(OrderStatus.DELIVERED, products=[ProductFactory(price="8.00")])
    credited_in_full(order)  # cancelled by the credit: 8.00 back
    invoice_issue(order=order, reissue=True)  # billed again, nothing credited yet

    today = sales_by_day(days=1)[0]
    assert (today.revenue, today.refunds, today.net) == (
        Decimal("8.00"),
        Decimal("8.00"),
        Decimal("0.00"),
    )


def test_overview_page_shows_gross_refunds_and_net(sales_with_refunds, admin_client):
    body = admin_client.get(reverse("admin:sales_overview")).content.decode()

    assert '<strong id="revenue-30d">50.00</strong>' in body
    assert '<strong id="refunds-30d">10.00</strong>' in body
    assert '<strong id="net-30d">40.00</strong>' in body
