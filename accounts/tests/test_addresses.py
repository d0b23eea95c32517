"""Address book (API.md U11, U12; storefront pages; checkout's choice): owner-scoped,
one default, and a placed order keeps its own frozen copy."""

import pytest
from django.db import IntegrityError, transaction
from django.test import Client
from django.urls import reverse

from accounts.addresses import address_create, address_delete, address_update
from accounts.exceptions import AddressBookFull
from accounts.models import MAX_ADDRESSES_PER_USER, Address
from catalog.tests.factories import ProductFactory
from sales.models import Order

pytestmark = pytest.mark.django_db

HOME = {
    "label": "Home",
    "name": "Ada Lovelace",
    "line1": "1 Dog Lane",
    "city": "Barkville",
    "postal_code": "1000",
    "country": "Petland",
}


def addresses_url(user_id) -> str:
    return reverse("address-list", kwargs={"user_id": user_id})


def address_url(user_id, address_id) -> str:
    return reverse("address-detail", kwargs={"user_id": user_id, "pk": address_id})


def test_a_customer_keeps_several_addresses_with_one_default(customer, customer_client):
    first = customer_client.post(addresses_url(customer.pk), HOME)
    assert first.status_code == 201 and first.json()["is_default"] is True  # the first one
    work = {**HOME, "label": "Work", "line1": "2 Cat Road", "is_default": True}
    second = customer_client.post(addresses_url(customer.pk), work).json()
    listed = customer_client.get(addresses_url(customer.pk)).json()
    assert [a["label"] for a in listed["results"]] == ["Work", "Home"]
    assert [a["is_default"] for a in listed["results"]] == [True, False]
    assert set(second) == {
        "id",
        "label",
        "name",
        "line1",
        "line2",
        "city",
        "postal_code",
        "region",
        "country",
        "phone",
        "is_default",
    }


def test_the_database_allows_one_default_per_user(customer):
    address_create(user=customer, **HOME)
    with pytest.raises(IntegrityError), transaction.atomic():
        Address.objects.create(user=customer, is_default=True, **{**HOME, "label": "x"})


def test_patch_and_delete_move_the_default_sensibly(customer, customer_client):
    home = address_create(user=customer, **HOME)
    work = address_create(user=customer, **{**HOME, "label": "Work"})
    response = customer_client.patch(address_url(customer.pk, work.pk), {"is_default": True})
    assert response.status_code == 200 and response.json()["is_default"] is True
    home.refresh_from_db()
    assert not home.is_default
    assert customer_client.delete(address_url(customer.pk, work.pk)).status_code == 204
    home.refresh_from_db()
    assert home.is_default  # the remaining address takes over


def test_unmarking_the_default_keeps_it_until_another_is_chosen(customer):
    home = address_create(user=customer, **HOME)
    address_update(address=home, is_default=False, city="Elsewhere")
    home.refresh_from_db()
    assert home.is_default and home.city == "Elsewhere"


def test_another_users_addresses_are_a_404_and_stay_unchanged(customer_client, other_customer):
    theirs = address_create(user=other_customer, **HOME)
    assert customer_client.get(addresses_url(other_customer.pk)).status_code == 404
    assert customer_client.post(addresses_url(other_customer.pk), HOME).status_code == 404
    mine = customer_client.get(address_url(other_customer.pk, theirs.pk))
    assert mine.status_code == 404
    assert (
        customer_client.patch(address_url(other_customer.pk, theirs.pk), {"city": "X"}).status_code
        == 404
    )
    assert customer_client.delete(address_url(other_customer.pk, theirs.pk)).status_code == 404
    theirs.refresh_from_db()
    assert theirs.city == "Barkville"


def test_an_address_id_under_ones_own_user_id_but_of_another_is_a_404(
    customer, customer_client, other_customer
):
    theirs = address_create(user=other_customer, **HOME)
    assert (
        customer_client.patch(address_url(customer.pk, theirs.pk), {"city": "X"}).status_code == 404
    )
    assert customer_client.delete(address_url(customer.pk, theirs.pk)).status_code == 404
    assert Address.objects.filter(pk=theirs.pk, city="Barkville").exists()


def test_an_admin_manages_anyones_addresses(admin_client_api, customer):
    response = admin_client_api.post(addresses_url(customer.pk), HOME)
    assert response.status_code == 201
    assert Address.objects.get().user == customer


def test_bad_input_is_a_400_and_saves_nothing(customer, customer_client):
    response = customer_client.post(addresses_url(customer.pk), {**HOME, "name": ""})
    assert response.status_code == 400 and "name" in response.json()
    assert not Address.objects.exists()


def test_an_address_book_has_a_limit(customer, customer_client):
    for i in range(MAX_ADDRESSES_PER_USER):
        address_create(user=customer, **{**HOME, "label": f"A{i}"})
    with pytest.raises(AddressBookFull):
        address_create(user=customer, **HOME)
    response = customer_client.post(addresses_url(customer.pk), HOME)
    assert response.status_code == 409 and response.json()["code"] == "address_book_full"


def test_the_address_list_is_one_query_whatever_its_length(
    customer, customer_client, django_assert_max_num_queries
):
    for i in range(15):
        address_create(user=customer, **{**HOME, "label": f"A{i}"})
    with django_assert_max_num_queries(5):
        assert customer_client.get(addresses_url(customer.pk)).status_code == 200


# --- checkout with a saved address --------------------------------------------------------


def test_checkout_with_a_saved_address_keeps_a_frozen_copy(customer, customer_client):
    home = address_create(user=customer, **HOME)
    product = ProductFactory(stock=5)
    body = customer_client.post(
        reverse("api-order-list"),
        {"address_id": home.pk, "items": [{"product_id": product.pk, "quantity": 1}]},
    ).json()
    assert body["shipping_address"] == "Ada Lovelace\n1 Dog Lane\n1000 Barkville\nPetland"
    address_update(address=home, line1="99 Moved Street")
    address_delete(address=home)
    order = Order.objects.get(pk=body["id"])
    assert "1 Dog Lane" in order.shipping_address


def test_checkout_with_another_customers_address_id_is_a_404_and_changes_nothing(
    customer_client, other_customer
):
    theirs = address_create(user=other_customer, **HOME)
    product = ProductFactory(stock=5)
    response = customer_client.post(
        reverse("api-order-list"),
        {"address_id": theirs.pk, "items": [{"product_id": product.pk, "quantity": 1}]},
    )
    assert response.status_code == 404
    assert "Dog Lane" not in response.content.decode()
    assert not Order.objects.exists()
    product.refresh_from_db()
    assert product.stock == 5


def test_checkout_takes_an_address_or_an_address_id_not_both(customer, customer_client):
    home = address_create(user=customer, **HOME)
    product = ProductFactory(stock=5)
    items = [{"product_id": product.pk, "quantity": 1}]
    both = customer_client.post(
        reverse("api-order-list"),
        {"address_id": home.pk, "shipping_address": "1 Dog Lane", "items": items},
    )
    neither = customer_client.post(reverse("api-order-list"), {"items": items})
    assert both.status_code == neither.status_code == 400
    assert not Order.objects.exists()


# --- storefront -----------------------------------------------------------------------------


@pytest.fixture
def browser(customer):
    client = Client()
    client.force_login(customer)
    return client


def test_storefront_address_book_adds_edits_and_deletes(browser, customer):
    response = browser.post(reverse("accounts:address_list"), HOME, follow=True)
    assert "The address is saved" in response.content.decode()
    address = Address.objects.get(user=customer)
    browser.post(reverse("accounts:address_edit", args=[address.pk]), {**HOME, "city": "Meowtown"})
    address.refresh_from_db()
    assert address.city == "Meowtown"
    browser.post(reverse("accounts:address_delete", args=[address.pk]))
    assert not Address.objects.exists()


def test_storefront_address_pages_of_another_customer_are_404(browser, other_customer):
    theirs = address_create(user=other_customer, **HOME)
    assert browser.get(reverse("accounts:address_edit", args=[theirs.pk])).status_code == 404
    assert browser.post(reverse("accounts:address_delete", args=[theirs.pk])).status_code == 404
    assert Address.objects.filter(pk=theirs.pk).exists()


def test_storefront_checkout_offers_saved_addresses_and_saves_a_new_one_on_request(
    browser, customer
):
    from sales.services import cart_add, cart_for_user

    home = address_create(user=customer, **HOME)
    product = ProductFactory(stock=5)
    cart_add(cart=cart_for_user(user=customer), product_id=product.pk, quantity=1)
    page = browser.get(reverse("sales:checkout"))
    form = page.context["form"]
    assert form.fields["saved_address"].initial == str(home.pk)
    key = form.initial["idempotency_key"]
    browser.post(reverse("sales:checkout"), {"saved_address": str(home.pk), "idempotency_key": key})
    assert Order.objects.get().shipping_address == home.as_text()
    # A new address, saved on request.
    cart_add(cart=cart_for_user(user=customer), product_id=product.pk, quantity=1)
    key = browser.get(reverse("sales:checkout")).context["form"].initial["idempotency_key"]
    browser.post(
        reverse("sales:checkout"),
        {
            "saved_address": "new",
            "full_name": "Ada L",
            "street": "5 New Road",
            "postal_code": "3000",
            "city": "Tailtown",
            "country": "Petland",
            "save_address": "on",
            "idempotency_key": key,
        },
    )
    assert Order.objects.count() == 2
    assert Address.objects.filter(user=customer, line1="5 New Road").exists()
