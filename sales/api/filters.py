"""Query parameters of the sales lists (API.md K7, O1, I1). `user` only narrows what the
caller may already see: a customer's querysets are scoped to them before filtering."""

import django_filters
from django import forms
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field

from sales.models import Cart, Invoice, InvoiceStatus, Order, OrderStatus

MAX_ID = 2**63 - 1


@extend_schema_field(OpenApiTypes.INT)
class IdFilter(django_filters.NumberFilter):
    """An integer id; a fraction or an out-of-range number is a 400, not a database error."""

    field_class = forms.IntegerField

    def __init__(self, **kwargs):
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", MAX_ID)
        super().__init__(**kwargs)


def UserIdFilter(field_name: str) -> IdFilter:
    return IdFilter(field_name=field_name, help_text="Admins: only this user's objects.")


class CartFilter(django_filters.FilterSet):
    user = UserIdFilter(field_name="user_id")

    class Meta:
        model = Cart
        fields = ["user"]


class OrderFilter(django_filters.FilterSet):
    user = UserIdFilter(field_name="user_id")
    status = django_filters.ChoiceFilter(choices=OrderStatus.choices)
    created_after = django_filters.DateFilter(
        field_name="created_at",
        lookup_expr="date__gte",
        help_text="Placed on or after (YYYY-MM-DD).",
    )
    created_before = django_filters.DateFilter(
        field_name="created_at",
        lookup_expr="date__lte",
        help_text="Placed on or before (YYYY-MM-DD).",
    )

    class Meta:
        model = Order
        fields = ["user", "status", "created_after", "created_before"]


class InvoiceFilter(django_filters.FilterSet):
    user = UserIdFilter(field_name="order__user_id")
    status = django_filters.ChoiceFilter(choices=InvoiceStatus.choices)
    overdue = django_filters.ChoiceFilter(
        choices=[("true", "true"), ("false", "false")],
        method="filter_overdue",
        help_text="true: unpaid and past the due date; false: the others.",
    )

    class Meta:
        model = Invoice
        fields = ["user", "status", "overdue"]

    def filter_overdue(self, queryset, name, value):
        overdue = Invoice.objects.overdue().values("pk")
        return (
            queryset.filter(pk__in=overdue) if value == "true" else queryset.exclude(pk__in=overdue)
        )
