"""Staff keep the catalog in the Django admin; every write goes through catalog.services
(rules hold, carts are cleaned, the catalog cache is invalidated after commit)."""

from decimal import Decimal

import pytest
from django.contrib.admin.models import DELETION, LogEntry
from django.urls import reverse

from catalog.cache import catalog_version
from catalog.models import Category, PetType, Product
from catalog.tests.factories import ProductFactory
from petshop.tests.admin_client import form_data, messages_of
from sales.models import CartLine
from sales.services import cart_add, cart_for_user
from sales.tests.factories import place_order

pytestmark = pytest.mark.django_db

PRODUCTS = reverse("admin:catalog_product_changelist")


@pytest.fixture
def staff(client, admin_user):
    client.force_login(admin_user)
    return client


def list_edit(client, products, follow=True, **changes):
    """POST the changelist's list-editing form: `changes` maps a product's sku to its new
    {field: value}; the other rows are sent unchanged, as a browser would. `follow`:
    answer the page the save redirects to (else the redirect itself)."""
    data = {
        "form-TOTAL_FORMS": str(len(products)),
        "form-INITIAL_FORMS": str(len(products)),
        "form-MIN_NUM_FORMS": "0",
        "form-MAX_NUM_FORMS": "1000",
        "_save": "Save",
    }
    for i, product in enumerate(products):
        row = {
            "price": str(product.price),
            "stock": str(product.stock),
            **changes.get(product.sku, {}),
        }
        data[f"form-{i}-id"] = str(product.pk)
        data[f"initial-form-{i}-stock"] = str(product.stock)  # the figure the page showed
        for name, value in row.items():
            data[f"form-{i}-{name}"] = str(value)
    # The changelist edits the rows of the page it shows: keep them in a known order.
    return client.post(f"{PRODUCTS}?o=1", data, follow=follow)


def test_list_editing_price_and_stock_goes_through_the_services(
    staff, django_capture_on_commit_callbacks
):
    product = ProductFactory(sku="A-1", price=Decimal("10.00"), stock=10)
    before = catalog_version()

    with django_capture_on_commit_callbacks(execute=True):
        response = list_edit(staff, [product], **{"A-1": {"price": "12.50", "stock": 3}})

    product.refresh_from_db()
    assert (product.price, product.stock) == (Decimal("12.50"), 3)
    assert catalog_version() != before  # the cache was invalidated after commit
    assert messages_of(response) == ["1 product was changed successfully."]


def test_list_editing_stock_only_calls_stock_set(staff, monkeypatch):
    product = ProductFactory(sku="A-1", stock=10)
    calls = []
    import catalog.admin

    real = catalog.admin.stock_set
    monkeypatch.setattr(
        catalog.admin, "stock_set", lambda **kw: calls.append(kw["stock"]) or real(**kw)
    )
    monkeypatch.setattr(
        catalog.admin, "product_update", lambda **kw: pytest.fail("only the stock changed")
    )

    list_edit(staff, [product], **{"A-1": {"stock": 7}})

    assert calls == [7]
    product.refresh_from_db()
    assert product.stock == 7


def test_list_editing_a_negative_stock_is_refused_and_changes_nothing(
    staff, django_capture_on_commit_callbacks
):
    good = ProductFactory(sku="A-1", price=Decimal("10.00"), stock=10)
    bad = ProductFactory(sku="A-2", stock=10)
    before = catalog_version()

    with django_capture_on_commit_callbacks(execute=True):
        response = list_edit(
            staff, [good, bad], **{"A-1": {"price": "11.00"}, "A-2": {"stock": -1}}
        )

    good.refresh_from_db()
    bad.refresh_from_db()
    assert (good.price, bad.stock) == (Decimal("10.00"), 10)
    assert catalog_version() == before
    assert "greater than or equal to 0" in response.content.decode()


def test_a_service_refusal_in_list_editing_rolls_back_every_row(staff, monkeypatch):
    from petshop.core.exceptions import DomainError

    first = ProductFactory(sku="A-1", price=Decimal("10.00"))
    second = ProductFactory(sku="A-2", stock=10)
    import catalog.admin

    def refuse(**kwargs):
        raise DomainError("Stock is being counted, try later.")

    monkeypatch.setattr(catalog.admin, "stock_set", refuse)

    response = list_edit(staff, [first, second], **{"A-1": {"price": "11.00"}, "A-2": {"stock": 4}})

    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.price, second.stock) == (Decimal("10.00"), 10)
    assert messages_of(response) == ["Stock is being counted, try later."]


def test_list_editing_keeps_a_stock_figure_a_checkout_changed_meanwhile(staff):
    product = ProductFactory(sku="A-1", price=Decimal("10.00"), stock=10)
    place_order(products=[product], quantity=4)  # stock is now 6; the page showed 10

    stale = Product.objects.get(pk=product.pk)
    stale.stock = 10
    list_edit(staff, [stale], **{"A-1": {"price": "9.00"}})

    product.refresh_from_db()
    assert (product.price, product.stock) == (Decimal("9.00"), 6)


def test_product_added_in_the_admin_is_created_by_the_staff_member(
    staff, admin_user, django_capture_on_commit_callbacks
):
    url = reverse("admin:catalog_product_add")
    data = form_data(
        staff.get(url),
        sku="NEW-1",
        name="Salmon bites",
        price="4.20",
        stock="12",
        category=str(Category.objects.get(slug="food").pk),
        pet_type=str(PetType.objects.get(slug="cat").pk),
    )
    before = catalog_version()

    with django_capture_on_commit_callbacks(execute=True):
        response = staff.post(url, data)

    product = Product.objects.get(sku="NEW-1")
    assert response.status_code == 302
    assert (product.created_by, product.slug, product.stock) == (admin_user, "salmon-bites", 12)
    assert catalog_version() != before


def test_product_added_without_a_sku_gets_a_generated_one(staff):
    url = reverse("admin:catalog_product_add")
    data = form_data(
        staff.get(url),
        sku="",
        name="Hay bale",
        price="3.00",
        stock="5",
        category=str(Category.objects.get(slug="food").pk),
        pet_type=str(PetType.objects.get(slug="dog").pk),
    )

    staff.post(url, data)

    assert Product.objects.get(name="Hay bale").sku.startswith("PS-")


def test_product_change_form_saves_through_product_update(staff, customer):
    product = ProductFactory(stock=10)
    cart_add(cart=cart_for_user(user=customer), product_id=product.pk, quantity=1)
    url = reverse("admin:catalog_product_change", args=[product.pk])

    staff.post(url, form_data(staff.get(url), name="Renamed bone", is_active=[]))

    product.refresh_from_db()
    assert (product.name, product.slug, product.is_active) == (
        "Renamed bone",
        "renamed-bone",
        False,
    )
    # Deactivated through the service: it stays in the cart, shown as no longer available.
    line = CartLine.objects.get(product=product)
    assert not line.available


def test_deleting_a_product_in_orders_deactivates_it(staff):
    ordered = place_order().lines.get().product

    response = staff.post(
        reverse("admin:catalog_product_delete", args=[ordered.pk]), {"post": "yes"}, follow=True
    )

    ordered.refresh_from_db()
    assert ordered.is_active is False
    # Only what happened: not also Django's "... was deleted successfully."
    assert messages_of(response) == [
        f"{ordered} appears in orders, so it was deactivated instead of deleted."
    ]


def test_bulk_delete_deletes_unordered_products_and_deactivates_ordered_ones(staff):
    ordered = place_order().lines.get().product
    unused = ProductFactory()

    response = staff.post(
        PRODUCTS,
        {"action": "delete_selected", "_selected_action": [ordered.pk, unused.pk], "post": "yes"},
        follow=True,
    )

    assert not Product.objects.filter(pk=unused.pk).exists()
    assert Product.objects.get(pk=ordered.pk).is_active is False
    # Not Django's "Successfully deleted 2 products.": one of them is still there.
    assert messages_of(response) == [
        "1 product deleted.",
        f"1 product(s) appear in orders and were deactivated instead of deleted: {ordered}.",
    ]


def test_product_list_searches_by_sku_and_filters_low_stock(staff, settings):
    settings.LOW_STOCK_THRESHOLD = 5
    low = ProductFactory(sku="LOW-1", stock=2)
    ProductFactory(sku="HIGH-1", stock=50)

    by_sku = staff.get(PRODUCTS, {"q": "LOW-1"})
    by_stock = staff.get(PRODUCTS, {"low_stock": "yes"})

    assert [p.pk for p in by_sku.context["cl"].result_list] == [low.pk]
    assert [p.pk for p in by_stock.context["cl"].result_list] == [low.pk]


def test_product_changelist_runs_a_fixed_number_of_queries(staff, django_assert_max_num_queries):
    ProductFactory.create_batch(3)
    with django_assert_max_num_queries(20) as few:
        staff.get(PRODUCTS)
    ProductFactory.create_batch(20)
    with django_assert_max_num_queries(len(few.captured_queries)):
        staff.get(PRODUCTS)


# --- categories and pet types --------------------------------------------------------


def test_category_in_use_cannot_be_deleted_and_says_why(staff):
    food = Category.objects.get(slug="food")
    ProductFactory(category=food)

    response = staff.post(
        reverse("admin:catalog_category_delete", args=[food.pk]), {"post": "yes"}, follow=True
    )

    assert Category.objects.filter(pk=food.pk).exists()
    assert messages_of(response) == ["The category is still used by a product."]


def test_unused_category_is_deleted_through_the_service(staff, django_capture_on_commit_callbacks):
    spare = Category.objects.create(name="Spare", slug="spare")
    before = catalog_version()

    with django_capture_on_commit_callbacks(execute=True):
        staff.post(reverse("admin:catalog_category_delete", args=[spare.pk]), {"post": "yes"})

    assert not Category.objects.filter(pk=spare.pk).exists()
    assert catalog_version() != before


def test_bulk_category_delete_reports_the_ones_in_use(staff):
    food = Category.objects.get(slug="food")
    ProductFactory(category=food)
    spare = Category.objects.create(name="Spare", slug="spare")

    response = staff.post(
        reverse("admin:catalog_category_changelist"),
        {"action": "delete_selected", "_selected_action": [food.pk, spare.pk], "post": "yes"},
        follow=True,
    )

    assert list(Category.objects.filter(pk__in=[food.pk, spare.pk])) == [food]
    assert messages_of(response) == [
        "1 category deleted.",
        f"1 category refused: {food}: The category is still used by a product.",
    ]
    # The admin's history records only the deletion that happened.
    deletions = LogEntry.objects.filter(action_flag=DELETION)
    assert list(deletions.values_list("object_id", flat=True)) == [str(spare.pk)]


def test_category_added_in_the_admin_invalidates_the_catalog(
    staff, django_capture_on_commit_callbacks
):
    url = reverse("admin:catalog_category_add")
    before = catalog_version()

    with django_capture_on_commit_callbacks(execute=True):
        staff.post(url, form_data(staff.get(url), name="Aquaria", slug="aquaria"))

    assert Category.objects.filter(slug="aquaria").exists()
    assert catalog_version() != before


def test_pet_type_saved_and_in_use_one_refused_on_delete(staff, django_capture_on_commit_callbacks):
    dog = PetType.objects.get(slug="dog")
    ProductFactory(pet_type=dog)
    url = reverse("admin:catalog_pettype_change", args=[dog.pk])
    before = catalog_version()

    with django_capture_on_commit_callbacks(execute=True):
        saved = staff.post(url, form_data(staff.get(url), name="Dogs"), follow=True)
    response = staff.post(
        reverse("admin:catalog_pettype_delete", args=[dog.pk]), {"post": "yes"}, follow=True
    )

    dog.refresh_from_db()
    assert dog.name == "Dogs"
    assert "was changed successfully" in messages_of(saved)[0]
    assert catalog_version() != before
    assert messages_of(response) == ["The pet type is still used by a product."]
