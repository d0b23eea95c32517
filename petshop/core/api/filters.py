"""Query-parameter filters shared by the API's lists."""

from functools import reduce
from operator import or_

from django import forms
from django.db.models import Q
from django_filters import rest_framework as filters
from django_filters.widgets import BooleanWidget


class _StrictBooleanWidget(BooleanWidget):
    # django-filter's widget turns anything but true/false/1/0 into "no filter": a list
    # asked for `?in_stock=yes` then silently answered with every row. Hand the unknown
    # value to the field instead, which refuses it.
    def value_from_datadict(self, data, files, name):
        raw = data.get(name)
        value = super().value_from_datadict(data, files, name)
        return raw if value is None and raw not in (None, "") else value


class _StrictNullBooleanField(forms.NullBooleanField):
    def to_python(self, value):
        if value is True or value is False or value is None or value == "":
            return None if value == "" else value
        raise forms.ValidationError("Must be true or false.", code="invalid")


class StrictBooleanFilter(filters.BooleanFilter):
    """`true`/`false` (or `1`/`0`, any case), absent = no filter; any other value is a 400
    on the parameter, as an unknown choice is on every other filter."""

    field_class = _StrictNullBooleanField

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", _StrictBooleanWidget)  # DRF's BooleanFilter sets its own
        super().__init__(*args, **kwargs)


def search_fields(queryset, value: str, fields: tuple[str, ...]):
    """`?search=`: rows where any of `fields` contains `value`, in any case; blank
    searches nothing away."""
    value = value.strip()
    if not value:
        return queryset
    return queryset.filter(reduce(or_, (Q(**{f"{field}__icontains": value}) for field in fields)))
