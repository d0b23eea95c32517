"""Sales listens to the catalog and to logins without either knowing sales."""

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
