"""Sales listens to the catalog and to logins without either knowing sales; and to its
own order rows, to keep the per-user read cache true (petshop.core.user_cache)."""

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_logged_in
from django.db.models.signals import post_delete, post_save, pre_save
from django.dispatch import receiver

from catalog.signals import products_withdrawn
from petshop.core.user_cache import invalidate_people, invalidate_user
from sales.models import CartLine, Invoice, Order, OrderLine, OrderStatusChange
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


# --- The per-user read cache ----------------------------------------------------------
# Signals, not calls in the services: the admin's forms and inlines and cascading deletes
# write these rows without the services. The services' bulk updates, which send no
# signal, call invalidate_user themselves (guest claims, overdue marking, erasure).


@receiver(pre_save, sender=Order)
def order_owner_may_change(sender, instance, update_fields=None, **kwargs):
    # A full save of an existing order (the admin's form) could move it to another
    # customer: the one it leaves must not keep seeing it.
    if instance.pk is not None and (update_fields is None or "user" in update_fields):
        invalidate_user(Order.objects.filter(pk=instance.pk).values_list("user_id", flat=True))


@receiver([post_save, post_delete], sender=Order)
def order_changed(sender, instance, **kwargs):
    invalidate_user(instance.user_id)


@receiver([post_save, post_delete], sender=OrderLine)
@receiver([post_save, post_delete], sender=OrderStatusChange)
@receiver([post_save, post_delete], sender=Invoice)
def order_part_changed(sender, instance, **kwargs):
    invalidate_user(order_owner(instance))


def order_owner(row):
    """Who owns the order of `row` (a line, a history entry, an invoice, a return): from
    the order already loaded with it (the services' case), else one query."""
    if type(row).order.is_cached(row):
        return row.order.user_id
    return Order.objects.filter(pk=row.order_id).values_list("user_id", flat=True)


@receiver([post_save, post_delete], sender=get_user_model())
def person_changed(sender, instance, update_fields=None, **kwargs):
    # Usernames show in orders' history (who moved the order). A login's `last_login`
    # stamp changes nothing shown.
    if update_fields is None or set(update_fields) != {"last_login"}:
        invalidate_people()
