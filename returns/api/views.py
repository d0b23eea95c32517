"""Returns API (API.md: Returns R1–R6). Thin: a serializer parses, a service decides."""

from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound
from rest_framework.response import Response

from petshop.core.api.converters import ID
from petshop.core.api.mixins import AdminActionsMixin, validated
from petshop.core.api.own_reads import OwnReadsMixin
from petshop.core.api.schema import error_responses
from returns.api.filters import ReturnFilter
from returns.api.representations import return_document, return_documents
from returns.api.serializers import (
    ReturnCreateSerializer,
    ReturnSerializer,
    ReturnStatusSerializer,
    ReturnUpdateSerializer,
)
from returns.models import Return
from returns.services import return_delete, return_request, return_set_status, return_update
from sales.models import Order

ADMIN_ONLY = error_responses(401, 403)


@extend_schema_view(
    list=extend_schema(
        responses={200: ReturnSerializer(many=True), **error_responses(400, 401, 404)},
        description="Own returns (admins: everyone's).",
    ),
    retrieve=extend_schema(responses={200: ReturnSerializer, **error_responses(401, 404)}),
)
class ReturnViewSet(
    OwnReadsMixin,
    AdminActionsMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet,
):
    queryset = Return.objects.none()  # the model, for the schema; get_queryset() scopes
    serializer_class = ReturnSerializer
    filterset_class = ReturnFilter
    admin_actions = frozenset({"partial_update", "set_status"})
    lookup_value_converter = ID
    documents = staticmethod(return_documents)
    document = staticmethod(return_document)

    def get_queryset(self):
        return Return.objects.for_user(self.request.user).with_details()

    def _render(self, ret: Return, code=status.HTTP_200_OK) -> Response:
        ret = Return.objects.with_details().get(pk=ret.pk)
        return Response(return_document(ret), status=code)

    @extend_schema(
        request=ReturnCreateSerializer,
        responses={201: ReturnSerializer, **error_responses(400, 401, 404, 409)},
        description=(
            "Request a return of a delivered order's products. The order must be the "
            "caller's (admins: any), else 404. 409 `order_not_delivered`, "
            "`return_window_closed`, `return_quantity_exceeded`; a product not in the "
            "order or listed twice → 400."
        ),
    )
    def create(self, request):
        data = validated(ReturnCreateSerializer, request.data)
        order = Order.objects.for_user(request.user).filter(pk=data["order_id"]).first()
        if order is None:
            raise NotFound("No such order.")
        ret = return_request(order=order, items=data["items"])
        return self._render(ret, status.HTTP_201_CREATED)

    @extend_schema(
        request=ReturnUpdateSerializer,
        responses={200: ReturnSerializer, **ADMIN_ONLY, **error_responses(400, 404, 409)},
        description="Staff edit a return while it is requested (same rules as a request); "
        "`refund_shipping` also refunds the order's shipping (409 `shipping_already_refunded` "
        "when another return of the order does).",
    )
    def partial_update(self, request, pk=None):
        data = validated(ReturnUpdateSerializer, request.data)
        return self._render(return_update(return_request=self.get_object(), **data))

    @extend_schema(
        request=ReturnStatusSerializer,
        responses={200: ReturnSerializer, **ADMIN_ONLY, **error_responses(400, 404, 409)},
        description="requested→approved|rejected, approved→processed (restock and refund: "
        "the units' price and tax paid, plus shipping with `refund_shipping`); others 409 "
        "`invalid_transition`; shipping already refunded by another return → 409 "
        "`shipping_already_refunded`.",
    )
    @action(detail=True, methods=["patch"], url_path="status")
    def set_status(self, request, pk=None):
        data = validated(ReturnStatusSerializer, request.data)
        return self._render(
            return_set_status(return_request=self.get_object(), by=request.user, **data)
        )

    @extend_schema(
        responses={204: None, **error_responses(401, 404, 409)},
        description="The owner withdraws a requested return; staff delete a requested or rejected one.",
    )
    def destroy(self, request, pk=None):
        return_delete(return_request=self.get_object(), by=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)
