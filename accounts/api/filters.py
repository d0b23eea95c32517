from django.db.models import Q
from django_filters import rest_framework as filters

from accounts.models import Role, User
from petshop.api.filters import StrictBooleanFilter


class UserFilter(filters.FilterSet):
    """U1: `?role=admin|customer`, `?search=` (username, email, names), `?is_active=`."""

    role = filters.ChoiceFilter(choices=Role.choices, method="filter_role")
    search = filters.CharFilter(method="filter_search", max_length=100)
    is_active = StrictBooleanFilter()

    class Meta:
        model = User
        fields = ["role", "search", "is_active"]

    def filter_role(self, queryset, name, value):
        # Roles are flags (accounts.models.User): admin is is_staff, customer is is_customer.
        if value == Role.ADMIN:
            return queryset.filter(is_staff=True)
        return queryset.filter(is_customer=True)

    def filter_search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(username__icontains=value)
            | Q(email__icontains=value)
            | Q(first_name__icontains=value)
            | Q(last_name__icontains=value)
        )
