"""Catalog API (API.md C1–C11). Reads are public and cached; writes are admin-only,
each one catalog.services call (which also invalidates the cache on commit)."""

from django.shortcuts import get_object_or_404
from django_filters.utils import translate_validation
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, status
from rest_framework.decorators import action
from rest_framework.parsers import MultiPartParser
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.viewsets import GenericViewSet

from catalog import photos, services
from catalog.api import read_cache
from catalog.api.filters import ProductFilter
from catalog.api.read_cache import READ_ACTIONS
from catalog.api.representations import product_document, product_documents
from catalog.api.serializers import (
    AdminProductSerializer,
    CategorySerializer,
    FacetsSerializer,
    PetTypeSerializer,
    ProductImageCreateSerializer,
    ProductImageSerializer,
    ProductImageUpdateSerializer,
    ProductSerializer,
    ProductWriteSerializer,
    SuggestionSerializer,
)
from catalog.cache import cached
from catalog.facets import product_facets
from catalog.models import Category, PetType, Product, ProductImage
from catalog.search import suggest
from petshop.core.api.converters import ID
from petshop.core.api.permissions import IsShopAdmin
from petshop.core.api.schema import error_responses
from petshop.core.roles import is_shop_admin


def _is_admin(request) -> bool:
    return is_shop_admin(request.user)


class CatalogViewSet(GenericViewSet):
    # Public reads, admin writes. (A comment, not a docstring: drf-spectacular would
    # make a docstring every operation's description.) Reads are cached by the layer of
    # catalog/api/read_cache.py, which wraps the view function.

    cache_namespace = ""
    # The reads whose bodies show products' stock figures (kept current over the cache).
    stock_actions: tuple[str, ...] = ()
    lookup_value_converter = ID  # /products/abc/ and 30-digit ids are no URL: a 404

    @classmethod
    def as_view(cls, actions=None, **initkwargs):
        view = super().as_view(actions, **initkwargs)
        return read_cache.serve_cached_reads(view, cls.cache_namespace)

    def get_permissions(self):
        if self.action in READ_ACTIONS:
            return [AllowAny()]
        return [IsShopAdmin()]

    def cached_response(self, request, kind: str, compute):
        """A read's response. A JSON read by anyone but an admin comes from the read cache
        (catalog/api/read_cache.py: rendered bytes, versioned, stock kept current) and
        fills it on a miss; the anonymous fast path serves the same entry. Admin
        responses differ (extra fields, inactive rows) and are never cached; other
        formats (the browsable API) cache the data under both catalog versions."""
        renderer = request.accepted_renderer
        if _is_admin(request):
            return Response(compute())
        if renderer.format != "json":
            parts = read_cache.cache_parts(request, kind)
            return Response(cached(f"api:{self.cache_namespace}", parts, compute))
        media_type = request.accepted_media_type  # `; indent=4` changes the bytes
        charset = f"; charset={renderer.charset}" if renderer.charset else ""  # as DRF's Response
        # The headers DRF adds in finalize_response, so the fast path can send them too.
        headers = {"Content-Type": renderer.media_type + charset, **self.default_response_headers}
        context = self.get_renderer_context()
        read = read_cache.current_read(
            read_cache.read_key(self.cache_namespace, request, f"{kind}:{media_type}"),
            lambda: read_cache.build_read(
                compute(),
                lambda data: renderer.render(data, media_type, context),
                headers,
                stock=kind in self.stock_actions,
            ),
        )
        return read.response()

    def finalize_response(self, request, response, *args, **kwargs):
        """Every 200 read carries an ETag (the cached ones bring theirs): of the bytes and
        of who they were made for, so an admin never revalidates an anonymous body."""
        response = super().finalize_response(request, response, *args, **kwargs)
        if self.action in READ_ACTIONS and response.status_code == 200 and "ETag" not in response:
            response.render()
            audience = read_cache.ADMIN if _is_admin(request) else read_cache.PUBLIC
            response["ETag"] = read_cache.etag_of(response.content, audience)
        return response


class CachedListMixin:
    def list(self, request, *args, **kwargs):
        compute = lambda: mixins.ListModelMixin.list(self, request, *args, **kwargs).data  # noqa: E731
        return self.cached_response(request, "list", compute)


class CachedRetrieveMixin:
    def retrieve(self, request, *args, **kwargs):
        compute = lambda: mixins.RetrieveModelMixin.retrieve(self, request, *args, **kwargs).data  # noqa: E731
        return self.cached_response(request, "retrieve", compute)


PRODUCT_READ_DESCRIPTION = (
    "Admins also see `internal_cost, supplier_info, margin, low_stock, created_by` "
    "(schema AdminProduct)."
)


@extend_schema_view(
    list=extend_schema(
        description="Active products (admins: `?is_active=`). " + PRODUCT_READ_DESCRIPTION,
        responses={200: ProductSerializer(many=True), **error_responses(400, 401, 404)},
    ),
    retrieve=extend_schema(
        description="An inactive product is a 404 except to admins. " + PRODUCT_READ_DESCRIPTION,
        responses={200: ProductSerializer, **error_responses(401, 404)},
    ),
    create=extend_schema(
        request=ProductWriteSerializer,
        responses={201: AdminProductSerializer, **error_responses(400, 401, 403)},
    ),
    update=extend_schema(
        request=ProductWriteSerializer,
        responses={200: AdminProductSerializer, **error_responses(400, 401, 403, 404)},
    ),
    partial_update=extend_schema(
        request=ProductWriteSerializer,
        responses={200: AdminProductSerializer, **error_responses(400, 401, 403, 404)},
    ),
    destroy=extend_schema(
        description="Deletes the product, or deactivates it when it appears in an order.",
        responses={204: None, **error_responses(401, 403, 404)},
    ),
)
class ProductViewSet(CachedListMixin, CachedRetrieveMixin, CatalogViewSet):
    """Products: anyone reads active ones; admins read all and write."""

    cache_namespace = "products"
    stock_actions = ("list", "retrieve")
    filterset_class = ProductFilter
    queryset = Product.objects.with_related().with_images()

    def get_queryset(self):
        queryset = super().get_queryset()
        # Admins see inactive products too (on the list, ProductFilter's `is_active`
        # then chooses, active by default); everyone else never does.
        return queryset if _is_admin(self.request) else queryset.active()

    def filter_queryset(self, queryset):
        # The list's parameters (ProductFilter: active only by default) must not hide an
        # inactive product from an admin's detail, update or delete.
        return super().filter_queryset(queryset) if self.action == "list" else queryset

    def get_serializer_class(self):
        if self.action in READ_ACTIONS and not _is_admin(self.request):
            return ProductSerializer
        return AdminProductSerializer

    # Everyone but admins reads plain dicts (catalog.api.representations): what
    # ProductSerializer renders, byte for byte, without its per-field cost.
    def list(self, request, *args, **kwargs):
        if _is_admin(request):
            return super().list(request, *args, **kwargs)

        def compute():
            page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
            return self.get_paginated_response(product_documents(page, request=request)).data

        return self.cached_response(request, "list", compute)

    def retrieve(self, request, *args, **kwargs):
        if _is_admin(request):
            return super().retrieve(request, *args, **kwargs)
        compute = lambda: product_document(self.get_object(), request=request)  # noqa: E731
        return self.cached_response(request, "retrieve", compute)

    def create(self, request, *args, **kwargs):
        serializer = ProductWriteSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        product = services.product_create(created_by=request.user, **serializer.validated_data)
        return Response(
            AdminProductSerializer(product, context=self.get_serializer_context()).data,
            status=status.HTTP_201_CREATED,
        )

    def update(self, request, *args, partial=False, **kwargs):
        product = self.get_object()
        serializer = ProductWriteSerializer(product, data=request.data, partial=partial)
        serializer.is_valid(raise_exception=True)
        product = services.product_update(
            product=product, by=request.user, **serializer.validated_data
        )
        return Response(AdminProductSerializer(product, context=self.get_serializer_context()).data)

    def partial_update(self, request, *args, **kwargs):
        return self.update(request, *args, partial=True, **kwargs)

    def destroy(self, request, *args, **kwargs):
        services.product_delete(product=self.get_object())
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(
        description=(
            "Counts per pet type, category, brand, price band and stock for C1's filters; "
            "each facet counts with every filter except its own. Zero counts are left out. "
            "A price band `{min, max}` holds min ≤ price < max (`max` null: no bound); "
            "`?min_price=min&max_price=max-0.01` lists it."
        ),
        filters=True,
        responses={200: FacetsSerializer, **error_responses(400, 401)},
    )
    @action(detail=False, methods=["get"], pagination_class=None)
    def facets(self, request):
        filterset = self.filterset_class(
            request.query_params, queryset=self.get_queryset(), request=request
        )
        if not filterset.is_valid():
            raise translate_validation(filterset.errors)  # the list's 400, the same body
        return self.cached_response(request, "facets", lambda: product_facets(filterset=filterset))

    @extend_schema(
        description=(
            "Up to 8 active products for a search box as the shopper types: names "
            "starting with `q` first, then word prefixes and close spellings (PostgreSQL). "
            "Fewer than 2 characters → `[]`."
        ),
        parameters=[
            OpenApiParameter("q", str, required=False, description="What the shopper typed.")
        ],
        responses={200: SuggestionSerializer(many=True), **error_responses(401)},
    )
    @action(detail=False, methods=["get"], pagination_class=None, filter_backends=[])
    def suggest(self, request):
        term = request.query_params.get("q", "")
        return self.cached_response(request, "suggest", lambda: suggest(term))


@extend_schema_view(
    list=extend_schema(responses={200: CategorySerializer(many=True), **error_responses(401, 404)}),
    retrieve=extend_schema(responses={200: CategorySerializer, **error_responses(401, 404)}),
    create=extend_schema(responses={201: CategorySerializer, **error_responses(400, 401, 403)}),
    partial_update=extend_schema(
        responses={200: CategorySerializer, **error_responses(400, 401, 403, 404)}
    ),
    destroy=extend_schema(responses={204: None, **error_responses(401, 403, 404, 409)}),
)
class CategoryViewSet(CachedListMixin, CachedRetrieveMixin, CatalogViewSet):
    """Categories: anyone reads; admins write."""

    cache_namespace = "categories"
    queryset = Category.objects.order_by("name", "id")
    serializer_class = CategorySerializer
    # API.md C9 updates with PATCH only.
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        category = services.category_create(**serializer.validated_data)
        return Response(CategorySerializer(category).data, status=status.HTTP_201_CREATED)

    def partial_update(self, request, *args, **kwargs):
        category = self.get_object()
        serializer = self.get_serializer(category, data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        category = services.category_update(category=category, **serializer.validated_data)
        return Response(CategorySerializer(category).data)

    def destroy(self, request, *args, **kwargs):
        """Still used by a product → 409 category_in_use."""
        services.category_delete(category=self.get_object())
        return Response(status=status.HTTP_204_NO_CONTENT)


# 404 on lists: a page past the end (`?page=0`, `?page=999`).
@extend_schema_view(
    list=extend_schema(responses={200: PetTypeSerializer(many=True), **error_responses(401, 404)})
)
class PetTypeViewSet(CachedListMixin, CatalogViewSet):
    """C11, read-only: pet types are managed in the Django admin."""

    cache_namespace = "pet_types"
    queryset = PetType.objects.order_by("name", "id")
    serializer_class = PetTypeSerializer
    http_method_names = ["get", "head", "options"]


@extend_schema_view(
    create=extend_schema(
        request={"multipart/form-data": ProductImageCreateSerializer},
        description="Not a JPEG, PNG or WebP image (judged by its content), too many bytes "
        "(`IMAGE_MAX_BYTES`) or pixels (`IMAGE_MAX_PIXELS`): 400 on `file`, nothing stored.",
        responses={201: ProductImageSerializer, **error_responses(400, 401, 403, 404)},
    ),
    partial_update=extend_schema(
        request=ProductImageUpdateSerializer,
        responses={200: ProductImageSerializer, **error_responses(400, 401, 403, 404)},
    ),
    destroy=extend_schema(
        description="Deletes the photo and its stored files (original and renditions).",
        responses={204: None, **error_responses(401, 403, 404)},
    ),
)
class ProductImageViewSet(GenericViewSet):
    """C12–C14: admins add, relabel, move and remove a product's photos."""

    permission_classes = [IsShopAdmin]
    serializer_class = ProductImageSerializer
    lookup_value_converter = ID
    lookup_url_kwarg = "image_id"  # the path is /products/{id}/images/{image_id}/ (API.md)
    http_method_names = ["post", "patch", "delete", "options"]

    def get_parsers(self):
        # Uploads are multipart (the file as sent); the rest of the API stays JSON.
        # (Parsers are chosen before DRF sets `self.action`: by the method, POST = create.)
        if getattr(self.request, "method", "") == "POST":
            return [MultiPartParser()]
        return super().get_parsers()

    def get_product(self) -> Product:
        return get_object_or_404(Product.objects.all(), pk=self.kwargs["id"])

    def get_queryset(self):
        return ProductImage.objects.filter(product_id=self.kwargs.get("id")).select_related(
            "product"
        )

    def create(self, request, *args, **kwargs):
        product = self.get_product()
        serializer = ProductImageCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        image = photos.product_image_add(
            product=product,
            prepared=data["file"],
            alt=data.get("alt", ""),
            position=data.get("position"),
        )
        return Response(
            ProductImageSerializer(image, context=self.get_serializer_context()).data,
            status=status.HTTP_201_CREATED,
        )

    def partial_update(self, request, *args, **kwargs):
        image = self.get_object()
        serializer = ProductImageUpdateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        image = photos.product_image_update(image=image, **serializer.validated_data)
        return Response(ProductImageSerializer(image, context=self.get_serializer_context()).data)

    def destroy(self, request, *args, **kwargs):
        photos.product_image_delete(image=self.get_object())
        return Response(status=status.HTTP_204_NO_CONTENT)
