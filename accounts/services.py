"""Every write to users and roles. Each function is one transaction."""

from django.contrib.auth.password_validation import validate_password
from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.encoding import force_str
from django.utils.http import urlsafe_base64_decode

from accounts import emails
from accounts.exceptions import (
    InvalidResetToken,
    LastAdmin,
    LastRole,
    RoleAlreadyAssigned,
    RoleNotHeld,
)
from accounts.lock_objects import active_admins_lock, user_lock
from accounts.models import Role, User
from petshop.core.exceptions import InvalidInput
from petshop.core.uniqueness import clashes_in_any_case

PROFILE_FIELDS = ("username", "email", "first_name", "last_name", "phone")


def _apply_roles(user: User, roles: set[str]) -> None:
    user.is_customer = Role.CUSTOMER in roles
    # Holding `admin` is what gives access to the Django admin, with every permission.
    user.is_staff = user.is_superuser = Role.ADMIN in roles


@transaction.atomic
def user_register(
    *,
    username: str,
    email: str,
    password: str,
    first_name: str = "",
    last_name: str = "",
    phone: str = "",
) -> User:
    """A new user is always a customer, whatever the request asked for. A duplicate
    username or email (any case) or a weak password → InvalidInput on that field."""
    _check_unique(username=username, email=email)
    user = User(
        username=username,
        email=email,
        first_name=first_name,
        last_name=last_name,
        phone=phone,
        is_customer=True,
    )
    _validate_password(password, user=user)
    user.set_password(password)
    try:
        with transaction.atomic():
            user.save()
    except IntegrityError:
        # Two registrations of one name at once both passed the check above; the unique
        # indexes let one through, and the other gets the same answer as if it had come later.
        _check_unique(username=username, email=email)
        raise
    emails.send_welcome(user)
    return user


def _check_unique(*, username: str | None, email: str | None, exclude: User | None = None) -> None:
    """Username and email are unique in any case (petshop.core.uniqueness; the database
    holds it): a clash is an InvalidInput on its field, so every face answers 400 there."""
    candidate = User(pk=exclude.pk if exclude is not None else None)
    given = {"username": username, "email": email}
    for name, value in given.items():
        setattr(candidate, name, value)
    fields = [name for name, value in given.items() if value is not None]
    for field, messages in clashes_in_any_case(candidate, fields).items():
        raise InvalidInput(messages[0], field=field)


def _validate_password(password: str, *, user: User, field: str = "password") -> None:
    try:
        validate_password(password, user=user)
    except ValidationError as exc:
        raise InvalidInput(" ".join(exc.messages), field=field, messages=exc.messages) from None


@transaction.atomic
def user_update(*, user: User, **fields) -> User:
    """Change profile fields. Saves only those (update_fields): a concurrent change of
    the same user's roles, password or activity is never written back from this copy."""
    changed = [name for name in PROFILE_FIELDS if name in fields]
    _check_unique(username=fields.get("username"), email=fields.get("email"), exclude=user)
    for name in changed:
        setattr(user, name, fields[name])
    if not changed:
        return user
    try:
        with transaction.atomic():
            user.save(update_fields=changed)
    except IntegrityError:
        # Taken by a concurrent request since the check: the same answer as if later.
        _check_unique(username=fields.get("username"), email=fields.get("email"), exclude=user)
        raise
    return user


@transaction.atomic
def user_deactivate(*, user: User) -> User:
    """The account can no longer log in or use its tokens; its history stays."""
    _guard_last_admin(user, active_admins_lock())
    user.is_active = False
    user.save(update_fields=["is_active"])
    _blacklist_tokens(user)
    return user


def _blacklist_tokens(user: User) -> None:
    from rest_framework_simplejwt.token_blacklist.models import BlacklistedToken, OutstandingToken

    outstanding = OutstandingToken.objects.filter(user=user).exclude(blacklistedtoken__isnull=False)
    BlacklistedToken.objects.bulk_create(
        [BlacklistedToken(token=token) for token in outstanding], ignore_conflicts=True
    )


@transaction.atomic
def user_set_password(
    *,
    user: User,
    new_password: str,
    current_password: str | None = None,
    check_current: bool = True,
) -> User:
    if check_current and not user.check_password(current_password or ""):
        raise InvalidInput("The current password is wrong.", field="current_password")
    _validate_password(new_password, user=user, field="new_password")
    user.set_password(new_password)
    user.save(update_fields=["password"])
    emails.send_password_changed(user)
    return user


@transaction.atomic
def user_password_reset_request(*, email: str) -> None:
    """Email a one-use reset link to the active account with this address, if there is
    one. The caller answers the same either way (no account enumeration)."""
    user = (
        User.objects.filter(email__iexact=email.strip(), is_active=True).exclude(email="").first()
    )
    if user is not None and user.has_usable_password():
        emails.send_password_reset(user)


def _user_from_uid(uid: str) -> User | None:
    try:
        pk = int(force_str(urlsafe_base64_decode(uid)))
    except (TypeError, ValueError, OverflowError, UnicodeDecodeError):
        return None
    if not 0 < pk < 2**63:  # beyond the id column: no such user (and no database error)
        return None
    return User.objects.filter(pk=pk, is_active=True).first()


@transaction.atomic
def user_password_reset_confirm(*, uid: str, token: str, new_password: str) -> User:
    """Set a new password with the uid and token of a reset email. A wrong, used or
    expired token → InvalidResetToken; a weak password → InvalidInput on new_password.
    Afterwards every refresh token is blacklisted, every session is logged out (the
    session auth hash follows the password) and the token is spent (it is derived from
    the password hash)."""
    user = _user_from_uid(uid)
    if user is None or not default_token_generator.check_token(user, token):
        raise InvalidResetToken()
    # Locked and checked again: two requests with one token at once, one wins.
    user = User.objects.select_for_update().get(pk=user.pk)
    if not default_token_generator.check_token(user, token):
        raise InvalidResetToken()
    _validate_password(new_password, user=user, field="new_password")
    user.set_password(new_password)
    user.save(update_fields=["password"])
    _blacklist_tokens(user)
    emails.send_password_changed(user)
    return user


def _guard_last_admin(user: User, admins: list[int]) -> None:
    """Refuse to leave the shop without an active admin."""
    if user.is_shop_admin and admins == [user.pk]:
        raise LastAdmin()


@transaction.atomic
def user_role_add(*, user: User, role: str) -> User:
    if role not in Role.values:
        raise InvalidInput(f"Unknown role {role!r}.", field="role")
    user = user_lock(pk=user.pk)
    held = set(user.roles)
    if role in held:
        raise RoleAlreadyAssigned()
    _apply_roles(user, held | {role})
    user.save(update_fields=["is_customer", "is_staff", "is_superuser"])
    return user


@transaction.atomic
def user_role_remove(*, user: User, role: str) -> User:
    if role not in Role.values:
        raise RoleNotHeld(f"Unknown role {role!r}.")
    admins = active_admins_lock() if role == Role.ADMIN else []
    user = user_lock(pk=user.pk)
    held = set(user.roles)
    if role not in held:
        raise RoleNotHeld()
    if held == {role}:
        raise LastRole()
    if role == Role.ADMIN:
        _guard_last_admin(user, admins)
    _apply_roles(user, held - {role})
    user.save(update_fields=["is_customer", "is_staff", "is_superuser"])
    return user


@transaction.atomic
def user_set_roles(*, user: User, roles: set[str]) -> User:
    """Set the whole set of roles at once (the Django admin's user form)."""
    unknown = set(roles) - set(Role.values)
    if unknown:
        raise InvalidInput(f"Unknown roles: {', '.join(sorted(unknown))}.", field="roles")
    if not roles:
        raise LastRole()
    admins = active_admins_lock() if Role.ADMIN not in roles else []
    user = user_lock(pk=user.pk)
    if Role.ADMIN not in roles:
        _guard_last_admin(user, admins)
    _apply_roles(user, set(roles))
    user.save(update_fields=["is_customer", "is_staff", "is_superuser"])
    return user
