"""`manage.py cleanup_checkout_keys`: forget Idempotency-Keys older than
IDEMPOTENCY_KEY_HOURS (they can replay nothing any more), so the table stays small."""

from django.conf import settings
from django.core.management.base import BaseCommand

from sales.services import checkout_keys_cleanup


class Command(BaseCommand):
    help = "Delete checkout Idempotency-Keys older than IDEMPOTENCY_KEY_HOURS, and say how many."

    def handle(self, *args, **options):
        count = checkout_keys_cleanup()
        self.stdout.write(
            f"{count} idempotency key{'' if count == 1 else 's'} older than "
            f"{settings.IDEMPOTENCY_KEY_HOURS} hours deleted."
        )
