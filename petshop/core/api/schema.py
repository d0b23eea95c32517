"""OpenAPI pieces every API module shares: the error shapes of API.md and a helper that
declares them on an endpoint, so a generated client (and schemathesis) knows them.

    @extend_schema(responses={200: OrderSerializer, **error_responses(400, 401, 404, 409)})
"""

from drf_spectacular.utils import OpenApiParameter, OpenApiResponse
from rest_framework import serializers


class ErrorSerializer(serializers.Serializer):
    """`{"detail": "..."}` (401, 403, 404, 405, 429, 503), with a `code` where one applies."""

    detail = serializers.CharField()
    code = serializers.CharField(required=False)


class ValidationErrorSerializer(serializers.Serializer):
    """400: DRF's `{"field": ["message", ...]}`, or `{"detail", "code", ...}` for input a
    service refuses. Every property is optional: the object names the fields at fault."""

    detail = serializers.CharField(required=False)
    code = serializers.CharField(required=False)
    non_field_errors = serializers.ListField(child=serializers.CharField(), required=False)


class ShortLineSerializer(serializers.Serializer):
    product_id = serializers.IntegerField()
    requested = serializers.IntegerField()
    available = serializers.IntegerField(required=False)
    returnable = serializers.IntegerField(required=False)


class ConflictErrorSerializer(serializers.Serializer):
    """409: `{"detail", "code", ...extra}`; `code` is part of the contract (API.md)."""

    detail = serializers.CharField()
    code = serializers.CharField()
    items = ShortLineSerializer(many=True, required=False)
    from_status = serializers.CharField(required=False)
    to_status = serializers.CharField(required=False)
    product_ids = serializers.ListField(child=serializers.IntegerField(), required=False)


_ERRORS = {
    400: OpenApiResponse(ValidationErrorSerializer, description="Invalid input."),
    401: OpenApiResponse(ErrorSerializer, description="No or bad credentials."),
    403: OpenApiResponse(ErrorSerializer, description="Authenticated but not allowed."),
    404: OpenApiResponse(ErrorSerializer, description="Not found, or another customer's."),
    409: OpenApiResponse(ConflictErrorSerializer, description="Conflicts with the current state."),
    429: OpenApiResponse(ErrorSerializer, description="Throttled; see Retry-After."),
}


def error_responses(*statuses: int) -> dict[int, OpenApiResponse]:
    """The documented error responses for `statuses` (each one of 400, 401, 403, 404, 409, 429)."""
    return {status: _ERRORS[status] for status in statuses}


IDEMPOTENCY_KEY = OpenApiParameter(
    name="Idempotency-Key",
    type={"type": "string", "maxLength": 255},  # CheckoutKey.key; empty means none
    location=OpenApiParameter.HEADER,
    required=False,
    description=(
        "Any unique string (a UUID). The same key from the same user within 24 hours returns "
        "the first order and changes nothing; reused with a different body → 409 "
        "idempotency_key_reused."
    ),
)


def document_invalid_page(result, generator, request, public):
    """drf-spectacular postprocessing hook: every paginated list answers 404 for a page
    that is not a positive number or lies past the end (`?page=0`, `?page=abc`, DRF's
    pagination), so each one documents that 404, whoever wrote the view."""
    error = {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}
    for operations in result.get("paths", {}).values():
        for operation in operations.values():
            if not isinstance(operation, dict):
                continue
            parameters = operation.get("parameters", [])
            if any(p.get("in") == "query" and p.get("name") == "page" for p in parameters):
                operation.setdefault("responses", {}).setdefault(
                    "404", {"description": "No such page.", "content": error}
                )
    return result
