"""Every admin page, for every registered model: it loads for staff, and a customer (or
a visitor) never gets its content, only the admin login.

The URL list is generated from the admin registry, so a model registered later is
covered without touching this file."""

import pytest
from django.contrib import admin
from django.contrib.auth.models import Group
from django.test import Client, RequestFactory
from django.urls import reverse
from django_tasks import task

from accounts.tests.factories import AdminFactory, UserFactory
from returns.tests.factories import request_return
from sales.models import OrderStatus
from sales.services import cart_add, cart_for_user
from sales.tests.factories import order_in_status, place_order

REGISTRY = sorted(admin.site._registry.items(), key=lambda item: item[0]._meta.label)
MODEL_PAGES = ["changelist", "search", "add", "change", "history", "delete"]
SITE_PAGES = [
    ("admin:index", False),
    ("admin:sales_overview", False),
    ("admin:sales_invoice_print", True),
    ("admin:auth_user_password_change", True),
    *[("admin:app_list", label) for label in sorted({m._meta.app_label for m, _ in REGISTRY})],
]


@task()
def noop_task():
    """A queued task, so the task queue's admin pages have a row to show."""


@pytest.fixture
def shop(db):
    """At least one object of every registered model."""
    from rest_framework_simplejwt.tokens import RefreshToken

    customer = UserFactory()
    delivered = order_in_status(OrderStatus.DELIVERED, user=customer)
    request_return(order=delivered)
    order_in_status(OrderStatus.CANCELLED, user=customer)
    place_order(user=customer)
    cart_add(
        cart=cart_for_user(user=customer), product_id=delivered.lines.get().product_id, quantity=1
    )
    from catalog.photos import product_image_add
    from catalog.tests.photo_files import image_bytes, upload

    product_image_add(
        product=delivered.lines.get().product, file=upload(image_bytes(size=(64, 48)))
    )
    from sales.models import CheckoutKey

    CheckoutKey.objects.create(user=customer, key="k-1", fingerprint="f", order=delivered)
    from accounts.addresses import address_create
    from sales.models import ShippingMethod, TaxRate

    address_create(
        user=customer, name="Ann", line1="1 Main St", city="X", postal_code="1", country="Y"
    )
    ShippingMethod.objects.create(name="Standard", price="4.90", free_above="50.00")
    TaxRate.objects.create(rate="20.00")
    Group.objects.create(name="Packers")
    token = RefreshToken.for_user(customer)
    token.blacklist()
    noop_task.enqueue()
    from notifications.services import email_queue

    email_queue(
        to=[customer.email],
        subject="Hello",
        template="test_message",
        context={"name": customer.username},
        event="test",
        related=customer,
    )
    from catalog.models import FacetCell, SearchWord

    # SQLite: no trigger keeps the facet cube or the search vocabulary there.
    if not FacetCell.objects.exists():
        FacetCell.objects.create(
            pet_type_id=1, category_id=1, brand="Acme", band=0, in_stock=True, is_active=True
        )
    if not SearchWord.objects.exists():
        SearchWord.objects.create(word="acme", products=1)
    return customer


def model_urls(model) -> list[tuple[str, str]]:
    """(page, url) for one model; objects exist thanks to the `shop` fixture."""
    opts = model._meta
    base = f"admin:{opts.app_label}_{opts.model_name}"
    obj = model._default_manager.order_by("pk").first()
    assert obj is not None, f"the shop fixture makes no {opts.label}"
    return [
        ("changelist", reverse(f"{base}_changelist")),
        ("search", reverse(f"{base}_changelist") + "?q=1"),
        ("add", reverse(f"{base}_add")),
        ("change", reverse(f"{base}_change", args=[obj.pk])),
        ("history", reverse(f"{base}_history", args=[obj.pk])),
        ("delete", reverse(f"{base}_delete", args=[obj.pk])),
    ]


def action_urls(model, model_admin) -> list[str]:
    """The per-object action endpoint (buttons on the change page), where there is one."""
    if not getattr(model_admin, "change_actions", ()):
        return []
    obj = model._default_manager.order_by("pk").first()
    return [reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_act", args=[obj.pk])]


def site_url(name, arg) -> str:
    from accounts.models import User
    from sales.models import Invoice

    if name == "admin:sales_invoice_print":
        return reverse(name, args=[Invoice.objects.first().pk])
    if name == "admin:auth_user_password_change":
        return reverse(name, args=[User.objects.first().pk])
    if name == "admin:app_list":
        return reverse(name, kwargs={"app_label": arg})
    return reverse(name)


@pytest.fixture
def staff(db):
    client = Client()
    client.force_login(AdminFactory())
    return client


@pytest.mark.parametrize(
    ("model", "model_admin"), REGISTRY, ids=[m._meta.label for m, _ in REGISTRY]
)
def test_every_admin_page_of_every_model_loads_for_staff(shop, staff, model, model_admin):
    request = RequestFactory().get("/")
    request.user = AdminFactory()
    obj = model._default_manager.order_by("pk").first()
    for page, url in model_urls(model):
        response = staff.get(url)
        if page == "add" and not model_admin.has_add_permission(request):
            expected = 403
        elif page == "delete" and not model_admin.has_delete_permission(request, obj):
            expected = 403
        else:
            expected = 200
        assert response.status_code == expected, (page, url)


@pytest.mark.parametrize(("name", "arg"), SITE_PAGES, ids=[f"{n}:{a}" for n, a in SITE_PAGES])
def test_site_pages_load_for_staff(shop, staff, name, arg):
    assert staff.get(site_url(name, arg)).status_code == 200


def _every_admin_url() -> list[str]:
    urls = [site_url(name, arg) for name, arg in SITE_PAGES]
    for model, model_admin in REGISTRY:
        urls += [url for _, url in model_urls(model)]
        urls += action_urls(model, model_admin)
    return urls


@pytest.mark.parametrize("who", ["customer", "visitor", "inactive admin"])
def test_no_admin_page_shows_anything_but_the_login_without_the_admin_role(shop, who):
    client = Client()
    if who == "customer":
        client.force_login(shop)
    elif who == "inactive admin":
        client.force_login(AdminFactory(is_active=False))
    login = reverse("admin:login")
    urls = _every_admin_url()
    assert len(urls) > 60
    for url in urls:
        for method in (client.get, client.post):
            response = method(url)
            assert response.status_code == 302, (method.__name__, url)
            assert response["Location"].startswith(f"{login}?next="), url


def test_admin_actions_are_refused_to_a_customer(shop):
    from sales.models import Order

    order = Order.objects.filter(status=OrderStatus.PENDING).first()
    client = Client()
    client.force_login(shop)

    client.post(
        reverse("admin:sales_order_changelist"),
        {"action": "cancel", "_selected_action": [order.pk]},
    )

    order.refresh_from_db()
    assert order.status == OrderStatus.PENDING


def test_the_login_page_shows_a_customer_nothing_of_the_shop(shop):
    client = Client()
    client.force_login(shop)

    body = client.get(reverse("admin:login")).content.decode()

    assert "not authorized to access this page" in body
    assert "Sales overview" not in body and "Orders" not in body


def test_every_model_is_registered():
    from django.apps import apps

    ours = {"accounts", "catalog", "sales", "returns", "notifications"}
    models = {m for m in apps.get_models() if m._meta.app_label in ours}
    assert models - set(admin.site._registry) == set()
