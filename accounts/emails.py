"""The emails about an account. Each is queued in the outbox from the service where its
event happens (accounts.services), so it is written in that service's transaction."""

from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from accounts.models import User
from notifications.rendering import absolute_url
from notifications.services import email_queue


def _greeting_name(user: User) -> str:
    return user.get_short_name() or user.username


def send_welcome(user: User) -> None:
    email_queue(
        to=[user.email],
        subject="Welcome to Pawfect Pet Shop",
        template="welcome",
        context={
            "name": _greeting_name(user),
            "username": user.username,
            "catalog_url": absolute_url(reverse("catalog:product_list")),
            "orders_url": absolute_url(reverse("sales:order_list")),
            "profile_url": absolute_url(reverse("accounts:profile")),
        },
        event="welcome",
        related=user,
    )


def send_password_changed(user: User) -> None:
    email_queue(
        to=[user.email],
        subject="Your Pawfect password was changed",
        template="password_changed",
        context={
            "name": _greeting_name(user),
            "username": user.username,
            "reset_url": absolute_url(reverse("accounts:password_reset")),
        },
        event="password_changed",
        related=user,
    )


def password_reset_link(user: User) -> dict:
    """A one-use link to the storefront's reset page, with its uid and token (for apps:
    A7 takes them). Django's token generator: it expires after PASSWORD_RESET_TIMEOUT and
    stops working once the password (or the last login) changes."""
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    token = default_token_generator.make_token(user)
    path = reverse("accounts:password_reset_confirm", kwargs={"uidb64": uid, "token": token})
    return {"uid": uid, "token": token, "url": absolute_url(path)}


def send_password_reset(user: User) -> None:
    link = password_reset_link(user)
    email_queue(
        to=[user.email],
        subject="Reset your Pawfect password",
        template="password_reset",
        context={
            "name": _greeting_name(user),
            "username": user.username,
            "reset_url": link["url"],
            "uid": link["uid"],
            "token": link["token"],
            "valid_minutes": settings.PASSWORD_RESET_TIMEOUT // 60,
        },
        event="password_reset",
        related=user,
    )
