"""The staff workflows of orders and invoices in the Django admin, through the test
client logged in as staff: every action goes through sales.services and reports."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from catalog.models import Product
from catalog.tests.factories import ProductFactory
from petshop.tests.admin_client import form_data, messages_of
from sales.models import Invoice, InvoiceStatus, Order, OrderStatus, OrderStatusChange
from sales.services import invoice_set_status
from sales.tests.factories import order_in_status, place_order

pytestmark = pytest.mark.django_db

ORDERS = reverse("admin:sales_order_changelist")
INVOICES = reverse("admin:sales_invoice_changelist")


@pytest.fixture
def staff(client, admin_user):
    client.force_login(admin_user)
    return client


def act(client, url, action, objects, **extra):
    data = {"action": action, "_selected_action": [o.pk for o in objects], **extra}
    return client.post(url, data, follow=True)


# --- orders ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("action", "start", "expected"),
    [
        ("mark_confirmed", OrderStatus.PENDING, OrderStatus.CONFIRMED),
        ("mark_processing", OrderStatus.CONFIRMED, OrderStatus.PROCESSING),
        ("mark_shipped", OrderStatus.PROCESSING, OrderStatus.SHIPPED),
        ("mark_delivered", OrderStatus.SHIPPED, OrderStatus.DELIVERED),
        ("cancel", OrderStatus.CONFIRMED, OrderStatus.CANCELLED),
    ],
)
def test_order_action_moves_the_order_and_records_who(staff, admin_user, action, start, expected):
    order = order_in_status(start)

    response = act(staff, ORDERS, action, [order])

    order.refresh_from_db()
    assert order.status == expected
    last = order.history.order_by("at", "id").last()
    assert (last.from_status, last.to_status, last.by) == (start, expected, admin_user)
    done = "cancelled" if action == "cancel" else f"moved to {expected}"
    assert messages_of(response) == [f"1 order {done}."]


def test_cancel_action_puts_stock_back_and_voids_the_invoice(staff):
    product = ProductFactory(stock=10)
    order = place_order(products=[product], quantity=3)

    act(staff, ORDERS, "cancel", [order])

    product.refresh_from_db()
    assert product.stock == 10
    assert Invoice.objects.get(order=order).status == InvoiceStatus.CANCELLED


@pytest.mark.parametrize(
    ("action", "start"),
    [
        ("mark_confirmed", OrderStatus.DELIVERED),
        ("mark_processing", OrderStatus.CANCELLED),
        ("mark_shipped", OrderStatus.DELIVERED),
        ("mark_delivered", OrderStatus.CANCELLED),
        ("mark_confirmed", OrderStatus.CONFIRMED),  # no move to itself
        ("cancel", OrderStatus.SHIPPED),
    ],
)
def test_forbidden_move_is_refused_with_a_message_and_changes_nothing(staff, action, start):
    order = order_in_status(start)
    history = OrderStatusChange.objects.filter(order=order).count()

    response = act(staff, ORDERS, action, [order])

    order.refresh_from_db()
    assert order.status == start
    assert OrderStatusChange.objects.filter(order=order).count() == history
    (message,) = messages_of(response)
    assert message.startswith("1 order refused:")
    assert order.number in message


def test_bulk_action_reports_how_many_moved_and_which_were_refused_and_why(staff):
    movable = [order_in_status(OrderStatus.PROCESSING) for _ in range(2)]
    stuck = order_in_status(OrderStatus.DELIVERED)

    response = act(staff, ORDERS, "mark_shipped", [*movable, stuck])

    assert sorted(Order.objects.values_list("status", flat=True)) == [
        "delivered",
        "shipped",
        "shipped",
    ]
    success, warning = messages_of(response)
    assert success == "2 orders moved to shipped."
    assert (
        warning == f"1 order refused: {stuck.number}: An order cannot go from delivered to shipped."
    )


def test_bulk_action_lists_each_refusal_as_its_own_sentence(staff):
    first, second = (order_in_status(OrderStatus.DELIVERED) for _ in range(2))

    response = act(staff, ORDERS, "mark_shipped", [first, second])

    (warning,) = messages_of(response)
    reason = "An order cannot go from delivered to shipped."
    numbers = sorted([first.number, second.number])
    assert warning in (
        f"2 orders refused: {numbers[0]}: {reason} {numbers[1]}: {reason}",
        f"2 orders refused: {numbers[1]}: {reason} {numbers[0]}: {reason}",
    )


def test_orders_cannot_be_added_or_deleted_in_the_admin(staff):
    order = place_order()
    assert staff.get(reverse("admin:sales_order_add")).status_code == 403
    assert staff.get(reverse("admin:sales_order_delete", args=[order.pk])).status_code == 403


def test_order_change_form_edits_only_the_address_through_the_service(staff):
    order = order_in_status(OrderStatus.CONFIRMED)
    url = reverse("admin:sales_order_change", args=[order.pk])

    # Status and total in the POST are ignored: they are read-only fields.
    data = form_data(
        staff.get(url), shipping_address="2 Cat Street, Meowtown", status="delivered", total="0.01"
    )
    response = staff.post(url, data)

    assert response.status_code == 302
    order.refresh_from_db()
    assert order.shipping_address == "2 Cat Street, Meowtown"
    assert order.status == OrderStatus.CONFIRMED
    assert order.total != Decimal("0.01")


def test_address_change_of_a_shipped_order_is_refused(staff):
    order = order_in_status(OrderStatus.SHIPPED)
    url = reverse("admin:sales_order_change", args=[order.pk])

    response = staff.post(
        url, form_data(staff.get(url), shipping_address="2 Cat Street, Meowtown"), follow=True
    )

    order.refresh_from_db()
    assert order.shipping_address == "1 Dog Lane, Barkville"
    assert messages_of(response) == [
        "The shipping address of an order that is shipped can no longer change."
    ]


def test_order_change_page_shows_lines_and_history_read_only(staff):
    order = order_in_status(OrderStatus.SHIPPED)

    response = staff.get(reverse("admin:sales_order_change", args=[order.pk]))

    body = response.content.decode()
    assert order.lines.get().sku in body
    assert "status history" in body.lower()
    assert 'name="lines-0-quantity"' not in body  # read-only inline, no inputs
    assert 'name="status"' not in body


def test_order_list_filters_by_status_and_searches_by_customer(staff):
    shipped = order_in_status(OrderStatus.SHIPPED)
    pending = place_order()

    by_status = staff.get(ORDERS, {"status__exact": "shipped"})
    by_customer = staff.get(ORDERS, {"q": pending.user.email})

    assert [o.pk for o in by_status.context["cl"].result_list] == [shipped.pk]
    assert [o.pk for o in by_customer.context["cl"].result_list] == [pending.pk]


def test_order_changelist_runs_a_fixed_number_of_queries(staff, django_assert_max_num_queries):
    for _ in range(3):
        place_order()
    with django_assert_max_num_queries(12) as few:
        staff.get(ORDERS)
    for _ in range(7):
        place_order()
    with django_assert_max_num_queries(len(few.captured_queries)):
        staff.get(ORDERS)


# --- invoices -------------------------------------------------------------------------


def test_invoice_changelist_runs_a_fixed_number_of_queries(staff, django_assert_max_num_queries):
    place_order()
    with django_assert_max_num_queries(12) as few:
        staff.get(INVOICES, {"overdue": "no"})
    for _ in range(6):
        place_order()
    with django_assert_max_num_queries(len(few.captured_queries)):
        staff.get(INVOICES, {"overdue": "no"})


def test_record_payment_asks_for_the_reference_first(staff):
    invoice = place_order().invoices.get()

    response = act(staff, INVOICES, "record_payment", [invoice])

    assert response.templates[0].name == "admin/sales/invoice/record_payment.html"
    assert f'name="reference_{invoice.pk}"' in response.content.decode()
    invoice.refresh_from_db()
    assert invoice.status == InvoiceStatus.PENDING


def test_record_payment_marks_paid_with_the_reference(staff):
    invoice = place_order().invoices.get()

    response = act(
        staff,
        INVOICES,
        "record_payment",
        [invoice],
        apply="1",
        **{f"reference_{invoice.pk}": "BANK-42"},
    )

    invoice.refresh_from_db()
    assert (invoice.status, invoice.payment_reference) == (InvoiceStatus.PAID, "BANK-42")
    assert invoice.paid_at is not None
    assert messages_of(response) == ["1 invoice marked paid."]


def test_record_payment_without_a_reference_shows_the_form_again(staff):
    invoice = place_order().invoices.get()

    response = act(staff, INVOICES, "record_payment", [invoice], apply="1")

    assert "This field is required" in response.content.decode()
    invoice.refresh_from_db()
    assert invoice.status == InvoiceStatus.PENDING


def test_record_payment_of_a_cancelled_invoice_is_refused(staff):
    order = order_in_status(OrderStatus.CANCELLED)
    invoice = order.invoices.get()

    response = act(
        staff, INVOICES, "record_payment", [invoice], apply="1", **{f"reference_{invoice.pk}": "X"}
    )

    invoice.refresh_from_db()
    assert invoice.status == InvoiceStatus.CANCELLED
    assert invoice.payment_reference == ""
    assert messages_of(response) == [
        f"1 invoice refused: {invoice.number}: An invoice cannot go from cancelled to paid."
    ]


def test_void_cancels_an_unpaid_invoice_and_refuses_a_paid_one(staff):
    unpaid = place_order().invoices.get()
    paid = invoice_set_status(invoice=place_order().invoices.get(), status=InvoiceStatus.PAID)

    response = act(staff, INVOICES, "void", [unpaid, paid])

    unpaid.refresh_from_db()
    paid.refresh_from_db()
    assert (unpaid.status, paid.status) == (InvoiceStatus.CANCELLED, InvoiceStatus.PAID)
    assert messages_of(response) == [
        "1 invoice voided.",
        f"1 invoice refused: {paid.number}: An invoice cannot go from paid to cancelled.",
    ]


def test_overdue_filter_lists_unpaid_invoices_past_their_due_date(staff):
    late = place_order().invoices.get()
    Invoice.objects.filter(pk=late.pk).update(due_date=timezone.localdate() - timedelta(days=1))
    place_order()  # not yet due

    response = staff.get(INVOICES, {"overdue": "yes"})

    assert [i.pk for i in response.context["cl"].result_list] == [late.pk]


def test_invoice_edit_changes_notes_and_due_date_through_the_service(staff):
    invoice = place_order().invoices.get()
    url = reverse("admin:sales_invoice_change", args=[invoice.pk])
    due = invoice.due_date + timedelta(days=5)

    data = form_data(
        staff.get(url), due_date=due.isoformat(), notes="Call first", status="paid", total="1"
    )
    staff.post(url, data)

    invoice.refresh_from_db()
    assert (invoice.due_date, invoice.notes, invoice.status) == (
        due,
        "Call first",
        InvoiceStatus.PENDING,
    )


def test_invoice_due_date_before_issue_is_refused(staff):
    invoice = place_order().invoices.get()
    url = reverse("admin:sales_invoice_change", args=[invoice.pk])
    before = timezone.localdate(invoice.issued_at) - timedelta(days=1)

    data = form_data(staff.get(url), due_date=before.isoformat(), notes="x")
    response = staff.post(url, data, follow=True)

    invoice.refresh_from_db()
    assert invoice.due_date != before
    assert invoice.notes == ""
    assert messages_of(response) == ["The due date cannot be before the issue date."]


def test_printable_invoice_shows_the_lines_and_total(staff):
    order = place_order(
        products=[ProductFactory(name="Chew toy", price=Decimal("4.50"))], quantity=2
    )
    invoice = order.invoices.get()

    change = staff.get(reverse("admin:sales_invoice_change", args=[invoice.pk]))
    printable = staff.get(reverse("admin:sales_invoice_print", args=[invoice.pk]))

    assert reverse("admin:sales_invoice_print", args=[invoice.pk]) in change.content.decode()
    body = printable.content.decode()
    assert printable.status_code == 200
    assert invoice.number in body and "Chew toy" in body and "9.00" in body


def test_invoices_cannot_be_added_and_only_cancelled_ones_deleted(staff):
    live = place_order().invoices.get()
    voided = order_in_status(OrderStatus.CANCELLED).invoices.get()

    assert staff.get(reverse("admin:sales_invoice_add")).status_code == 403
    assert staff.get(reverse("admin:sales_invoice_delete", args=[live.pk])).status_code == 403
    staff.post(reverse("admin:sales_invoice_delete", args=[voided.pk]), {"post": "yes"})
    assert not Invoice.objects.filter(pk=voided.pk).exists()
    assert Product.objects.exists()


# --- the same actions as buttons on one object's page ---------------------------------


def test_order_page_offers_only_the_moves_its_status_allows(staff):
    order = order_in_status(OrderStatus.SHIPPED)

    body = staff.get(reverse("admin:sales_order_change", args=[order.pk])).content.decode()

    assert 'value="mark_delivered"' in body
    assert 'value="mark_confirmed"' not in body and 'value="cancel"' not in body


def test_order_page_button_moves_the_order_and_returns_to_it(staff):
    order = order_in_status(OrderStatus.PROCESSING)
    act_url = reverse("admin:sales_order_act", args=[order.pk])

    response = staff.post(act_url, {"action": "mark_shipped"})

    assert response["Location"] == "../change/"
    order.refresh_from_db()
    assert order.status == OrderStatus.SHIPPED


def test_order_page_button_for_a_forbidden_move_is_refused(staff):
    order = order_in_status(OrderStatus.DELIVERED)

    response = staff.post(
        reverse("admin:sales_order_act", args=[order.pk]), {"action": "cancel"}, follow=True
    )

    order.refresh_from_db()
    assert order.status == OrderStatus.DELIVERED
    assert messages_of(response) == [
        f"1 order refused: {order.number}: An order that is delivered can no longer be cancelled."
    ]


def test_invoice_page_records_a_payment_through_the_reference_form(staff):
    invoice = place_order().invoices.get()
    act_url = reverse("admin:sales_invoice_act", args=[invoice.pk])

    form_page = staff.post(act_url, {"action": "record_payment"})
    staff.post(
        act_url, {"action": "record_payment", "apply": "1", f"reference_{invoice.pk}": "CARD-7"}
    )

    assert form_page.templates[0].name == "admin/sales/invoice/record_payment.html"
    invoice.refresh_from_db()
    assert (invoice.status, invoice.payment_reference) == (InvoiceStatus.PAID, "CARD-7")


@pytest.mark.parametrize("object_id", ["abc", "999999", "1%2F2"])
def test_order_page_button_for_a_missing_or_malformed_id_is_a_message_not_an_error(
    staff, object_id
):
    response = staff.post(
        f"/admin/sales/order/{object_id}/act/", {"action": "mark_shipped"}, follow=True
    )

    assert response.status_code == 200
    assert "No such action for this object." in messages_of(response)
