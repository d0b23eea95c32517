"""Address book (API.md U11, U12): /users/{id}/addresses/, self or admin. The user is
looked up as U2 does (anyone else's id is a 404 to a customer), then the address among
that user's own, so another user's address id is a 404 too."""

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.viewsets import GenericViewSet

from accounts.addresses import address_create, address_delete, address_update
from accounts.models import Address, User
from petshop.core.api.converters import ID
from petshop.core.api.mixins import validated
from petshop.core.api.schema import error_responses


class AddressSerializer(serializers.ModelSerializer):
    """Input and output; `is_default` true makes it the default (one per user)."""

    class Meta:
        model = Address
        fields = [
            "id",
            "label",
            "name",
            "line1",
            "line2",
            "city",
            "postal_code",
            "region",
            "country",
            "phone",
            "is_default",
        ]
        read_only_fields = ["id"]


@extend_schema_view(
    list=extend_schema(
        responses={200: AddressSerializer(many=True), **error_responses(400, 401, 404)},
        description="The user's saved addresses, the default first.",
    ),
    retrieve=extend_schema(responses={200: AddressSerializer, **error_responses(401, 404)}),
    create=extend_schema(
        request=AddressSerializer,
        responses={201: AddressSerializer, **error_responses(400, 401, 404, 409)},
        description="Save an address (the first one is the default). 409 "
        "`address_book_full` past 20.",
    ),
    partial_update=extend_schema(
        request=AddressSerializer,
        responses={200: AddressSerializer, **error_responses(400, 401, 404)},
        description="Placed orders keep their own copy: they do not change.",
    ),
    destroy=extend_schema(
        responses={204: None, **error_responses(401, 404)},
        description="Placed orders keep their own copy; a deleted default passes to the "
        "oldest remaining address.",
    ),
)
class AddressViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, GenericViewSet):
    serializer_class = AddressSerializer
    permission_classes = [IsAuthenticated]
    queryset = Address.objects.none()  # the model, for the schema; get_queryset() scopes
    lookup_value_converter = ID
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]

    def owner(self) -> User:
        user = self.request.user
        users = User.objects.all() if user.is_shop_admin else User.objects.filter(pk=user.pk)
        return get_object_or_404(users, pk=self.kwargs["user_id"])

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Address.objects.none()
        return Address.objects.filter(user=self.owner()).order_by("-is_default", "id")

    def create(self, request, user_id=None):
        data = validated(AddressSerializer, request.data)
        address = address_create(user=self.owner(), **data)
        return Response(AddressSerializer(address).data, status=status.HTTP_201_CREATED)

    def partial_update(self, request, user_id=None, pk=None):
        address = self.get_object()
        data = validated(AddressSerializer, request.data, instance=address, partial=True)
        address = address_update(address=address, **data)
        return Response(AddressSerializer(address).data)

    def destroy(self, request, user_id=None, pk=None):
        address_delete(address=self.get_object())
        return Response(status=status.HTTP_204_NO_CONTENT)
