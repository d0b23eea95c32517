"""Build the demo shop from `petshop.demo.data`, through the same services every other
face uses, so the demo data obeys every rule (stock, numbering, state machines).

Idempotent: users and products are found by username and sku; the demo orders and
returns are made only when the demo customers have no orders yet.

It never takes over a real shop: a user it finds but did not create (no `DemoUser`
marker) keeps its password, roles and data; no order is placed for anyone but the
users the demo created, and the overdue sweep touches only the demo's own invoices.
"""

import io
from dataclasses import dataclass, field
from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from accounts.addresses import address_create
from accounts.models import Address, Role, User
from accounts.services import user_register, user_role_add, user_set_password
from catalog.models import Category, PetType, Product
from catalog.photos import product_image_add
from catalog.services import product_create
from petshop.demo import data
from petshop.demo.photos import packshot_jpeg
from petshop.models import DemoUser
from returns.services import return_request, return_set_status
from sales.models import (
    ORDER_CHAIN,
    Invoice,
    InvoiceStatus,
    Order,
    OrderStatus,
    ShippingMethod,
    TaxRate,
)
from sales.services import (
    invoice_set_status,
    order_cancel,
    order_place,
    order_set_status,
)


@dataclass
class SeedReport:
    users_created: int = 0
    products_created: int = 0
    photos_created: int = 0
    orders_created: int = 0
    returns_created: int = 0
    overdue_marked: int = 0
    credentials: list[tuple[str, str, str]] = field(default_factory=list)
    # Demo usernames (or their emails) held by users the demo did not create.
    users_left_alone: list[str] = field(default_factory=list)


@transaction.atomic
def demo_shop_build() -> SeedReport:
    report = SeedReport()
    users = _users(report)
    _products(report, created_by=users.get("admin"))
    _photos(report)
    if report.users_left_alone:
        # The demo orders belong to the demo users; with one of them taken by a real
        # user there is nobody to place them for, and nobody else's data is touched.
        return report
    standard = _shipping_tax_and_addresses(users)
    _orders_and_returns(report, users, shipping_method=standard)
    report.overdue_marked = _mark_demo_invoices_overdue()
    return report


def _users(report: SeedReport) -> dict[str, User]:
    users = {}
    for username, email, first, last, password, is_admin in data.USERS:
        user = (
            User.objects.filter(username__iexact=username).first()
            or User.objects.filter(email__iexact=email).first()
        )
        if user is not None and not DemoUser.objects.filter(user=user).exists():
            report.users_left_alone.append(username)
            continue
        if user is None:
            user = user_register(
                username=username, email=email, password=password, first_name=first, last_name=last
            )
            DemoUser.objects.create(user=user)
            report.users_created += 1
        elif not user.check_password(password):
            # The printed credentials must work, even after someone changed them.
            user_set_password(user=user, new_password=password, check_current=False)
        if is_admin and not user.has_role(Role.ADMIN):
            user = user_role_add(user=user, role=Role.ADMIN)
        users[username] = user
        report.credentials.append((username, password, ", ".join(user.roles)))
    return users


def _products(report: SeedReport, *, created_by: User) -> None:
    pet_types = {p.slug: p for p in PetType.objects.all()}
    categories = {c.slug: c for c in Category.objects.all()}
    existing = set(
        Product.objects.filter(sku__in=[row[0] for row in data.PRODUCTS]).values_list(
            "sku", flat=True
        )
    )
    # Created from each pet's last product to its first, so the newest products (the
    # home page's "new in the shop") are a mix of every pet rather than one pet's.
    in_order = sorted(data.PRODUCTS, key=lambda row: -int(row[0].rsplit("-", 1)[1]))
    for sku, name, pet, category, brand, price, stock, weight, description in in_order:
        if sku in existing:
            continue
        product_create(
            created_by=created_by,
            sku=sku,
            name=name,
            pet_type=pet_types[pet],
            category=categories[category],
            brand=brand,
            price=price,
            stock=stock,
            weight_kg=weight,
            description=description,
            internal_cost=(price * 6 / 10).quantize(price),
            supplier_info=f"{brand} Ltd, trade account",
        )
        report.products_created += 1


def _shipping_tax_and_addresses(users: dict[str, User]) -> ShippingMethod:
    """Two shipping methods, a shop tax rate (and food's own), one saved address per
    demo customer; only what is missing, so staff's later changes are kept."""
    for name, price, free_above, days, position in data.SHIPPING_METHODS:
        ShippingMethod.objects.get_or_create(
            name=name,
            defaults={
                "price": price,
                "free_above": free_above,
                "estimated_days": days,
                "position": position,
            },
        )
    TaxRate.objects.get_or_create(category=None, defaults={"rate": data.SHOP_TAX_RATE})
    for slug, rate in data.CATEGORY_TAX_RATES.items():
        category = Category.objects.filter(slug=slug).first()
        if category is not None:
            TaxRate.objects.get_or_create(category=category, defaults={"rate": rate})
    for username, row in data.SAVED_ADDRESSES.items():
        user = users[username]
        if not Address.objects.filter(user=user).exists():
            label, name, line1, line2, city, postal_code, region, country = row
            address_create(
                user=user,
                label=label,
                name=name,
                line1=line1,
                line2=line2,
                city=city,
                postal_code=postal_code,
                region=region,
                country=country,
            )
    return ShippingMethod.objects.active().order_by("position", "id").first()


def _photos(report: SeedReport) -> None:
    """A drawn packshot for every demo product without a photo, added through the same
    service as an upload (checked, re-encoded, renditions queued for the worker)."""
    rows = {row[0]: row for row in data.PRODUCTS}
    bare = Product.objects.filter(sku__in=rows, images__isnull=True).order_by("pk")
    for product in bare:
        sku, name, _pet, category, brand = rows[product.sku][:5]
        product_image_add(
            product=product,
            file=io.BytesIO(packshot_jpeg(sku=sku, category=category, brand=brand)),
            alt=name,
        )
        report.photos_created += 1


def _orders_and_returns(
    report: SeedReport, users: dict[str, User], *, shipping_method: ShippingMethod | None
) -> None:
    customers = [users[u] for u, *_rest, is_admin in data.USERS if not is_admin]
    if Order.objects.filter(user__in=customers).exists():
        return
    staff = users["admin"]
    products = {p.sku: p for p in Product.objects.filter(sku__startswith="DEMO-")}
    orders = []
    for username, lines, status, days_ago, invoice_status in data.ORDERS:
        user = users[username]
        order, _ = order_place(
            user=user,
            shipping_address=data.ADDRESSES[username],
            shipping_method=shipping_method.pk if shipping_method else None,
            items=[{"product_id": products[sku].pk, "quantity": qty} for sku, qty in lines],
        )
        if invoice_status == "paid":
            invoice_set_status(
                invoice=order.live_invoice,
                status="paid",
                payment_reference=f"DEMO-PAY-{order.pk:04d}",
                by=staff,
            )
        if status == OrderStatus.CANCELLED:
            order = order_cancel(order=order, by=user)
        else:
            # One step at a time along the chain, so the history reads like a real order's.
            for step in ORDER_CHAIN[1 : ORDER_CHAIN.index(status) + 1]:
                order = order_set_status(order=order, status=step, by=staff)
        _backdate(order, days_ago)
        orders.append(order)
        report.orders_created += 1

    for index, lines, status, note in data.RETURNS:
        order = Order.objects.get(pk=orders[index].pk)
        by_sku = {line.sku: line for line in order.lines.all()}
        ret = return_request(
            order=order,
            items=[
                {"product_id": by_sku[sku].product_id, "quantity": qty, "reason": reason}
                for sku, qty, reason in lines
            ],
        )
        if status in ("approved", "processed", "rejected"):
            first = "rejected" if status == "rejected" else "approved"
            ret = return_set_status(return_request=ret, status=first, admin_notes=note, by=staff)
        if status == "processed":
            ret = return_set_status(return_request=ret, status="processed", by=staff)
        report.returns_created += 1


def _mark_demo_invoices_overdue() -> int:
    """The daily overdue sweep, limited to the demo users' invoices (a real shop's
    invoices are the daily job's business, not the demo's)."""
    today = timezone.localdate()
    late = Invoice.objects.filter(
        order__user__demo_marker__isnull=False, status=InvoiceStatus.PENDING, due_date__lt=today
    )
    for invoice in late:
        invoice_set_status(invoice=invoice, status=InvoiceStatus.OVERDUE)
    return len(late)


def _backdate(order: Order, days_ago: int) -> None:
    """Spread the demo orders over the past weeks (so the sales overview has a history
    and one unpaid invoice is past due). Only timestamps move: every status was set by
    the services above. Each recorded step happens a day after the one before."""
    placed = timezone.now() - timedelta(days=days_ago, hours=2)
    Order.objects.filter(pk=order.pk).update(created_at=placed)
    last = placed
    for step, change in enumerate(order.history.order_by("at", "id")):
        last = min(placed + timedelta(days=step), timezone.now())
        type(change).objects.filter(pk=change.pk).update(at=last)
    if order.status == OrderStatus.DELIVERED:
        Order.objects.filter(pk=order.pk).update(delivered_at=last)
    for invoice in Invoice.objects.filter(order=order):
        Invoice.objects.filter(pk=invoice.pk).update(
            issued_at=placed,
            due_date=Invoice.default_due_date(timezone.localdate(placed)),
            paid_at=placed + timedelta(hours=1) if invoice.paid_at else None,
        )
