"""Sales API (API.md: Cart K1–K8, Orders O1–O7, Invoices I1–I6).

Each action parses its input with a serializer, calls one service and renders the
result. Querysets are scoped to the caller, so another customer's object is a 404.
"""

from django.db.models import Exists, OuterRef
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response

from petshop.core.api.converters import ID
from petshop.core.api.mixins import AdminActionsMixin, validated
from petshop.core.api.own_reads import OwnReadsMixin
from petshop.core.api.permissions import IsShopAdmin
from petshop.core.api.schema import IDEMPOTENCY_KEY, error_responses
from sales.api import filters
from sales.api.representations import (
    cart_document,
    carts_with_lines,
    invoice_document,
    invoice_documents,
    order_document,
    order_documents,
    own_cart_document,
    own_cart_rows,
    placed_order_document,
)
from sales.api.serializers import (
    AdminCartSerializer,
    CartLineInputSerializer,
    CartQuantitySerializer,
    CartReplaceSerializer,
    CartSerializer,
    CheckoutSerializer,
    InvoiceCreateSerializer,
    InvoiceSerializer,
    InvoiceStatusSerializer,
    InvoiceUpdateSerializer,
    OrderAddressSerializer,
    OrderSerializer,
    OrderStatusSerializer,
    ShippingMethodSerializer,
)
from sales.models import Cart, CartLine, Invoice, Order, ShippingMethod
from sales.pricing import cart_goods
from sales.services import (
    cart_add,
    cart_clear,
    cart_for_user,
    cart_remove,
    cart_replace,
    cart_set_quantity,
    invoice_delete,
    invoice_issue,
    invoice_set_status,
    invoice_update,
    order_cancel,
    order_delete,
    order_place,
    order_set_status,
    order_update_address,
)

ADMIN_ONLY = error_responses(401, 403)


# --- Cart -----------------------------------------------------------------------------


class CartViewSet(viewsets.GenericViewSet):
    """The caller's own cart (K1–K6); routed by hand in urls.py, it has no id in its path."""

    serializer_class = CartSerializer
    permission_classes = [IsAuthenticated]
    pagination_class = None
    filter_backends = []

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # schema generation: no user
            return Cart.objects.none()
        return carts_with_lines().filter(user=self.request.user)

    def get_object(self):
        # The caller's cart is this view's one object; DRF's OPTIONS metadata asks for it
        # (without this, OPTIONS /cart/ was a 500).
        return get_object_or_404(self.get_queryset())

    def _render(self, code=status.HTTP_200_OK) -> Response:
        cart = carts_with_lines().get(pk=cart_for_user(user=self.request.user).pk)
        return Response(cart_document(cart), status=code)

    @extend_schema(responses={200: CartSerializer, **error_responses(401)})
    def retrieve(self, request):
        rows = own_cart_rows(request.user)
        if not rows:  # an empty cart, or the first visit, which makes it
            return self._render()
        return Response(own_cart_document(rows))

    @extend_schema(
        request=CartReplaceSerializer,
        responses={200: CartSerializer, **error_responses(400, 401, 409)},
        description="Replace the whole cart at once, all or nothing.",
    )
    def update(self, request):
        data = validated(CartReplaceSerializer, request.data)
        cart_replace(cart=cart_for_user(user=request.user), items=data["items"])
        return self._render()

    @extend_schema(responses={204: None, **error_responses(401)})
    def destroy(self, request):
        cart_clear(cart=cart_for_user(user=request.user))
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(
        request=CartLineInputSerializer,
        responses={201: CartSerializer, **error_responses(400, 401, 409)},
        description="Add to the cart, on top of a line already there.",
    )
    def add_item(self, request):
        data = validated(CartLineInputSerializer, request.data)
        cart_add(cart=cart_for_user(user=request.user), **data)
        return self._render(status.HTTP_201_CREATED)

    @extend_schema(
        request=CartQuantitySerializer,
        responses={200: CartSerializer, **error_responses(400, 401, 404, 409)},
        description="Set a line's quantity; 0 removes the line.",
    )
    def set_item(self, request, product_id: int):
        data = validated(CartQuantitySerializer, request.data)
        cart_set_quantity(cart=cart_for_user(user=request.user), product_id=product_id, **data)
        return self._render()

    @extend_schema(responses={204: None, **error_responses(401, 404)})
    def remove_item(self, request, product_id: int):
        cart_remove(cart=cart_for_user(user=request.user), product_id=product_id)
        return Response(status=status.HTTP_204_NO_CONTENT)


@extend_schema_view(
    list=extend_schema(
        responses={200: AdminCartSerializer(many=True), **ADMIN_ONLY, **error_responses(400, 404)},
        description="Every non-empty cart of a user.",
    ),
    retrieve=extend_schema(
        responses={200: AdminCartSerializer, **ADMIN_ONLY, **error_responses(404)}
    ),
)
class AdminCartViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """All users' carts, for staff (K7, K8)."""

    serializer_class = AdminCartSerializer
    permission_classes = [IsShopAdmin]
    filterset_class = filters.CartFilter
    lookup_value_converter = ID

    def get_queryset(self):
        carts = carts_with_lines().filter(user__isnull=False).order_by("-updated_at", "-id")
        if self.action == "list":
            carts = carts.filter(Exists(CartLine.objects.filter(cart=OuterRef("pk"))))
        return carts


# --- Orders ---------------------------------------------------------------------------


@extend_schema_view(
    list=extend_schema(
        responses={200: OrderSerializer(many=True), **error_responses(400, 401, 404)},
        description="Own orders, newest first (admins: everyone's, `?user=`).",
    ),
    retrieve=extend_schema(responses={200: OrderSerializer, **error_responses(401, 404)}),
)
class OrderViewSet(
    OwnReadsMixin,
    AdminActionsMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet,
):
    queryset = Order.objects.none()  # the model, for the schema; get_queryset() scopes
    serializer_class = OrderSerializer
    filterset_class = filters.OrderFilter
    admin_actions = frozenset({"set_status", "destroy"})
    lookup_value_converter = ID
    documents = staticmethod(order_documents)
    document = staticmethod(order_document)

    def get_queryset(self):
        orders = Order.objects.for_user(self.request.user)
        # The reads build their documents from a page's rows (sales.api.representations);
        # the writes hand the services an order with its details.
        return orders if self.action in ("list", "retrieve") else orders.with_details()

    def _render(self, order: Order, code=status.HTTP_200_OK) -> Response:
        # Re-read: the services changed the rows.
        return Response(order_document(Order.objects.get(pk=order.pk)), status=code)

    @extend_schema(
        parameters=[IDEMPOTENCY_KEY],
        request=CheckoutSerializer,
        responses={
            201: OrderSerializer,
            200: OpenApiResponse(
                OrderSerializer, description="A replay of a known Idempotency-Key."
            ),
            **error_responses(400, 401, 404, 409),
        },
        description=(
            "Checkout. Without `items` the cart becomes the order (and is emptied); with "
            '`items` it is a "buy now" order. The address is `shipping_address` or '
            "`address_id` (a saved address of the caller, copied; another user's → 404). "
            "`shipping_method` (an active method's id) is required when the shop has any "
            "(400 on `shipping_method`). Subtotal, shipping, tax (per line, half up) and "
            "total are computed here. 400 `cart_empty`; 409 `insufficient_stock` "
            "(with `items`), `product_unavailable`, `idempotency_key_reused`, "
            "`idempotency_key_order_deleted` (the key's order was deleted since: nothing is "
            "ordered again)."
        ),
    )
    def create(self, request):
        data = validated(CheckoutSerializer, request.data)
        key = request.headers.get("Idempotency-Key") or None
        placed = order_place(user=request.user, idempotency_key=key, **data)
        if placed.created:  # rendered from the rows checkout wrote: nothing read back
            return Response(placed_order_document(placed), status=status.HTTP_201_CREATED)
        return self._render(placed.order)

    @extend_schema(
        request=OrderAddressSerializer,
        responses={200: OrderSerializer, **error_responses(400, 401, 404, 409)},
        description="Change the shipping address: the owner while pending, staff before shipping.",
    )
    def partial_update(self, request, pk=None):
        data = validated(OrderAddressSerializer, request.data)
        order = order_update_address(order=self.get_object(), by=request.user, **data)
        return self._render(order)

    @extend_schema(
        responses={204: None, **ADMIN_ONLY, **error_responses(404, 409)},
        description="Only a cancelled order (409 `invalid_transition`), and not one whose "
        "invoice was ever paid or credited (409 `invoice_kept`).",
    )
    def destroy(self, request, pk=None):
        order_delete(order=self.get_object())
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(
        request=None,
        responses={200: OrderSerializer, **error_responses(401, 404, 409)},
        description="The owner while pending or confirmed; staff also while processing.",
    )
    @action(detail=True, methods=["post"])
    def cancel(self, request, pk=None):
        order = order_cancel(order=self.get_object(), by=request.user)
        return self._render(order)

    @extend_schema(
        request=OrderStatusSerializer,
        responses={200: OrderSerializer, **ADMIN_ONLY, **error_responses(400, 404, 409)},
        description="Forward along the chain (skipping allowed); `cancelled` cancels.",
    )
    @action(detail=True, methods=["patch"], url_path="status")
    def set_status(self, request, pk=None):
        data = validated(OrderStatusSerializer, request.data)
        order = order_set_status(order=self.get_object(), by=request.user, **data)
        return self._render(order)


# --- Shipping methods -----------------------------------------------------------------


@extend_schema_view(
    list=extend_schema(
        responses={200: ShippingMethodSerializer(many=True), **error_responses(400)},
        description="Active shipping methods, with what each would cost for the caller's "
        "cart (`price_for_cart`, null when anonymous). Free from `free_above` on.",
    )
)
class ShippingMethodViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    serializer_class = ShippingMethodSerializer
    permission_classes = [AllowAny]
    queryset = ShippingMethod.objects.active()
    filter_backends = []

    def get_serializer_context(self):
        context = super().get_serializer_context()
        user = self.request.user
        if user.is_authenticated:
            context["cart_goods"] = cart_goods(
                CartLine.objects.filter(cart__user=user).select_related("product")
            )
        return context


# --- Invoices -------------------------------------------------------------------------


@extend_schema_view(
    list=extend_schema(
        responses={200: InvoiceSerializer(many=True), **error_responses(400, 401, 404)},
        description="Own invoices (admins: everyone's, `?user=`).",
    ),
    retrieve=extend_schema(responses={200: InvoiceSerializer, **error_responses(401, 404)}),
)
class InvoiceViewSet(
    OwnReadsMixin,
    AdminActionsMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet,
):
    queryset = Invoice.objects.none()  # the model, for the schema; get_queryset() scopes
    serializer_class = InvoiceSerializer
    filterset_class = filters.InvoiceFilter
    admin_actions = frozenset({"create", "partial_update", "set_status", "destroy"})
    lookup_value_converter = ID
    documents = staticmethod(invoice_documents)
    document = staticmethod(invoice_document)

    def get_queryset(self):
        return Invoice.objects.for_user(self.request.user).select_related("order")

    def _render(self, invoice: Invoice, code=status.HTTP_200_OK) -> Response:
        invoice = Invoice.objects.select_related("order").get(pk=invoice.pk)
        return Response(invoice_document(invoice), status=code)

    @extend_schema(
        request=InvoiceCreateSerializer,
        responses={201: InvoiceSerializer, **ADMIN_ONLY, **error_responses(400, 409)},
        description="Issue an invoice for an order with no live one (409 `invoice_exists`; "
        "a cancelled order: 409 `invalid_transition`). If a processed return credited the "
        "order's last invoice in full, only with `reissue: true` (else 409 "
        "`invoice_credited`).",
    )
    def create(self, request):
        data = validated(InvoiceCreateSerializer, request.data)
        invoice = invoice_issue(
            order=data["order_id"],
            due_date=data.get("due_date"),
            reissue=data["reissue"],
            by=request.user,
        )
        return self._render(invoice, status.HTTP_201_CREATED)

    @extend_schema(
        request=InvoiceUpdateSerializer,
        responses={200: InvoiceSerializer, **ADMIN_ONLY, **error_responses(400, 404)},
        description="An `overdue` invoice whose `due_date` moves to today or later becomes "
        "`pending` again.",
    )
    def partial_update(self, request, pk=None):
        data = validated(InvoiceUpdateSerializer, request.data)
        return self._render(invoice_update(invoice=self.get_object(), by=request.user, **data))

    @extend_schema(
        request=InvoiceStatusSerializer,
        responses={200: InvoiceSerializer, **ADMIN_ONLY, **error_responses(400, 404, 409)},
        description="pending→paid, overdue→paid, pending→overdue, pending→cancelled, "
        "overdue→cancelled, overdue→pending (only with a due date of today or later), "
        "paid→refunded; others 409 `invalid_transition`.",
    )
    @action(detail=True, methods=["patch"], url_path="status")
    def set_status(self, request, pk=None):
        data = validated(InvoiceStatusSerializer, request.data)
        return self._render(invoice_set_status(invoice=self.get_object(), by=request.user, **data))

    @extend_schema(
        responses={204: None, **ADMIN_ONLY, **error_responses(404, 409)},
        description="Only a cancelled invoice (409 `invalid_transition`), and not one "
        "carrying a return's credit (409 `invoice_kept`).",
    )
    def destroy(self, request, pk=None):
        invoice_delete(invoice=self.get_object())
        return Response(status=status.HTTP_204_NO_CONTENT)
