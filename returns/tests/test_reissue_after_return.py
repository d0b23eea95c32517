"""A processed return that credits an unpaid invoice in full cancels it; the same goods
are billed again only when staff say so (API.md I3 `reissue`)."""

import pytest
from django.utils import timezone

from catalog.tests.factories import ProductFactory
from returns.services import return_request, return_set_status
from sales.exceptions import InvoiceCredited
from sales.models import Invoice, InvoiceStatus, OrderStatus
from sales.services import invoice_issue
from sales.tests.factories import order_in_status

pytestmark = pytest.mark.django_db


def test_a_whole_return_of_an_unpaid_order_needs_reissue_to_invoice_again(admin_user):
    product = ProductFactory(stock=5)
    order = order_in_status(
        OrderStatus.DELIVERED, products=[product], quantity=2, delivered_at=timezone.now()
    )
    ret = return_request(
        order=order, items=[{"product_id": product.pk, "quantity": 2, "reason": "wrong size"}]
    )
    return_set_status(return_request=ret, status="approved", by=admin_user)
    return_set_status(return_request=ret, status="processed", by=admin_user)
    (credited,) = Invoice.objects.filter(order=order)
    assert (credited.status, credited.amount_refunded) == (InvoiceStatus.CANCELLED, order.total)

    with pytest.raises(InvoiceCredited):
        invoice_issue(order=order, by=admin_user)
    assert Invoice.objects.filter(order=order).count() == 1

    reissued = invoice_issue(order=order, reissue=True, by=admin_user)
    assert reissued.status == InvoiceStatus.PENDING
