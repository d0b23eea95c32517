"""A service's refusal in the admin (petshop.core.admin_tools): the form comes back with
what staff typed and the reason beside the field it concerns; nothing is saved, logged
or congratulated."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.contrib.admin.models import LogEntry
from django.urls import reverse
from django.utils import timezone

from accounts.tests.factories import UserFactory
from catalog.models import Product
from catalog.tests.factories import ProductFactory
from petshop.tests.admin_client import form_data, messages_of
from sales.tests.factories import place_order

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff(client, admin_user):
    client.force_login(admin_user)
    return client


def test_a_refused_edit_keeps_what_was_typed_with_the_reason_beside_the_field(staff):
    invoice = place_order().invoices.get()
    url = reverse("admin:sales_invoice_change", args=[invoice.pk])
    before = timezone.localdate(invoice.issued_at) - timedelta(days=1)

    response = staff.post(
        url, form_data(staff.get(url), due_date=before.isoformat(), notes="Call first")
    )

    assert response.status_code == 200  # the form again, not a redirect
    form = response.context["adminform"].form
    assert form.errors["due_date"] == ["The due date cannot be before the issue date."]
    assert form["due_date"].value() == before.isoformat()
    assert form["notes"].value() == "Call first"
    page = response.content.decode()
    assert "Call first" in page and before.isoformat() in page
    invoice.refresh_from_db()
    assert invoice.notes == "" and invoice.due_date != before
    assert not LogEntry.objects.exists()


def test_a_refusal_without_a_field_is_shown_above_the_form_and_undoes_the_earlier_service(
    staff, admin_user
):
    url = reverse("admin:accounts_user_change", args=[admin_user.pk])
    data = form_data(staff.get(url), first_name="Changed", roles=[])  # last role: refused

    response = staff.post(url, data)

    form = response.context["adminform"].form
    assert form.non_field_errors() or form.errors.get("roles")
    assert form["first_name"].value() == "Changed"  # kept in the form...
    admin_user.refresh_from_db()
    assert admin_user.first_name != "Changed"  # ...but the profile update was rolled back
    assert not LogEntry.objects.exists()


def test_a_refused_add_keeps_the_typed_values_and_creates_nothing(staff):
    taken = UserFactory(username="rex")
    url = reverse("admin:accounts_user_add")
    data = form_data(
        staff.get(url),
        username="REX",
        email="new@example.com",
        password1="a-long-unusual-passphrase",
        password2="a-long-unusual-passphrase",
        roles=["customer"],
    )

    response = staff.post(url, data)

    assert response.status_code == 200
    form = response.context["adminform"].form
    assert form.errors.get("username")
    assert form["email"].value() == "new@example.com"
    assert not type(taken).objects.filter(email="new@example.com").exists()


def test_a_refused_list_edit_row_keeps_its_typed_value_and_no_row_is_saved(staff, monkeypatch):
    import catalog.admin
    from petshop.core.exceptions import InvalidInput

    first = ProductFactory(sku="A-1", price=Decimal("10.00"), stock=10)
    second = ProductFactory(sku="A-2", price=Decimal("10.00"), stock=10)

    def refuse(**kwargs):
        raise InvalidInput("Stock is being counted, try later.", field="stock")

    monkeypatch.setattr(catalog.admin, "stock_set", refuse)
    data = {
        "form-TOTAL_FORMS": "2",
        "form-INITIAL_FORMS": "2",
        "form-MIN_NUM_FORMS": "0",
        "form-MAX_NUM_FORMS": "1000",
        "_save": "Save",
    }
    for i, (product, price, stock) in enumerate([(first, "11.00", "10"), (second, "10.00", "4")]):
        data |= {
            f"form-{i}-id": str(product.pk),
            f"form-{i}-price": price,
            f"form-{i}-stock": stock,
            f"initial-form-{i}-stock": "10",
        }

    response = staff.post(reverse("admin:catalog_product_changelist") + "?o=1", data)

    assert response.status_code == 200
    rows = response.context["cl"].formset.forms
    assert rows[1].errors["stock"] == ["Stock is being counted, try later."]
    assert rows[1]["stock"].value() == "4" and rows[0]["price"].value() == "11.00"
    assert [(p.price, p.stock) for p in Product.objects.order_by("pk")] == [
        (Decimal("10.00"), 10),
        (Decimal("10.00"), 10),
    ]
    assert messages_of(response) == ["Stock is being counted, try later."]
