"""The emails about orders and invoices: who gets them, their subject and the facts in
them, whichever face made the change; and a rollback sends nothing."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import transaction
from django.test import Client
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from accounts.tests.factories import AdminFactory, UserFactory
from catalog.tests.factories import ProductFactory
from notifications.models import Email
from sales.emails import order_links
from sales.models import Invoice, InvoiceStatus, OrderStatus
from sales.services import (
    cart_add,
    cart_for_user,
    invoice_set_status,
    invoices_mark_overdue,
    order_cancel,
    order_place,
    order_set_status,
)
from sales.tasks import order_confirmation
from sales.tests.factories import order_in_status, place_order

pytestmark = pytest.mark.django_db

ADDRESS = "Rex Dogsworth\n12 Bone Street\nBarkville 4242"


@pytest.fixture(autouse=True)
def _shop_address(settings):
    settings.SHOP_BASE_URL = "https://shop.example.com"


@pytest.fixture
def buyer(db):
    return UserFactory(username="rex", email="rex@example.com", first_name="Rex")


@pytest.fixture
def kibble(db):
    return ProductFactory(name="Crunchy Kibble 2kg", sku="KIB-2", price=Decimal("12.50"), stock=9)


@pytest.fixture
def ball(db):
    return ProductFactory(name="Squeaky Ball", sku="BALL-1", price=Decimal("3.25"), stock=9)


def only(messages):
    assert len(messages) == 1, [m.subject for m in messages]
    return messages[0]


def test_the_order_confirmation_lists_every_fact(buyer, kibble, ball, deliver_emails):
    order, _ = order_place(
        user=buyer,
        shipping_address=ADDRESS,
        items=[{"product_id": kibble.pk, "quantity": 2}, {"product_id": ball.pk, "quantity": 1}],
    )
    invoice = order.invoices.get()

    message = only(deliver_emails())

    assert message.to == ["rex@example.com"]
    assert message.subject == f"Order {order.number} confirmed"
    body = message.body
    assert "Hello Rex" in body
    assert "2 × Crunchy Kibble 2kg (KIB-2) at $12.50 = $25.00" in body
    assert "1 × Squeaky Ball (BALL-1) at $3.25 = $3.25" in body
    assert "Total: $28.25" in body
    assert "12 Bone Street" in body and "Barkville 4242" in body
    assert f"Invoice {invoice.number}, $28.25" in body
    assert f"https://shop.example.com/orders/{order.number}/" in body
    assert f"https://shop.example.com/invoices/{invoice.number}/" in body
    html = message.alternatives[0][0]
    assert f'href="https://shop.example.com/orders/{order.number}/"' in html
    assert "Crunchy Kibble 2kg" in html and "$28.25" in html
    assert Email.objects.get(event="order_placed").related == order


def test_links_come_from_order_links(buyer, kibble):
    order = place_order(user=buyer, products=[kibble])
    invoice = order.invoices.get()

    assert order_links(order, invoice) == {
        "order_url": f"https://shop.example.com/orders/{order.number}/",
        "invoice_url": f"https://shop.example.com/invoices/{invoice.number}/",
    }
    assert order_links(order)["invoice_url"] is None


def test_a_storefront_checkout_sends_the_confirmation(buyer, kibble, deliver_emails):
    cart_add(cart=cart_for_user(user=buyer), product_id=kibble.pk, quantity=1)
    browser = Client()
    browser.force_login(buyer)

    response = browser.post(
        "/checkout/",
        {
            "full_name": "Rex Dogsworth",
            "street": "12 Bone Street",
            "postal_code": "4242",
            "city": "Barkville",
            "country": "Dogland",
            "idempotency_key": "k-1",
        },
        follow=True,
    )

    assert response.status_code == 200
    message = only(deliver_emails())
    assert message.subject.startswith("Order PS-") and message.to == ["rex@example.com"]


def test_an_api_checkout_replayed_with_its_key_sends_one_confirmation(
    buyer, kibble, client_for, deliver_emails
):
    api = client_for(buyer)
    body = {"shipping_address": ADDRESS, "items": [{"product_id": kibble.pk, "quantity": 1}]}

    first = api.post("/api/v1/orders/", body, format="json", HTTP_IDEMPOTENCY_KEY="same")
    again = api.post("/api/v1/orders/", body, format="json", HTTP_IDEMPOTENCY_KEY="same")

    assert (first.status_code, again.status_code) == (201, 200)
    assert only(deliver_emails()).to == ["rex@example.com"]


def test_a_checkout_that_fails_sends_nothing(buyer, kibble, deliver_emails):
    from sales.exceptions import InsufficientStock

    with pytest.raises(InsufficientStock):
        order_place(
            user=buyer, shipping_address=ADDRESS, items=[{"product_id": kibble.pk, "quantity": 10}]
        )

    assert deliver_emails() == []
    assert not Email.objects.exists()


def test_an_order_rolled_back_after_checkout_sends_nothing(buyer, kibble, deliver_emails):
    with pytest.raises(RuntimeError), transaction.atomic():
        place_order(user=buyer, products=[kibble])
        raise RuntimeError("the payment step failed after checkout")

    assert not DBTaskResult.objects.exists()  # the confirmation's task rolled back too
    assert deliver_emails() == []
    assert not Email.objects.exists()


def test_checkout_queues_the_confirmation_for_the_worker_in_its_transaction(buyer, kibble):
    order = place_order(user=buyer, products=[kibble])

    (queued,) = DBTaskResult.objects.all()
    assert queued.task_path == order_confirmation.module_path
    assert queued.args_kwargs["args"] == [order.pk]
    assert not Email.objects.exists()  # written by the worker, not by the checkout


def test_the_confirmation_is_written_once_however_often_its_task_runs(buyer, kibble):
    order = place_order(user=buyer, products=[kibble])

    assert order_confirmation.call(order.pk) is True
    assert order_confirmation.call(order.pk) is False  # a retry, or a duplicate task

    assert Email.objects.get(event="order_placed").related == order


def test_no_confirmation_for_an_order_gone_before_the_worker_came(buyer, kibble):
    order = place_order(user=buyer, products=[kibble])
    order_id = order.pk
    order.invoices.all().delete()
    order.delete()

    assert order_confirmation.call(order_id) is False
    assert not Email.objects.exists()


@pytest.mark.parametrize(
    ("status", "subject", "fact"),
    [
        (OrderStatus.SHIPPED, "Your order {} is on its way", "has shipped"),
        (OrderStatus.DELIVERED, "Your order {} was delivered", "was delivered"),
    ],
)
def test_shipping_and_delivery_are_emailed(buyer, kibble, status, subject, fact, deliver_emails):
    order = place_order(user=buyer, products=[kibble], shipping_address=ADDRESS)
    deliver_emails()

    order_set_status(order=order, status=status, by=AdminFactory())

    message = only(deliver_emails())
    assert message.to == ["rex@example.com"]
    assert message.subject == subject.format(order.number)
    assert fact in message.body and order.number in message.body
    assert f"https://shop.example.com/orders/{order.number}/" in message.body


def test_confirming_and_processing_send_nothing(buyer, kibble, deliver_emails):
    order = place_order(user=buyer, products=[kibble])
    deliver_emails()
    admin = AdminFactory()

    order_set_status(order=order, status=OrderStatus.CONFIRMED, by=admin)
    order_set_status(order=order, status=OrderStatus.PROCESSING, by=admin)

    assert deliver_emails() == []


def test_an_unpaid_cancelled_order_says_nothing_is_charged(buyer, kibble, deliver_emails):
    order = place_order(user=buyer, products=[kibble])
    invoice = order.invoices.get()
    deliver_emails()

    order_cancel(order=order, by=buyer)

    message = only(deliver_emails())
    assert message.subject == f"Your order {order.number} is cancelled"
    assert "No money was taken" in message.body
    assert f"invoice {invoice.number} is cancelled" in message.body
    assert "refunded" not in message.body


def test_a_paid_cancelled_order_says_the_money_is_refunded(buyer, kibble, deliver_emails):
    order = place_order(user=buyer, products=[kibble], quantity=2)
    invoice_set_status(invoice=order.invoices.get(), status=InvoiceStatus.PAID)
    deliver_emails()

    order_cancel(order=order, by=AdminFactory())

    message = only(deliver_emails())
    assert "Your payment of $25.00 is refunded in full" in message.body
    assert "No money was taken" not in message.body


def test_a_payment_sends_a_receipt(buyer, kibble, deliver_emails):
    order = place_order(user=buyer, products=[kibble])
    invoice = order.invoices.get()
    deliver_emails()

    invoice_set_status(invoice=invoice, status=InvoiceStatus.PAID, payment_reference="BANK-77")

    message = only(deliver_emails())
    assert message.to == ["rex@example.com"]
    assert message.subject == f"Payment received for invoice {invoice.number}"
    assert "payment of $12.50" in message.body and "reference BANK-77" in message.body
    assert f"https://shop.example.com/invoices/{invoice.number}/" in message.body


def test_a_payment_recorded_in_the_admin_sends_the_receipt(buyer, kibble, deliver_emails):
    order = place_order(user=buyer, products=[kibble])
    invoice = order.invoices.get()
    deliver_emails()
    staff = Client()
    staff.force_login(AdminFactory())

    staff.post(
        "/admin/sales/invoice/",
        {
            "action": "record_payment",
            "_selected_action": [invoice.pk],
            "apply": "1",
            f"reference_{invoice.pk}": "CARD-1",
        },
    )

    message = only(deliver_emails())
    assert message.subject == f"Payment received for invoice {invoice.number}"
    assert "reference CARD-1" in message.body


def test_an_overdue_invoice_gets_one_reminder_only(buyer, kibble, deliver_emails):
    order = place_order(user=buyer, products=[kibble])
    invoice = order.invoices.get()
    deliver_emails()
    later = timezone.localdate() + timedelta(days=31)

    assert invoices_mark_overdue(today=later) == 1
    assert invoices_mark_overdue(today=later) == 0
    message = only(deliver_emails())
    assert message.to == ["rex@example.com"]
    assert message.subject == f"Reminder: invoice {invoice.number} is overdue"
    assert "$12.50" in message.body and "is not paid yet" in message.body

    # Pending again after a new due date, then overdue again: no second reminder.
    Invoice.objects.filter(pk=invoice.pk).update(
        status=InvoiceStatus.PENDING, due_date=later + timedelta(days=1)
    )
    assert invoices_mark_overdue(today=later + timedelta(days=5)) == 1
    assert deliver_emails() == []


def test_the_overdue_command_sends_reminders_for_what_it_marks(buyer, kibble, deliver_emails):
    from django.core.management import call_command

    order = place_order(user=buyer, products=[kibble])
    Invoice.objects.filter(order=order).update(due_date=timezone.localdate() - timedelta(days=1))
    deliver_emails()

    call_command("mark_overdue_invoices")

    assert only(deliver_emails()).subject.startswith("Reminder: invoice")


def test_a_status_email_costs_the_same_queries_for_one_line_or_many(buyer):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    admin = AdminFactory()
    small = order_in_status(OrderStatus.PROCESSING, user=buyer, products=[ProductFactory()])
    large = order_in_status(
        OrderStatus.PROCESSING, user=buyer, products=ProductFactory.create_batch(6)
    )

    counts = []
    for order in (small, large):
        with CaptureQueriesContext(connection) as queries:
            order_set_status(order=order, status=OrderStatus.SHIPPED, by=admin)
        counts.append(len(queries))

    assert counts[0] == counts[1]
