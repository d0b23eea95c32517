"""Auth (A1–A5) and users (U1–U8) of API.md. Thin: a serializer validates, one
accounts.services call writes, a serializer renders."""

from django.contrib.auth import authenticate
from django.contrib.auth.models import update_last_login
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
)
from rest_framework import mixins, status
from rest_framework.decorators import action
from rest_framework.exceptions import AuthenticationFailed, ValidationError
from rest_framework.generics import GenericAPIView
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response
from rest_framework.viewsets import GenericViewSet
from rest_framework_simplejwt.tokens import RefreshToken
from rest_framework_simplejwt.views import TokenRefreshView

from accounts import services
from accounts.api.filters import UserFilter
from accounts.api.serializers import (
    DetailSerializer,
    LoginResponseSerializer,
    LoginSerializer,
    LogoutSerializer,
    PasswordChangeSerializer,
    PasswordResetConfirmSerializer,
    PasswordResetSerializer,
    RefreshInputSerializer,
    RegisterSerializer,
    RoleInputSerializer,
    RolesSerializer,
    TokenPairSerializer,
    UserSerializer,
    UserUpdateSerializer,
)
from accounts.api.throttles import AUTH_THROTTLES, PASSWORD_RESET_THROTTLES
from accounts.exceptions import InvalidResetToken
from accounts.models import Role, User
from petshop.core.api.converters import ID
from petshop.core.api.permissions import IsShopAdmin
from petshop.core.api.schema import ValidationErrorSerializer, error_responses
from petshop.core.exceptions import InvalidInput
from petshop.core.refusals import refusals_as_field_errors

# One message for an unknown username, a wrong password and an inactive account, so the
# answer never reveals which usernames exist.
BAD_CREDENTIALS = "No active account found with the given credentials."


class PublicAuthView(GenericAPIView):
    # Register and login: no authentication is read (a stale Bearer token sent along
    # must not turn a login into a 401), but a failure still answers 401, not 403.
    # (A comment: drf-spectacular would make a docstring every subclass's description.)

    authentication_classes = []
    permission_classes = [AllowAny]
    throttle_classes = AUTH_THROTTLES

    def get_authenticate_header(self, request):
        return 'Bearer realm="api"'


class RegisterView(PublicAuthView):
    """A1: a new account, always a customer (role fields are ignored). Throttled per
    address and per username."""

    serializer_class = RegisterSerializer
    throttle_scope = "register"

    @extend_schema(
        operation_id="auth_register",
        responses={201: UserSerializer, **error_responses(400, 429)},
        auth=[],
    )
    def post(self, request):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        with refusals_as_field_errors():
            user = services.user_register(**serializer.validated_data)
        return Response(UserSerializer(user).data, status=status.HTTP_201_CREATED)


class LoginView(PublicAuthView):
    """A2: `username` may also be the email. Wrong credentials and inactive accounts get
    the same 401. Throttled per address and per username."""

    serializer_class = LoginSerializer
    throttle_scope = "login"

    @extend_schema(
        operation_id="auth_login",
        responses={200: LoginResponseSerializer, **error_responses(400, 401, 429)},
        auth=[],
    )
    def post(self, request):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        # accounts.backends: username or email; None for inactive users too.
        user = authenticate(
            request,
            username=serializer.validated_data["username"],
            password=serializer.validated_data["password"],
        )
        if user is None:
            raise AuthenticationFailed(BAD_CREDENTIALS, code="invalid_credentials")
        refresh = RefreshToken.for_user(user)
        update_last_login(None, user)
        return Response(
            {
                "access": str(refresh.access_token),
                "refresh": str(refresh),
                "user": UserSerializer(user).data,
            }
        )


# The same answer whether or not the address belongs to an account (no enumeration).
RESET_SENT = "If an account uses that address, a password reset link is on its way."


class PasswordResetView(PublicAuthView):
    """A6: emails a reset link (with uid and token for apps) to the active account with
    this address. Throttled per address and per email."""

    serializer_class = PasswordResetSerializer
    throttle_classes = PASSWORD_RESET_THROTTLES
    throttle_scope = "password_reset"

    @extend_schema(
        operation_id="auth_password_reset",
        responses={202: DetailSerializer, **error_responses(400, 429)},
        auth=[],
    )
    def post(self, request):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.user_password_reset_request(email=serializer.validated_data["email"])
        return Response({"detail": RESET_SENT}, status=status.HTTP_202_ACCEPTED)


class PasswordResetConfirmView(PublicAuthView):
    """A7: sets the new password; every refresh token and session of the user is revoked
    and the token is spent."""

    serializer_class = PasswordResetConfirmSerializer
    throttle_classes = []

    @extend_schema(
        operation_id="auth_password_reset_confirm",
        responses={
            204: None,
            400: OpenApiResponse(
                ValidationErrorSerializer,
                description='`{"detail", "code": "invalid_token"}` for a wrong, used or '
                'expired token; `{"new_password": [...]}` for a weak password.',
            ),
        },
        auth=[],
    )
    def post(self, request):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        try:
            services.user_password_reset_confirm(
                uid=data["uid"], token=data["token"], new_password=data["new_password"]
            )
        except InvalidResetToken:
            raise
        except InvalidInput as exc:
            field = exc.extra.get("field", "non_field_errors")
            raise ValidationError({field: exc.extra.get("messages") or [exc.detail]}) from exc
        return Response(status=status.HTTP_204_NO_CONTENT)


@extend_schema_view(
    post=extend_schema(
        operation_id="auth_refresh",
        request=RefreshInputSerializer,
        responses={200: TokenPairSerializer, **error_responses(400, 401)},
        auth=[],
    )
)
class RefreshView(TokenRefreshView):
    """A3: simplejwt's, with rotation and the blacklist (settings.SIMPLE_JWT): a used,
    blacklisted or deactivated user's refresh token is a 401."""


class LogoutView(GenericAPIView):
    serializer_class = LogoutSerializer
    permission_classes = [IsAuthenticated]

    @extend_schema(operation_id="auth_logout", responses={204: None, **error_responses(400, 401)})
    def post(self, request):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        serializer.validated_data["refresh"].blacklist()
        return Response(status=status.HTTP_204_NO_CONTENT)


class MeView(GenericAPIView):
    serializer_class = UserSerializer
    permission_classes = [IsAuthenticated]

    @extend_schema(operation_id="auth_me", responses={200: UserSerializer, **error_responses(401)})
    def get(self, request):
        return Response(UserSerializer(request.user).data)


ROLE_PARAMETER = OpenApiParameter(
    "role", str, OpenApiParameter.PATH, enum=Role.values, description="The role to take away."
)


@extend_schema_view(
    list=extend_schema(
        responses={200: UserSerializer(many=True), **error_responses(400, 401, 403, 404)}
    ),
    retrieve=extend_schema(responses={200: UserSerializer, **error_responses(401, 404)}),
    update=extend_schema(
        request=UserUpdateSerializer,
        responses={200: UserSerializer, **error_responses(400, 401, 404)},
    ),
    partial_update=extend_schema(
        request=UserUpdateSerializer,
        responses={200: UserSerializer, **error_responses(400, 401, 404)},
    ),
    destroy=extend_schema(responses={204: None, **error_responses(401, 404, 409)}),
    password=extend_schema(
        request=PasswordChangeSerializer, responses={204: None, **error_responses(400, 401, 404)}
    ),
    roles=extend_schema(
        request=None, responses={200: RolesSerializer, **error_responses(401, 404)}
    ),
    roles_remove=extend_schema(
        request=None,
        parameters=[ROLE_PARAMETER],
        responses={200: RolesSerializer, **error_responses(401, 403, 404, 409)},
    ),
)
class UserViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, GenericViewSet):
    """Users see only themselves (anyone else's id is a 404); admins see everyone."""

    serializer_class = UserSerializer
    filterset_class = UserFilter
    queryset = User.objects.order_by("id")
    lookup_value_converter = ID  # /users/abc/ and 30-digit ids are no URL: a 404
    admin_actions = {"list", "roles_add", "roles_remove"}

    def get_permissions(self):
        if self.action in self.admin_actions:
            return [IsShopAdmin()]
        return [IsAuthenticated()]

    def get_queryset(self):
        queryset = super().get_queryset()
        user = self.request.user
        if getattr(self, "swagger_fake_view", False) or not user.is_authenticated:
            return queryset.none()
        if user.is_shop_admin:
            return queryset
        return queryset.filter(pk=user.pk)

    def update(self, request, *args, partial=False, **kwargs):
        user = self.get_object()
        serializer = UserUpdateSerializer(user, data=request.data, partial=partial)
        serializer.is_valid(raise_exception=True)
        with refusals_as_field_errors():
            user = services.user_update(user=user, **serializer.validated_data)
        return Response(UserSerializer(user).data)

    def partial_update(self, request, *args, **kwargs):
        return self.update(request, *args, partial=True, **kwargs)

    def destroy(self, request, *args, **kwargs):
        """U4 deactivates: the account keeps its orders, invoices and returns."""
        services.user_deactivate(user=self.get_object())
        return Response(status=status.HTTP_204_NO_CONTENT)

    @action(detail=True, methods=["post"], serializer_class=PasswordChangeSerializer)
    def password(self, request, pk=None):
        user = self.get_object()
        own = user.pk == request.user.pk
        serializer = PasswordChangeSerializer(
            data=request.data, context={"request": request, "user": user, "needs_current": own}
        )
        serializer.is_valid(raise_exception=True)
        with refusals_as_field_errors():  # the wrong current password → 400 on current_password
            services.user_set_password(
                user=user,
                new_password=serializer.validated_data["new_password"],
                current_password=serializer.validated_data.get("current_password"),
                check_current=own,
            )
        return Response(status=status.HTTP_204_NO_CONTENT)

    @action(detail=True, methods=["get"], serializer_class=RolesSerializer)
    def roles(self, request, pk=None):
        return Response(RolesSerializer(self.get_object()).data)

    @extend_schema(
        request=RoleInputSerializer,
        responses={200: RolesSerializer, **error_responses(400, 401, 403, 404, 409)},
    )
    @roles.mapping.post
    def roles_add(self, request, pk=None):
        user = self.get_object()
        serializer = RoleInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        user = services.user_role_add(user=user, role=serializer.validated_data["role"])
        return Response(RolesSerializer(user).data)

    @action(
        detail=True,
        methods=["delete"],
        url_path="roles/<str:role>",
        url_name="role-detail",
        serializer_class=RolesSerializer,
    )
    def roles_remove(self, request, pk=None, role=None):
        """Not held → 404; the last role → 409 last_role; the last active admin → 409 last_admin."""
        user = services.user_role_remove(user=self.get_object(), role=role)
        return Response(RolesSerializer(user).data)
