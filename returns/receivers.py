"""Returns keep the per-user read cache true (petshop.core.user_cache): a return or one
of its lines written or deleted, by any face, moves its customer's version."""

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from petshop.core.user_cache import invalidate_user
from returns.models import Return, ReturnLine
from sales.models import Order
from sales.receivers import order_owner


@receiver([post_save, post_delete], sender=Return)
def return_changed(sender, instance, **kwargs):
    invalidate_user(order_owner(instance))


@receiver([post_save, post_delete], sender=ReturnLine)
def return_line_changed(sender, instance, **kwargs):
    invalidate_user(
        Order.objects.filter(returns__pk=instance.return_request_id).values_list(
            "user_id", flat=True
        )
    )
