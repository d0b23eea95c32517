"""One adapter from a service's refusal to the errors of a form or a serializer.

A service says no with a DomainError (its `field` extra, if any, names the input at
fault) or a model ValidationError (from full_clean). The rule lives in the service and
the database; forms and serializers never restate it, they call the service and show
its refusal through these functions, beside the field it names.
"""

from contextlib import contextmanager

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from rest_framework import serializers
from rest_framework.settings import api_settings

from petshop.core.exceptions import DomainError, InvalidInput


def refusal_errors(exc: Exception) -> dict[str, list[str]]:
    """{field name or NON_FIELD_ERRORS: [messages]} of a service's refusal."""
    if isinstance(exc, DomainError):
        return {exc.extra.get("field") or NON_FIELD_ERRORS: [exc.detail]}
    if isinstance(exc, ValidationError):
        if hasattr(exc, "error_dict"):
            return {field: list(messages) for field, messages in exc.message_dict.items()}
        return {NON_FIELD_ERRORS: list(exc.messages)}
    raise TypeError(f"Not a service refusal: {exc!r}")


def refusal_text(exc: Exception) -> str:
    """The whole refusal as one line (for a message)."""
    if isinstance(exc, DomainError):
        return exc.detail
    return "; ".join(
        " ".join(messages) if field == NON_FIELD_ERRORS else f"{field}: {' '.join(messages)}"
        for field, messages in refusal_errors(exc).items()
    )


def add_refusal_to_form(form, exc: Exception) -> None:
    """Show a refusal on `form`: beside the field it names if the form has that field,
    else above the form. The form is then invalid."""
    for field, messages in refusal_errors(exc).items():
        form.add_error(field if field in form.fields else None, messages)


@contextmanager
def refusals_as_field_errors():
    """Around an API view's service call: an InvalidInput (a taken username, sku or
    slug, a wrong current password) becomes DRF's 400 field shape `{"field": ["message"]}`
    (`non_field_errors` if it names no field), like a serializer's own errors. Other
    domain errors pass through to the API's `{detail, code}` handler."""
    try:
        yield
    except InvalidInput as exc:
        errors = refusal_errors(exc)
        if exc.extra.get("messages"):  # several messages about one field (passwords)
            errors = {field: list(exc.extra["messages"]) for field in errors}
        raise serializers.ValidationError(
            {
                (api_settings.NON_FIELD_ERRORS_KEY if field == NON_FIELD_ERRORS else field): msgs
                for field, msgs in errors.items()
            }
        ) from exc
