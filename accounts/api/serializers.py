"""Input and output schemas of the auth and users API (API.md, Auth and Users).

Serializers validate the shape of the input; every write is a call to
accounts.services made by the view. None of them has a create() or update().
"""

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework import serializers
from rest_framework_simplejwt.exceptions import TokenError
from rest_framework_simplejwt.tokens import RefreshToken

from accounts.models import Role, User

USERNAME_MIN, USERNAME_MAX = 3, 50
PASSWORD_MAX = 128  # what a person types; keeps hashing cost bounded on hostile input


class UserSerializer(serializers.ModelSerializer):
    """The user object of API.md: the only shape a user is ever rendered in."""

    roles = serializers.ListField(
        child=serializers.ChoiceField(choices=Role.choices), read_only=True
    )

    class Meta:
        model = User
        fields = [
            "id",
            "username",
            "email",
            "first_name",
            "last_name",
            "phone",
            "roles",
            "date_joined",
        ]
        read_only_fields = fields


def _username_field(**kwargs) -> serializers.RegexField:
    # Django's own username characters (letters, digits and @.+-_), 3–50 long. Unique in
    # any case: the service checks that (and the database holds it), not the serializer.
    return serializers.RegexField(
        r"^[\w.@+-]+\Z",
        min_length=USERNAME_MIN,
        max_length=USERNAME_MAX,
        error_messages={"invalid": "Letters, digits and @/./+/-/_ only."},
        **kwargs,
    )


def _email_field(**kwargs) -> serializers.EmailField:
    return serializers.EmailField(max_length=254, **kwargs)  # unique: the service's check


class ProfileFieldsMixin(serializers.Serializer):
    first_name = serializers.CharField(max_length=150, required=False, allow_blank=True)
    last_name = serializers.CharField(max_length=150, required=False, allow_blank=True)
    phone = serializers.CharField(max_length=30, required=False, allow_blank=True)


class RegisterSerializer(ProfileFieldsMixin):
    """A1. Only these fields are read: roles, is_staff and the like are ignored."""

    username = _username_field()
    email = _email_field()
    password = serializers.CharField(
        write_only=True,
        max_length=PASSWORD_MAX,
        trim_whitespace=False,
        style={"input_type": "password"},
    )

    def validate(self, attrs):
        # Django's validators, including "too similar to the username/email".
        candidate = User(
            username=attrs["username"],
            email=attrs["email"],
            first_name=attrs.get("first_name", ""),
            last_name=attrs.get("last_name", ""),
        )
        try:
            validate_password(attrs["password"], user=candidate)
        except DjangoValidationError as exc:
            raise serializers.ValidationError({"password": list(exc.messages)}) from exc
        return attrs


class UserUpdateSerializer(ProfileFieldsMixin):
    """U3: `username, email, first_name, last_name, phone`; nothing else is writable."""

    username = _username_field()
    email = _email_field()


class LoginSerializer(serializers.Serializer):
    """A2. `username` also accepts the email address."""

    username = serializers.CharField(max_length=254)
    password = serializers.CharField(
        write_only=True,
        max_length=PASSWORD_MAX,
        trim_whitespace=False,
        style={"input_type": "password"},
    )


class TokenPairSerializer(serializers.Serializer):
    access = serializers.CharField()
    refresh = serializers.CharField()


class LoginResponseSerializer(TokenPairSerializer):
    user = UserSerializer()


class RefreshInputSerializer(serializers.Serializer):
    refresh = serializers.CharField()


class LogoutSerializer(serializers.Serializer):
    """A4. The refresh token must be a valid one of the caller's own."""

    refresh = serializers.CharField()

    def validate_refresh(self, value: str) -> RefreshToken:
        try:
            token = RefreshToken(value)
        except TokenError as exc:
            raise serializers.ValidationError(
                "The token is invalid, expired or already logged out."
            ) from exc
        user = self.context["request"].user
        if str(token.payload.get("user_id")) != str(user.pk):
            raise serializers.ValidationError(
                "The token is invalid, expired or already logged out."
            )
        return token


class PasswordChangeSerializer(serializers.Serializer):
    """U5. `current_password` is required when users change their own password; an admin
    setting another user's sends only `new_password`. The view says which (`needs_current`)."""

    current_password = serializers.CharField(
        required=False,
        max_length=PASSWORD_MAX,
        trim_whitespace=False,
        style={"input_type": "password"},
    )
    new_password = serializers.CharField(
        max_length=PASSWORD_MAX, trim_whitespace=False, style={"input_type": "password"}
    )

    def validate(self, attrs):
        if self.context.get("needs_current") and not attrs.get("current_password"):
            raise serializers.ValidationError({"current_password": ["This field is required."]})
        try:
            validate_password(attrs["new_password"], user=self.context.get("user"))
        except DjangoValidationError as exc:
            raise serializers.ValidationError({"new_password": list(exc.messages)}) from exc
        return attrs


class PasswordResetSerializer(serializers.Serializer):
    """A6."""

    email = serializers.EmailField(max_length=254)


class PasswordResetConfirmSerializer(serializers.Serializer):
    """A7: the uid and token of the reset email, and the new password (the validators
    run in the service, which knows the user)."""

    uid = serializers.CharField(max_length=64)
    token = serializers.CharField(max_length=128)
    new_password = serializers.CharField(
        max_length=PASSWORD_MAX, trim_whitespace=False, style={"input_type": "password"}
    )


class DetailSerializer(serializers.Serializer):
    detail = serializers.CharField()


class RolesSerializer(serializers.Serializer):
    """U6–U8 response."""

    user_id = serializers.IntegerField(source="pk")
    username = serializers.CharField()
    roles = serializers.ListField(child=serializers.ChoiceField(choices=Role.choices))


class RoleInputSerializer(serializers.Serializer):
    role = serializers.ChoiceField(choices=Role.choices)
