"""Returns in the Django admin: approve, reject with a note, process (restock and refund),
each through returns.services with its outcome shown; forbidden moves refused."""

from decimal import Decimal

import pytest
from django.urls import reverse

from catalog.tests.factories import ProductFactory
from petshop.tests.admin_client import form_data, messages_of
from returns.models import Return, ReturnStatus
from returns.services import return_set_status
from returns.tests.factories import request_return
from sales.models import InvoiceStatus, OrderStatus
from sales.services import invoice_set_status
from sales.tests.factories import order_in_status

pytestmark = pytest.mark.django_db

RETURNS = reverse("admin:returns_return_changelist")


@pytest.fixture
def staff(client, admin_user):
    client.force_login(admin_user)
    return client


def act(client, action, returns, **extra):
    data = {"action": action, "_selected_action": [r.pk for r in returns], **extra}
    return client.post(RETURNS, data, follow=True)


def test_approve_moves_a_requested_return(staff):
    ret = request_return()

    response = act(staff, "approve", [ret])

    ret.refresh_from_db()
    assert ret.status == ReturnStatus.APPROVED
    assert messages_of(response) == ["1 return approved."]


def test_reject_asks_for_a_note_first(staff):
    ret = request_return()

    response = act(staff, "reject", [ret])

    assert response.templates[0].name == "admin/returns/return/reject.html"
    ret.refresh_from_db()
    assert ret.status == ReturnStatus.REQUESTED


def test_reject_with_a_note_keeps_the_note(staff):
    ret = request_return()

    response = act(staff, "reject", [ret], apply="1", admin_notes="Opened and used.")

    ret.refresh_from_db()
    assert (ret.status, ret.admin_notes) == (ReturnStatus.REJECTED, "Opened and used.")
    assert messages_of(response) == ["1 return rejected."]


def test_reject_without_a_note_shows_the_form_again(staff):
    ret = request_return()

    response = act(staff, "reject", [ret], apply="1", admin_notes="")

    assert "This field is required" in response.content.decode()
    ret.refresh_from_db()
    assert ret.status == ReturnStatus.REQUESTED


def test_process_restocks_refunds_and_says_so(staff):
    product = ProductFactory(stock=10, price=Decimal("7.50"))
    order = order_in_status(OrderStatus.DELIVERED, products=[product], quantity=3)
    invoice_set_status(
        invoice=order.invoices.get(), status=InvoiceStatus.PAID, payment_reference="R1"
    )
    ret = request_return(order=order, quantity=2)
    return_set_status(return_request=ret, status=ReturnStatus.APPROVED)

    response = act(staff, "process", [ret])

    ret.refresh_from_db()
    product.refresh_from_db()
    invoice = order.invoices.get()
    assert ret.status == ReturnStatus.PROCESSED and ret.processed_at is not None
    assert product.stock == 7 + 2
    assert invoice.amount_refunded == Decimal("15.00")
    assert messages_of(response) == [
        f"1 return processed: #{ret.pk} refunded 15.00 on order {order.number}, 2 item(s) restocked."
    ]


@pytest.mark.parametrize(
    ("action", "start", "extra"),
    [
        ("approve", ReturnStatus.REJECTED, {}),
        ("process", ReturnStatus.REQUESTED, {}),  # must be approved first
        ("reject", ReturnStatus.PROCESSED, {"apply": "1", "admin_notes": "Too late"}),
    ],
)
def test_forbidden_return_move_is_refused_and_changes_nothing(staff, action, start, extra):
    product = ProductFactory(stock=10)
    ret = request_return(order=order_in_status(OrderStatus.DELIVERED, products=[product]))
    if start == ReturnStatus.REJECTED:
        return_set_status(return_request=ret, status=ReturnStatus.REJECTED, admin_notes="No")
    if start == ReturnStatus.PROCESSED:
        return_set_status(return_request=ret, status=ReturnStatus.APPROVED)
        return_set_status(return_request=ret, status=ReturnStatus.PROCESSED)
    product.refresh_from_db()
    stock, notes = product.stock, Return.objects.get(pk=ret.pk).admin_notes

    response = act(staff, action, [ret], **extra)

    ret.refresh_from_db()
    product.refresh_from_db()
    assert (ret.status, ret.admin_notes, product.stock) == (start, notes, stock)
    (message,) = messages_of(response)
    assert message.startswith("1 return refused: ")
    assert f"A return cannot go from {start}" in message


def test_bulk_approve_reports_moved_and_refused(staff):
    fresh = request_return()
    done = request_return()
    return_set_status(return_request=done, status=ReturnStatus.REJECTED)

    response = act(staff, "approve", [fresh, done])

    assert messages_of(response) == [
        "1 return approved.",
        f"1 return refused: {done}: A return cannot go from rejected to approved.",
    ]


def test_admin_notes_edit_goes_through_the_service_and_is_refused_once_decided(staff):
    open_ret = request_return()
    decided = request_return()
    return_set_status(return_request=decided, status=ReturnStatus.APPROVED)

    for ret in (open_ret, decided):
        url = reverse("admin:returns_return_change", args=[ret.pk])
        response = staff.post(url, form_data(staff.get(url), admin_notes="Checked"), follow=True)

    open_ret.refresh_from_db()
    decided.refresh_from_db()
    assert (open_ret.admin_notes, decided.admin_notes) == ("Checked", "")
    assert messages_of(response) == ["Only a requested return can be edited."]


def test_return_list_shows_the_refund_and_filters_by_status(staff, django_assert_max_num_queries):
    ret = request_return(quantity=1)
    request_return()
    return_set_status(return_request=ret, status=ReturnStatus.APPROVED)

    with django_assert_max_num_queries(12):
        response = staff.get(RETURNS, {"status__exact": "approved"})

    (row,) = response.context["cl"].result_list
    assert row.pk == ret.pk
    assert row._refund == ret.refund_total


def test_return_page_rejects_with_a_note_and_offers_only_allowed_moves(staff):
    ret = request_return()
    page = staff.get(reverse("admin:returns_return_change", args=[ret.pk])).content.decode()
    act_url = reverse("admin:returns_return_act", args=[ret.pk])

    form_page = staff.post(act_url, {"action": "reject"})
    staff.post(act_url, {"action": "reject", "apply": "1", "admin_notes": "Not in the box."})

    assert 'value="approve"' in page and 'value="process"' not in page
    assert form_page.templates[0].name == "admin/returns/return/reject.html"
    ret.refresh_from_db()
    assert (ret.status, ret.admin_notes) == (ReturnStatus.REJECTED, "Not in the box.")
