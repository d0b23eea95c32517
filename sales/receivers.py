"""Sales listens to the catalog without the catalog knowing sales."""

from django.dispatch import receiver

from catalog.signals import products_withdrawn
from sales.models import CartLine


@receiver(products_withdrawn)
def remove_withdrawn_products_from_carts(sender, product_ids, **kwargs):
    CartLine.objects.filter(product_id__in=product_ids).delete()
