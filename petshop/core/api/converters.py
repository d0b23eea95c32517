"""The `<id:...>` path converter for object ids in API paths.

Django's `int` matches any number of digits, and a 30-digit id then reaches the
database (an OverflowError on SQLite, an out-of-range error on PostgreSQL: a 500).
Ids are 64-bit, so at most 18 digits are matched here; anything longer is simply no
URL, a 404. The schema shows it as an integer (SPECTACULAR_SETTINGS
PATH_CONVERTER_OVERRIDES).

Use it in a viewset with ``lookup_value_converter = ID`` (and a router made with
``use_regex_path=False``), or in a path as ``<id:product_id>``.
"""

from django.urls import register_converter
from django.urls.converters import IntConverter

ID = "id"


class IdConverter(IntConverter):
    regex = "[0-9]{1,18}"


register_converter(IdConverter, ID)
