import django_filters

from returns.models import Return, ReturnStatus
from sales.api.filters import IdFilter


class ReturnFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=ReturnStatus.choices)
    order = IdFilter(field_name="order_id", help_text="Returns of this order.")

    class Meta:
        model = Return
        fields = ["status", "order"]
