"""The emails about returns: received (customer) and to review (staff), approved,
rejected with the staff note, processed with the refund amount."""

from decimal import Decimal

import pytest

from accounts.tests.factories import UserFactory
from catalog.tests.factories import ProductFactory
from returns.models import ReturnStatus
from returns.services import return_request, return_set_status
from sales.models import OrderStatus
from sales.tests.factories import order_in_status

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _shop(settings):
    settings.SHOP_BASE_URL = "https://shop.example.com"
    settings.SHOP_STAFF_EMAILS = ["returns@shop.example.com", "boss@shop.example.com"]


@pytest.fixture
def delivered(db, deliver_emails):
    buyer = UserFactory(username="rex", email="rex@example.com", first_name="Rex")
    harness = ProductFactory(name="Dog Harness M", price=Decimal("19.90"), stock=10)
    order = order_in_status(OrderStatus.DELIVERED, user=buyer, products=[harness], quantity=3)
    deliver_emails()  # the order's own emails
    return order


@pytest.fixture
def requested(delivered, deliver_emails):
    line = delivered.lines.get()
    ret = return_request(
        order=delivered,
        items=[{"product_id": line.product_id, "quantity": 2, "reason": "Too small"}],
    )
    deliver_emails()
    return ret


def test_a_return_request_is_confirmed_to_the_customer_and_sent_to_staff(delivered, deliver_emails):
    line = delivered.lines.get()
    ret = return_request(
        order=delivered,
        items=[{"product_id": line.product_id, "quantity": 2, "reason": "Too small"}],
    )

    customer, staff = deliver_emails()

    assert customer.to == ["rex@example.com"]
    assert customer.subject == f"We received your return request for order {delivered.number}"
    assert "2 × Dog Harness M at $19.90 = $39.80" in customer.body
    assert '"Too small"' in customer.body
    assert f"https://shop.example.com/returns/{ret.pk}/" in customer.body
    assert staff.to == ["returns@shop.example.com", "boss@shop.example.com"]
    assert staff.subject == f"New return #{ret.pk} to review (order {delivered.number})"
    assert "rex <rex@example.com>" in staff.body
    assert f"https://shop.example.com/admin/returns/return/{ret.pk}/change/" in staff.body


def test_without_staff_addresses_only_the_customer_hears(delivered, deliver_emails, settings):
    settings.SHOP_STAFF_EMAILS = []
    line = delivered.lines.get()

    return_request(
        order=delivered, items=[{"product_id": line.product_id, "quantity": 1, "reason": "Odd"}]
    )

    assert [m.to for m in deliver_emails()] == [["rex@example.com"]]


def test_an_approval_is_emailed_with_the_refund_to_come(requested, deliver_emails):
    return_set_status(return_request=requested, status=ReturnStatus.APPROVED)

    [message] = deliver_emails()
    assert message.to == ["rex@example.com"]
    assert message.subject == f"Your return for order {requested.order.number} is approved"
    assert "we refund $39.80" in message.body


def test_a_rejection_carries_the_staff_note(requested, deliver_emails):
    return_set_status(
        return_request=requested,
        status=ReturnStatus.REJECTED,
        admin_notes="The harness was worn and chewed.",
    )

    [message] = deliver_emails()
    assert message.subject == f"Your return for order {requested.order.number} was not accepted"
    assert "Why: The harness was worn and chewed." in message.body
    assert "The harness was worn and chewed." in message.alternatives[0][0]


def test_processing_is_emailed_with_the_refund_amount(requested, deliver_emails):
    return_set_status(return_request=requested, status=ReturnStatus.APPROVED)
    deliver_emails()

    return_set_status(return_request=requested, status=ReturnStatus.PROCESSED)

    [message] = deliver_emails()
    assert message.subject == f"Your refund for order {requested.order.number} is on its way"
    assert "We refunded $39.80." in message.body


def test_a_refused_status_change_sends_nothing(requested, deliver_emails):
    from sales.exceptions import InvalidTransition

    with pytest.raises(InvalidTransition):
        return_set_status(return_request=requested, status=ReturnStatus.PROCESSED)

    assert deliver_emails() == []
