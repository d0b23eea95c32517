"""DRF's value formats for the plain-dict representations (catalog, sales and returns
`api/representations.py`), which must render byte for byte what the serializers do."""

from decimal import Context, Decimal


def decimal_text(value: Decimal, places: Decimal, context: Context | None = None) -> str:
    """As DRF's DecimalField with COERCE_DECIMAL_TO_STRING: quantized to `places` (within
    the field's max_digits when `context` says so), never in exponent form."""
    return f"{value.quantize(places, context=context):f}"


def moment(value, zone) -> str | None:
    """As DRF's DateTimeField in ISO 8601: in the current time zone, UTC written "Z"."""
    if not value:
        return None
    text = value.astimezone(zone).isoformat()
    return text[:-6] + "Z" if text.endswith("+00:00") else text
