"""The audit trail (issue 15): every change of money or stock state is recorded with who,
when, before and after, in the same transaction as the change, and staff read it on the
object's admin page."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditRecord
from audit.services import audit_record
from catalog.imports import products_import
from catalog.models import Product
from catalog.services import stock_set
from catalog.tests.factories import ProductFactory
from catalog.tests.test_admin import list_edit
from petshop.core.exceptions import DomainError
from returns.services import return_request, return_set_status
from sales.models import Invoice, InvoiceStatus, OrderStatus
from sales.services import invoice_set_status, invoices_mark_overdue, order_cancel
from sales.tests.factories import order_in_status, place_order

pytestmark = pytest.mark.django_db


def trail(obj) -> list[AuditRecord]:
    """The object's records, oldest first."""
    return list(
        AuditRecord.objects.filter(
            content_type=ContentType.objects.get_for_model(obj), object_id=obj.pk
        ).order_by("at", "id")
    )


def actions(obj) -> list[str]:
    return [r.action for r in trail(obj)]


# --- money ---------------------------------------------------------------------------------


def test_a_payment_recorded_through_the_api_names_who_and_what_changed(
    admin_user, admin_client_api
):
    invoice = place_order().live_invoice
    response = admin_client_api.patch(
        f"/api/v1/invoices/{invoice.pk}/status/",
        {"status": "paid", "payment_reference": "BANK-77"},
        format="json",
    )
    assert response.status_code == 200

    (record,) = trail(invoice)
    assert record.action == "invoice.paid"
    assert record.by == admin_user
    assert timezone.now() - record.at < timedelta(minutes=1)
    assert record.before == {"status": "pending", "paid_at": None, "payment_reference": ""}
    assert record.after["status"] == "paid" and record.after["payment_reference"] == "BANK-77"
    assert record.after["paid_at"]  # when the money came in


def test_voiding_in_the_admin_is_recorded_with_the_staff_member(client, admin_user):
    invoice = place_order().live_invoice
    client.force_login(admin_user)
    client.post(
        reverse("admin:sales_invoice_changelist"),
        {"action": "void", "_selected_action": [invoice.pk]},
    )

    (record,) = trail(invoice)
    assert (record.action, record.by, record.before, record.after) == (
        "invoice.voided",
        admin_user,
        {"status": "pending"},
        {"status": "cancelled"},
    )


def test_cancelling_a_paid_order_records_the_refund_and_the_stock_put_back(admin_user):
    product = ProductFactory(stock=10)
    order = place_order(products=[product], quantity=3)
    invoice = order.live_invoice
    invoice_set_status(invoice=invoice, status="paid", by=admin_user)
    order_cancel(order=order, by=admin_user)

    refund = trail(invoice)[-1]
    assert refund.action == "invoice.refunded" and refund.by == admin_user
    assert refund.before == {"status": "paid", "amount_refunded": "0.00"}
    assert refund.after == {"status": "refunded", "amount_refunded": str(order.total)}
    assert refund.note == f"order {order.number} cancelled"
    assert [(r.action, r.before, r.after) for r in trail(product)] == [
        ("stock.reserved", {"stock": 10}, {"stock": 7}),
        ("stock.released", {"stock": 7}, {"stock": 10}),
    ]


def test_a_processed_return_records_itself_its_credit_and_its_restock(admin_user):
    product = ProductFactory(stock=10, price=Decimal("4.00"))
    order = order_in_status(
        OrderStatus.DELIVERED, products=[product], quantity=2, delivered_at=timezone.now()
    )
    ret = return_request(
        order=order, items=[{"product_id": product.pk, "quantity": 1, "reason": "torn"}]
    )
    ret = return_set_status(return_request=ret, status="approved", by=admin_user)
    return_set_status(return_request=ret, status="processed", by=admin_user)

    assert actions(ret) == ["return.approved", "return.processed"]
    processed = trail(ret)[-1]
    assert processed.by == admin_user
    assert processed.before == {"status": "approved"}
    assert processed.after == {"status": "processed", "refund_total": "4.00"}
    credit = trail(order.live_invoice)[-1]
    assert (credit.action, credit.before, credit.after) == (
        "invoice.credited",
        {"amount_refunded": "0.00"},
        {"amount_refunded": "4.00"},
    )
    assert credit.note == f"return #{ret.pk} of order {order.number}"
    restock = trail(product)[-1]
    assert (restock.action, restock.before, restock.after, restock.by) == (
        "stock.returned",
        {"stock": 8},
        {"stock": 9},
        admin_user,
    )


def test_the_daily_overdue_job_records_each_move_as_the_shop_itself():
    invoice = place_order().live_invoice
    Invoice.objects.filter(pk=invoice.pk).update(due_date=timezone.localdate() - timedelta(1))

    assert invoices_mark_overdue() == 1

    (record,) = trail(invoice)
    assert (record.action, record.by, record.before, record.after) == (
        "invoice.overdue",
        None,
        {"status": "pending"},
        {"status": "overdue"},
    )


def test_a_refused_change_leaves_no_record(admin_user):
    invoice = place_order().live_invoice
    with pytest.raises(DomainError):
        invoice_set_status(invoice=invoice, status=InvoiceStatus.REFUNDED, by=admin_user)
    product = ProductFactory(stock=5)
    with pytest.raises(Exception):  # noqa: B017 (a ValidationError: stock ≥ 0)
        stock_set(product=product, stock=-1, by=admin_user)

    assert trail(invoice) == [] and trail(product) == []


# --- stock ---------------------------------------------------------------------------------


def test_checkout_records_the_stock_it_takes_with_the_order_number(customer):
    product = ProductFactory(stock=4)
    order = place_order(user=customer, products=[product], quantity=3)

    (record,) = trail(product)
    assert (record.action, record.by, record.before, record.after, record.note) == (
        "stock.reserved",
        customer,
        {"stock": 4},
        {"stock": 1},
        f"order {order.number}",
    )


def test_stock_and_price_edited_in_the_admin_list_are_recorded(client, admin_user):
    product = ProductFactory(sku="A-1", price=Decimal("10.00"), stock=10)
    client.force_login(admin_user)

    list_edit(client, [product], **{"A-1": {"price": "12.50", "stock": 3}})

    records = {r.action: r for r in trail(product)}
    assert set(records) == {"stock.set", "price.set"}
    assert (records["stock.set"].before, records["stock.set"].after) == (
        {"stock": 10},
        {"stock": 3},
    )
    assert records["price.set"].after == {"price": "12.50"}
    assert {r.by for r in records.values()} == {admin_user}


def test_an_unchanged_stock_figure_records_nothing(admin_user):
    product = ProductFactory(stock=5)
    stock_set(product=product, stock=5, by=admin_user)
    assert trail(product) == []


def test_a_csv_import_records_its_stock_changes_and_says_so():
    ProductFactory(sku="OLD-1", stock=3)
    report = products_import(
        lines=[
            "sku,name,price,category,pet_type,stock\n",
            "OLD-1,,,,,9\n",
            "NEW-1,Chew Bone,4.50,toys,dog,12\n",
        ]
    )
    assert report.errors == []

    old = trail(Product.objects.get(sku="OLD-1"))
    new = trail(Product.objects.get(sku="NEW-1"))
    assert [(r.action, r.before, r.after, r.by, r.note) for r in old] == [
        ("stock.set", {"stock": 3}, {"stock": 9}, None, "CSV import")
    ]
    assert [(r.action, r.after, r.note) for r in new] == [
        ("product.created", {"stock": 12, "price": "4.50"}, "CSV import")
    ]


def test_a_dry_run_import_leaves_no_record():
    ProductFactory(sku="OLD-1", stock=3)
    products_import(lines=["sku,stock\n", "OLD-1,9\n"], dry_run=True)
    assert not AuditRecord.objects.exists()


def test_an_api_stock_edit_names_the_admin(admin_user, admin_client_api):
    product = ProductFactory(stock=3)
    response = admin_client_api.patch(
        f"/api/v1/products/{product.pk}/", {"stock": 8}, format="json"
    )
    assert response.status_code == 200

    (record,) = trail(product)
    assert (record.action, record.by, record.after) == ("stock.set", admin_user, {"stock": 8})


# --- what staff see ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "admin_page", ["admin:catalog_product_change", "admin:sales_invoice_change"]
)
def test_the_objects_admin_page_shows_its_trail_read_only(client, admin_user, admin_page):
    product = ProductFactory(stock=10)
    order = place_order(products=[product], quantity=2)
    invoice_set_status(invoice=order.live_invoice, status="paid", by=admin_user)
    target = product if "product" in admin_page else order.live_invoice
    client.force_login(admin_user)

    body = client.get(reverse(admin_page, args=[target.pk])).content.decode()

    assert "audit trail (who changed money or stock" in body.lower()
    assert ("stock.reserved" if target is product else "invoice.paid") in body
    # Shown, not editable: no input for the record's fields, nor a delete box or an add row.
    prefix = "audit-auditrecord-content_type-object_id-0-"
    assert f'name="{prefix}action"' not in body and f'name="{prefix}DELETE"' not in body


def test_the_return_admin_page_shows_its_trail(client, admin_user):
    product = ProductFactory(stock=10)
    order = order_in_status(OrderStatus.DELIVERED, products=[product], delivered_at=timezone.now())
    ret = return_request(
        order=order, items=[{"product_id": product.pk, "quantity": 1, "reason": "x"}]
    )
    return_set_status(return_request=ret, status="rejected", by=admin_user)
    client.force_login(admin_user)

    body = client.get(reverse("admin:returns_return_change", args=[ret.pk])).content.decode()

    assert "return.rejected" in body and admin_user.username in body


def test_the_trail_panel_costs_the_same_queries_with_more_records(
    client, admin_user, django_assert_max_num_queries
):
    product = ProductFactory(stock=100)
    place_order(products=[product])
    client.force_login(admin_user)
    url = reverse("admin:catalog_product_change", args=[product.pk])
    with django_assert_max_num_queries(50) as few:
        client.get(url)
    for _ in range(6):
        place_order(products=[product], user=place_order().user)

    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(url)


def test_the_audit_list_is_read_only_and_costs_the_same_queries_with_more_rows(
    client, admin_user, django_assert_max_num_queries
):
    product = ProductFactory(stock=100)
    place_order(products=[product])
    client.force_login(admin_user)
    url = reverse("admin:audit_auditrecord_changelist")
    with django_assert_max_num_queries(50) as few:
        assert client.get(url).status_code == 200
    for _ in range(5):
        place_order(products=[product])

    with django_assert_max_num_queries(len(few.captured_queries)):
        body = client.get(url).content.decode()
    assert body.count("stock.reserved") >= 6
    record = AuditRecord.objects.first()
    assert (
        client.post(reverse("admin:audit_auditrecord_delete", args=[record.pk])).status_code == 403
    )
    assert client.get(reverse("admin:audit_auditrecord_add")).status_code == 403


def test_a_record_reads_as_what_changed(admin_user):
    product = ProductFactory(stock=2)
    record = audit_record(
        target=product, action="stock.set", by=admin_user, before={"stock": 2}, after={"stock": 5}
    )
    assert record.changes == [("stock", 2, 5)]
    assert str(record).startswith(f"stock.set of product #{product.pk} at ")
