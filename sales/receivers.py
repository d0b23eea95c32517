"""Sales listens to the catalog and to logins without either knowing sales."""

from django.contrib import messages
from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver

from catalog.signals import products_withdrawn
from sales.models import CartLine
from sales.session_cart import session_cart_merge


@receiver(products_withdrawn)
def remove_deleted_products_from_carts(sender, product_ids, deleted=True, **kwargs):
    # A deactivated product stays in the carts that hold it, marked "no longer available"
    # (CartLine.available) until the customer removes it; a deleted one leaves them (C5).
    if deleted:
        CartLine.objects.filter(product_id__in=product_ids).delete()


@receiver(user_logged_in)
def merge_visitor_cart_at_login(sender, request, user, **kwargs):
    # Session logins only (the storefront); API logins carry no visitor cart.
    if request is not None and hasattr(request, "session"):
        session_cart_merge(request)


@receiver(user_logged_in)
def offer_guest_orders_at_login(sender, request, user, **kwargs):
    """Orders placed without an account under this user's email: email the link that
    proves the address (throttled), and say so. Nothing joins without that proof."""
    if request is None or not hasattr(request, "session"):
        return
    from sales.services import guest_orders_send_claim_link

    count = guest_orders_send_claim_link(user=user)
    if count > 0:
        messages.info(
            request,
            f"We found {count} order{'s' if count != 1 else ''} placed with {user.email} "
            "without an account: we emailed you a link to add them to your account.",
            fail_silently=True,  # a login without the messages middleware (force_login)
        )
