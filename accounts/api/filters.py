from django_filters import rest_framework as filters

from accounts.models import Role, User
from petshop.core.api.filters import StrictBooleanFilter, search_fields


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
        return search_fields(queryset, value, ("username", "email", "first_name", "last_name"))
