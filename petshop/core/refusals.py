"""One adapter from a service's refusal to the errors of a form or a serializer.

A service says no with a DomainError (its `field` extra, if any, names the input at
fault) or a model ValidationError (from full_clean). The rule lives in the service and
the database; forms and serializers never restate it, they call the service and show
its refusal through these functions, beside the field it names.
"""

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError

from petshop.core.exceptions import DomainError


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


def refusal_as_serializer_error(exc: Exception):
    """The DRF ValidationError (400 `{field: [messages]}`) for a refusal, to raise from
    a serializer's validate(); NON_FIELD_ERRORS becomes DRF's non_field_errors key."""
    from rest_framework import serializers
    from rest_framework.settings import api_settings

    return serializers.ValidationError(
        {
            (api_settings.NON_FIELD_ERRORS_KEY if field == NON_FIELD_ERRORS else field): messages
            for field, messages in refusal_errors(exc).items()
        }
    )
