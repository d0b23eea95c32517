"""Guest orders after checkout: finding one by its private link, and joining a guest's
orders to the account of the person who proves they own the email they ordered with."""

from django.conf import settings
from django.core import signing
from django.db import transaction
from django.urls import reverse

from petshop.core.throttling import rate_limit_hit
from petshop.core.user_cache import invalidate_user
from sales.emails import send_claim_link
from sales.exceptions import InvalidInput
from sales.guest_links import access_token_hash
from sales.models import Order

CLAIM_SALT = "sales.guest-orders.claim"


class InvalidClaimLink(InvalidInput):
    code = "invalid_token"
    default_detail = "This link is not valid any more: ask for a new one from your orders page."


def guest_order_by_token(token: str):
    """The order a private link opens, or None. Only the token's hash is compared, and
    it is unique: a link opens its own order and never another."""
    if not token or len(token) > 100:
        return None
    return Order.objects.filter(access_token_hash=access_token_hash(token)).first()


def claimable_guest_orders(user):
    """Guest orders placed with this user's email (any case), not yet in an account."""
    if not user.email:
        return Order.objects.none()
    return Order.objects.filter(user__isnull=True, guest_email__iexact=user.email)


def claim_token(user) -> str:
    return signing.dumps({"u": user.pk, "e": user.email.lower()}, salt=CLAIM_SALT)


@transaction.atomic
def guest_orders_send_claim_link(*, user) -> int:
    """Email `user` the link that proves their address and claims its guest orders.
    Throttled per account (THROTTLE_GUEST_CLAIM). Returns how many orders wait (0: no
    email sent, or throttled when there are some: then -1)."""
    count = claimable_guest_orders(user).count()
    if not count:
        return 0
    if rate_limit_hit(scope="guest_claim", bucket="user", ident=str(user.pk)):
        return -1
    path = reverse("sales:guest_orders_claim", args=[claim_token(user)])
    send_claim_link(user=user, claim_path=path, count=count)
    return count


@transaction.atomic
def guest_orders_claim(*, user, token: str) -> int:
    """Join the guest orders of the proven email to `user`'s account. The token must
    have been made for this user and their current email, within GUEST_CLAIM_LINK_HOURS.
    Returns how many orders joined (0 when they already had)."""
    try:
        data = signing.loads(token, salt=CLAIM_SALT, max_age=settings.GUEST_CLAIM_LINK_HOURS * 3600)
    except signing.BadSignature:
        raise InvalidClaimLink() from None
    if data.get("u") != user.pk or data.get("e") != (user.email or "").lower():
        raise InvalidClaimLink()
    orders = claimable_guest_orders(user).select_for_update()
    ids = list(orders.values_list("pk", flat=True))
    invalidate_user(user.pk)  # an update() sends no signal (sales.receivers)
    return Order.objects.filter(pk__in=ids, user__isnull=True).update(user=user)
